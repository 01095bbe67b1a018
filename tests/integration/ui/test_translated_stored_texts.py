"""Texts stored when something happened (a deadline's "how it was computed", a vote's
authority reason, a reminder policy's problems) read in the reader's language.

The stored Vietnamese text stays as it was (the API and older rows read it); the page
renders the same text from its message parts, or takes a vote's reason apart again.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask import session as web_session

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.calendar import feeds
from hgkiemtra.cases import service as cases
from hgkiemtra.cases import votes
from hgkiemtra.core.errors import ValidationFailed
from hgkiemtra.deadlines import explanations
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.reminders import policy
from hgkiemtra.web.i18n import translate, translate_stored
from tests import factories as f
from tests.integration.ui.conftest import text
from tests.integration.ui.test_votes import BEFORE_VOTE, _vote
from workflows import discipline, vote_reasons
from workflows.calendar import WorkingCalendar
from workflows.text import Msg

EXPLAIN_EN = re.compile(r"Start: \d\d/\d\d/\d{4} \(the day of the event itself is not counted")


def _page(ui, path: str, lang: str) -> str:
    ui.post("/language", {"lang": lang, "next": path})
    return html.unescape(text(ui.get(path)))


@pytest.fixture()
def case(w, make_case, session):
    """A case waiting for the subject's written explanation: one open deadline."""
    found = f.advance(w, make_case(), f.FULL_PATH[:3])
    session.commit()
    return found


def _deadline(session, case_id: int) -> Deadline:
    return session.scalars(sa.select(Deadline).where(Deadline.case_id == case_id,
                                                     Deadline.status == "open")).one()


def test_the_deadline_explanation_is_shown_in_english_and_in_vietnamese(ui, w, case, session):
    deadline = _deadline(session, case.id)
    assert deadline.explanation_parts and deadline.explanation.startswith(deadline.label)
    due = deadline.due_on.strftime("%d/%m/%Y")
    ui.sign_in(w.inspector)
    english = _page(ui, f"/cases/{case.id}", "en")
    assert EXPLAIN_EN.search(english) and f"Due: {due}." in english
    assert "Mốc:" not in english and "Thời hạn:" not in english
    vietnamese = _page(ui, f"/cases/{case.id}", "vi")
    assert f"Hạn: {due}." in vietnamese and "Mốc: " in vietnamese and "Start:" not in vietnamese


def test_an_older_deadline_without_parts_keeps_its_stored_text(ui, w, case, session):
    deadline = _deadline(session, case.id)
    deadline.explanation, deadline.explanation_parts = "Hạn cũ: 2020-01-01.", None
    session.commit()
    ui.sign_in(w.inspector)
    assert "Hạn cũ: 2020-01-01." in _page(ui, f"/cases/{case.id}", "en")


def test_parts_that_do_not_spell_the_text_are_ignored(ui_app):
    lines = WorkingCalendar().compute(date(2026, 2, 13), 3, "working_days").explain_lines()
    row = Deadline(label="x")
    explanations.store(row, lines)
    assert row.explanation == "\n".join(lines) and "2026-02-17: ngày lễ" in row.explanation
    with ui_app.test_request_context("/"):
        web_session["lang"] = "en"
        shown = translate_stored(row.explanation, row.explanation_parts)
        assert "day(s) off skipped:" in shown and "17/02/2026: public holiday" in shown
        assert translate_stored("sửa tay", row.explanation_parts) == "sửa tay"


