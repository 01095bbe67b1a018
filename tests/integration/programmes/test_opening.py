"""Approved programme items open their case when their quarter starts: once."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db
from hgkiemtra.programmes import opening
from hgkiemtra.programmes.models import ProgrammeItem
from tests import factories as f
from tests.integration.programmes.conftest import Plan, build_plan, local


def opened_quarters(plan: Plan) -> list[int]:
    db.session.expire_all()
    return sorted(q for q, item in plan.items.items() if item.case_id is not None)


def test_items_open_on_the_first_local_day_of_their_quarter(plan: Plan) -> None:
    report = opening.open_due(local(2026, 3, 31, 23, 59))
    assert opened_quarters(plan) == [1] and len(report.opened) == 1
    # 00:30 on 1 April in Vietnam is still 31 March in UTC: the local date counts.
    report = opening.open_due(local(2026, 4, 1, 0, 30))
    assert opened_quarters(plan) == [1, 2] and report.failed == []
    item = plan.items[2]
    case = db.session.get(Case, item.case_id)
    assert case.kind == "inspection_lower_work" and case.state == "proposed"
    assert case.phase == "planned" and case.org_id == plan.w.district.id
    assert case.subject_org_id == plan.w.grassroots.id
    assert case.title == item.content and case.created_by_id is None
    assert case.opened_on.isoformat() == "2026-04-01"
    assert [(s.user_id, s.team_role) for s in case.team] == [
        (plan.w.committee_member.id, "directing")]
    first = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
    assert first.event == "open" and first.actor_label == "Hệ thống"
    assert first.data["origin"] == {"programme_id": plan.programme.id,
                                    "programme_item_id": item.id, "quarter": 2}
    assert first.data["anchor_on"] == "2026-04-01"


def test_running_again_opens_nothing_twice(plan: Plan) -> None:
    first = opening.open_due(local(2026, 12, 1))
    assert len(first.opened) == 4
    again = opening.open_due(local(2026, 12, 2))
    assert again.opened == [] and again.failed == []
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 4


def test_draft_and_other_years_do_not_open(w: f.World) -> None:
    build_plan(w, approve=False)
    later = build_plan(w, year=2027)  # approved, but its year has not come
    assert later.programme.is_approved
    assert opening.open_due(local(2026, 12, 31)).opened == []
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_an_item_that_cannot_open_keeps_its_reason_and_the_rest_open(plan: Plan) -> None:
    subject = plan.w.subject
    subject.org_id = plan.w.other_district.id  # moved away since the item was planned
    db.session.flush()
    db.session.expire_all()
    report = opening.open_due(local(2026, 7, 1))
    assert opened_quarters(plan) == [2]
    failed = dict(report.failed)
    assert set(failed) == {plan.items[1].id, plan.items[3].id}
    assert "không thuộc" in failed[plan.items[1].id]
    # The tick leaves it alone from now on; a person opens it once the cause is fixed.
    assert opening.open_due(local(2026, 7, 2)).failed == []
    subject.org_id = plan.w.cell.id
    db.session.flush()
    case = opening.open_item_now(Actor.for_user(plan.w.chair), plan.programme.id,
                                 plan.items[1].id, now=local(2026, 7, 3))
    db.session.expire_all()
    item = db.session.get(ProgrammeItem, plan.items[1].id)
    assert item.case_id == case.id and item.open_error is None
    assert case.team[0].user_id == plan.w.committee_member.id


def test_open_now_before_the_quarter_and_never_twice(plan: Plan) -> None:
    chair = Actor.for_user(plan.w.chair)
    case = opening.open_item_now(chair, plan.programme.id, plan.items[4].id,
                                 now=local(2026, 2, 10))
    assert case.opened_on.isoformat() == "2026-02-10"
    for actor in (chair, Actor.for_user(plan.w.inspector)):
        try:
            opening.open_item_now(actor, plan.programme.id, plan.items[4].id)
        except Exception as exc:  # noqa: BLE001
            assert "đã được mở" in str(exc)
        else:
            raise AssertionError("opened twice")
    assert len(opening.open_due(local(2026, 12, 1)).opened) == 3


def test_cli_open_due_with_today(app: Flask, committed: Flask) -> None:
    w = f.world()
    build_plan(w)
    db.session.commit()
    runner = committed.test_cli_runner()
    result = runner.invoke(args=["programmes", "open-due", "--today", "2026-04-01"])
    assert result.exit_code == 0, result.output
    assert "2 opened, 0 failed" in result.output
    again = runner.invoke(args=["programmes", "open-due", "--today", "2026-04-01"])
    assert again.exit_code == 0 and "0 opened" in again.output
    bad = runner.invoke(args=["programmes", "open-due", "--today", "1/4/2026"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
