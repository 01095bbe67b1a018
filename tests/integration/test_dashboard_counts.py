"""The dashboard's counts at scale: open cases by phase summed from the counts
the transitions keep (case_phase_counts), overdue and due this week counted
from ranges of the running deadlines; the same figures as counting the cases."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import dashboard, phase_counts
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, CasePhaseCount
from hgkiemtra.core.db import db
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.people.models import Organisation
from tests import factories as f
from tests.statements import recorded
from workflows.engine import Role


def _kept(org_id: int) -> dict[str, int]:
    rows = db.session.execute(sa.select(CasePhaseCount.phase, CasePhaseCount.cases)
                              .where(CasePhaseCount.org_id == org_id)).all()
    return {phase: n for phase, n in rows if n}


def _counted(org_id: int) -> dict[str, int]:
    rows = db.session.execute(sa.select(Case.phase, sa.func.count()).where(
        Case.org_id == org_id).group_by(Case.phase)).all()
    return dict(rows)  # type: ignore[arg-type]


def _cancel(w, c: Case) -> Case:
    return cases.fire_event(Actor.for_user(w.chair), c.id, "cancel",
                            expected_version=c.version, note="Đối tượng đã chuyển công tác")


def test_kept_counts_follow_opening_every_event_and_closing(session):
    w = f.world()
    f.case(w)
    f.advance(w, f.case(w), f.FULL_PATH[:3])
    f.advance(w, f.case(w), f.FULL_PATH)
    _cancel(w, f.case(w))
    db.session.flush()
    counted = _counted(w.district.id)
    assert sum(counted.values()) == 4 and counted.get("closed") == 1
    assert _kept(w.district.id) == counted


def test_recount_rebuilds_the_counts_from_the_cases(session):
    w = f.world()
    f.advance(w, f.case(w), f.FULL_PATH[:2])
    f.case(w)
    db.session.execute(sa.delete(CasePhaseCount).where(CasePhaseCount.org_id == w.district.id))
    assert _kept(w.district.id) == {}
    phase_counts.recount()
    assert _kept(w.district.id) == _counted(w.district.id)


def test_dashboard_counts_match_counting_the_cases_within_the_scope(session):
    w = f.world()
    today = date(2026, 11, 30)
    # Steps taken, and when the running deadline falls due (days from today);
    # proposed, launched and committee_review run none.
    plan = [(0, 0), (1, -10), (1, 0), (2, -3), (3, 6), (4, 7), (5, -1), (6, 0)]
    opened = [f.advance(w, f.case(w), f.FULL_PATH[:n]) for n, _ in plan]
    _cancel(w, f.case(w))
    db.session.flush()
    due = {c.id: d for c, (_, d) in zip(opened, plan, strict=True)}
    for deadline in db.session.execute(sa.select(Deadline).where(
            Deadline.case_id.in_(due), Deadline.status == "open")).scalars():
        deadline.due_on = today + timedelta(days=due[deadline.case_id])
    db.session.flush()
    by_phase = {p.phase: p for p in dashboard.phase_counts(w.actor(w.chair), today)}
    for phase, row in by_phase.items():
        in_phase = [c for c in opened if c.phase == phase]
        running = {c.id for c in in_phase if _has_running_deadline(c.id)}
        assert row.open == len(in_phase)
        assert row.overdue == sum(1 for c in in_phase if c.id in running and due[c.id] < 0)
        assert row.due_this_week == sum(1 for c in in_phase
                                        if c.id in running and 0 <= due[c.id] < 7)
    assert [(p.open, p.overdue, p.due_this_week) for p in by_phase.values()] == [
        (3, 1, 1), (3, 0, 1), (2, 1, 0), (0, 0, 0), (0, 0, 0)]
    # The other district's chair sees none of them.
    outside = dashboard.phase_counts(w.actor(w.outsider), today)
    assert all(p.open == p.overdue == p.due_this_week == 0 for p in outside)


def _has_running_deadline(case_id: int) -> bool:
    return db.session.execute(sa.select(Deadline.id).where(
        Deadline.case_id == case_id, Deadline.status == "open",
        Deadline.paused_since.is_(None))).first() is not None


def test_open_counts_never_count_the_cases(session):
    """Four statements: is anything outside the scope, then the open cases by phase
    from the kept counts, the overdue and the due-this-week ones."""
    w = f.world()
    f.case(w)
    db.session.flush()
    with recorded() as seen:
        dashboard.phase_counts(w.actor(w.chair), date(2026, 11, 30))
    assert len(seen) == 4, "\n".join(seen)
    assert "FROM case_phase_counts" in seen[1] and "FROM cases" not in seen[1]
    assert "FROM deadlines JOIN cases" in seen[3]
    assert all("organisations" in s for s in seen[1:])  # the district's subtree only


def test_a_scope_over_every_organisation_joins_none(session):
    """Roles over every root of the tree (a province's chair, in production) hold
    every organisation: the counts carry no scope condition, the figures stay."""
    w = f.world()
    f.advance(w, f.case(w), f.FULL_PATH[:1])
    db.session.flush()
    roots = db.session.execute(
        sa.select(Organisation.path).where(Organisation.parent_id.is_(None))).scalars()
    every_root = Actor(w.admin.id, "admin", tuple((Role.ADMIN, path) for path in roots))
    today = date(2026, 11, 30)
    with recorded() as seen:
        rows = dashboard.phase_counts(every_root, today)
    assert len(seen) == 4 and not any("organisations" in s for s in seen[1:])
    assert rows == dashboard.phase_counts(Actor.system(), today)
    assert any(row.open for row in rows)


def test_an_event_keeping_the_phase_sends_no_count_statement(session):
    w = f.world()
    c = f.advance(w, f.case(w), f.FULL_PATH[:2])  # decided, launched: underway
    db.session.flush()
    with recorded() as seen:
        cases.fire_event(w.actor(w.inspector), c.id, "request_explanation",
                         expected_version=c.version)
    assert c.phase == "underway"
    assert not any("case_phase_counts" in s for s in seen)
    assert _kept(w.district.id) == _counted(w.district.id)


def test_counts_are_kept_and_read_on_sqlite(sqlite_app):
    """The embedded mode: the same upsert (ON CONFLICT DO UPDATE), the same figures."""
    w = f.world()
    f.case(w)
    f.advance(w, f.case(w), f.FULL_PATH)
    _cancel(w, f.case(w))
    db.session.commit()
    assert _kept(w.district.id) == _counted(w.district.id) == {
        "planned": 1, "findings": 1, "closed": 1}
    rows = {p.phase: p.open for p in dashboard.phase_counts(w.actor(w.chair), date.today())}
    assert rows["planned"] == rows["findings"] == 1
    phase_counts.recount()
    assert _kept(w.district.id) == _counted(w.district.id)
