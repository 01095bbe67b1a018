"""Every figure of the statistics report against cases built in the test (2026-Q3,
compared with 2026-Q2), the scope, the filters and the period boundaries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from statistics import median

import pytest
import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.reports.periods import parse_period
from hgkiemtra.reports.statistics import build_report, parse_filter
from tests import factories as f
from tests.integration.reports.scenario import Q3, at, build, open_on, play, to_review
from workflows import registry

TODAY = date(2026, 11, 28)

# Every figure that is not zero in Q3, and its Q2 value (absent: zero in both).
EXPECTED = {
    "coverage.inspected_members.cells": (1, 0),
    "coverage.inspected_members.committee": (1, 2),
    "coverage.inspected_members.total": (1, 2),  # the same member: counted once
    "coverage.inspected_organisations.committee": (1, 1),
    "coverage.inspected_organisations.total": (1, 1),
    "coverage.supervised_members.committee": (1, 0),
    "coverage.supervised_members.total": (1, 0),
    "violation.conducted.member": (2, 2), "violation.conducted.organisation": (1, 0),
    "violation.conducted.total": (3, 2),
    "violation.concluded.member": (2, 1), "violation.concluded.organisation": (1, 0),
    "violation.concluded.total": (3, 1),
    "violation.violation.member": (2, 1), "violation.violation.total": (2, 1),
    "violation.discipline.member": (2, 0), "violation.discipline.total": (2, 0),
    "financial.conducted.total": (1, 1), "financial.concluded.total": (1, 1),
    "financial.violation.total": (1, 0),
    "financial.amount.total": (3_500_000_000, 1_200_000),
    "denunciations.received.member": (1, 0), "denunciations.received.organisation": (1, 0),
    "denunciations.received.total": (2, 0),
    "denunciations.reject.organisation": (1, 0), "denunciations.reject.total": (1, 0),
    "denunciations.accept.member": (1, 0), "denunciations.accept.total": (1, 0),
    "denunciations.handled.member": (1, 0), "denunciations.handled.total": (1, 0),
    "denunciations.correct.member": (1, 0), "denunciations.correct.total": (1, 0),
    "complaints.received.member": (1, 0), "complaints.received.total": (1, 0),
    "complaints.accepted.member": (1, 0), "complaints.accepted.total": (1, 0),
    "complaints.ruled.member": (1, 0), "complaints.ruled.total": (1, 0),
    "complaints.change.member": (1, 0), "complaints.change.total": (1, 0),
    "discipline_form.warning.member": (1, 0), "discipline_form.warning.total": (1, 0),
    "discipline_form.reprimand.member": (1, 0), "discipline_form.reprimand.total": (1, 0),
    "discipline_form.removal.member": (1, 0), "discipline_form.removal.total": (1, 0),
    "discipline_form.all.member": (3, 0), "discipline_form.all.total": (3, 0),
    "discipline_level.district.member": (2, 0), "discipline_level.district.total": (2, 0),
    "discipline_level.province.member": (1, 0), "discipline_level.province.total": (1, 0),
}


@pytest.fixture()
def world(session):
    w = f.world()
    build(w)
    return w


def report_for(w, user, **kw):
    actor = w.actor(user)
    return build_report(actor, parse_filter(actor, TODAY, **{"period": Q3, **kw}), TODAY)


def counted(report):
    return {fig.key: fig for s in report.sections for r in s.rows for fig in r.figures
            if not fig.key.startswith(("timeliness.", "phase_time."))}


def test_every_count_amount_and_previous_value(world) -> None:
    report = report_for(world, world.chair)
    assert report.period.code == Q3 and report.previous_period.code == "2026-Q2"
    found = counted(report)
    assert set(EXPECTED) <= set(found)
    for key, fig in found.items():
        assert (fig.value, fig.previous) == EXPECTED.get(key, (0, 0)), key
    amount = report.figure("financial.amount.total")
    assert amount.change == 3_498_800_000 and amount.unit == "vnd"
    conducted = report.figure("violation.conducted.total")
    assert (conducted.change, conducted.change_percent) == (1, 50.0)
    assert report.figure("denunciations.received.total").change_percent is None  # from zero


def expected_deadlines(period_code: str) -> dict[str, tuple[int, int]]:
    """Due and missed deadlines per kind, worked out row by row in Python."""
    period = parse_period(period_code, TODAY)
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = db.session.execute(sa.select(Deadline, Case.kind).join(Case)).all()
    for deadline, kind in rows:
        if deadline.status == "cancelled" or not period.contains(deadline.due_on) \
                or deadline.due_on >= TODAY:
            continue
        found[kind][0] += 1
        if deadline.status == "open":
            found[kind][1] += deadline.paused_since is None
        elif local_today(deadline.closed_at) > deadline.due_on:
            found[kind][1] += 1
    return {k: (v[0], v[1]) for k, v in found.items()}


def test_overdue_rates_match_the_deadlines(world) -> None:
    report = report_for(world, world.chair)
    for code, attr in ((Q3, "value"), ("2026-Q2", "previous")):
        want = expected_deadlines(code)
        due_all = sum(d for d, _ in want.values())
        late_all = sum(m for _, m in want.values())
        assert due_all > 0 and late_all > 0, code  # the scenario has missed deadlines
        for kind in registry.kinds():
            due, late = want.get(kind, (0, 0))
            assert getattr(report.figure(f"timeliness.{kind}.due"), attr) == due
            assert getattr(report.figure(f"timeliness.{kind}.late"), attr) == late
            rate = getattr(report.figure(f"timeliness.{kind}.rate"), attr)
            assert rate == (round(100 * late / due, 1) if due else None)
        assert getattr(report.figure("timeliness.all.rate"), attr) == round(
            100 * late_all / due_all, 1)


def expected_phase_days(period_code: str) -> dict[str, list[float]]:
    """Days each case spent in each phase it has left for good, last left in the period."""
    period = parse_period(period_code, TODAY)
    start, end = period.utc_bounds()
    spent: dict[tuple[int, str], list] = {}
    for case in db.session.execute(sa.select(Case)).scalars():
        definition = registry.get(case.workflow_name, case.workflow_version)
        events = db.session.execute(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                                    .order_by(CaseEvent.seq)).scalars().all()
        for this, after in zip(events, events[1:], strict=False):
            phase = definition.state(this.to_state).phase.value
            if phase == case.phase:
                continue
            days, last = spent.get((case.id, phase), (0.0, None))
            spent[(case.id, phase)] = (
                days + (after.occurred_at - this.occurred_at).total_seconds() / 86400,
                after.occurred_at if last is None else max(last, after.occurred_at))
    found: dict[str, list[float]] = defaultdict(list)
    for (_, phase), (days, last) in spent.items():
        if start <= last < end:
            found[phase].append(days)
    return found


def test_median_days_in_each_phase(world) -> None:
    report = report_for(world, world.chair)
    for code, attr in ((Q3, "value"), ("2026-Q2", "previous")):
        want = expected_phase_days(code)
        assert want, code
        for phase in ("planned", "underway", "findings", "discipline", "follow_up"):
            days = want.get(phase, [])
            assert getattr(report.figure(f"phase_time.{phase}.cases"), attr) == len(days)
            median_fig = getattr(report.figure(f"phase_time.{phase}.median_days"), attr)
            assert median_fig == (round(median(days), 1) if days else None), (code, phase)


def test_a_known_phase_time(session) -> None:
    """Opened 08:00 on 1/7, decided 10:00 on 3/7, launched 10:00 on 6/7: the planned phase
    lasted 5 days and 2 hours."""
    w = f.world()
    case = open_on(w, "inspection_violation", "2026-07-01")
    play(w, case, [("decide", {"decision_number": "1", "decision_date": "2026-07-03"}, "chair",
                    "2026-07-03"), ("launch", {}, "inspector", "2026-07-06")])
    report = report_for(w, w.chair)
    assert report.figure("phase_time.planned.median_days").value == 5.1
    assert report.figure("phase_time.planned.cases").value == 1
    assert report.figure("phase_time.underway.cases").value == 0  # still under way


def test_events_just_past_midnight_in_vietnam_belong_to_the_next_quarter(session) -> None:
    w = f.world()
    case = open_on(w, "financial_inspection", "2026-07-01", subject="organisation")
    case = play(w, case, to_review("2026-07-02", "self_report"))
    cases.fire_event(Actor.for_user(w.committee_member), case.id, "conclude",
                     expected_version=case.version, data={
                         "outcome": "no_violation", "conclusion": "Tốt"},
                     now=at("2026-10-01", 0).replace(minute=30))  # 30/9 17:30 UTC
    assert report_for(w, w.chair).figure("financial.concluded.total").value == 0
    q4 = report_for(w, w.chair, period="2026-Q4")
    assert q4.figure("financial.concluded.total").value == 1


def test_scope_subtree_and_kind_filters(world) -> None:
    outsider = report_for(world, world.outsider)
    assert all(fig.value in (0, None) for fig in counted(outsider).values())
    admin = report_for(world, world.admin)  # the province covers the district
    assert {k: v.value for k, v in counted(admin).items()} == \
        {k: v.value for k, v in counted(report_for(world, world.chair)).items()}
    cell = report_for(world, world.chair, org=str(world.cell.id))
    assert cell.figure("coverage.inspected_members.cells").value == 1
    assert cell.figure("violation.conducted.total").value == 1
    assert cell.figure("discipline_form.all.total").value == 0
    only = report_for(world, world.chair, kinds=["denunciation"])
    assert [s.key for s in only.sections] == ["denunciations", "timeliness", "phase_time"]
    assert only.figure("denunciations.received.total").value == 2
    with pytest.raises(NotFound):
        report_for(world, world.outsider, org=str(world.district.id))


@pytest.mark.parametrize("kw", [{"period": "2026-Q5"}, {"period": "abc"},
                                {"period": "custom", "start": "2026-07-01"},
                                {"period": "custom", "start": "2026-07-02", "end": "2026-07-01"},
                                {"kinds": ["nope"]}, {"org": "x1"}])
def test_bad_filters_are_validation_errors(world, kw) -> None:
    with pytest.raises(ValidationFailed):
        report_for(world, world.chair, **kw)


def test_custom_period_and_its_previous(world) -> None:
    report = report_for(world, world.chair, period="custom", start="2026-07-01",
                        end="2026-09-30")
    assert report.previous_period.start == date(2026, 3, 31)  # the 92 days before
    assert report.figure("denunciations.received.total").value == 2
