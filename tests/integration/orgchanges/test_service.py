"""people.changes: merge, split, dissolve and move through the service."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import CaseEvent
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.people import changes, org_history
from hgkiemtra.people.change_models import ItemType
from hgkiemtra.people.models import Member, Organisation
from hgkiemtra.people.service import find_organisation
from tests import factories as f
from tests.integration.orgchanges.conftest import ON


def admin(scene):
    return Actor.for_user(scene.root_admin)


def test_dissolving_a_district_hands_open_work_to_the_parent_and_keeps_history(scene, session):
    w = scene.w
    change = changes.dissolve(admin(scene), w.district.id, ON, note="Kết thúc cấp huyện")
    session.commit()

    assert w.district.valid_to == date(2025, 6, 30) and w.district.successor == w.province
    # Open work moved; the closed case stays with the old organisation.
    assert scene.open_case.org_id == w.province.id
    assert scene.closed_case.org_id == w.district.id
    # The grassroots and its cell go on under the province, as new rows.
    new_grassroots = find_organisation(f"{w.province.code}.{w.grassroots.code}")
    assert new_grassroots is not None and new_grassroots.parent_id == w.province.id
    assert new_grassroots.valid_from == ON and w.grassroots.successor == new_grassroots
    new_cell = w.cell.successor
    assert new_cell.parent == new_grassroots and new_cell.path.startswith(new_grassroots.path)
    assert session.get(Member, w.subject.id).org_id == new_cell.id
    # The old rows keep their place: paths never change.
    assert w.cell.path.startswith(w.district.path) and w.cell.valid_to == date(2025, 6, 30)
    # What moved is recorded.
    kinds = org_history.summary(change)
    assert kinds["closed"] == 1 and kinds["moved"] == 2 and kinds["case"] == 1
    assert kinds["member"] == 1 and kinds["role"] == 0
    assert org_history.endings([w.district.id, w.grassroots.id]) == {
        w.district.id: org_history.Ending("dissolve", ON, (w.province,), change.id),
        w.grassroots.id: org_history.Ending("move", ON, (new_grassroots,), change.id),
    }


def test_the_transfer_is_an_audit_event_and_every_chain_still_verifies(scene, session):
    changes.dissolve(admin(scene), scene.w.district.id, ON)
    session.commit()
    event = session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == scene.open_case.id).order_by(CaseEvent.seq.desc())).first()
    assert event.event == "transfer_organisation"
    assert event.from_state == event.to_state == scene.open_case.state
    assert event.data["from_org"]["id"] == scene.w.district.id
    assert event.data["to_org"]["id"] == scene.w.province.id
    assert event.data["effective_on"] == "2025-07-01"
    assert list(audit.iter_breaks()) == [] and audit.orphan_events() == []


def test_the_tree_on_a_past_date_is_the_old_tree(scene, session):
    w = scene.w
    changes.dissolve(admin(scene), w.district.id, ON)
    session.commit()
    everything = session.scalars(sa.select(Organisation)).all()
    before = {o.id for o in org_history.tree_on(everything, ON - timedelta(days=1))}
    after = {o.id for o in org_history.tree_on(everything, ON)}
    assert {w.district.id, w.grassroots.id, w.cell.id} <= before
    assert not {w.district.id, w.grassroots.id, w.cell.id} & after
    assert {w.grassroots.successor_id, w.cell.successor_id} <= after
    assert not {w.grassroots.successor_id, w.cell.successor_id} & before


def test_scope_before_and_after(scene, session):
    w = scene.w
    chair = Actor.for_user(w.chair)  # chair over the district
    assert cases.get_case(chair, scene.open_case.id)
    with pytest.raises(NotFound):
        cases.get_case(Actor.for_user(scene.city_chair), scene.open_case.id)
    changes.merge(admin(scene), [w.district.id], scene.city.id, ON)
    session.commit()
    # The district's role holders keep the old cases, not the moved open one.
    assert cases.get_case(chair, scene.closed_case.id)
    with pytest.raises(NotFound):
        cases.get_case(chair, scene.open_case.id)
    # The successor's people get the open case, not the old history.
    city_chair = Actor.for_user(scene.city_chair)
    assert cases.get_case(city_chair, scene.open_case.id).org_id == scene.city.id
    with pytest.raises(NotFound):
        cases.get_case(city_chair, scene.closed_case.id)
    # The province (the old tree's root) still sees both: paths did not change.
    assert cases.get_case(admin(scene), scene.closed_case.id)


def test_carry_roles_gives_the_old_roles_on_the_successor_too(scene, session):
    w = scene.w
    change = changes.merge(admin(scene), [w.district.id], scene.city.id, ON, carry_roles=True)
    session.commit()
    session.refresh(w.chair)
    assert sorted(a.org_id for a in w.chair.roles) == sorted([w.district.id, scene.city.id])
    assert cases.get_case(Actor.for_user(w.chair), scene.open_case.id)
    assert org_history.summary(change)["role"] == 4  # chair, member, inspector, viewer


def test_merge_into_a_new_organisation(scene, session):
    w = scene.w
    new = changes.NewOrg(code="hg.vt-nb", name="Đảng bộ thành phố Vị Thanh - Ngã Bảy")
    change = changes.merge(admin(scene), [w.district.id, w.other_district.id], new, ON)
    session.commit()
    target = find_organisation("HG.VT-NB")
    assert target.parent_id == w.province.id and target.level == "district"
    assert target.valid_from == ON
    assert w.district.successor == target and w.other_district.successor == target
    assert scene.open_case.org_id == target.id
    assert [i.to_org_id for i in change.of_type(ItemType.CREATED)] == [target.id]


def test_split_follows_the_assignments(scene, session):
    w = scene.w
    second = f.member(w.cell, "Lê Văn Hai")
    case_on_cell = cases.open_case(
        Actor.for_user(w.inspector), kind="inspection_violation", title="Hồ sơ của chi bộ",
        org_id=w.cell.id, subject_type="member", subject_id=second.id)
    session.commit()
    into = [changes.NewOrg("CB.A", "Chi bộ Khu vực 1A"),
            changes.NewOrg("CB.B", "Chi bộ Khu vực 1B")]
    changes.split(admin(scene), w.cell.id, into, ON,
                  {("member", second.id): 1, ("case", case_on_cell.id): 1})
    session.commit()
    first, other = find_organisation("CB.A"), find_organisation("CB.B")
    assert first.parent_id == other.parent_id == w.grassroots.id
    assert w.cell.successor == first
    assert session.get(Member, w.subject.id).org_id == first.id
    assert session.get(Member, second.id).org_id == other.id
    assert case_on_cell.org_id == other.id


@pytest.mark.parametrize("problem", [
    "own_descendant", "itself", "closed", "before_founded", "future", "lower_level",
    "split_one", "bad_assignment", "duplicate_code", "nested_sources", "cell_under_cell",
])
def test_bad_changes_are_refused_with_a_reason(scene, session, problem):
    w, actor = scene.w, admin(scene)
    today = cases.local_today()
    calls = {
        "own_descendant": lambda: changes.merge(actor, [w.district.id], w.grassroots.id, ON),
        "itself": lambda: changes.merge(actor, [w.district.id], w.district.id, ON),
        "closed": lambda: (changes.dissolve(actor, w.other_district.id, ON),
                           changes.dissolve(actor, w.other_district.id, ON)),
        "before_founded": lambda: changes.dissolve(actor, w.district.id, date(2003, 1, 1)),
        "future": lambda: changes.dissolve(actor, w.district.id, today + timedelta(days=1)),
        "lower_level": lambda: changes.merge(actor, [w.province.id], w.other_district.id, ON),
        "split_one": lambda: changes.split(actor, w.cell.id, [changes.NewOrg("X", "X")], ON),
        "bad_assignment": lambda: changes.split(
            actor, w.cell.id, [changes.NewOrg("X1", "X1"), changes.NewOrg("X2", "X2")], ON,
            {("member", w.subject.id): 5}),
        "duplicate_code": lambda: changes.merge(
            actor, [w.cell.id], changes.NewOrg(w.grassroots.code, "Trùng mã"), ON),
        "nested_sources": lambda: changes.merge(
            actor, [w.district.id, w.grassroots.id], scene.city.id, ON),
        "cell_under_cell": lambda: changes.move(actor, w.cell.id, w.cell.id, ON),
    }
    with pytest.raises(ValidationFailed) as caught:
        calls[problem]()
    assert caught.value.message


def test_only_an_admin_over_every_organisation_may_change_them(scene, session):
    w = scene.w
    with pytest.raises(PermissionDenied):
        changes.dissolve(Actor.for_user(w.chair), w.district.id, ON)
    district_admin = Actor.for_user(f.user([("admin", w.province)]))
    with pytest.raises(PermissionDenied):  # the city is outside this admin's tree
        changes.merge(district_admin, [w.district.id], scene.city.id, ON)


def test_moving_a_grassroots_under_another_district(scene, session):
    w = scene.w
    change = changes.move(admin(scene), w.grassroots.id, w.other_district.id, ON)
    session.commit()
    moved = w.grassroots.successor
    assert moved.parent_id == w.other_district.id and moved.name == w.grassroots.name
    assert w.cell.successor.parent_id == moved.id
    assert change.kind == "move" and org_history.history(w.grassroots) == [change]


def test_reminders_follow_the_case_to_the_successor(scene, session):
    from hgkiemtra.reminders.models import Reminder

    def planned_for(case_id):
        return set(session.scalars(sa.select(Reminder.recipient_id).where(
            Reminder.case_id == case_id, Reminder.status == "planned", Reminder.role == "chair")))

    w = scene.w
    cases.fire_event(Actor.for_user(w.chair), scene.open_case.id, "decide",
                     expected_version=scene.open_case.version,
                     data={"decision_number": "1-QĐ/UBKT", "decision_date": "2026-11-02"})
    session.commit()
    assert w.chair.id in planned_for(scene.open_case.id)
    changes.merge(admin(scene), [w.district.id], scene.city.id, ON)
    session.commit()
    assert planned_for(scene.open_case.id) == {scene.city_chair.id}


def test_top_level_organisations_merge_into_a_new_top_level_one(scene, session):
    w = scene.w
    new = changes.NewOrg(code="CT.MOI", name="Đảng bộ thành phố Cần Thơ (mới)")
    changes.merge(admin(scene), [w.province.id, scene.city.id], new, ON)
    session.commit()
    target = find_organisation("CT.MOI")
    assert target.parent_id is None and target.level == "province"
    assert w.province.successor == target and scene.city.successor == target
    assert {c.name for c in target.children} == {w.district.name, w.other_district.name}
    assert scene.open_case.org_id == w.district.successor.id  # went with its district


def test_the_dashboard_counts_follow_the_handed_over_cases(scene, session):
    """Open work moved to the successor moves in the kept counts (case_phase_counts) too."""
    from hgkiemtra.cases.models import Case, CasePhaseCount

    def kept() -> dict[tuple[int, str], int]:
        rows = session.execute(sa.select(CasePhaseCount.org_id, CasePhaseCount.phase,
                                         CasePhaseCount.cases)).all()
        return {(org, phase): n for org, phase, n in rows if n}

    def counted() -> dict[tuple[int, str], int]:
        rows = session.execute(sa.select(Case.org_id, Case.phase, sa.func.count())
                               .group_by(Case.org_id, Case.phase)).all()
        return {(org, phase): n for org, phase, n in rows}

    assert kept() == counted()
    changes.dissolve(admin(scene), scene.w.district.id, ON)
    session.commit()
    assert scene.open_case.org_id == scene.w.province.id
    assert kept() == counted()
