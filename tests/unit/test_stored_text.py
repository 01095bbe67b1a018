"""Stored message parts: JSON in, the same messages out, only when they spell the text."""

from __future__ import annotations

import json
from datetime import date

import pytest

from workflows import stored_text
from workflows.calendar import WorkingCalendar
from workflows.text import Msg, msg


def test_messages_survive_json_with_nested_messages_dates_lists_and_numbers():
    line = msg("Tạm dừng {since}: {days} {unit}; {why}", since=date(2026, 2, 10), days=6,
               unit="ngày làm việc", why=msg("ngày lễ: {holiday}", holiday="Tết"))
    listed = msg("Cần vai trò: {roles}", roles=["Chủ nhiệm UBKT", "Ủy viên UBKT"])
    parts = json.loads(json.dumps(stored_text.dump_all([line, listed, "chữ thường"])))
    back = stored_text.load(parts, "\n".join([line, listed, "chữ thường"]))
    assert back is not None and back == [line, listed, "chữ thường"]
    assert back[0].template == line.template and back[0].params["since"] == date(2026, 2, 10)
    assert back[0].params["why"].template == "ngày lễ: {holiday}"


def test_a_whole_explanation_comes_back_line_by_line():
    lines = WorkingCalendar().compute(date(2026, 2, 13), 3, "working_days").explain_lines()
    text = "\n".join(lines)
    assert text == WorkingCalendar().compute(date(2026, 2, 13), 3, "working_days").explain()
    assert stored_text.load(stored_text.dump_all(lines), text) == lines


@pytest.mark.parametrize("parts", [None, [], "x", [{"p": {}}], [{"t": 1}],
                                   [{"t": "{a}", "p": {"a": {"d": "not a date"}}}],
                                   [{"t": "{a}", "p": {}}], [{"t": "{a}", "p": {"a": 1.5}}]])
def test_bad_parts_give_nothing(parts):
    assert stored_text.load(parts, "x") is None
    assert stored_text.load_one(parts, "x") == "x"


def test_parts_that_do_not_spell_the_text_give_nothing():
    parts = stored_text.dump_all([msg("Hạn: {due}.", due=date(2026, 1, 5))])
    assert stored_text.load(parts, "Hạn: 2026-01-05.") is not None
    assert stored_text.load(parts, "Hạn: 2026-01-06.") is None  # edited by hand since
    one = stored_text.load_one(parts, "Hạn: 2026-01-05.")
    assert isinstance(one, Msg) and one.template == "Hạn: {due}."


def test_a_refusal_quoting_a_recorded_authority_reason_is_a_translatable_message() -> None:
    """The reason comes back from the case's data as plain text; the guard that
    quotes it hands out the message can_decide wrote, so the page translates it."""
    from workflows import proceedings
    from workflows.engine import GuardContext

    stored = str.__str__(msg("Hình thức '{form}' đối với {category} vượt thẩm quyền của {body} "
                             "— {propose}", form="Khai trừ", category="đảng viên",
                             body="Chi bộ", propose=msg("đề nghị {target} xem xét, quyết định",
                                                       target="Đảng ủy cơ sở")))
    ctx = GuardContext(state="voted", subject_type="member", note="", today=date(2026, 11, 28),
                       case_data={"vote_outcome": "propose", "adopted_form": "expulsion",
                                  "members_total": 9, "vote_running_totals": [["expulsion", 9]],
                                  "within_authority": False, "authority_reason": stored,
                                  "limitation_expired": False},
                       event_data={})
    allowed, reason = proceedings.adopted_within_authority(ctx)
    assert not allowed
    assert isinstance(reason, Msg) and reason == stored
    assert reason.template.startswith("Hình thức '{form}'")
