"""Programme test helpers: a world with a district programme for 2026."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.service import LOCAL_TZ
from hgkiemtra.programmes import service as programmes
from hgkiemtra.programmes.models import Programme, ProgrammeItem
from tests import factories as f
from tests.integration.api.conftest import api  # noqa: F401
from tests.integration.ui.conftest import ui, ui_app  # noqa: F401

YEAR = 2026


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A moment in Vietnam time (the programme's quarters start on local dates)."""
    return datetime.combine(datetime(year, month, day).date(), time(hour, minute), LOCAL_TZ)


@dataclass
class Plan:
    w: f.World
    programme: Programme
    items: dict[int, ProgrammeItem]  # by quarter

    def chair(self) -> Actor:
        return Actor.for_user(self.w.chair)


def build_plan(w: f.World, *, approve: bool = True, year: int = YEAR,
               kind: str = "combined") -> Plan:
    """One item per quarter: Q1 and Q3 supervise the member, Q2 inspects the
    grassroots organisation's inspection work, Q4 its finances."""
    chair = Actor.for_user(w.chair)
    programme = programmes.create_programme(
        Actor.for_user(w.inspector), org_id=w.district.id, year=year, kind=kind,
        title=f"Chương trình kiểm tra, giám sát năm {year}")
    plan: list[tuple[int, str, str, int, str]] = [
        (1, "supervision", "member", w.subject.id, "Giám sát việc tu dưỡng, rèn luyện"),
        (2, "inspection_lower_work", "organisation", w.grassroots.id,
         "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát"),
        (3, "supervision", "member", w.subject.id, "Giám sát việc kê khai tài sản"),
        (4, "financial_inspection", "organisation", w.grassroots.id,
         "Kiểm tra thu, chi, quản lý đảng phí"),
    ]
    items = {}
    for quarter, kind_, subject_type, subject_id, content in plan:
        items[quarter] = programmes.add_item(
            Actor.for_user(w.committee_member), programme.id, case_kind=kind_,
            subject_type=subject_type, subject_id=subject_id, content=content,
            quarter=quarter, responsible_user_id=w.committee_member.id)
    if approve:
        programmes.approve_programme(chair, programme.id)
    return Plan(w, programme, items)


@pytest.fixture()
def w(session: Any) -> f.World:
    return f.world()


@pytest.fixture()
def plan(w: f.World) -> Plan:
    return build_plan(w)
