"""Cases through the API: open, read, fire events to the end, history."""

from __future__ import annotations

import sqlalchemy as sa

from hgkiemtra.api.representations import CaseOut, HistoryOut
from hgkiemtra.cases.models import CaseEvent
from tests import factories as f

DECIDE = {"decision_number": "15-QĐ/UBKT", "decision_date": "2026-03-02"}


def open_body(w: f.World, **over: object) -> dict[str, object]:
    body: dict[str, object] = {
        "kind": "inspection_violation",
        "title": "Kiểm tra dấu hiệu vi phạm trong quản lý đất đai",
        "org_id": w.district.id,
        "subject": {"type": "member", "id": w.subject.id},
        "summary": "Theo đơn phản ánh",
        "team": [
            {"user_id": w.inspector.id, "role": "leader"},
            {"user_id": w.committee_member.id, "role": "directing"},
        ],
    }
    return {**body, **over}


def test_open_case_returns_201_with_location_and_representation(api, w):
    r = api.post("/cases", w.inspector, open_body(w))
    assert r.status_code == 201, r.json
    body = r.json
    assert r.headers["Location"] == f"/api/v1/cases/{body['id']}"
    assert (body["state"], body["phase"], body["version"]) == ("proposed", "planned", 1)
    assert body["workflow"] == {"name": "inspection_violation", "version": 2}
    assert body["subject"] == {"type": "member", "id": w.subject.id, "name": "Trần Thị Bích Ngọc"}
    assert body["org"] == {"id": w.district.id, "name": "Thành ủy Vị Thanh"}
    assert body["reference"].startswith("KT.") and body["reference"].endswith(f"{body['id']:05d}")
    assert {s["role"] for s in body["team"]} == {"leader", "directing"}
    assert body["deadlines"] == [] and body["closed_on"] is None
    decide = next(e for e in body["allowed_events"] if e["event"] == "decide")
    assert decide["allowed"] is False and decide["reasons"]  # inspectors cannot decide
    assert [fld["name"] for fld in decide["fields"]][:2] == ["decision_number", "decision_date"]
    CaseOut.model_validate(body)
    assert api.get(r.headers["Location"][len("/api/v1") :], w.chair).status_code == 200


def test_open_case_on_an_organisation_subject(api, w):
    body = open_body(w, subject={"type": "organisation", "id": w.grassroots.id}, team=[])
    r = api.post("/cases", w.chair, body)
    assert r.status_code == 201
    assert r.json["subject"]["name"] == "Đảng ủy Phường I" and r.json["team"] == []


def test_open_case_refusals(api, w):
    cases = [
        (w.viewer, open_body(w), 403, "forbidden"),
        (w.outsider, open_body(w), 403, "forbidden"),
        (w.inspector, open_body(w, kind="nope"), 422, "validation_error"),
        (w.inspector, open_body(w, title="   "), 422, "validation_error"),
        (w.inspector, open_body(w, org_id=2_000_000_000), 422, "validation_error"),
        (w.inspector, open_body(w, org_id="1"), 422, "validation_error"),
        (w.inspector, open_body(w, org_id=True), 422, "validation_error"),
        (w.inspector, open_body(w, org_id=10**30), 422, "validation_error"),
        (w.inspector, open_body(w, extra="x"), 422, "validation_error"),
        (w.inspector, open_body(w, subject={"type": "robot", "id": 1}), 422, "validation_error"),
        (
            w.inspector,
            open_body(w, subject={"type": "member", "id": 999_999}),
            422,
            "validation_error",
        ),
        (
            w.inspector,
            open_body(w, team=[{"user_id": 999_999, "role": "leader"}]),
            422,
            "validation_error",
        ),
        (
            w.inspector,
            open_body(w, team=[{"user_id": w.inspector.id, "role": "boss"}]),
            422,
            "validation_error",
        ),
        (w.inspector, [], 422, "validation_error"),
        (w.inspector, "text", 422, "validation_error"),
    ]
    for user, body, status, code in cases:
        r = api.post("/cases", user, body)
        assert (r.status_code, r.json["error"]) == (status, code), (body, r.json)
        assert r.json["message"]
    r = api.post("/cases", w.inspector, open_body(w, extra="x"))
    assert r.json["details"]["errors"][0]["loc"] == ["extra"]
    assert api.get("/cases", w.admin).json["total"] == 0  # nothing was written


