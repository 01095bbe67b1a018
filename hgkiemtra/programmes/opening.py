"""Opening the cases a programme plans: on schedule, or by hand.

The schedule: on the first day of an item's quarter (Asia/Ho_Chi_Minh) an
item of an approved programme for that year opens its case in the workflow's
initial (planned) state, through ``cases.service.open_case`` like any other
case. The system acts with the admin role over the programme's organisation
only (``Actor.system``), so the case lands where a person of that committee
would have opened it; the audit event names the programme as its origin.
The responsible committee member joins the team as directing member.

Never twice: each item is taken with ``FOR UPDATE SKIP LOCKED`` and re-read
before opening (a second tick skips it or sees ``case_id`` set), and
``programme_items.case_id`` is unique. One item that cannot open (its subject
left the subtree, its organisation was dissolved) rolls back alone, keeps
the reason in ``open_error`` and is left for a person to open by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import DomainError, PermissionDenied, ValidationFailed
from hgkiemtra.programmes.models import Programme, ProgrammeItem, ProgrammeStatus
from hgkiemtra.programmes.service import can_write, get_item
from workflows.text import msg

BATCH = 200


@dataclass
class OpenReport:
    opened: list[tuple[int, int]] = field(default_factory=list)  # (item id, case id)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (item id, reason)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def due_item_ids(today: date, limit: int = BATCH) -> list[int]:
    """Unopened items of approved programmes of this year whose quarter has started.

    Items of earlier years are not opened late by the schedule: a programme
    approved after its year is history, opened by hand if at all.
    """
    stmt = (
        sa.select(ProgrammeItem.id)
        .join(Programme, Programme.id == ProgrammeItem.programme_id)
        .where(Programme.status == ProgrammeStatus.APPROVED.value,
               Programme.year == today.year,
               ProgrammeItem.quarter <= quarter_of(today),
               ProgrammeItem.case_id.is_(None),
               ProgrammeItem.open_error.is_(None))
        .order_by(ProgrammeItem.id)
        .limit(limit)
    )
    return list(db.session.execute(stmt).scalars())


def open_due(now: datetime | None = None, limit: int = BATCH) -> OpenReport:
    """Open every item due on the local date of ``now`` (flushes; the caller commits)."""
    now = now or utcnow()
    report = OpenReport()
    for item_id in due_item_ids(cases.local_today(now), limit):
        item = _lock(item_id, skip_locked=True)
        if item is None or item.case_id is not None:
            continue  # another tick holds it or has opened it
        programme = item.programme
        actor = Actor.system((programme.organisation.path,))
        try:
            case = _open_in_savepoint(actor, item, now)
        except DomainError as exc:
            item.record_open_error(exc.message)
            report.failed.append((item.id, exc.message))
        else:
            report.opened.append((item.id, case.id))
    db.session.flush()
    return report


def open_item_now(actor: Actor, programme_id: int, item_id: int,
                  now: datetime | None = None) -> Case:
    """A person opens an item's case now (before its quarter, or after a failure)."""
    found = get_item(actor, programme_id, item_id)
    if not found.programme.is_approved:
        raise ValidationFailed(msg("Chỉ mở hồ sơ từ chương trình đã được phê duyệt"))
    if not can_write(actor, found.programme.organisation):
        raise PermissionDenied(msg("Vai trò của bạn không được mở hồ sơ của chương trình này"))
    item = _lock(found.id, skip_locked=False)
    if item is None or item.case_id is not None:
        raise ValidationFailed(msg("Mục này đã được mở hồ sơ"))
    case = _open_in_savepoint(actor, item, now or utcnow())
    db.session.flush()
    return case


def _lock(item_id: int, *, skip_locked: bool) -> ProgrammeItem | None:
    stmt = (
        sa.select(ProgrammeItem)
        .where(ProgrammeItem.id == item_id, ProgrammeItem.case_id.is_(None))
        .with_for_update(skip_locked=skip_locked, of=ProgrammeItem)
        .execution_options(populate_existing=True)
    )
    return db.session.execute(stmt).unique().scalar_one_or_none()


def _open_in_savepoint(actor: Actor, item: ProgrammeItem, now: datetime) -> Case:
    programme = item.programme
    today = cases.local_today(now)
    # The programme decided the matter at its quarter's start (never in the future).
    anchor = min(quarter_start(programme.year, item.quarter), today)
    team = [cases.TeamSeat(item.responsible_user_id, "directing")] \
        if item.responsible.is_active else []
    with db.session.begin_nested():
        case = cases.open_case(
            actor, kind=item.case_kind, title=item.content, org_id=programme.org_id,
            subject_type=item.subject_type,
            subject_id=item.subject_member_id or item.subject_org_id or 0,
            summary=f"Theo {programme.title} (năm {programme.year}), quý {item.quarter}.",
            team=team, now=now, anchor_on=anchor,
            origin={"programme_id": programme.id, "programme_item_id": item.id,
                    "quarter": item.quarter},
        )
        item.case = case
        item.opened_at = now
        item.record_open_error(None)
    return case
