"""Planning deadline reminders into the ``reminders`` table (the math is in
``workflows.reminders``).

A deadline's reminders are (re)planned whenever what they depend on changes:
the deadline is created, extended, paused or resumed, the case team changes,
the policy or the calendar changes. Re-planning keeps planned rows that are
still wanted (even if their time has just passed and the tick has not run
yet), adds wanted ones whose time is still ahead, and cancels the rest.
Functions here flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from hgkiemtra.cases.models import Case, CaseTeamMember
from hgkiemtra.core import config_cache
from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import insert_ignoring_duplicates
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.people.models import Organisation, RoleAssignment, User
from hgkiemtra.reminders.models import Reminder, ReminderPolicy
from workflows.calendar import WorkingCalendar
from workflows.reminders import (
    CHAIR_ROLE,
    DEFAULT_POLICIES,
    POLICY_ROLES,
    Policy,
    Slot,
    next_overdue,
    plan,
)

UNIQUE = ["deadline_id", "kind", "offset_days", "recipient_id", "due_on"]
Key = tuple[str, int, int, date]  # kind, offset, recipient, due_on


@dataclass(frozen=True)
class Wanted:
    slot: Slot
    recipient_id: int
    role: str


def policies() -> dict[str, Policy]:
    """The stored policy per role; the defaults for roles with no row."""
    return dict(config_cache.cached("reminder_policies", _load_policies))


def _load_policies() -> dict[str, Policy]:
    found = dict(DEFAULT_POLICIES)
    for row in db.session.scalars(sa.select(ReminderPolicy)):
        found[row.role] = policy_of(row)
    return found


def policy_of(row: ReminderPolicy) -> Policy:
    return Policy(tuple(int(n) for n in row.offsets_before or ()), row.on_the_day,
                  row.overdue_every_days, row.escalate_after_days).normalised()


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    if calendar is not None:
        return calendar
    from hgkiemtra.deadlines.service import working_calendar

    return working_calendar()


def team_recipients(case: Case) -> list[tuple[int, str]]:
    if "team" in case.__dict__:
        # Already loaded with its users (fire_event joins them): no query.
        seats = sorted(case.team, key=lambda s: s.id or 0)
        return [(s.user_id, s.team_role) for s in seats if s.user.is_active]
    rows = db.session.execute(
        sa.select(CaseTeamMember.user_id, CaseTeamMember.team_role)
        .join(User, User.id == CaseTeamMember.user_id)
        .where(CaseTeamMember.case_id == case.id, User.is_active.is_(True))
        .order_by(CaseTeamMember.id)
    ).all()
    return [(r.user_id, r.team_role) for r in rows]


def chair_recipients(org_path: str) -> list[int]:
    """Active chairs of the nearest level above (or at) ``org_path`` that has any."""
    parts = [p for p in org_path.split("/") if p]
    prefixes = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    rows = db.session.execute(
        sa.select(RoleAssignment.user_id, Organisation.path)
        .join(Organisation, Organisation.id == RoleAssignment.org_id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role == CHAIR_ROLE, Organisation.path.in_(prefixes),
               User.is_active.is_(True))
    ).all()
    if not rows:
        return []
    nearest = max(len(r.path) for r in rows)
    return sorted({r.user_id for r in rows if len(r.path) == nearest})


def chairs_column(case_org_id: sa.ColumnElement[int]) -> sa.ScalarSelect[Any]:
    """The active chairs at or above the case's organisation as one string
    ('user_id:depth,...', ``nearest_chairs`` reads it): a column for the query
    that loads the case, so planning reminders needs no query of its own."""
    org, case_org = aliased(Organisation), aliased(Organisation)
    entry = (sa.cast(RoleAssignment.user_id, sa.String) + ":"
             + sa.cast(sa.func.length(org.path), sa.String))
    return (
        sa.select(sa.func.aggregate_strings(entry, ","))
        .select_from(RoleAssignment)
        .join(org, org.id == RoleAssignment.org_id)
        .join(User, User.id == RoleAssignment.user_id)
        .join(case_org, case_org.id == case_org_id)
        .where(RoleAssignment.role == CHAIR_ROLE, User.is_active.is_(True),
               case_org.path.startswith(org.path))
        .scalar_subquery()
    )


def nearest_chairs(value: str | None) -> list[int]:
    """``chair_recipients`` from a ``chairs_column`` value."""
    pairs = [tuple(int(n) for n in item.split(":")) for item in (value or "").split(",") if item]
    if not pairs:
        return []
    nearest = max(depth for _, depth in pairs)
    return sorted({user_id for user_id, depth in pairs if depth == nearest})


def wanted(deadline: Deadline, case: Case, policy_map: dict[str, Policy],
           calendar: WorkingCalendar, now: datetime) -> dict[Key, Wanted]:
    recipients = team_recipients(case)
    recipients += [(user_id, CHAIR_ROLE) for user_id in chair_recipients(case.organisation.path)]
    return _wanted_for(deadline, recipients, policy_map, calendar, now)


def _wanted_for(deadline: Deadline, recipients: list[tuple[int, str]],
                policy_map: dict[str, Policy], calendar: WorkingCalendar,
                now: datetime) -> dict[Key, Wanted]:
    found: dict[Key, Wanted] = {}
    for user_id, role in recipients:
        policy = policy_map.get(role, DEFAULT_POLICIES.get(role, Policy()))
        for slot in plan(deadline.due_on, policy, calendar, role=role, now=now):
            found.setdefault((slot.kind.value, slot.offset, user_id, deadline.due_on),
                             Wanted(slot, user_id, role))
    return found


def replan_deadline(deadline: Deadline, now: datetime, *, calendar: WorkingCalendar | None = None,
                    policy_map: dict[str, Policy] | None = None) -> None:
    """Bring one deadline's planned reminders in line with its current facts."""
    if deadline.status != "open" or deadline.paused_since is not None:
        cancel_for_deadline(deadline.id, "paused" if deadline.paused_since else "closed")
        return
    case = db.session.get(Case, deadline.case_id)
    assert case is not None
    want = wanted(deadline, case, policy_map or policies(), _calendar(calendar), now)
    existing = {
        (r.kind, r.offset_days, r.recipient_id, r.due_on): r
        for r in db.session.scalars(sa.select(Reminder).where(Reminder.deadline_id == deadline.id))
    }
    for key, item in want.items():
        row = existing.get(key)
        if row is None:
            if item.slot.at > now:
                db.session.add(_new_row(deadline, item))
        elif row.status == "planned":
            row.due_at, row.role = item.slot.at, item.role
        elif row.status == "cancelled" and row.cancel_reason != "superseded" \
                and item.slot.at > now:
            row.status, row.cancel_reason = "planned", ""
            row.due_at, row.role = item.slot.at, item.role
    for key, row in existing.items():
        if row.status == "planned" and key not in want:
            row.status, row.cancel_reason = "cancelled", "replanned"
    db.session.flush()


