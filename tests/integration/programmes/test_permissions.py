"""Who may draft, amend, approve, open and set targets; scope hides the rest."""

from __future__ import annotations

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.programmes import opening
from hgkiemtra.programmes import service as programmes
from tests import factories as f
from tests.integration.programmes.conftest import Plan, build_plan


def item_args(w: f.World, **kw: object) -> dict[str, object]:
    return {"case_kind": "supervision", "subject_type": "member", "subject_id": w.subject.id,
            "content": "Giám sát chuyên đề", "quarter": 2,
            "responsible_user_id": w.committee_member.id, **kw}


def test_only_the_organisations_chair_approves(w: f.World) -> None:
    plan = build_plan(w, approve=False)
    province_chair = f.user([("chair", w.province)])
    for user in (w.committee_member, w.inspector, w.viewer, province_chair, w.admin):
        with pytest.raises(PermissionDenied):
            programmes.approve_programme(Actor.for_user(user), plan.programme.id)
    with pytest.raises(NotFound):
        programmes.approve_programme(Actor.for_user(w.outsider), plan.programme.id)
    approved = programmes.approve_programme(Actor.for_user(w.chair), plan.programme.id)
    assert approved.is_approved and approved.approved_by_id == w.chair.id
    with pytest.raises(ValidationFailed):
        programmes.approve_programme(Actor.for_user(w.chair), plan.programme.id)


def test_viewers_and_outsiders_cannot_write(w: f.World) -> None:
    with pytest.raises(PermissionDenied):
        programmes.create_programme(Actor.for_user(w.viewer), org_id=w.district.id, year=2026,
                                    kind="supervision", title="X")
    with pytest.raises(ValidationFailed):  # an organisation out of scope is not even named
        programmes.create_programme(Actor.for_user(w.outsider), org_id=w.district.id,
                                    year=2026, kind="supervision", title="X")
    plan = build_plan(w, approve=False)
    with pytest.raises(PermissionDenied):
        programmes.add_item(Actor.for_user(w.viewer), plan.programme.id, **item_args(w))
    assert programmes.list_programmes(Actor.for_user(w.outsider)) == []
    assert [p.id for p in programmes.list_programmes(Actor.for_user(w.viewer), year=2026)] == [
        plan.programme.id]


def test_an_approved_programme_is_amended_by_its_chair_only(plan: Plan) -> None:
    w = plan.w
    with pytest.raises(PermissionDenied):
        programmes.add_item(Actor.for_user(w.committee_member), plan.programme.id,
                            **item_args(w))
    item = programmes.add_item(plan.chair(), plan.programme.id, **item_args(w))
    assert item.programme_id == plan.programme.id
    with pytest.raises(ValidationFailed):
        programmes.remove_item(plan.chair(), plan.programme.id, item.id)


@pytest.mark.parametrize("change, field", [
    ({"case_kind": "inspection_violation"}, "case_kind"),
    ({"case_kind": "financial_inspection"}, "subject"),  # organisations only
    ({"quarter": 5}, "quarter"),
    ({"content": "  "}, "content"),
    ({"responsible_user_id": 0}, "responsible_user_id"),
])
def test_bad_items_are_refused_with_the_field(w: f.World, change: dict[str, object],
                                              field: str) -> None:
    plan = build_plan(w, approve=False)
    with pytest.raises(ValidationFailed) as err:
        programmes.add_item(Actor.for_user(w.inspector), plan.programme.id,
                            **item_args(w, **change))
    assert err.value.details["field"] == field


def test_subjects_and_responsible_members_must_belong_to_the_organisation(w: f.World) -> None:
    plan = build_plan(w, approve=False)
    stranger = f.member(w.other_district, "Người ngoài")
    with pytest.raises(ValidationFailed):
        programmes.add_item(Actor.for_user(w.inspector), plan.programme.id,
                            **item_args(w, subject_id=stranger.id))
    with pytest.raises(ValidationFailed):  # an inspector is not a committee member
        programmes.add_item(Actor.for_user(w.inspector), plan.programme.id,
                            **item_args(w, responsible_user_id=w.inspector.id))


def test_kinds_must_fit_the_programme(w: f.World) -> None:
    supervision = programmes.create_programme(Actor.for_user(w.chair), org_id=w.district.id,
                                              year=2026, kind="supervision", title="GS 2026")
    with pytest.raises(ValidationFailed):
        programmes.add_item(Actor.for_user(w.chair), supervision.id,
                            **item_args(w, case_kind="asset_declaration"))
    with pytest.raises(ValidationFailed):  # one programme per organisation, year and kind
        programmes.create_programme(Actor.for_user(w.chair), org_id=w.district.id,
                                    year=2026, kind="supervision", title="Lần hai")


def test_open_now_needs_approval_and_a_writer(w: f.World) -> None:
    draft = build_plan(w, approve=False)
    with pytest.raises(ValidationFailed):
        opening.open_item_now(Actor.for_user(w.chair), draft.programme.id, draft.items[1].id)
    programmes.approve_programme(Actor.for_user(w.chair), draft.programme.id)
    with pytest.raises(PermissionDenied):
        opening.open_item_now(Actor.for_user(w.viewer), draft.programme.id, draft.items[1].id)


def test_targets_by_chairs_and_admins_within_range(w: f.World) -> None:
    for user in (w.committee_member, w.inspector, w.viewer):
        with pytest.raises(PermissionDenied):
            programmes.set_target(Actor.for_user(user), org_id=w.district.id, year=2026,
                                  supervised_share=30, inspected_share=25)
    with pytest.raises(ValidationFailed):
        programmes.set_target(Actor.for_user(w.chair), org_id=w.district.id, year=2026,
                              supervised_share=130, inspected_share=25)
    first = programmes.set_target(Actor.for_user(w.admin), org_id=w.district.id, year=2026,
                                  supervised_share=30, inspected_share=25)
    again = programmes.set_target(Actor.for_user(w.chair), org_id=w.district.id, year=2026,
                                  supervised_share=50, inspected_share=20)
    assert again.id == first.id and (again.supervised_share, again.inspected_share) == (50, 20)
