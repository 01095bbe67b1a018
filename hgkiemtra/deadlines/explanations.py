"""A deadline's "how it was computed", as Vietnamese text and as translatable lines.

``Deadline.explanation`` keeps the Vietnamese text (the API, the .ics feed of a
Vietnamese reader, rows stored before the lines were); ``explanation_parts``
keeps the same text line by line as messages (``workflows.stored_text``), so
the page shows it in the reader's language. Every writer goes through here, so
the two never disagree; a row whose parts are missing or do not match falls
back to its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from workflows import stored_text
from workflows.calendar import UNIT_LABELS_VI, Unit
from workflows.text import Msg, msg

SEPARATOR = "\n"


def planned(label: str, rule_set_name: str | None, is_confirmed: bool,
            body: Sequence[Msg]) -> list[Msg]:
    """The lines of a newly planned deadline: its rule, rule set, computation, status."""
    lines = [msg("{label}.", label=label)]
    if rule_set_name:
        lines.append(msg("Bộ quy định: {name}.", name=rule_set_name))
    lines.extend(body)
    if not is_confirmed:
        lines[-1] = msg("{line} Giá trị mặc định, chưa được xác nhận.", line=lines[-1])
    return lines


def fixed_by_plan(due: date, amount: int, unit: Unit) -> list[Msg]:
    """The computation of a due date typed in when the case moved (the plan's date)."""
    return [msg("Hạn do kế hoạch ấn định: {due} (nhập khi chuyển bước; mặc định theo quy tắc "
                "là {amount} {unit}).", due=due, amount=amount, unit=UNIT_LABELS_VI[unit])]


def extended(old: date, new: date, reference: str, approver: str) -> Msg:
    return msg("Gia hạn: {old} → {new} theo {reference}, người phê duyệt: {approver}.",
               old=old, new=new, reference=reference, approver=approver)


def resumed(since: date, today: date, days: int, unit: Unit, old: date, new: date) -> Msg:
    return msg("Tạm dừng {since} – {today}: {days} {unit}; hạn {old} → {new}.", since=since,
               today=today, days=days, unit=UNIT_LABELS_VI[unit], old=old, new=new)


class Explained(Protocol):
    """What a Deadline row carries (the model, without importing it)."""

    explanation: str
    explanation_parts: list[dict[str, object]] | None


def store(deadline: Explained, lines: Sequence[Msg]) -> None:
    deadline.explanation = SEPARATOR.join(lines)
    deadline.explanation_parts = stored_text.dump_all(lines)


def append(deadline: Explained, line: Msg) -> None:
    """One more line (an extension, a pause); a row without parts keeps only its text."""
    had_parts = lines_of(deadline) is not None
    deadline.explanation = f"{deadline.explanation or ''}{SEPARATOR}{line}"
    # A new list, not an in-place append: the JSON column only sees assignments.
    deadline.explanation_parts = (
        [*(deadline.explanation_parts or []), stored_text.dump(line)] if had_parts else None
    )


def lines_of(deadline: Explained) -> list[Msg] | None:
    return stored_text.load(deadline.explanation_parts, deadline.explanation or "", SEPARATOR)
