"""The demo's programme: the provincial committee's combined programme for the
demo year, approved in January, its items opened at each quarter's start that
has come (back-dated, through the real opening), and targets for the province
and for Vị Thanh. Called by ``hgkiemtra.demo.load_demo``; flushes only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.service import LOCAL_TZ
from hgkiemtra.people.models import Member, Organisation, User
from hgkiemtra.programmes import opening, service

CITY_CODES = ("HG.VT", "HG.NB")  # their own committees' desks


def _at(day: date, today: date, hour: int = 8) -> datetime:
    return datetime.combine(min(day, today), time(hour, 0), LOCAL_TZ)


def build_demo_programme(orgs: dict[str, Organisation], users: dict[str, User],
                         members: Sequence[Member], today: date) -> list[int]:
    """Returns the ids of the cases the programme opened."""
    year = today.year
    chair, drafter = Actor.for_user(users["chu.nhiem"]), Actor.for_user(users["can.bo"])
    responsible = users["uy.vien"].id
    province = [m for m in members if not m.organisation.code.startswith(CITY_CODES)]
    cadre = next(m for m in province if m.positions)
    other = next(m for m in reversed(province) if m.status == "full" and m is not cadre)
    programme = service.create_programme(
        drafter, org_id=orgs["HG"].id, year=year, kind="combined",
        title=f"Chương trình kiểm tra, giám sát năm {year} của Ủy ban Kiểm tra Tỉnh ủy",
        now=_at(date(year, 1, 5), today))
    plan = [
        (1, "supervision", "member", cadre.id,
         "Giám sát chuyên đề việc thực hiện chức trách, nhiệm vụ được giao"),
        (2, "inspection_lower_work", "organisation", orgs["HG.LMH"].id,
         "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ luật đảng"),
        (3, "financial_inspection", "organisation", orgs["HG.PHP"].id,
         "Kiểm tra việc thu, nộp, quản lý và sử dụng đảng phí"),
        (4, "asset_declaration", "member", other.id,
         "Kiểm tra việc kê khai tài sản, thu nhập năm trước"),
        (4, "supervision", "organisation", orgs["HG.CTA"].id,
         "Giám sát việc lãnh đạo thực hiện Chỉ thị 29-CT/TU"),
    ]
    for quarter, kind, subject_type, subject_id, content in plan:
        service.add_item(drafter, programme.id, case_kind=kind, subject_type=subject_type,
                         subject_id=subject_id, content=content, quarter=quarter,
                         responsible_user_id=responsible, now=_at(date(year, 1, 6), today))
    service.approve_programme(chair, programme.id, now=_at(date(year, 1, 10), today))
    opened: list[int] = []
    for quarter in range(1, opening.quarter_of(today) + 1):
        report = opening.open_due(_at(opening.quarter_start(year, quarter), today, hour=7))
        opened += [case_id for _, case_id in report.opened]
    service.set_target(chair, org_id=orgs["HG"].id, year=year, supervised_share=30,
                       inspected_share=25, now=_at(date(year, 1, 10), today))
    service.set_target(Actor.for_user(users["chu.nhiem.vithanh"]), org_id=orgs["HG.VT"].id,
                       year=year, supervised_share=40, inspected_share=30,
                       now=_at(date(year, 1, 12), today))
    return opened
