"""Translatable workflow messages (workflows.text.Msg): the Vietnamese text stays a plain
string to the API and the tests, while the template and parameters travel with it."""

from __future__ import annotations

import copy
import json
import pickle
import re
import string
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from workflows import discipline, registry
from workflows.calendar import WorkingCalendar
from workflows.engine import FieldSpec, GuardContext, Role
from workflows.guards import outcome_in
from workflows.text import Msg, msg

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "hgkiemtra" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PERCENT_FIELD = re.compile(r"%\((\w+)\)[sd]")


def _ctx(**kw: object) -> GuardContext:
    base: dict[str, object] = {"state": "x", "subject_type": "member", "case_data": {},
                               "event_data": {}, "note": "", "today": date(2026, 3, 2)}
    return GuardContext(**{**base, **kw})  # type: ignore[arg-type]


def test_a_message_is_its_vietnamese_text_and_keeps_template_and_params():
    reason = msg("Quyết định còn hiệu lực đến {day} ({n} lần)", day=date(2027, 3, 5), n=2)
    assert reason == "Quyết định còn hiệu lực đến 2027-03-05 (2 lần)"
    assert isinstance(reason, str) and isinstance(reason, Msg)
    assert reason.template == "Quyết định còn hiệu lực đến {day} ({n} lần)"
    assert reason.params == {"day": date(2027, 3, 5), "n": 2}
    assert {reason: 1}["Quyết định còn hiệu lực đến 2027-03-05 (2 lần)"] == 1  # same hash


def test_lists_are_joined_and_messages_nest():
    inner = msg("{body} {level}", body="Cấp ủy", level="cấp huyện")
    outer = msg("Cần vai trò: {roles} — {who}", roles=["Chủ nhiệm UBKT", "Ủy viên UBKT"],
                who=inner)
    assert outer == "Cần vai trò: Chủ nhiệm UBKT; Ủy viên UBKT — Cấp ủy cấp huyện"
    assert outer.params["who"] is inner and inner.template == "{body} {level}"
    assert msg("Không có tham số") == "Không có tham số"


def test_it_survives_json_pickle_and_copies():
    reason = msg("Thiếu {items} ({day})", items=("a", msg("b {n}", n=1)), day=date(2026, 1, 2))
    assert json.dumps({"reasons": [reason]}, ensure_ascii=False) == (
        '{"reasons": ["Thiếu a; b 1 (2026-01-02)"]}')
    for again in (pickle.loads(pickle.dumps(reason)), copy.deepcopy(reason), copy.copy(reason)):
        assert type(again) is Msg and again == reason
        assert again.template == reason.template and again.params == reason.params
    assert type(copy.deepcopy(reason).params["items"][1]) is Msg


def test_string_operations_give_plain_strings():
    reason = msg("Chưa có ngày {day}", day="x")
    assert type(reason + "!") is str and type(str(reason)) is str
    assert type(reason.upper()) is str and reason.startswith("Chưa có")


def test_a_template_whose_fields_are_not_given_is_refused():
    with pytest.raises(KeyError):
        msg("Thiếu {name}")


def test_reasons_keep_their_vietnamese_text():
    guard = outcome_in("discipline_warranted")
    ok, reason = guard(_ctx(case_data={"outcome": "shortcomings"}, choice_labels={
        "discipline_warranted": "Vi phạm đến mức phải xem xét kỷ luật",
        "shortcomings": "Có khuyết điểm"}))
    assert not ok and reason == (
        "Chỉ áp dụng khi kết luận là: Vi phạm đến mức phải xem xét kỷ luật "
        "[discipline_warranted] (hiện tại: Có khuyết điểm [shortcomings])")
    assert isinstance(reason, Msg) and reason.template.startswith("Chỉ áp dụng khi kết luận là")
    spec = FieldSpec("decision_date", "date", "Ngày quyết định")
    assert spec.validate("") == "'decision_date' là bắt buộc (Ngày quyết định)"
    assert spec.validate("").params["label"] == "Ngày quyết định"  # type: ignore[union-attr]
    ok, why = discipline.can_decide("district", "committee", "member", "reprimand")
    assert ok and why.startswith("Cấp ủy cấp huyện có thẩm quyền: cấp ủy cấp tỉnh, cấp huyện")
    assert isinstance(why, Msg) and isinstance(why.params["body"], Msg)
    assert WorkingCalendar().why_not_working(date(2026, 3, 7)) == "thứ Bảy"


def test_a_missing_role_is_named_and_recognisable_by_its_template():
    definition = registry.for_kind("inspection_violation", date(2026, 3, 2))
    check = definition.check("decide", _ctx(state="proposed"), {Role.VIEWER}, with_input=False)
    role_reason = next(r for r in check.reasons if r.startswith("Cần vai trò"))
    assert isinstance(role_reason, Msg) and role_reason.template == "Cần vai trò: {roles}"


def _templates() -> dict[str, str]:
    """Every msg("...") template in workflows/, as ``pybabel extract -k msg`` finds them."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / "workflows"), method_map=[("**.py", "python")],
            keywords={"msg": None}, comment_tags=()):
        assert isinstance(message, str), f"workflows/{filename}:{lineno}"
        found.setdefault(message, f"workflows/{filename}:{lineno}")
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_workflow_message_has_an_english_translation_with_the_same_placeholders():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    templates = _templates()
    assert len(templates) > 50  # the extraction found the messages
    missing = [where for text, where in templates.items()
               if text not in catalog or not catalog[text].string]
    assert missing == []
    mismatched = [text for text in templates
                  if _fields(str(catalog[text].string)) != _fields(text)]
    assert mismatched == []


def test_every_translation_keeps_the_placeholders_of_its_message():
    """A translation that drops or renames a placeholder would show the raw
    Vietnamese text (Msg) or raise (gettext's %-format) in the English UI."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    wrong = []
    for message in catalog:
        if not message.id or not message.string or not isinstance(message.id, str):
            continue
        source, target = message.id, str(message.string)
        if set(PERCENT_FIELD.findall(source)) != set(PERCENT_FIELD.findall(target)):
            wrong.append(source)
        elif "{" in source and _safe_fields(source) != _safe_fields(target):
            wrong.append(source)
    assert wrong == []


def _safe_fields(text: str) -> set[str] | None:
    try:
        return _fields(text)
    except ValueError:  # not a format string (a literal brace): compare nothing
        return None
