"""The programme pages: list, create, add an item, approve, open now, targets,
and the dashboard panel; CSRF on every form."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from hgkiemtra.core.db import db
from hgkiemtra.programmes.models import Programme, ProgrammeItem
from tests import factories as f
from tests.integration.programmes.conftest import build_plan
from tests.integration.ui.conftest import Ui, text


def test_a_programme_from_draft_to_an_opened_case(ui: Ui, w: f.World, session: Any) -> None:
    ui.sign_in(w.inspector)
    page = ui.get("/programmes?year=2026")
    assert page.status_code == 200 and "Lập dự thảo chương trình" in text(page)
    made = ui.post("/programmes?year=2026", {"org_id": w.district.id, "year": 2026,
                                             "kind": "supervision", "title": "Giám sát 2026"},
                   form_page="/programmes")
    assert made.status_code == 302
    programme = session.scalars(sa.select(Programme)).one()
    path = f"/programmes/{programme.id}"
    step1 = ui.get(f"{path}/items/new?case_kind=supervision&subject_type=member&subject_q=ngoc")
    assert w.subject.full_name in text(step1)
    added = ui.post(f"{path}/items/new", {
        "case_kind": "supervision", "subject_type": "member", "subject_q": "ngoc",
        "subject_id": w.subject.id, "content": "Giám sát việc giữ gìn đạo đức",
        "quarter": "1", "responsible_user_id": w.committee_member.id}, form_page=path)
    assert added.status_code == 302, text(added)
    shown = text(ui.get(path))
    assert "Giám sát việc giữ gìn đạo đức" in shown and "Phê duyệt chương trình" not in shown
    # Only the district's chair approves.
    assert ui.post(f"{path}/approve", form_page=path).status_code == 302
    assert session.get(Programme, programme.id).status == "draft"
    ui.sign_in(w.chair)
    assert "Phê duyệt chương trình" in text(ui.get(path))
    ui.post(f"{path}/approve", form_page=path)
    db.session.expire_all()
    assert session.get(Programme, programme.id).status == "approved"
    item = session.scalars(sa.select(ProgrammeItem)).one()
    ui.post(f"{path}/items/{item.id}/open", form_page=path)
    db.session.expire_all()
    item = session.get(ProgrammeItem, item.id)
    assert item.case_id is not None
    assert item.case.reference in text(ui.get(path))


def test_forms_refuse_bad_input_and_missing_tokens(ui: Ui, w: f.World, session: Any) -> None:
    ui.sign_in(w.chair)
    bad = ui.post("/programmes", {"org_id": w.district.id, "year": 1890, "kind": "supervision",
                                  "title": ""}, form_page="/programmes")
    assert bad.status_code == 422 and 'aria-invalid="true"' in text(bad)
    no_token = ui.client.post("/programmes", data={"org_id": w.district.id, "year": 2026,
                                                   "kind": "supervision", "title": "X"})
    assert no_token.status_code in (400, 422)
    assert session.scalar(sa.select(sa.func.count(Programme.id))) == 0
    plan = build_plan(w, approve=False)
    session.commit()
    path = f"/programmes/{plan.programme.id}"
    wrong = ui.post(f"{path}/items/new", {
        "case_kind": "supervision", "subject_type": "member", "subject_q": "",
        "subject_id": w.subject.id, "content": "X", "quarter": "1",
        "responsible_user_id": w.inspector.id}, form_page=path)
    assert wrong.status_code == 422


def test_scope_hides_other_programmes(ui: Ui, w: f.World, session: Any) -> None:
    plan = build_plan(w)
    session.commit()
    ui.sign_in(w.outsider)
    assert ui.get(f"/programmes/{plan.programme.id}").status_code == 404
    assert f'href="/programmes/{plan.programme.id}"' not in text(ui.get("/programmes?year=2026"))
    ui.sign_in(w.viewer)
    page = text(ui.get(f"/programmes/{plan.programme.id}"))
    assert plan.programme.title in page and "Mở hồ sơ ngay" not in page


def test_targets_page_and_dashboard_panel(ui: Ui, w: f.World, session: Any) -> None:
    from hgkiemtra.cases.service import local_today

    year = local_today().year
    build_plan(w, year=year)
    session.commit()
    ui.sign_in(w.chair)
    saved = ui.post(f"/programmes/targets?year={year}", {
        "org_id": w.district.id, "year": year, "supervised_share": 30, "inspected_share": 25},
        form_page="/programmes/targets")
    assert saved.status_code == 302
    page = text(ui.get(f"/programmes/targets?year={year}"))
    assert "chỉ tiêu 30% (1 đảng viên)" in page and "<progress" in page
    over = ui.post("/programmes/targets", {"org_id": w.district.id, "year": year,
                                           "supervised_share": 101, "inspected_share": 0},
                   form_page="/programmes/targets")
    assert over.status_code == 422
    ui.sign_in(w.committee_member)
    assert "Đặt hoặc sửa chỉ tiêu" not in text(ui.get("/programmes/targets"))
    dashboard = text(ui.get("/"))
    assert f"Tiến độ chương trình năm {year}" in dashboard
    assert re.search(r"0/4 mục đã hoàn thành", dashboard)
