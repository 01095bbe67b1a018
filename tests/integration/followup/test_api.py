"""The follow-up endpoints: shapes match openapi.json, bad input is a 4xx, closing is refused."""

from __future__ import annotations

from typing import Any

import pytest

from hgkiemtra.followup.validation import MAX_VND
from tests import factories as f
from tests.integration.api.conftest import PREFIX, Api
from tests.integration.api.schema_check import check_response
from tests.integration.followup.conftest import DUE, concluded


@pytest.fixture()
def case(w: f.World, session: Any) -> Any:
    found = concluded(w, follow_up=True)
    session.commit()
    return found


def _body(w: f.World, **kw: Any) -> dict[str, Any]:
    return {"kind": "recovery", "description": "Thu hồi tiền sử dụng sai mục đích",
            "due_on": DUE.isoformat(), "owner_user_id": w.inspector.id,
            "owner_org_id": w.cell.id, "amount_vnd": 1_500_000, **kw}


def test_add_list_done(api: Api, w: f.World, case: Any) -> None:
    created = api.post(f"/cases/{case.id}/actions", w.inspector, _body(w))
    assert created.status_code == 201, created.json
    action = created.json
    assert created.headers["Location"].endswith(f"/cases/{case.id}/actions/{action['id']}")
    assert (action["status"], action["amount_vnd"], action["owner_org"]["id"]) == (
        "open", 1_500_000, w.cell.id)
    listed = api.get(f"/cases/{case.id}/actions", w.viewer).json
    assert (listed["open"], listed["can_add"], listed["case_version"]) == (
        1, True, action["case_version"])
    done = api.post(f"/cases/{case.id}/actions/{action['id']}/done", w.inspector,
                    {"note": "Đã nộp", "recovered_vnd": 1_500_000,
                     "version": action["case_version"]})
    assert done.status_code == 200, done.json
    assert (done.json["status"], done.json["recovered_vnd"]) == ("done", 1_500_000)
    assert done.json["case_version"] == action["case_version"] + 1
    one = api.get(f"/cases/{case.id}/actions/{action['id']}", w.viewer)
    assert one.json["done_note"] == "Đã nộp"


@pytest.mark.parametrize("amount", [-1, 0, 1.5, "1500000", MAX_VND + 1, 2**70, True])
def test_bad_amounts_are_422(api: Api, w: f.World, case: Any, amount: Any) -> None:
    r = api.post(f"/cases/{case.id}/actions", w.inspector, _body(w, amount_vnd=amount))
    assert r.status_code == 422 and r.json["error"] == "validation_error"


@pytest.mark.parametrize(("changes", "status"), [
    ({"amount_vnd": None}, 422),  # recovery needs its amount
    ({"kind": "remedy"}, 422),  # an amount only for recovery
    ({"kind": "remedy", "amount_vnd": None}, 201),
    ({"owner_user_id": None, "owner_org_id": None}, 422),
    ({"due_on": "2020-01-01"}, 422),
    ({"due_on": "31/12/2026"}, 422),
    ({"due_on": 20261231}, 422),
    ({"extra": 1}, 422),
])
def test_add_validation(api: Api, w: f.World, case: Any, changes: dict[str, Any],
                        status: int) -> None:
    r = api.post(f"/cases/{case.id}/actions", w.inspector, _body(w, **changes))
    assert r.status_code == status, r.json


def test_close_is_refused_then_allowed(api: Api, w: f.World, case: Any) -> None:
    action = api.post(f"/cases/{case.id}/actions", w.inspector, _body(w)).json
    shown = api.get(f"/cases/{case.id}", w.chair).json
    close = next(e for e in shown["allowed_events"] if e["event"] == "close")
    assert not close["allowed"] and any(f"#{action['id']} " in r for r in close["reasons"])
    refused = api.fire(case.id, w.chair, "close", shown["version"])
    assert refused.status_code == 422 and refused.json["error"] == "guard_failed"
    assert any("Thu hồi tiền" in r for r in refused.json["details"]["reasons"])
    forbidden = api.post(f"/cases/{case.id}/actions/{action['id']}/waive", w.inspector,
                         {"reason": "Không cần"})
    assert forbidden.status_code == 403
    waived = api.post(f"/cases/{case.id}/actions/{action['id']}/waive", w.chair,
                      {"reason": "Đã xử lý theo kết luận khác", "version": shown["version"]})
    assert waived.status_code == 200 and waived.json["status"] == "waived"
    closed = api.fire(case.id, w.chair, "close", waived.json["case_version"])
    assert closed.status_code == 200 and closed.json["state"] == "closed"


def test_edit_with_patch(api: Api, w: f.World, case: Any) -> None:
    action = api.post(f"/cases/{case.id}/actions", w.inspector, _body(w)).json
    path = f"/cases/{case.id}/actions/{action['id']}"
    r = api.client.patch(PREFIX + path, headers=api.headers(w.committee_member),
                         json={"amount_vnd": 2_000_000, "owner_user_id": None})
    check_response(api.openapi(), "patch", path, r)
    assert r.status_code == 200, r.json
    assert (r.json["amount_vnd"], r.json["owner_user"], r.json["owner_org"]["id"]) == (
        2_000_000, None, w.cell.id)
    stale = api.client.patch(PREFIX + path, headers=api.headers(w.committee_member),
                             json={"description": "Mới", "version": action["case_version"]})
    assert stale.status_code == 409


def test_recheck_and_errors(api: Api, w: f.World, case: Any) -> None:
    refused = api.post(f"/cases/{case.id}/recheck", w.chair, {})
    assert refused.status_code == 422  # no actions yet
    api.post(f"/cases/{case.id}/actions", w.inspector, _body(w))
    opened = api.post(f"/cases/{case.id}/recheck", w.chair, {"note": "Kiểm tra lại"})
    assert opened.status_code == 201, opened.json
    assert opened.json["kind"] == "supervision"
    assert opened.json["links"] == [{"kind": "recheck_of", "case_id": case.id,
                                     "reference": case.reference, "direction": "incoming"}]
    assert api.get(f"/cases/{case.id}/actions/{2**31}", w.chair).status_code == 404
    assert api.get(f"/cases/{case.id}/actions", w.outsider).status_code == 404
    assert api.post(f"/cases/{case.id}/actions/99999/done", w.chair,
                    {"note": "x"}).status_code == 404
