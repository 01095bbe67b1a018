"""Every procedure through the real service on PostgreSQL: open a case of every kind,
walk it to each outcome, spawn linked cases, and pick the version by the anchor date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hgkiemtra.cases import links
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, CaseEvent, CaseLink
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import GuardFailed, PermissionDenied, ValidationFailed
from tests import factories as f
from tests.walks import ALL_WALKS, NOTE, SUSPENSION, Walk
from workflows import registry


@pytest.fixture()
def w(session):
    return f.world()


def open_for(w: f.World, walk: Walk, **kw: object) -> Case:
    member = walk.subject == "member"
    return cases.open_case(
        w.actor(w.inspector), kind=walk.kind, title=f"Hồ sơ {walk.name}", org_id=w.district.id,
        subject_type=walk.subject, subject_id=w.subject.id if member else w.grassroots.id,
        anchor_on=walk.anchor_on, team=[cases.TeamSeat(w.inspector.id, "leader")], **kw)


def run(w: f.World, case: Case, walk: Walk) -> Case:
    users = {"chair": w.chair, "member": w.committee_member, "inspector": w.inspector}
    for step in walk.steps:
        case = cases.fire_event(
            w.actor(users[step.role]), case.id, step.event, expected_version=case.version,
            note=NOTE, data=dict(step.data), now=utcnow() + timedelta(days=step.shift))
    return case


@pytest.mark.parametrize("walk", ALL_WALKS, ids=lambda walk: walk.name)
def test_walk_through_the_service(w, walk: Walk) -> None:
    case = open_for(w, walk)
    assert (case.workflow_name, case.workflow_version) == (walk.kind, walk.version)
    case = run(w, case, walk)
    assert (case.state, case.phase) == (walk.final, "closed")
    assert case.closed_on is not None and case.event_count == len(walk.steps) + 1
    outgoing = links.links_of(case.id)
    assert [v.case.kind for v in outgoing] == list(walk.spawns)
    for view in outgoing:
        assert view.direction == "outgoing" and view.kind == links.LINK_KINDS[view.case.kind]
        child = view.case
        definition = registry.for_kind(child.kind)
        assert (child.state, child.workflow_version) == (definition.initial, definition.version)
        assert (child.subject_type, child.subject_member_id, child.subject_org_id, child.org_id) \
            == (case.subject_type, case.subject_member_id, case.subject_org_id, case.org_id)
        assert [(v.kind, v.direction, v.case.id) for v in links.links_of(child.id)] == [
            (view.kind, "incoming", case.id)]


def test_supervision_spawns_a_linked_inspection(w) -> None:
    walk = next(x for x in ALL_WALKS if x.name == "supervision-signs")
    supervision = run(w, open_for(w, walk), walk)
    (link,) = links.links_of(supervision.id)
    inspection = link.case
    assert (link.kind, link.direction) == ("spawned_inspection", "outgoing")
    assert inspection.kind == "inspection_violation" and inspection.state == "proposed"
    assert supervision.reference in inspection.title
    assert inspection.summary == "Dấu hiệu vi phạm đất đai"
    first = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == inspection.id)
                              ).one()
    assert first.data["origin"] == {"case_id": supervision.id,
                                    "reference": supervision.reference,
                                    "event": "propose_inspection"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseLink)) == 1
    (back,) = links.links_of(inspection.id)
    assert (back.kind, back.direction, back.case.id) == ("spawned_inspection", "incoming",
                                                          supervision.id)


def test_a_spawn_the_actor_may_not_open_changes_nothing(w) -> None:
    walk = next(x for x in ALL_WALKS if x.name == "supervision-signs")
    case = run(w, open_for(w, walk), Walk("x", walk.kind, 1, "member", walk.steps[:-1], ""))
    definition = registry.for_kind("inspection_violation")
    definition.opener_roles, saved = frozenset(), definition.opener_roles  # type: ignore[misc]
    try:
        with pytest.raises(PermissionDenied, match="Vai trò"):
            cases.fire_event(w.actor(w.chair), case.id, "propose_inspection",
                             expected_version=case.version, data={"content": "x"})
    finally:
        definition.opener_roles = saved  # type: ignore[misc]
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "concluded"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseLink)) == 0


@pytest.mark.parametrize(("anchor", "version"), [(date(2024, 5, 6), 1), (None, 2),
                                                 (date(2025, 5, 30), 2), (date(2025, 5, 29), 1)])
def test_denunciation_version_follows_the_anchor_date(w, anchor: date | None,
                                                      version: int) -> None:
    case = cases.open_case(w.actor(w.inspector), kind="denunciation", title="Đơn tố cáo",
                           org_id=w.district.id, subject_type="member", subject_id=w.subject.id,
                           anchor_on=anchor)
    assert case.workflow_version == version
    opened = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
    assert opened.data["anchor_on"] == (anchor or cases.local_today()).isoformat()


def test_anchor_date_in_the_future_is_refused(w) -> None:
    with pytest.raises(ValidationFailed, match="anchor_on"):
        cases.open_case(w.actor(w.inspector), kind="denunciation", title="Đơn",
                        org_id=w.district.id, subject_type="member", subject_id=w.subject.id,
                        anchor_on=cases.local_today() + timedelta(days=2))


def test_a_ubkt_cannot_inspect_its_own_committees_finances(w) -> None:
    case = cases.open_case(w.actor(w.inspector), kind="financial_inspection",
                           title="Kiểm tra tài chính", org_id=w.district.id,
                           subject_type="organisation", subject_id=w.district.id)
    with pytest.raises(GuardFailed) as err:
        cases.fire_event(w.actor(w.chair), case.id, "decide", expected_version=case.version,
                         data={"decision_number": "1", "decision_date": "2026-03-02"})
    assert any("tài chính của cấp ủy cùng cấp" in r for r in err.value.reasons)
    checks = {c.event.name: c for c in cases.allowed_events(w.actor(w.chair), case)}
    assert not checks["decide"].allowed and checks["cancel"].allowed


def test_financial_inspection_refuses_a_member_subject(w) -> None:
    with pytest.raises(ValidationFailed):
        cases.open_case(w.actor(w.inspector), kind="financial_inspection", title="x",
                        org_id=w.district.id, subject_type="member", subject_id=w.subject.id)


def test_guard_context_carries_the_organisation_facts(w) -> None:
    case = cases.open_case(w.actor(w.inspector), kind="discipline", title="x",
                           org_id=w.district.id, subject_type="organisation",
                           subject_id=w.grassroots.id)
    ctx = cases.guard_context(case, {}, "", cases.local_today())
    assert ctx.subject_facts == {"owning_org_level": "district", "is_owning_organisation": False,
                                 "level": "grassroots", "parent_level": "district"}


def test_suspension_deadline_follows_the_rule(w) -> None:
    from hgkiemtra.deadlines.service import open_deadlines

    walk = SUSPENSION[0]
    case = run(w, open_for(w, walk), Walk("x", walk.kind, 1, "member", walk.steps[:1], ""))
    (deadline,) = open_deadlines(case.id)
    assert deadline.rule == "suspension" and (deadline.amount, deadline.unit) == (
        90, "calendar_days")
    assert "QĐ 22 điều 31" in deadline.citation
