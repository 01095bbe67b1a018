"""The commissions' own Party cells, the demo users' member records, the vault's custodian.

Each inspection commission's staff belong to a cell of their own agency
(chi bộ cơ quan UBKT). Linking the demo users to those member records
(``users.member_id``) is what lets the conflict-of-interest check
(``cases.conflicts``) and the denunciation rule (``denunciations.service``)
recognise them. In reality the province commission's cell sits in the
provincial agencies' Party committee (Đảng bộ Khối); the demo hangs it under
the province so the tree keeps its four levels.
"""

from __future__ import annotations

from datetime import date

from hgkiemtra import demo_data
from hgkiemtra.core.db import db
from hgkiemtra.demo_showcase.stage import Stage
from hgkiemtra.denunciations import custodians
from hgkiemtra.people import service as people
from hgkiemtra.people.models import Member, MemberStatus, Organisation

# (parent code, cell name, ((user or "", full name, birth year, joined, post), ...))
AGENCY_CELLS: tuple[tuple[str, str, tuple[tuple[str, str, int, date, str], ...]], ...] = (
    ("HG", "Chi bộ Cơ quan Ủy ban Kiểm tra Tỉnh ủy", (
        ("chu.nhiem", "Nguyễn Văn Thành", 1969, date(1994, 5, 19),
         "Ủy viên Ban Thường vụ Tỉnh ủy, Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy"),
        ("uy.vien", "Lê Thị Hồng Nhung", 1976, date(2001, 3, 26),
         "Ủy viên Ủy ban Kiểm tra Tỉnh ủy, Bí thư Chi bộ Cơ quan Ủy ban Kiểm tra Tỉnh ủy"),
        ("can.bo", "Phạm Quốc Bảo", 1985, date(2009, 9, 2), "Kiểm tra viên chính"),
        ("", "Trần Thị Thu Hằng", 1990, date(2015, 2, 3), "Kiểm tra viên"),
    )),
    ("HG.VT", "Chi bộ Cơ quan Ủy ban Kiểm tra Thành ủy Vị Thanh", (
        ("chu.nhiem.vithanh", "Võ Thanh Tùng", 1972, date(1998, 8, 19),
         "Ủy viên Ban Thường vụ Thành ủy, Chủ nhiệm Ủy ban Kiểm tra Thành ủy Vị Thanh"),
        ("uy.vien.vithanh", "Đặng Thị Mỹ Linh", 1981, date(2006, 12, 22),
         "Ủy viên Ủy ban Kiểm tra Thành ủy Vị Thanh"),
        ("can.bo.vithanh", "Trương Minh Khoa", 1988, date(2012, 5, 19), "Kiểm tra viên"),
    )),
    ("HG.NB", "Chi bộ Cơ quan Ủy ban Kiểm tra Thành ủy Ngã Bảy", (
        ("chu.nhiem.ngabay", "Dương Văn Hậu", 1970, date(1996, 2, 3),
         "Chủ nhiệm Ủy ban Kiểm tra Thành ủy Ngã Bảy"),
        ("can.bo.ngabay", "Bùi Thị Kim Ngân", 1987, date(2011, 9, 2), "Kiểm tra viên"),
    )),
)
CUSTODIAN = ("chu.nhiem", "HG")  # approves reading denouncers' identities in the province


def build_agency_cells(stage: Stage) -> list[Member]:
    """One cell per commission, its staff as members, each demo user linked to their record."""
    found: list[Member] = []
    for parent_code, name, staff in AGENCY_CELLS:
        cell = people.create_organisation(
            code=f"{parent_code}.UBKT", name=name, level="grassroots",
            parent=stage.orgs[parent_code], valid_from=demo_data.PROVINCE_FROM)
        stage.orgs[cell.code] = cell
        for local, full_name, born, joined, post in staff:
            found.append(_member(stage, cell, local, full_name, born, joined, post))
    return found


def _member(stage: Stage, cell: Organisation, local: str, full_name: str, born: int,
            joined: date, post: str) -> Member:
    member = Member(full_name=full_name, search_name="", organisation=cell,
                    status=MemberStatus.FULL.value, birth_year=born, joined_on=joined,
                    positions=[post])
    people.index_member(member)
    db.session.add(member)
    db.session.flush()
    if local:
        stage.users[local].member_id = member.id
    return member


def designate_custodian(stage: Stage) -> None:
    """The admin designates the province chair as the vault's custodian, long ago."""
    local, code = CUSTODIAN
    custodians.designate(stage.actor("admin"), stage.users[local].id, stage.orgs[code].id,
                         now=stage.at(240))
