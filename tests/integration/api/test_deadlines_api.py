"""POST /cases/{id}/deadlines/{deadline_id}/extend | pause | resume."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hgkiemtra.deadlines.service import working_calendar


@pytest.fixture()
def decided(api, w, make_case):
    case = make_case()
    r = api.fire(case.id, w.chair, "decide", case.version,
                 data={"decision_number": "15-QĐ/UBKT", "decision_date": "2026-03-02"})
    assert r.status_code == 200, r.json
    return r.json


def _later_working_day(due: str) -> str:
    from datetime import date

    day = date.fromisoformat(due) + timedelta(days=7)
    return working_calendar().next_working_day(day).isoformat()


def test_extend_through_the_api(api, w, decided):
    (deadline,) = decided["deadlines"]
    new_due = _later_working_day(deadline["due_on"])
    path = f"/cases/{decided['id']}/deadlines/{deadline['id']}/extend"
    body = {"new_due_on": new_due, "decision_reference": "20-QĐ/UBKT",
            "approver_user_id": w.chair.id, "reason": "Đối tượng đi công tác",
            "version": decided["version"]}
    r = api.post(path, w.inspector, body)
    assert r.status_code == 200, r.json
    (after,) = r.json["deadlines"]
    assert after["due_on"] == new_due
    assert after["extensions"][0]["old_due_on"] == deadline["due_on"]
    assert after["extensions"][0]["decision_reference"] == "20-QĐ/UBKT"
    assert r.json["version"] == decided["version"] + 1

    stale = api.post(path, w.inspector, {**body, "new_due_on": _later_working_day(new_due)})
    assert stale.status_code == 409  # the version sent is the old one
    no_approver = api.post(path, w.inspector, {**body, "approver_user_id": w.inspector.id,
                                               "version": r.json["version"]})
    assert no_approver.status_code == 422 and no_approver.json["error"] == "validation_error"
    missing = api.post(path, w.inspector, {"new_due_on": new_due})
    assert missing.status_code == 422
    assert api.post(path, w.viewer, {**body, "version": None}).status_code == 403
    assert api.post(path, w.outsider, {**body, "version": None}).status_code == 404
    assert api.post(f"/cases/{decided['id']}/deadlines/999999/extend", w.chair,
                    body).status_code == 404
    assert api.post(f"/cases/{decided['id']}/deadlines/{2**40}/extend", w.chair,
                    body).status_code == 404


def test_pause_and_resume_through_the_api(api, w, decided, monkeypatch):
    from dataclasses import replace

    from hgkiemtra.deadlines import changes

    (deadline,) = decided["deadlines"]
    base = f"/cases/{decided['id']}/deadlines/{deadline['id']}"
    refused = api.post(base + "/pause", w.inspector, {"reason": "Đại hội"})
    assert refused.status_code == 422 and "tạm dừng" in refused.json["message"]

    original = changes.find_rule
    monkeypatch.setattr(changes, "find_rule",
                        lambda case, d: replace(original(case, d), can_pause=True))
    paused = api.post(base + "/pause", w.inspector, {"reason": "Đại hội"})
    assert paused.status_code == 200, paused.json
    (after,) = paused.json["deadlines"]
    assert after["paused_since"] is not None and after["overdue"] is False
    assert after["pauses"][0]["reason"] == "Đại hội"
    resumed = api.post(base + "/resume", w.chair, {"note": "Xong"})
    assert resumed.status_code == 200
    (after,) = resumed.json["deadlines"]
    assert after["paused_since"] is None and after["pauses"][0]["resumed_on"] is not None
    assert api.post(base + "/resume", w.chair, {}).status_code == 422
    assert api.post(base + "/pause", w.chair, {"reason": "x", "extra": 1}).status_code == 422
