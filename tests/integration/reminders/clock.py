"""Moving the clock: ticks at chosen local instants, and what reached the sink."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.reminders import scheduler, service
from hgkiemtra.reminders.mail import Mailer, SinkTransport
from hgkiemtra.reminders.models import Reminder, SinkMail
from tests import factories as f
from workflows.reminders import LOCAL_TZ

MAILER = Mailer(transport=SinkTransport(), base_url="https://hgkiemtra.example.vn")


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A Vietnamese wall-clock time as an aware datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def clean() -> None:
    """Rows other tests left in this transaction's view would be ticked too."""
    for model in (SinkMail, OutboxMessage, Reminder):
        db.session.execute(sa.delete(model))


def tick(now: datetime, mailer: Mailer = MAILER) -> list[SinkMail]:
    """What one beat tick at ``now`` does; returns the mails it put in the sink."""
    before = {m.id for m in sink()}
    scheduler.run(now)
    service.relay(mailer, now=now)
    db.session.commit()
    return [m for m in sink() if m.id not in before]


def sink() -> list[SinkMail]:
    return list(db.session.scalars(sa.select(SinkMail).order_by(SinkMail.id)))


def summary(mails: list[SinkMail]) -> list[tuple[str, str]]:
    """(recipient, subject) pairs, sorted: easy to compare."""
    return sorted((m.to_addr, m.subject) for m in mails)


def decided_case(w: f.World, at: datetime, **data: Any) -> Case:
    """A case opened and decided at ``at``: its 'launch' deadline is open."""
    c = cases.open_case(Actor.for_user(w.inspector), kind="inspection_violation",
                        title="Kiểm tra dấu hiệu vi phạm đất đai", org_id=w.district.id,
                        subject_type="member", subject_id=w.subject.id,
                        team=[cases.TeamSeat(w.inspector.id, "leader"),
                              cases.TeamSeat(w.committee_member.id, "directing")], now=at)
    fields = {"decision_number": "15-QĐ/UBKT", "decision_date": at.date().isoformat(), **data}
    c = cases.fire_event(Actor.for_user(w.chair), c.id, "decide", expected_version=c.version,
                         data=fields, now=at)
    drop_transition_mail()
    db.session.commit()
    return c


def drop_transition_mail() -> None:
    """These tests look at reminders only, not at transition notices."""
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.kind == "case_transition"))


def open_deadline(case_id: int) -> Deadline:
    return db.session.scalars(
        sa.select(Deadline).where(Deadline.case_id == case_id, Deadline.status == "open")
    ).one()


def planned(case_id: int) -> list[tuple[str, int, int, str]]:
    """(kind, offset, recipient, local due time) of the planned reminders."""
    rows = db.session.scalars(
        sa.select(Reminder).where(Reminder.case_id == case_id, Reminder.status == "planned")
        .order_by(Reminder.due_at, Reminder.recipient_id, Reminder.kind)
    )
    return [(r.kind, r.offset_days, r.recipient_id,
             r.due_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")) for r in rows]
