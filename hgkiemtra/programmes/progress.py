"""How far programmes and targets have got: SQL aggregates, never row loops.

Programme progress, per quarter: items planned, not yet opened, opened and
still open, done (the case closed other than by cancellation), cancelled.

Target progress, for an organisation's subtree and a year: its members, the
distinct members who were the subject of a supervision case opened that year
(and of an inspection of any kind), their shares against the target; and the
organisations below it supervised and inspected. A cancelled case counts for
nothing. Members are counted where they belong now (members carry no history).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.people.models import Member, Organisation
from hgkiemtra.programmes.models import (
    INSPECTED_CASE_KINDS,
    AnnualTarget,
    Programme,
    ProgrammeItem,
    ProgrammeStatus,
)
from workflows.engine import Phase

CANCELLED = "cancelled"
DASHBOARD_LIMIT = 10


@dataclass(frozen=True)
class QuarterProgress:
    quarter: int
    planned: int
    not_opened: int
    open: int
    done: int
    cancelled: int


@dataclass(frozen=True)
class ProgrammeProgress:
    programme: Programme
    quarters: list[QuarterProgress]

    @property
    def planned(self) -> int:
        return sum(q.planned for q in self.quarters)

    @property
    def done(self) -> int:
        return sum(q.done for q in self.quarters)

    @property
    def opened(self) -> int:
        return sum(q.open + q.done + q.cancelled for q in self.quarters)


@dataclass(frozen=True)
class TargetProgress:
    org: Organisation
    year: int
    members: int
    supervised_members: int
    inspected_members: int
    organisations: int
    supervised_orgs: int
    inspected_orgs: int
    supervised_target: int | None  # percent; None: no target set
    inspected_target: int | None

    @property
    def supervised_pct(self) -> float:
        return _pct(self.supervised_members, self.members)

    @property
    def inspected_pct(self) -> float:
        return _pct(self.inspected_members, self.members)

    @property
    def supervised_needed(self) -> int | None:
        return _needed(self.supervised_target, self.members)

    @property
    def inspected_needed(self) -> int | None:
        return _needed(self.inspected_target, self.members)


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _needed(target: int | None, members: int) -> int | None:
    """Members to reach the target: the share rounded up (30% of 7 is 3)."""
    return None if target is None else -(-target * members // 100)


# --- programmes ------------------------------------------------------------------------

def programme_progress(programmes: Sequence[Programme]) -> list[ProgrammeProgress]:
    """Per-quarter progress of each programme, in one grouped query."""
    ids = [p.id for p in programmes]
    is_closed = Case.phase == Phase.CLOSED.value
    stmt = (
        sa.select(
            ProgrammeItem.programme_id, ProgrammeItem.quarter,
            sa.func.count(ProgrammeItem.id),
            sa.func.count(ProgrammeItem.case_id),
            sa.func.count(sa.case((sa.and_(is_closed, Case.state != CANCELLED), 1))),
            sa.func.count(sa.case((Case.state == CANCELLED, 1))),
        )
        .outerjoin(Case, Case.id == ProgrammeItem.case_id)
        .where(ProgrammeItem.programme_id.in_(ids))
        .group_by(ProgrammeItem.programme_id, ProgrammeItem.quarter)
    ) if ids else None
    rows: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for pid, quarter, planned, opened, done, cancelled in (
            db.session.execute(stmt).all() if stmt is not None else []):
        rows[(pid, quarter)] = (planned, opened, done, cancelled)
    result = []
    for programme in programmes:
        quarters = []
        for q in range(1, 5):
            planned, opened, done, cancelled = rows.get((programme.id, q), (0, 0, 0, 0))
            quarters.append(QuarterProgress(q, planned, planned - opened,
                                            opened - done - cancelled, done, cancelled))
        result.append(ProgrammeProgress(programme, quarters))
    return result


def dashboard_programmes(actor: Actor, year: int) -> list[ProgrammeProgress]:
    """Approved programmes of the year in the actor's scope, highest level first."""
    stmt = (
        sa.select(Programme).join(Organisation, Organisation.id == Programme.org_id)
        .where(actor.visible_org_filter(Programme.org_id), Programme.year == year,
               Programme.status == ProgrammeStatus.APPROVED.value)
        .order_by(sa.func.length(Organisation.path), Organisation.path, Programme.kind)
        .limit(DASHBOARD_LIMIT)
    )
    return programme_progress(list(db.session.execute(stmt).scalars()))


# --- targets ---------------------------------------------------------------------------

def target_progress(org: Organisation, year: int,
                    target: AnnualTarget | None = None) -> TargetProgress:
    """The organisation's subtree against its target for ``year`` (one round trip)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    subtree = Organisation.path.startswith(org.path, autoescape=True)
    below = sa.and_(subtree, Organisation.id != org.id,
                    sa.or_(Organisation.valid_from.is_(None), Organisation.valid_from <= last),
                    sa.or_(Organisation.valid_to.is_(None), Organisation.valid_to >= first))
    counted = sa.and_(Case.opened_on >= first, Case.opened_on <= last, Case.state != CANCELLED)

    def members_in(kinds: Sequence[str]) -> sa.ScalarSelect[int]:
        return (sa.select(sa.func.count(sa.distinct(Case.subject_member_id)))
                .join(Member, Member.id == Case.subject_member_id)
                .join(Organisation, Organisation.id == Member.org_id)
                .where(subtree, counted, Case.kind.in_(kinds)).scalar_subquery())

    def orgs_in(kinds: Sequence[str]) -> sa.ScalarSelect[int]:
        return (sa.select(sa.func.count(sa.distinct(Case.subject_org_id)))
                .join(Organisation, Organisation.id == Case.subject_org_id)
                .where(below, counted, Case.kind.in_(kinds)).scalar_subquery())

    row = db.session.execute(sa.select(
        sa.select(sa.func.count(Member.id)).join(Organisation, Organisation.id == Member.org_id)
        .where(subtree).scalar_subquery(),
        members_in(["supervision"]), members_in(INSPECTED_CASE_KINDS),
        sa.select(sa.func.count(Organisation.id)).where(below).scalar_subquery(),
        orgs_in(["supervision"]), orgs_in(INSPECTED_CASE_KINDS),
    )).one()
    if target is None:
        target = db.session.execute(sa.select(AnnualTarget).where(
            AnnualTarget.org_id == org.id, AnnualTarget.year == year)).scalar_one_or_none()
    return TargetProgress(
        org, year, *(int(v or 0) for v in row),
        supervised_target=target.supervised_share if target else None,
        inspected_target=target.inspected_share if target else None,
    )


def targets_progress(targets: Sequence[AnnualTarget]) -> list[TargetProgress]:
    return [target_progress(t.organisation, t.year, t) for t in targets]


def dashboard_targets(actor: Actor, year: int) -> list[TargetProgress]:
    stmt = (
        sa.select(AnnualTarget).join(Organisation, Organisation.id == AnnualTarget.org_id)
        .where(actor.visible_org_filter(AnnualTarget.org_id), AnnualTarget.year == year)
        .order_by(sa.func.length(Organisation.path), Organisation.path)
        .limit(DASHBOARD_LIMIT)
    )
    return targets_progress(list(db.session.execute(stmt).scalars()))


def item_status(item: ProgrammeItem) -> str:
    """not_opened, open, done (closed) or cancelled: as the quarter counts do."""
    case = item.case
    if case is None:
        return "not_opened"
    if case.state == CANCELLED:
        return "cancelled"
    return "done" if case.phase == Phase.CLOSED.value else "open"