def test_get_case_404_unknown_and_out_of_scope(api, w, make_case):
    c = make_case()
    assert api.get(f"/cases/{c.id}", w.viewer).status_code == 200
    assert api.get(f"/cases/{c.id}", w.admin).status_code == 200
    for user, path in (
        (w.outsider, f"/cases/{c.id}"),
        (w.chair, "/cases/987654"),
        (w.chair, "/cases/99999999999999999999"),
        (w.outsider, f"/cases/{c.id}/history"),
        (w.chair, "/cases/987654/history"),
    ):
        r = api.get(path, user)
        assert (r.status_code, r.json["error"]) == (404, "not_found"), path


def test_full_walk_to_closed_via_the_api(api, w, make_case):
    c = make_case()
    users = {"chair": w.chair, "inspector": w.inspector}
    steps = [
        *f.FULL_PATH,
        ("conclude", {"outcome": "discipline_warranted", "conclusion": "Vi phạm"}, "chair"),
        ("start_discipline", {}, "chair"),
        f.HEARING,
        ("decide_discipline", {"form": "warning", "decision_number": "20-QĐ/UBKT"}, "chair"),
        ("close", {}, "chair"),
    ]
    version = 1
    for event, data, who in steps:
        r = api.fire(c.id, users[who], event, version, data=data)
        assert r.status_code == 200, (event, r.json)
        assert r.json["version"] == version + 1
        version = r.json["version"]
    body = r.json
    assert (body["state"], body["phase"], body["state_label"]) == (
        "closed",
        "closed",
        "Kết thúc, lưu hồ sơ",
    )
    assert body["closed_on"] is not None and body["allowed_events"] == []
    assert body["data"]["form"] == "warning"
    assert all(d["status"] != "open" for d in body["deadlines"])
    assert {d["rule"] for d in body["deadlines"]} >= {"launch", "explanation", "verification"}
    history = api.get(f"/cases/{c.id}/history", w.viewer).json
    assert [i["seq"] for i in history["items"]] == list(range(1, 13))
    assert history["chain_valid"] is True and history["chain_break"] is None


def test_version_conflict_is_409_and_changes_nothing(api, w, make_case):
    c = make_case()
    assert api.fire(c.id, w.chair, "decide", 1, data=DECIDE).status_code == 200
    r = api.fire(c.id, w.inspector, "launch", 1)
    assert (r.status_code, r.json["error"]) == (409, "version_conflict")
    assert r.json["details"]["current_version"] == 2
    assert api.get(f"/cases/{c.id}", w.chair).json["state"] == "decided"


def test_guard_reasons_are_422_with_details(api, w, make_case):
    c = f.advance(w, make_case(), f.FULL_PATH)
    r = api.fire(
        c.id,
        w.chair,
        "conclude",
        c.version,
        data={"outcome": "shortcomings", "conclusion": "Rút kinh nghiệm"},
    )
    version = r.json["version"]
    start = next(e for e in r.json["allowed_events"] if e["event"] == "start_discipline")
    assert start["allowed"] is False and "discipline_warranted" in start["reasons"][0]
    r = api.fire(c.id, w.chair, "start_discipline", version)
    assert (r.status_code, r.json["error"]) == (422, "guard_failed")
    assert "discipline_warranted" in r.json["details"]["reasons"][0]


