"""An automated accessibility audit: axe-core (vendored from npm, tests/e2e/vendor)
run in Chromium over the main pages, signed in as the demo users, in both
languages, on a desktop and a phone screen. Any WCAG 2.1 A/AA violation fails.

axe cannot judge everything (meaningful link text, sensible focus order across
a whole task); the journeys in test_journeys.py cover keyboard-free flows, and
what remains is listed in README "Accessibility".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.pages import LoginPage
from tests.e2e.test_journeys import ADMIN, CHAIR, INSPECTOR

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PAGES_BY_USER = {
    INSPECTOR: ["/", "/cases", "/cases?overdue=1", "/cases/{case}", "/calendar", "/profile",
                "/workflows", "/workflows/inspection_violation/2"],
    CHAIR: ["/", "/cases/{case}", "/cases/new?kind=supervision"],
    ADMIN: ["/admin/", "/admin/organisations", "/admin/users", "/admin/calendar",
            "/admin/reminders", "/admin/outbox"],
}


def _violations(page: Any) -> list[dict[str, Any]]:
    page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def _audit(page: Any, live_server: str, paths: list[str], case: int) -> dict[str, Any]:
    found = {}
    for path in paths:
        target = path.format(case=case)
        response = page.goto(live_server + target)
        if response is None or response.status >= 400:
            found[target] = f"HTTP {response.status if response else '?'}"
            continue
        problems = _violations(page)
        if problems:
            found[target] = problems
    return found


@pytest.fixture()
def audited(browser: Any, live_server: str) -> Any:
    contexts = []

    def open_as(email: str, *, phone: bool = False) -> Any:
        options: dict[str, Any] = {"base_url": live_server, "bypass_csp": True}
        options |= ({"viewport": {"width": 390, "height": 844}, "is_mobile": True}
                    if phone else {"viewport": {"width": 1280, "height": 900}})
        context = browser.new_context(**options)
        contexts.append(context)
        tab = context.new_page()
        LoginPage(tab).open().sign_in(email)
        return tab

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.parametrize("email", list(PAGES_BY_USER))
def test_main_pages_have_no_wcag_violations(audited, live_server, demo_cases, email):
    page = audited(email)
    found = _audit(page, live_server, PAGES_BY_USER[email], demo_cases["any"])
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_english_and_phone_layouts_have_no_wcag_violations(audited, live_server, demo_cases):
    page = audited(INSPECTOR, phone=True)
    found = _audit(page, live_server, ["/", "/cases", "/cases/{case}"], demo_cases["any"])
    LoginPage(page).switch_language()
    try:
        found |= {f"en {k}": v for k, v in _audit(
            page, live_server, ["/", "/cases", "/cases/{case}", "/calendar"],
            demo_cases["any"]).items()}
    finally:  # the choice is kept on the account: give the other tests their Vietnamese back
        LoginPage(page).switch_language()
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_the_sign_in_page_has_no_wcag_violations(page, live_server):
    page.goto(live_server + "/login")
    assert _violations(page) == []
