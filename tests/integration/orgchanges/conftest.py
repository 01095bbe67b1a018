"""Organisation-change tests: the factories' world plus a successor city and a
closed and an open case owned by the district."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.people.models import Organisation, User
from tests import factories as f
from tests.integration.ui.conftest import make_case, other_ui, ui, ui_app, w  # noqa: F401

ON = date(2025, 7, 1)


@dataclass
class Scene:
    w: f.World
    city: Organisation  # Cần Thơ, a second top-level organisation
    open_case: Case
    closed_case: Case
    city_chair: User
    root_admin: User  # admin over both trees

    def actor(self, user: User) -> Actor:
        return Actor.for_user(user)


@pytest.fixture()
def scene(w: f.World, session: Any) -> Scene:  # noqa: F811  (the ui conftest's world)
    for org in (w.province, w.district, w.grassroots, w.cell, w.other_district):
        org.valid_from = date(2004, 1, 1)
    city = f.org("Đảng bộ thành phố Cần Thơ", "province", code="CT", valid_from=date(2004, 1, 1))
    open_case = f.case(w, "Kiểm tra quỹ đất công ích xã (đang mở)")
    closed_case = f.case(w, "Kiểm tra thu chi đảng phí (đã hủy)")
    cases.fire_event(Actor.for_user(w.chair), closed_case.id, "cancel",
                     expected_version=closed_case.version, note="Đối tượng chuyển công tác")
    root_admin = f.user([("admin", w.province), ("admin", city)], name="Quản trị chung")
    city_chair = f.user([("chair", city)], name="Chủ nhiệm Cần Thơ")
    session.commit()
    return Scene(w, city, open_case, closed_case, city_chair, root_admin)
