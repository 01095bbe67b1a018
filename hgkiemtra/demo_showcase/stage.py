"""What every showcase story shares: the demo's people and places, back-dated
clock times on working days, subjects no other demo case is about, and walking
a case through its steps with the real service (``cases.service.fire_event``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, CaseLink
from hgkiemtra.core.db import db
from hgkiemtra.denunciations.vault import Vault
from hgkiemtra.people.models import Member, Organisation, User
from workflows.calendar import WorkingCalendar

SEED = 2024  # the showcase's own stream: the scenarios' draws stay as they were
CITY_CODES = ("HG.VT", "HG.NB")  # the cities' own committees work their own cases
# Each desk's decision numbers: (next number, the suffix its decisions carry).
DECISION_SERIES = {"HG": (151, "QĐ/UBKTTU"), "VT": (63, "QĐ/UBKTTU"), "TU": (212, "QĐ/TU")}


@dataclass(frozen=True)
class Step:
    event: str
    who: str  # a demo user's email local part
    ago: int  # working days before today (1 or more: never in the future)
    data: dict[str, Any]
    note: str = ""
    hour: int = 9


def step(event: str, who: str, ago: int, note: str = "", hour: int = 9, **data: Any) -> Step:
    return Step(event, who, ago, data, note, hour)


@dataclass
class Stage:
    """The demo as built so far, and a clock counting working days back from today."""

    today: date
    users: dict[str, User]
    orgs: dict[str, Organisation]
    members: Sequence[Member]
    vault: Vault | None
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    taken: set[tuple[str, int]] = field(default_factory=set)
    numbers: dict[str, int] = field(default_factory=dict)
    _days: list[date] = field(default_factory=list)

    def __post_init__(self) -> None:
        rows = db.session.execute(sa.select(Case.subject_type, Case.subject_member_id,
                                            Case.subject_org_id)).all()
        self.taken = {(kind, member or org) for kind, member, org in rows}
        self.numbers = {desk: first for desk, (first, _) in DECISION_SERIES.items()}

    def actor(self, local: str) -> Actor:
        return Actor.for_user(self.users[local])

    def day(self, ago: int) -> date:
        """The working day ``ago`` working days before today."""
        while len(self._days) <= ago:
            last = self._days[-1] if self._days else self.today
            last -= timedelta(days=1)
            while not self.calendar.is_working_day(last):
                last -= timedelta(days=1)
            self._days.append(last)
        return self.today if ago == 0 else self._days[ago - 1]

    def iso(self, ago: int) -> str:
        return self.day(ago).isoformat()

    def at(self, ago: int, hour: int = 9) -> datetime:
        return datetime.combine(self.day(ago), time(hour, 0), cases.LOCAL_TZ)

    def number(self, desk: str) -> str:
        """The next decision number of a desk ("158-QĐ/UBKTTU"); others take the gaps."""
        value = self.numbers[desk]
        self.numbers[desk] = value + 2 + value % 3
        return f"{value}-{DECISION_SERIES[desk][1]}"

    def member(self, desk: str, *, within: Organisation | None = None,
               with_post: bool = True) -> Member:
        """A member of the desk's area (or of ``within``) no demo case is about yet,
        a post-holder by default."""
        area = within or self.orgs["HG" if desk == "HG" else f"HG.{desk}"]
        pool = [m for m in self.members if m.organisation.path.startswith(area.path)
                and ("member", m.id) not in self.taken
                and (desk != "HG" or not m.organisation.code.startswith(CITY_CODES))
                and (bool(m.positions) or not with_post) and m.status == "full"]
        chosen = self.rng.choice(pool)
        self.taken.add(("member", chosen.id))
        return chosen

    def organisation(self, desk: str) -> Organisation:
        """A ward, commune or town committee of the desk's area no demo case is about yet."""
        area = self.orgs["HG" if desk == "HG" else f"HG.{desk}"]
        pool = sorted((o for o in self.orgs.values()
                       if o.level == "grassroots" and o.path.startswith(area.path)
                       and ("organisation", o.id) not in self.taken
                       and not o.code.endswith(".UBKT")
                       and (desk != "HG" or not o.code.startswith(CITY_CODES))),
                      key=lambda o: o.code)
        chosen = self.rng.choice(pool)
        self.taken.add(("organisation", chosen.id))
        return chosen


def open_at(stage: Stage, who: str, ago: int, *, kind: str, title: str, org: Organisation,
            subject: Member | Organisation, summary: str = "",
            team: Sequence[tuple[str, str]] = (), hour: int = 8) -> Case:
    """Open a case back-dated to ``ago`` working days; ``team`` as (user, team role)."""
    subject_type = "member" if isinstance(subject, Member) else "organisation"
    return cases.open_case(
        stage.actor(who), kind=kind, title=title, org_id=org.id, subject_type=subject_type,
        subject_id=subject.id, summary=summary, now=stage.at(ago, hour),
        team=[cases.TeamSeat(stage.users[local].id, role) for local, role in team],
    )


def walk(stage: Stage, case: Case, steps: Sequence[Step]) -> Case:
    """Fire each step through the service, at its back-dated time."""
    for s in steps:
        case = cases.fire_event(stage.actor(s.who), case.id, s.event,
                                expected_version=case.version, note=s.note, data=dict(s.data),
                                now=stage.at(s.ago, s.hour))
    return case


def who(subject: Member | Organisation) -> str:
    """The subject as a title names it: "đồng chí X, <post>," or the organisation."""
    if isinstance(subject, Organisation):
        return subject.name
    post = subject.positions[-1] if subject.positions else f"đảng viên {subject.organisation.name}"
    return f"đồng chí {subject.full_name}, {post},"


def linked(case: Case, kind: str) -> Case:
    """The one case ``case`` opened with a link of ``kind``."""
    return db.session.scalars(
        sa.select(Case).join(CaseLink, CaseLink.to_case_id == Case.id)
        .where(CaseLink.from_case_id == case.id, CaseLink.kind == kind)).one()
