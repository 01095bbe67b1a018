"""The 2025 reality applied to the demo from the command line: the district
tier ends and Hậu Giang merges into Cần Thơ on 1/7/2025 (real commits)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.demo_data import DISTRICTS
from hgkiemtra.people.models import Organisation
from hgkiemtra.people.service import find_organisation, find_user


def test_the_2025_merger_on_the_demo(committed: Flask) -> None:
    runner = committed.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    open_before = set(db.session.scalars(sa.select(Case.id).where(Case.closed_on.is_(None))))
    closed_before = dict(db.session.execute(
        sa.select(Case.id, Case.org_id).where(Case.closed_on.is_not(None))).all())
    for district in DISTRICTS:
        result = runner.invoke(args=["orgs", "dissolve", f"HG.{district.code}", "--successor",
                                     "CT", "--on", "2025-07-01", "--note", "Kết thúc cấp huyện"])
        assert result.exit_code == 0, result.output
    merged = runner.invoke(args=["orgs", "merge", "HG", "--into", "CT", "--on", "2025-07-01",
                                 "--carry-roles"])
    assert merged.exit_code == 0, merged.output
    db.session.expire_all()

    city = find_organisation("CT")
    assert find_organisation("HG").successor == city
    assert {c.level for c in city.children} == {"grassroots"}  # communes right under the city
    assert set(db.session.scalars(sa.select(Case.id).where(
        Case.closed_on.is_(None), Case.org_id == city.id))) == open_before
    assert dict(db.session.execute(
        sa.select(Case.id, Case.org_id).where(Case.closed_on.is_not(None))).all()
    ) == closed_before
    assert list(audit.iter_breaks()) == []
    # The province chair carried the role: sees the open cases and the old history.
    chair = Actor.for_user(find_user("chu.nhiem@hgkiemtra.vn"))
    visible = set(db.session.scalars(
        sa.select(Case.id).where(chair.visible_org_filter(Case.org_id))))
    assert open_before | set(closed_before) <= visible
    # A Vị Thanh chair keeps the district's old cases only.
    vt = Actor.for_user(find_user("chu.nhiem.vithanh@hgkiemtra.vn"))
    theirs = set(db.session.scalars(sa.select(Case.id).where(vt.visible_org_filter(Case.org_id))))
    assert theirs and not theirs & open_before
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id)).where(
        Organisation.valid_to.is_(None), Organisation.path.startswith(
            find_organisation("HG").path))) == 0
