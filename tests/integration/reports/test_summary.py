"""The statistics summary tables (reports/summary.py) stay equal to what the event log
says, however the cases moved: the rows the triggers kept are compared with the rows
the backfill (the migration's) computes from the events, after transitions, a
send-back that re-enters a phase, a vote that sets the deciding level, and an
organisation handing its open cases to its successor."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.people import changes
from hgkiemtra.reports import summary
from hgkiemtra.reports.models import PhaseStay, StatEvent
from hgkiemtra.reports.statistics import build_report, parse_filter
from tests import factories as f
from tests.integration.reports.scenario import (
    Built,
    at,
    conclude,
    decide,
    open_on,
    play,
    to_review,
)

TODAY = date(2026, 11, 28)


def kept() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Both tables as compared: every fact column; per stay the finished time, and
    when it was last left (a finished stay) or entered (the stay under way)."""
    facts = {tuple(row) for row in db.session.execute(sa.select(*StatEvent.__table__.c))}
    stays = {(s.case_id, s.phase, s.kind, s.org_id, s.micros, s.is_current,
              s.entered_at if s.is_current else s.last_left_at)
             for s in db.session.scalars(sa.select(PhaseStay))}
    return facts, stays


def rebuilt() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """The same, computed afresh from the events by the backfill (rolled back after)."""
    db.session.flush()
    nested = db.session.begin_nested()
    summary.rebuild(db.session.connection())
    db.session.expire_all()
    found = kept()
    nested.rollback()
    return found


def assert_in_step() -> None:
    facts, stays = kept()
    assert facts and stays
    assert (facts, stays) == rebuilt()


def test_the_scenario_keeps_the_summary_equal_to_the_backfill(built: Built) -> None:
    assert_in_step()
    # The vote's deciding level reached the facts of the case's earlier events too.
    levels = set(db.session.scalars(sa.select(StatEvent.body_level).where(
        StatEvent.body_level.is_not(None))))
    assert "province" in levels
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatEvent)
                             .where(StatEvent.is_combined)) > 0


def _send_back_case(w: f.World) -> Case:
    case = open_on(w, "inspection_violation", "2026-07-01")
    case = play(w, case, to_review("2026-07-02"))  # under way 2/7 10:00 .. review 2/7 10:00
    case = play(w, case, [
        ("send_back", {}, "member", "2026-07-10"),       # findings 2/7 -> 10/7: 8 days
        ("draft_report", {}, "inspector", "2026-07-13"),  # back under way 10/7 -> 13/7
        ("submit_report", {}, "inspector", "2026-07-13"),
        conclude("2026-07-20", "no_violation")])
    return case


def test_a_send_back_reenters_the_phase_and_its_stays_add_up(session: Any) -> None:
    w = f.world()
    case = _send_back_case(w)
    stays = {s.phase: s for s in db.session.scalars(
        sa.select(PhaseStay).where(PhaseStay.case_id == case.id))}
    assert case.phase == "findings" and stays["findings"].is_current
    assert not stays["underway"].is_current
    assert stays["underway"].micros == (at("2026-07-13") - at("2026-07-10")).total_seconds() \
        * 1_000_000  # the first stay began and ended on 2/7 10:00
    assert stays["underway"].last_left_at == at("2026-07-13")
    assert stays["findings"].micros == 8 * 86_400_000_000  # the first stay, finished
    assert_in_step()
    # Findings is not counted while the case is in it again; under way is, once.
    actor = Actor.for_user(w.chair)
    report = build_report(actor, parse_filter(actor, TODAY, period="2026-Q3"), TODAY)
    assert report.figure("phase_time.underway.cases").value == 1
    assert report.figure("phase_time.underway.median_days").value == 3.0
    assert report.figure("phase_time.findings.cases").value == 0


def test_a_transition_in_the_same_phase_does_not_end_the_stay(session: Any) -> None:
    w = f.world()
    case = open_on(w, "inspection_violation", "2026-07-01")
    case = play(w, case, [decide("2026-07-03"), ("launch", {}, "inspector", "2026-07-06")])
    planned = db.session.get(PhaseStay, (case.id, "planned"))
    assert planned is not None and not planned.is_current
    assert planned.micros == int((at("2026-07-06") - at("2026-07-01", 8)).total_seconds()
                                 * 1_000_000)
    assert_in_step()


def test_an_organisation_handing_over_its_cases_moves_their_summary(session: Any) -> None:
    w = f.world()
    w.district.valid_from = date(2004, 1, 1)
    case = _send_back_case(w)
    successor = f.org("Đảng bộ quận mới", "district", parent=w.province,
                      valid_from=date(2004, 1, 1))
    db.session.flush()
    changes.merge(Actor.for_user(w.admin), [w.district.id], successor.id, date(2026, 10, 1),
                  now=at("2026-10-02"))
    db.session.refresh(case)
    assert case.org_id == successor.id
    assert set(db.session.scalars(sa.select(StatEvent.org_id).where(
        StatEvent.case_id == case.id))) == {successor.id}
    assert set(db.session.scalars(sa.select(PhaseStay.org_id).where(
        PhaseStay.case_id == case.id))) == {successor.id}
    assert_in_step()
    actor = Actor.for_user(w.admin)
    moved = build_report(actor, parse_filter(actor, TODAY, period="2026-Q3",
                                             org=str(successor.id)), TODAY)
    assert moved.figure("violation.concluded.total").value == 1
    assert moved.figure("phase_time.underway.cases").value == 1


@pytest.mark.parametrize("period", ["2026-Q3", "2026"])
def test_the_backfill_gives_the_same_report(built: Built, w: f.World, period: str) -> None:
    actor = Actor.for_user(w.chair)
    filters = parse_filter(actor, TODAY, period=period)
    before = build_report(actor, filters, TODAY, now=at("2026-11-28"))
    summary.rebuild(db.session.connection())
    after = build_report(actor, filters, TODAY, now=at("2026-11-28"))
    assert after == before
