"""Page objects: what a person sees and does, so the tests read like the steps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEMO_PASSWORD = "demo-hgkiemtra-2026"


@dataclass
class BasePage:
    page: Any  # playwright.sync_api.Page

    def shoot(self, folder: Path, name: str) -> None:
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    @property
    def heading(self) -> str:
        return str(self.page.locator("main h1").first.inner_text())

    def flash(self) -> str:
        return str(self.page.locator(".flash").first.inner_text())

    def switch_language(self) -> None:
        """The one language button in the header: to English, or back to Vietnamese."""
        self.page.locator("header button[name=lang]").click()
        self.page.wait_for_load_state()

    @property
    def language(self) -> str:
        return str(self.page.locator("html").get_attribute("lang"))


class LoginPage(BasePage):
    def open(self) -> LoginPage:
        """The sign-in page of a fresh browser session (whoever was signed in is forgotten)."""
        self.page.context.clear_cookies()
        self.page.goto("/login")
        return self

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> Dashboard:
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.page.locator("main form button.button--primary").click()
        self.page.wait_for_load_state()
        return Dashboard(self.page)


class Dashboard(BasePage):
    def open_case_list(self) -> CaseList:
        self.page.locator("nav.main-nav a[href='/cases']").click()
        return CaseList(self.page)


class CaseList(BasePage):
    def open(self, **filters: str) -> CaseList:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        self.page.goto(f"/cases?{query}" if query else "/cases")
        return self

    def references(self) -> list[str]:
        return [str(r) for r in self.page.locator("table .ref").all_inner_texts()]

    def search(self, text: str) -> CaseList:
        """Type into the search box and press Enter; htmx swaps the results in place."""
        self.page.fill("#q", text)
        with self.page.expect_response(lambda r: "/cases?" in r.url and "q=" in r.url):
            self.page.press("#q", "Enter")
        self.page.wait_for_load_state("networkidle")
        return self


class CasePage(BasePage):
    def open(self, case_id: int) -> CasePage:
        self.response = self.page.goto(f"/cases/{case_id}")
        return self

    @property
    def status(self) -> int:
        return int(self.response.status)

    @property
    def state_label(self) -> str:
        return str(self.page.locator(".case-head__state .badge").inner_text())

    @property
    def current_step_in_diagram(self) -> str:
        return str(self.page.locator(".wf-state--current").get_attribute("data-state"))

    def show_diagram(self) -> None:
        self.page.locator("#diagram summary").click()

    def next_steps(self) -> list[str]:
        return [str(t) for t in self.page.locator(".card--actions .actions a").all_inner_texts()]

    def start(self, label: str) -> EventForm:
        self.page.locator(".card--actions .actions a", has_text=label).click()
        self.page.wait_for_load_state()
        return EventForm(self.page)


class EventForm(BasePage):
    def confirm(self, note: str = "") -> CasePage:
        if note:
            self.page.fill("#note", note)
        self.page.check("#confirm")
        self.page.locator("form.event-form button.button--primary").click()
        self.page.wait_for_load_state()
        return CasePage(self.page)

    def submit_without_confirming(self) -> EventForm:
        self.page.locator("form.event-form button.button--primary").click()
        self.page.wait_for_load_state()
        return self


class CalendarPage(BasePage):
    def open(self, month: str | None = None) -> CalendarPage:
        self.page.goto(f"/calendar?month={month}" if month else "/calendar")
        return self


class NewCasePage(BasePage):
    def open(self, kind: str) -> NewCasePage:
        self.page.goto(f"/cases/new?kind={kind}")
        return self

    def open_case(self, title: str) -> CasePage:
        """Step 1 in the first organisation offered, then the first subject found."""
        self.page.locator("#org_id").select_option(index=1)
        self.page.locator("main form[method=get] button").click()
        self.page.wait_for_load_state()
        self.page.locator("input[name=subject_id]").first.check()
        self.page.fill("#title", title)
        self.page.locator("main form[method=post] button.button--primary").click()
        self.page.wait_for_load_state()
        return CasePage(self.page)


class VotePage(BasePage):
    """The committee's meeting and votes page (/cases/<id>/vote)."""

    @classmethod
    def from_case(cls, case: CasePage, label: str) -> VotePage:
        case.page.locator(".card--actions .actions a", has_text=label).click()
        case.page.wait_for_load_state()
        return cls(case.page)

    def ballot_forms(self) -> list[str]:
        return [str(t) for t in self.page.locator(".ballot__row:not(.ballot__row--none) "
                                                  "label[for^=f_votes_]").all_inner_texts()]

    def fill(self, *, body_kind: str, members: int, votes: dict[str, int]) -> VotePage:
        self.page.select_option("#f_body_kind", body_kind)
        self.page.fill("#f_members_official", str(members))
        for form, count in votes.items():
            self.page.fill(f"#f_votes_{form}", str(count))
        return self

    def preview(self) -> VotePage:
        self.page.locator("button[value=preview]").click()
        self.page.wait_for_load_state()
        return self

    @property
    def verdict(self) -> str:
        return str(self.page.locator("#vote-outcome .vote-outcome__verdict").inner_text())

    @property
    def explanation(self) -> str:
        return str(self.page.locator("#vote-outcome .vote-steps").inner_text())

    def record(self) -> CasePage:
        self.page.check("#confirm")
        self.page.locator("button[value=record]").click()
        self.page.wait_for_load_state()
        return CasePage(self.page)
