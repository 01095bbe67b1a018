"""The risk ranking: exact scores from data built through the services, the
order, the explanations, scope, the weights, the page and the API."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.reports import risk
from tests.integration.ui.conftest import text

from .scenario import EXPECTED_SCORE, Scenario, build


@pytest.fixture()
def sc(session: Any) -> Scenario:
    built = build()
    session.commit()
    return built


def _signals(row: risk.RiskRow) -> dict[str, tuple[int | None, int]]:
    return {s.key: (s.raw, s.points) for s in row.signals}


def test_scores_are_the_weighted_sum_of_the_signals(sc: Scenario) -> None:
    w = sc.w
    result = risk.rank(Actor.for_user(w.chair), local_today())
    assert [r.org.id for r in result.rows] == [w.grassroots.id, sc.quiet.id]
    top, quiet = result.rows
    assert _signals(top) == {"violations": (3, 50), "denunciations": (1, 5),
                             "overdue_actions": (1, 8), "since_inspection": (2, 10)}
    assert top.score == EXPECTED_SCORE
    assert _signals(quiet) == {"violations": (0, 0), "denunciations": (0, 0),
                               "overdue_actions": (0, 0), "since_inspection": (None, 25)}
    assert quiet.score == 25


def test_each_signal_is_explained(app: Any, sc: Scenario) -> None:
    from hgkiemtra.reports.risk_text import explain

    top = risk.rank(Actor.for_user(sc.w.chair), local_today()).rows[0]
    with app.test_request_context():
        sentences = {s.key: explain(s) for s in top.signals}
        quiet = explain(risk.rank(Actor.for_user(sc.w.chair), local_today()).rows[1]
                        .signal("since_inspection"))
    assert sentences["violations"] == ("3 vụ vi phạm trong 3 năm, trong đó 2 vụ trong 12 tháng "
                                       "qua: +50 điểm")
    assert sentences["denunciations"] == "1 đơn tố cáo được xem xét trong 3 năm: +5 điểm"
    assert sentences["overdue_actions"] == "1 việc thực hiện kết luận đã quá hạn: +8 điểm"
    assert re.fullmatch(r"Kiểm tra gần nhất ngày \d\d/\d\d/\d{4}, 2 năm tròn trước: \+10 điểm",
                        sentences["since_inspection"])
    assert quiet == "Chưa được kiểm tra lần nào (tính tối đa 5 năm): +25 điểm"


def test_the_window_and_the_weights_change_the_score_exactly(sc: Scenario) -> None:
    w = sc.w
    chair, admin = Actor.for_user(w.chair), Actor.for_user(w.admin)
    # One year: only the two recent violations and today's denunciation count.
    one = risk.rank(chair, local_today(), years=1).rows[0]
    assert _signals(one)["violations"] == (2, 40)
    assert one.score == 40 + 5 + 8 + 10
    risk.set_weight(admin, "violation_points", 20)
    risk.set_weight(admin, "max_years_without_inspection", 1)
    again = risk.rank(chair, local_today())
    assert _signals(again.rows[0])["violations"] == (3, 3 * 20 + 2 * 10)
    assert _signals(again.rows[0])["since_inspection"] == (2, 5)
    assert again.rows[1].score == 5
    risk.reset_weights(admin)
    assert risk.rank(chair, local_today()).rows[0].score == EXPECTED_SCORE


def test_only_site_admins_change_weights_and_values_are_bounded(sc: Scenario) -> None:
    with pytest.raises(PermissionDenied):
        risk.set_weight(Actor.for_user(sc.w.chair), "violation_points", 1)
    with pytest.raises(ValidationFailed):
        risk.set_weight(Actor.for_user(sc.w.admin), "window_years", 0)
    with pytest.raises(ValidationFailed):
        risk.set_weight(Actor.for_user(sc.w.admin), "nonsense", 1)


def test_scope_levels_and_subtrees(sc: Scenario) -> None:
    w = sc.w
    outsider = risk.rank(Actor.for_user(w.outsider), local_today())
    assert [r.org.id for r in outsider.rows] == [sc.far.id]
    assert outsider.rows[0].score == 25  # nothing of the other district's cases leaks
    with pytest.raises(NotFound):
        risk.rank(Actor.for_user(w.outsider), local_today(), org_id=w.district.id)
    admin = Actor.for_user(w.admin)
    districts = risk.rank(admin, local_today(), level="district")
    assert [r.org.id for r in districts.rows] == [w.district.id, w.other_district.id]
    # The district rolls up its subtree's violations; it was never inspected itself.
    assert _signals(districts.rows[0])["violations"] == (3, 50)
    below = risk.rank(admin, local_today(), org_id=w.other_district.id)
    assert [r.org.id for r in below.rows] == [sc.far.id]
    with pytest.raises(ValidationFailed):
        risk.rank(admin, local_today(), level="planet")


def test_plan_owner_is_the_nearest_committee_above_where_the_actor_may_open(
        sc: Scenario) -> None:
    w = sc.w
    row = risk.rank(Actor.for_user(w.chair), local_today()).rows[0]
    assert row.plan_owner_id == w.district.id
    viewer_row = risk.rank(Actor.for_user(w.viewer), local_today()).rows[0]
    assert viewer_row.plan_owner_id is None  # a viewer opens no case


def test_the_page_ranks_explains_and_links_to_a_prefilled_inspection(ui: Any,
                                                                    sc: Scenario) -> None:
    w = sc.w
    ui.sign_in(w.chair)
    page = text(ui.get("/reports/risk"))
    assert page.index(w.grassroots.name) < page.index(sc.quiet.name)
    assert f">{EXPECTED_SCORE}<" in page
    assert "3 vụ vi phạm trong 3 năm, trong đó 2 vụ trong 12 tháng qua: +50 điểm" in page
    assert "Lập kế hoạch kiểm tra" in page
    link = re.search(r'href="(/cases/new\?[^"]+subject_id=' + str(w.grassroots.id) + r'[^"]*)"',
                     page)
    assert link, page
    href = link.group(1).replace("&amp;", "&")
    assert "kind=inspection_violation" in href and f"org_id={w.district.id}" in href
    form = text(ui.get(href))
    checked = re.findall(r'<input checked[^>]*name="subject_id"[^>]*value="(\d+)"', form)
    assert checked == [str(w.grassroots.id)]
    assert "Kiểm tra khi có dấu hiệu vi phạm: " + w.grassroots.name in form
    assert "Lưu trọng số" not in page  # weights are for site admins
    assert ui.get("/reports/risk", query_string={"level": "planet"}).status_code == 200
    assert ui.get("/reports/risk", query_string={"years": "99"}).status_code == 200


def test_site_admin_saves_weights_through_the_page(ui: Any, sc: Scenario) -> None:
    ui.sign_in(sc.w.admin)
    values = {name: str(value) for name, value in vars(risk.Weights()).items()}
    values["denunciation_points"] = "7"
    response = ui.post("/reports/risk/weights", values, form_page="/reports/risk")
    assert response.status_code == 302
    assert risk.load_weights().denunciation_points == 7
    bad = ui.post("/reports/risk/weights", {**values, "window_years": "0"},
                  form_page="/reports/risk")
    assert bad.status_code == 422
    ui.sign_in(sc.w.chair)
    denied = ui.post("/reports/risk/weights", values, form_page="/reports/risk")
    assert denied.status_code == 403


def test_api_risk(api: Any, sc: Scenario) -> None:
    w = sc.w
    response = api.get("/risk", w.chair)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2 and body["level"] == "grassroots" and body["years"] == 3
    top = body["items"][0]
    assert top["rank"] == 1 and top["org"]["id"] == w.grassroots.id
    assert top["score"] == EXPECTED_SCORE
    assert [s["points"] for s in top["signals"]] == [50, 5, 8, 10]
    assert top["signals"][0]["explanation"].endswith("+50 điểm")
    assert f"subject_id={w.grassroots.id}" in top["plan_url"]
    second = api.get("/risk", w.chair, query_string={"page": 2, "per_page": 1}).get_json()
    assert [i["org"]["id"] for i in second["items"]] == [sc.quiet.id]
    assert second["items"][0]["rank"] == 2
    assert api.get("/risk", w.outsider, query_string={"org_id": w.district.id}
                   ).status_code == 404
    assert api.get("/risk", w.chair, query_string={"level": "x"}).status_code == 422
    assert api.get("/risk", w.chair, query_string={"years": 11}).status_code == 422