def test_an_appended_line_is_translated_and_a_row_without_parts_stays_text(ui_app):
    row = Deadline(label="x")
    explanations.store(row, explanations.planned("Triển khai", None, False, []))
    explanations.append(row, explanations.extended(date(2026, 2, 26), date(2026, 3, 10),
                                                   "20-QĐ/UBKT", "Nguyễn Văn A"))
    assert row.explanation.endswith(
        "\nGia hạn: 2026-02-26 → 2026-03-10 theo 20-QĐ/UBKT, người phê duyệt: Nguyễn Văn A.")
    with ui_app.test_request_context("/"):
        web_session["lang"] = "en"
        shown = translate_stored(row.explanation, row.explanation_parts)
    assert "Extended: 26/02/2026 → 10/03/2026 by 20-QĐ/UBKT, approved by Nguyễn Văn A." in shown
    old = Deadline(label="x", explanation="Cũ.", explanation_parts=None)
    explanations.append(old, explanations.extended(date(2026, 2, 26), date(2026, 3, 10), "r",
                                                   "a"))
    assert old.explanation_parts is None and old.explanation.startswith("Cũ.\nGia hạn: ")


def test_the_calendar_feed_describes_a_deadline_in_the_readers_language(ui_app, case, session):
    deadline = _deadline(session, case.id)
    with ui_app.test_request_context("/"):
        web_session["lang"] = "en"
        (event,) = feeds.events([(deadline, case)], "/cases/{id}", "h", date(2000, 1, 1),
                                "overdue", translate)
    assert EXPLAIN_EN.search(event.description) and "Mốc" not in event.description
    (plain,) = feeds.events([(deadline, case)], "/cases/{id}", "h", date(2000, 1, 1), "x")
    assert plain.description.startswith(deadline.explanation)  # no translator: as stored


def _reason(level: str, kind: str, subject: str | discipline.Subject, form: str) -> Msg:
    return discipline.can_decide(level, kind, subject, form)[1]


@pytest.mark.parametrize(("level", "kind", "subject", "form"), [
    ("district", "committee", "member", "reprimand"),
    ("cell", "cell", "member", "expulsion"),
    ("grassroots", "committee", "member", "expulsion"),
    ("district", "inspection_committee", "member", "removal"),
    ("district", "committee", discipline.Subject("organisation", level="grassroots"),
     "dissolution"),
])
def test_a_recorded_authority_reason_is_taken_apart_into_the_same_message(ui_app, level, kind,
                                                                         subject, form):
    reason = _reason(level, kind, subject, form)
    parsed = vote_reasons.parse(str.__str__(reason))  # as it comes back from the event's data
    assert isinstance(parsed, Msg) and parsed == reason and parsed.template == reason.template
    with ui_app.test_request_context("/"):
        web_session["lang"] = "en"
        assert translate(parsed) == translate(reason) != str(reason)


def test_an_unknown_reason_stays_as_stored(ui_app):
    assert vote_reasons.parse("Lý do khác") == "Lý do khác"
    summary = votes.summarise({"vote_outcome": "decide", "authority_reason": "Lý do khác"})
    assert summary.authority_reason == "Lý do khác"


def test_the_recorded_vote_shows_its_authority_reason_in_english(ui, w, session):
    case = cases.open_case(Actor.for_user(w.inspector), kind="discipline",
                           title="Xem xét kỷ luật", org_id=w.district.id,
                           subject_type="member", subject_id=w.subject.id)
    case = f.advance(w, case, BEFORE_VOTE)
    session.commit()
    ui.sign_in(w.committee_member)
    assert _vote(ui, case, warning=6, reprimand=1, none=2).status_code == 302
    vietnamese = _page(ui, f"/cases/{case.id}", "vi")
    assert "Cấp ủy cấp huyện có thẩm quyền: " in vietnamese
    english = _page(ui, f"/cases/{case.id}", "en")
    assert "Party committee (district level) has authority: " in english
    assert "có thẩm quyền:" not in english


def test_reminder_policy_problems_are_vietnamese_messages_shown_in_english(ui_app, w, session):
    with pytest.raises(ValidationFailed) as caught:
        policy.set_policy(Actor.for_user(w.admin), "leader", offsets_before=[0])
    (reason,) = caught.value.details["reasons"]
    assert reason == "Nhắc trước hạn: mỗi số từ 1 đến 60 ngày làm việc"
    with ui_app.test_request_context("/"):
        web_session["lang"] = "en"
        assert translate(reason) == "Remind before the due date: each number from 1 to 60 " \
                                    "working days"
