"""Test data builders. Each returns flushed objects in the current db.session."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.people import service as people
from hgkiemtra.people.models import Member, Organisation, User

_counter = itertools.count(1)


def org(name: str, level: str, parent: Organisation | None = None, **kw: object) -> Organisation:
    return people.create_organisation(
        code=kw.pop("code", f"ORG{next(_counter)}"),  # type: ignore[arg-type]
        name=name,
        level=level,
        parent=parent,
        **kw,  # type: ignore[arg-type]
    )


def member(organisation: Organisation, name: str = "Nguyễn Văn An", **kw: object) -> Member:
    obj = Member(
        full_name=name,
        search_name="",
        org_id=organisation.id,
        status=kw.pop("status", "full"),
        positions=kw.pop("positions", []),
        **kw,
    )
    people.index_member(obj)
    db.session.add(obj)
    db.session.flush()
    return obj


def user(
    roles: list[tuple[str, Organisation]],
    email: str | None = None,
    name: str = "Cán bộ Thử nghiệm",
    password: str | None = None,
) -> User:
    return people.create_user(
        email=email or f"user{next(_counter)}@example.vn",
        full_name=name,
        password=password,
        roles=[(r, o.id) for r, o in roles],
    )


@dataclass
class World:
    """A small tree: province > district > grassroots > cell, and an outsider."""

    province: Organisation
    district: Organisation
    grassroots: Organisation
    cell: Organisation
    other_district: Organisation
    subject: Member
    chair: User
    committee_member: User
    inspector: User
    viewer: User
    outsider: User
    admin: User

    def actor(self, user: User) -> Actor:
        return Actor.for_user(user)


def world() -> World:
    province = org("Tỉnh ủy Hậu Giang", "province")
    district = org("Thành ủy Vị Thanh", "district", province)
    grassroots = org("Đảng ủy Phường I", "grassroots", district)
    cell = org("Chi bộ Khu vực 1", "cell", grassroots)
    other = org("Thị ủy Ngã Bảy", "district", province)
    subject = member(cell, "Trần Thị Bích Ngọc", positions=["Phó Chủ tịch UBND phường"])
    return World(
        province=province,
        district=district,
        grassroots=grassroots,
        cell=cell,
        other_district=other,
        subject=subject,
        chair=user([("chair", district)], name="Lê Văn Chủ"),
        committee_member=user([("member", district)], name="Phạm Thị Ủy"),
        inspector=user([("inspector", district)], name="Võ Minh Kiểm"),
        viewer=user([("viewer", district)], name="Đỗ Văn Xem"),
        outsider=user([("chair", other)], name="Huỳnh Ngoài Phạm Vi"),
        admin=user([("admin", province)], name="Quản Trị Viên"),
    )


def case(w: World, title: str = "Kiểm tra dấu hiệu vi phạm đất đai", **kw: object) -> Case:
    return cases.open_case(
        Actor.for_user(w.inspector),
        kind=kw.pop("kind", "inspection_violation"),  # type: ignore[arg-type]
        title=title,
        org_id=w.district.id,
        subject_type="member",
        subject_id=w.subject.id,
        team=[cases.TeamSeat(w.inspector.id, "leader"), cases.TeamSeat(w.committee_member.id,
                                                                          "directing")],
        **kw,  # type: ignore[arg-type]
    )


FULL_PATH = [
    ("decide", {"decision_number": "15-QĐ/UBKT", "decision_date": "2026-03-02"}, "chair"),
    ("launch", {}, "inspector"),
    ("request_explanation", {}, "inspector"),
    ("receive_explanation", {}, "inspector"),
    ("draft_report", {}, "inspector"),
    ("submit_report", {}, "inspector"),
]


def advance(w: World, c: Case, steps: list[tuple[str, dict[str, object], str]]) -> Case:
    users = {"chair": w.chair, "inspector": w.inspector, "member": w.committee_member}
    for event, data, who in steps:
        c = cases.fire_event(
            Actor.for_user(users[who]), c.id, event, expected_version=c.version, data=data
        )
    return c


TODAY = date.today()
# inspection_violation v2: the subject is heard before any discipline decision.
HEARING = ("hear_subject", {"heard_on": TODAY.isoformat()}, "chair")