def _new_row(deadline: Deadline, item: Wanted) -> Reminder:
    return Reminder(
        deadline_id=deadline.id, case_id=deadline.case_id, recipient_id=item.recipient_id,
        role=item.role, kind=item.slot.kind.value, offset_days=item.slot.offset,
        due_on=deadline.due_on, due_at=item.slot.at, status="planned",
    )


def _new_values(deadline: Deadline, item: Wanted) -> dict[str, Any]:
    """``_new_row`` as the values of a Core INSERT."""
    return {"deadline_id": deadline.id, "case_id": deadline.case_id,
            "recipient_id": item.recipient_id, "role": item.role, "kind": item.slot.kind.value,
            "offset_days": item.slot.offset, "due_on": deadline.due_on, "due_at": item.slot.at,
            "status": "planned"}


def cancel_for_deadline(deadline_id: int, reason: str) -> int:
    result = db.session.execute(
        sa.update(Reminder)
        .where(Reminder.deadline_id == deadline_id, Reminder.status == "planned")
        .values(status="cancelled", cancel_reason=reason[:40])
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def cancel_statement(deadline_ids: sa.Select[Any], reason: str) -> sa.Update:
    """A Core UPDATE cancelling the planned reminders of ``deadline_ids`` (a
    subquery); the caller expires loaded rows (``expire_loaded``)."""
    table = Reminder.__table__
    return (sa.update(table)
            .where(table.c.deadline_id.in_(deadline_ids), table.c.status == "planned")
            .values(status="cancelled", cancel_reason=reason[:40]))


def expire_loaded(case_id: int) -> None:
    """Forget what the session holds of the deadlines and reminders of a case
    after a Core UPDATE changed them behind the identity map."""
    session = db.session()
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Deadline | Reminder) and obj.case_id == case_id:
            session.expire(obj)