def test_missing_fields_note_and_bad_values_give_reasons(api, w, make_case):
    c = make_case()
    r = api.fire(c.id, w.chair, "decide", 1)
    assert r.status_code == 422 and len(r.json["details"]["reasons"]) == 2
    r = api.fire(c.id, w.chair, "cancel", 1)
    assert r.json["error"] == "guard_failed" and any(
        "lý do" in x for x in r.json["details"]["reasons"]
    )
    r = api.fire(c.id, w.chair, "decide", 1, data={**DECIDE, "decision_date": "31/12/2026"})
    assert r.json["error"] == "guard_failed"
    r = api.fire(c.id, w.chair, "cancel", 1, note="Không còn căn cứ")
    assert (r.status_code, r.json["state"]) == (200, "cancelled")


def test_event_refusals(api, w, make_case):
    c = make_case()
    cases = [
        (w.chair, {"event": "explode", "version": 1}, 422, "transition_not_allowed"),
        (w.chair, {"event": "close", "version": 1}, 422, "transition_not_allowed"),
        (
            w.chair,
            {"event": "decide", "version": 1, "data": {**DECIDE, "x": 1}},
            422,
            "validation_error",
        ),
        (w.chair, {"event": "decide", "version": "1", "data": DECIDE}, 422, "validation_error"),
        (w.chair, {"event": "decide", "version": 1.0, "data": DECIDE}, 422, "validation_error"),
        (w.chair, {"event": "decide", "data": DECIDE}, 422, "validation_error"),
        (w.chair, {"event": "decide", "version": 1, "colour": "red"}, 422, "validation_error"),
        (
            w.chair,
            {"event": "decide", "version": 1, "data": {"decision_number": [1]}},
            422,
            "validation_error",
        ),
        (w.chair, {"event": "decide", "version": 1, "note": None}, 422, "validation_error"),
        (w.inspector, {"event": "decide", "version": 1, "data": DECIDE}, 403, "forbidden"),
        (w.viewer, {"event": "decide", "version": 1, "data": DECIDE}, 403, "forbidden"),
        (w.outsider, {"event": "decide", "version": 1, "data": DECIDE}, 403, "forbidden"),
    ]
    for user, body, status, code in cases:
        r = api.post(f"/cases/{c.id}/events", user, body)
        assert (r.status_code, r.json["error"]) == (status, code), (body, r.json)
    r = api.post("/cases/987654/events", w.chair, {"event": "decide", "version": 1})
    assert (r.status_code, r.json["error"]) == (404, "not_found")
    assert api.get(f"/cases/{c.id}", w.chair).json["version"] == 1


def test_history_items_and_a_broken_chain(api, w, make_case, session):
    c = f.advance(w, make_case(), f.FULL_PATH[:2])
    session.commit()
    r = api.get(f"/cases/{c.id}/history", w.inspector)
    assert r.status_code == 200
    body = HistoryOut.model_validate(r.json)
    first, second, third = body.items
    assert (first.event, first.from_state, first.to_state) == ("open", None, "proposed")
    assert first.prev_hash == "0" * 64 and second.prev_hash == first.hash
    assert second.actor.id == w.chair.id and "Lê Văn Chủ" in second.actor.label
    assert second.data == {"decision_number": "15-QĐ/UBKT", "decision_date": "2026-03-02"}
    assert r.json["items"][0]["occurred_at"].endswith(("Z", "+00:00"))
    assert third.event == "launch" and body.chain_valid
    # Behind the app's back: the append-only trigger is switched off for this update.
    session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    session.execute(
        sa.update(CaseEvent)
        .where(CaseEvent.case_id == c.id, CaseEvent.seq == 2)
        .values(note="sửa lén")
    )
    session.execute(sa.text("SET LOCAL session_replication_role = origin"))
    session.commit()
    r = api.get(f"/cases/{c.id}/history", w.inspector)
    assert r.json["chain_valid"] is False and r.json["chain_break"].startswith("seq 2")
