"""When deadline reminders go out: the planning arithmetic, with no database.

A policy per recipient role (the case team's ``leader``, ``member`` and
``directing`` seats, and the committee ``chair`` for escalations) says which
reminders someone in that role gets for one deadline:

- ``offsets_before``: N working days before the due date, for each N;
- ``on_the_day``: on the due date itself;
- overdue: the first ``escalate_after_days`` calendar days after the due date,
  then every ``overdue_every_days`` days while the deadline stays open (0: only
  once; ``escalate_after_days`` 0: never). For the team these are overdue
  reminders, for the chair they are escalations.

Every reminder goes out at 08:00 Asia/Ho_Chi_Minh on a working day (an overdue
day that falls on a day off moves to the next working day). Users who chose
the daily digest get theirs at 07:30 instead, in one mail listing the day's
items. Overdue repeats are planned one at a time (``next_overdue``), so "every
N days while overdue" never needs an unbounded list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from workflows.calendar import WorkingCalendar
from workflows.text import msg

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SEND_AT = time(8, 0)
DIGEST_AT = time(7, 30)
MAX_OFFSET = 60  # working days before a deadline
MAX_REPEAT = 365  # days


class ReminderKind(StrEnum):
    BEFORE = "before"
    ON_DAY = "on_day"
    OVERDUE = "overdue"
    ESCALATION = "escalation"


TEAM_ROLES = ("leader", "member", "directing")
CHAIR_ROLE = "chair"
POLICY_ROLES = (*TEAM_ROLES, CHAIR_ROLE)
ROLE_LABELS_VI = MappingProxyType({
    "leader": "Trưởng đoàn",
    "member": "Thành viên đoàn",
    "directing": "Ủy viên chỉ đạo",
    "chair": "Chủ nhiệm UBKT (báo cáo khi quá hạn)",
})


@dataclass(frozen=True)
class Policy:
    offsets_before: tuple[int, ...] = (7, 3, 1)
    on_the_day: bool = True
    overdue_every_days: int = 3
    escalate_after_days: int = 1

    def problems(self) -> list[str]:
        """What is out of range, each a message led by the setting's label on the admin page."""
        found: list[str] = []
        if any(not 1 <= n <= MAX_OFFSET for n in self.offsets_before):
            found.append(msg("Nhắc trước hạn: mỗi số từ 1 đến {max} ngày làm việc",
                             max=MAX_OFFSET))
        if not 0 <= self.overdue_every_days <= MAX_REPEAT:
            found.append(msg("Nhắc lại khi còn quá hạn: từ 0 đến {max} ngày", max=MAX_REPEAT))
        if not 0 <= self.escalate_after_days <= MAX_REPEAT:
            found.append(msg("Báo quá hạn sau: từ 0 đến {max} ngày", max=MAX_REPEAT))
        return found

    def normalised(self) -> Policy:
        offsets = tuple(sorted(set(self.offsets_before), reverse=True))
        return Policy(offsets, self.on_the_day, self.overdue_every_days,
                      self.escalate_after_days)


DEFAULT_POLICIES: Mapping[str, Policy] = MappingProxyType({
    "leader": Policy(),
    "member": Policy(),
    "directing": Policy(),
    # Chairs hear about a deadline only once it has passed.
    "chair": Policy(offsets_before=(), on_the_day=False, overdue_every_days=3,
                    escalate_after_days=1),
})


def overdue_kind(role: str) -> ReminderKind:
    return ReminderKind.ESCALATION if role == CHAIR_ROLE else ReminderKind.OVERDUE


@dataclass(frozen=True)
class Slot:
    """One reminder: what, for which offset, on which local day, at which UTC instant."""

    kind: ReminderKind
    offset: int  # working days before; 0 on the day; days overdue (series index)
    day: date
    at: datetime


def instant(day: date, at: time = SEND_AT) -> datetime:
    """``at`` o'clock in Vietnam on ``day``, as a UTC instant."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ).astimezone(UTC)


def local_day(now: datetime) -> date:
    return now.astimezone(LOCAL_TZ).date()


def digest_horizon(now: datetime) -> datetime | None:
    """Once the digest time has come, the end of today (local): items due
    before it go into today's digest. Before the digest time, None."""
    local = now.astimezone(LOCAL_TZ)
    if local.timetz().replace(tzinfo=None) < DIGEST_AT:
        return None
    return instant(local.date() + timedelta(days=1), time(0, 0))


def overdue_slot(due_on: date, offset: int, kind: ReminderKind,
                 calendar: WorkingCalendar) -> Slot:
    day = calendar.next_working_day(due_on + timedelta(days=offset))
    return Slot(kind, offset, day, instant(day))


def plan(due_on: date, policy: Policy, calendar: WorkingCalendar, *, role: str,
         now: datetime) -> list[Slot]:
    """Every slot a recipient in ``role`` should have for a deadline due on ``due_on``.

    Past slots are included (the caller keeps those already planned and only
    adds future ones), plus, when the first overdue slot has passed, the next
    one after ``now`` so that the overdue series goes on.
    """
    slots = [
        Slot(ReminderKind.BEFORE, n, day, instant(day))
        for n in sorted(set(policy.offsets_before), reverse=True)
        if n > 0
        for day in (calendar.working_days_before(due_on, n),)
    ]
    if policy.on_the_day:
        slots.append(Slot(ReminderKind.ON_DAY, 0, due_on, instant(due_on)))
    if policy.escalate_after_days > 0:
        first = overdue_slot(due_on, policy.escalate_after_days, overdue_kind(role), calendar)
        slots.append(first)
        if first.at <= now:
            following = next_overdue(due_on, first.offset, policy, calendar, role=role, now=now)
            if following is not None:
                slots.append(following)
    return slots


def next_overdue(due_on: date, offset: int, policy: Policy, calendar: WorkingCalendar, *,
                 role: str, now: datetime) -> Slot | None:
    """The repeat after the overdue slot at ``offset``: the first one later than
    both that slot's day and ``now`` (missed repeats collapse into it)."""
    every = policy.overdue_every_days
    if every <= 0 or policy.escalate_after_days <= 0:
        return None
    kind = overdue_kind(role)
    current_day = overdue_slot(due_on, offset, kind, calendar).day
    behind = (local_day(now) - due_on).days - offset
    steps = max(1, -(-behind // every)) if behind > 0 else 1
    candidate = offset + steps * every
    while True:
        slot = overdue_slot(due_on, candidate, kind, calendar)
        if slot.day > current_day and slot.at > now:
            return slot
        candidate += every