def plan_new_deadlines(case: Case, deadlines: list[Deadline], now: datetime,
                       calendar: WorkingCalendar, chairs: list[int] | None = None) -> None:
    """Plan the reminders of deadlines just stored: nothing to reconcile, so
    the recipients and the policies are read once and every row goes out in
    one INSERT. ``chairs``: ``chair_recipients`` when the caller has them."""
    if not deadlines:
        return
    if chairs is None:
        chairs = chair_recipients(case.organisation.path)
    recipients = team_recipients(case) + [(user_id, CHAIR_ROLE) for user_id in chairs]
    policy_map = policies()
    rows: list[dict[str, Any]] = []
    for deadline in deadlines:
        if deadline.status != "open" or deadline.paused_since is not None:
            continue
        want = _wanted_for(deadline, recipients, policy_map, calendar, now)
        rows.extend(_new_values(deadline, item) for item in want.values() if item.slot.at > now)
    if rows:  # one Core INSERT (many VALUES), no unit of work: this runs on every transition
        db.session.execute(sa.insert(Reminder.__table__), rows)


def open_deadlines_of(case_ids: Iterable[int] | None = None,
                      due_from: date | None = None) -> list[Deadline]:
    query = sa.select(Deadline).where(Deadline.status == "open").order_by(Deadline.id)
    if case_ids is not None:
        query = query.where(Deadline.case_id.in_(list(case_ids)))
    if due_from is not None:
        query = query.where(Deadline.due_on >= due_from)
    return list(db.session.scalars(query))


def replan_case(case: Case, now: datetime) -> None:
    calendar, policy_map = _calendar(None), policies()
    for deadline in open_deadlines_of([case.id]):
        replan_deadline(deadline, now, calendar=calendar, policy_map=policy_map)


def replan_open_deadlines(now: datetime, *, due_from: date | None = None,
                          drop_past: bool = False) -> int:
    """Re-plan every open deadline (after a policy or calendar change). With
    ``drop_past``, planned reminders already due are cancelled first instead
    of being caught up (used after loading back-dated demo history)."""
    if drop_past:
        db.session.execute(
            sa.update(Reminder)
            .where(Reminder.status == "planned", Reminder.due_at <= now)
            .values(status="cancelled", cancel_reason="history")
            .execution_options(synchronize_session="fetch")
        )
    calendar, policy_map = _calendar(None), policies()
    deadlines = open_deadlines_of(due_from=due_from)
    for deadline in deadlines:
        replan_deadline(deadline, now, calendar=calendar, policy_map=policy_map)
    return len(deadlines)


def plan_next_repeat(reminder: Reminder, deadline: Deadline, now: datetime,
                     calendar: WorkingCalendar, policy_map: dict[str, Policy]) -> None:
    """After an overdue or escalation reminder is queued: the next one, if any."""
    policy = policy_map.get(reminder.role, DEFAULT_POLICIES.get(reminder.role, Policy()))
    slot = next_overdue(deadline.due_on, reminder.offset_days, policy, calendar,
                        role=reminder.role, now=now)
    if slot is None:
        return
    insert_ignoring_duplicates(Reminder, {
        "deadline_id": deadline.id, "case_id": deadline.case_id,
        "recipient_id": reminder.recipient_id, "role": reminder.role,
        "kind": slot.kind.value, "offset_days": slot.offset, "due_on": deadline.due_on,
        "due_at": slot.at, "status": "planned", "cancel_reason": "",
    }, UNIQUE)


def planned_for(deadline_id: int) -> list[Reminder]:
    return list(db.session.scalars(
        sa.select(Reminder)
        .where(Reminder.deadline_id == deadline_id, Reminder.status == "planned")
        .order_by(Reminder.due_at, Reminder.id)
    ))


def known_roles() -> tuple[str, ...]:
    return POLICY_ROLES
