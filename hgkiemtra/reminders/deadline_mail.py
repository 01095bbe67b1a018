"""Mail contexts for deadline reminders, overdue notices, escalations and the
daily digest (templates ``mail/deadline_*`` and ``mail/daily_digest``).

What goes in: the case reference, the deadline's label and date, how far off
or overdue it is, the current step and a link. Never the summary, notes,
event data, or (for confidential kinds) the title, which may name people.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.reminders.mail import CONFIDENTIAL_KINDS, Undeliverable, labels_of, renderer
from hgkiemtra.reminders.models import Reminder
from workflows.reminders import ROLE_LABELS_VI, local_day

ROLE_LABELS_EN = {"leader": "team leader", "member": "team member",
                  "directing": "directing member", "chair": "committee chair"}


def vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Item:
    reference: str
    title: str
    deadline_label: str
    due_date: str
    kind: str
    working_days_left: int
    days_overdue: int
    state_label: str
    url: str


def _item(reminder: Reminder, deadline: Deadline, case: Case, base_url: str) -> Item:
    sent_on = local_day(reminder.due_at)
    return Item(
        reference=case.reference,
        title="" if case.kind in CONFIDENTIAL_KINDS else case.title,
        deadline_label=deadline.label,
        due_date=vn_date(reminder.due_on),
        kind=reminder.kind,
        working_days_left=reminder.offset_days if reminder.kind == "before" else 0,
        days_overdue=max((sent_on - reminder.due_on).days, 0),
        state_label=labels_of(case).get(("state", case.state), case.state),
        url=f"{base_url}/cases/{case.id}",
    )


def _load(reminder_id: int) -> tuple[Reminder, Deadline, Case]:
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None:
        raise Undeliverable(f"reminder {reminder_id} no longer exists")
    deadline = db.session.get(Deadline, reminder.deadline_id)
    case = db.session.get(Case, reminder.case_id)
    if deadline is None or case is None:
        raise Undeliverable(f"the deadline or case of reminder {reminder_id} is gone")
    return reminder, deadline, case


def _single(message: OutboxMessage, base_url: str) -> dict[str, Any]:
    reminder_id = int((message.payload or {}).get("reminder_id", 0))
    reminder, deadline, case = _load(reminder_id)
    context = asdict(_item(reminder, deadline, case, base_url))
    context["role_vi"] = ROLE_LABELS_VI.get(reminder.role, reminder.role)
    context["role_en"] = ROLE_LABELS_EN.get(reminder.role, reminder.role)
    return context


@renderer("deadline_reminder")
def _deadline_reminder(message: OutboxMessage, base_url: str) -> dict[str, Any]:
    return _single(message, base_url)


@renderer("deadline_overdue")
def _deadline_overdue(message: OutboxMessage, base_url: str) -> dict[str, Any]:
    return _single(message, base_url)


@renderer("deadline_escalation")
def _deadline_escalation(message: OutboxMessage, base_url: str) -> dict[str, Any]:
    context = _single(message, base_url)
    case = db.session.get(Case, message.case_id)
    assert case is not None
    context["team"] = [
        {"name": seat.user.full_name, "role_vi": ROLE_LABELS_VI.get(seat.team_role, ""),
         "role_en": ROLE_LABELS_EN.get(seat.team_role, "")}
        for seat in case.team
    ]
    return context


@renderer("daily_digest")
def _daily_digest(message: OutboxMessage, base_url: str) -> dict[str, Any]:
    payload = message.payload or {}
    ids = [int(i) for i in payload.get("reminder_ids", [])]
    reminders = list(db.session.scalars(sa.select(Reminder).where(Reminder.id.in_(ids))))
    if not reminders:
        raise Undeliverable("the digest lists no reminder that still exists")
    items = []
    for reminder in sorted(reminders, key=lambda r: (r.due_on, r.case_id, r.id)):
        _, deadline, case = _load(reminder.id)
        items.append(asdict(_item(reminder, deadline, case, base_url)))
    day = date.fromisoformat(str(payload.get("date")))
    references = sorted({item["reference"] for item in items})
    return {
        "date": vn_date(day),
        "items": items,
        "count": len(items),
        "references": ", ".join(references[:3]) + (" …" if len(references) > 3 else ""),
        "overdue_count": sum(1 for i in items if i["kind"] in ("overdue", "escalation")),
        "url": f"{base_url}/cases",
    }
