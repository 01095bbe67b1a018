"""``hgkiemtra orgs ...`` and ``hgkiemtra audit verify`` after a change: real commits."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.core.db import db
from hgkiemtra.people.change_models import OrganisationChange
from hgkiemtra.people.models import Organisation
from hgkiemtra.people.service import find_organisation
from tests import factories as f


@pytest.fixture()
def tree(committed: Flask) -> f.World:
    w = f.world()
    w.province.code, w.district.code = "HG", "HG.VT"
    w.grassroots.code, w.cell.code, w.other_district.code = "HG.VT.P1", "HG.VT.P1.C1", "HG.NB"
    f.org("Đảng bộ thành phố Cần Thơ", "province", code="CT")
    case = f.case(w)
    cases.fire_event(Actor.for_user(w.chair), case.id, "decide", expected_version=case.version,
                     data={"decision_number": "1-QĐ/UBKT", "decision_date": "2026-01-05"})
    db.session.commit()
    return w


def run(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["orgs", *args])


def changes_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(OrganisationChange.id))) or 0


def test_dissolve_then_history_tree_and_audit_verify(committed, tree):
    result = run(committed, "dissolve", "HG.VT", "--successor", "CT", "--on", "2025-07-01",
                 "--note", "Kết thúc hoạt động cấp huyện")
    assert result.exit_code == 0, result.output
    assert "1 open case(s)" in result.stdout and "HG.VT -> CT" in result.stdout
    assert "HG.VT.P1 -> CT.P1" in result.stdout and "HG.VT.P1.C1 -> CT.P1.C1" in result.stdout
    db.session.expire_all()
    assert find_organisation("CT.P1").parent == find_organisation("CT")

    history = run(committed, "history", "HG.VT")
    assert history.exit_code == 0 and "dissolve" in history.stdout
    assert "Kết thúc hoạt động cấp huyện" in history.stdout
    old = run(committed, "tree", "--on", "2025-06-30")
    new = run(committed, "tree", "--on", "2025-07-01")
    assert "HG.VT.P1.C1" in old.stdout and "CT.P1.C1" not in old.stdout
    assert "CT.P1.C1" in new.stdout and "HG.VT " not in new.stdout
    verify = committed.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0 and "every chain verifies" in verify.stdout


def test_merge_and_split_from_the_command_line(committed, tree):
    merged = run(committed, "merge", "HG.VT", "HG.NB", "--new-code", "HG.VTNB",
                 "--new-name", "Đảng bộ thành phố Vị Thanh - Ngã Bảy", "--on", "2025-07-01")
    assert merged.exit_code == 0, merged.output
    db.session.expire_all()
    cell = find_organisation("HG.VTNB.P1.C1")
    member_id = tree.subject.id
    split = run(committed, "split", "HG.VTNB.P1.C1", "--into", "HG.C1A=Chi bộ 1A",
                "--into", "HG.C1B=Chi bộ 1B", "--assign", f"member:{member_id}=HG.C1B",
                "--on", "2025-08-01")
    assert split.exit_code == 0, split.output
    db.session.expire_all()
    assert db.session.get(Organisation, cell.id).successor.code == "HG.C1A"
    assert find_organisation("HG.C1B").parent_id == cell.parent_id


@pytest.mark.parametrize("args, message", [
    (["dissolve", "NOPE", "--on", "2025-07-01"], "no organisation"),
    (["dissolve", "HG.VT", "--on", "01/07/2025"], "Invalid value"),
    (["dissolve", "HG.VT", "--on", "2999-01-01"], "còn ở phía trước"),
    (["merge", "HG.VT", "--into", "HG.VT.P1", "--on", "2025-07-01"], "trực thuộc"),
    (["merge", "HG.VT", "--on", "2025-07-01"], "--into"),
    (["merge", "HG.VT", "--into", "CT", "--new-code", "X", "--on", "2025-07-01"], "--into"),
    (["split", "HG.VT.P1.C1", "--into", "CT", "--on", "2025-07-01"], "ít nhất hai"),
    (["split", "HG.VT.P1.C1", "--into", "A=", "--into", "B=b", "--on", "2025-07-01"], "CODE=Name"),
    (["split", "HG.VT.P1.C1", "--into", "A=a", "--into", "B=b", "--assign", "case:x=A",
      "--on", "2025-07-01"], "case:ID=CODE"),
    (["dissolve", "HG", "--on", "2025-07-01"], "không có tổ chức cấp trên"),
    (["move", "HG.VT.P1", "--under", "HG.VT.P1.C1", "--on", "2025-07-01"], "trực thuộc"),
    (["dissolve", "HG.VT", "--on", "2025-07-01", "--by", "nobody@example.vn"], "no active user"),
])
def test_bad_input_exits_non_zero_and_writes_nothing(committed, tree, args, message):
    result = run(committed, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert changes_count() == 0
    db.session.expire_all()
    assert find_organisation("HG.VT").valid_to is None


def test_by_a_user_outside_their_scope_is_refused(committed, tree):
    result = run(committed, "dissolve", "HG.VT", "--on", "2025-07-01", "--by", tree.chair.email)
    assert result.exit_code != 0 and "phạm vi quản trị" in result.output
    ok = run(committed, "dissolve", "HG.VT", "--on", "2025-07-01", "--by", tree.admin.email)
    assert ok.exit_code == 0, ok.output
    assert "Quản Trị Viên" in run(committed, "history").stdout
