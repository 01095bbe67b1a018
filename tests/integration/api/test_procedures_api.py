"""Every case kind walked from start to every outcome through the API; linked cases
and the version picked by ``anchor_on`` are visible in the representation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hgkiemtra.cases import service as cases
from hgkiemtra.core.db import utcnow
from tests import factories as f
from tests.walks import ALL_WALKS, NOTE, Walk


def open_case(api: Any, w: f.World, walk: Walk) -> dict[str, Any]:
    subject = w.subject.id if walk.subject == "member" else w.grassroots.id
    body: dict[str, Any] = {"kind": walk.kind, "title": f"Hồ sơ {walk.name}",
                            "org_id": w.district.id,
                            "subject": {"type": walk.subject, "id": subject}}
    if walk.anchor_on is not None:
        body["anchor_on"] = walk.anchor_on.isoformat()
    r = api.post("/cases", w.inspector, body)
    assert r.status_code == 201, r.json
    return r.json  # type: ignore[no-any-return]


@pytest.mark.parametrize("walk", ALL_WALKS, ids=lambda walk: walk.name)
def test_walk_through_the_api(api, w, walk: Walk, monkeypatch) -> None:
    users = {"chair": w.chair, "member": w.committee_member, "inspector": w.inspector}
    case = open_case(api, w, walk)
    assert case["workflow"] == {"name": walk.kind, "version": walk.version}
    for step in walk.steps:
        if step.shift:
            later = utcnow() + timedelta(days=step.shift)
            monkeypatch.setattr(cases, "utcnow", lambda later=later: later)
        allowed = {e["event"]: e for e in case["allowed_events"]}
        assert step.event in allowed, (walk.name, step.event, case["state"])
        r = api.fire(case["id"], users[step.role], step.event, case["version"], note=NOTE,
                     data=step.data)
        assert r.status_code == 200, (walk.name, step.event, r.json)
        case = r.json
    assert (case["state"], case["phase"]) == (walk.final, "closed")
    assert case["allowed_events"] == []
    assert [link["direction"] for link in case["links"]] == ["outgoing"] * len(walk.spawns)
    for link in case["links"]:
        child = api.get(f"/cases/{link['case_id']}", w.chair).json
        assert child["kind"] in walk.spawns and child["reference"] == link["reference"]
        assert child["links"] == [{"kind": link["kind"], "case_id": case["id"],
                                   "reference": case["reference"], "direction": "incoming"}]


def test_anchor_on_is_validated(api, w) -> None:
    walk = next(x for x in ALL_WALKS if x.kind == "denunciation" and x.version == 1)
    body = {"kind": "denunciation", "title": "Đơn", "org_id": w.district.id,
            "subject": {"type": "member", "id": w.subject.id}}
    for bad in ("2024-02-30", "06/05/2024", 20240506, "2999-01-01"):
        r = api.post("/cases", w.inspector, {**body, "anchor_on": bad})
        assert (r.status_code, r.json["error"]) == (422, "validation_error"), bad
    assert open_case(api, w, walk)["workflow"]["version"] == 1


def test_workflows_describe_versions_and_spawns(api, w) -> None:
    items = {(d["name"], d["version"]): d for d in api.get("/workflows", w.chair).json["items"]}
    assert items[("denunciation", 1)]["rule_set"] == "qd22"
    assert items[("denunciation", 2)]["in_force_from"] == "2025-05-30"
    assert items[("inspection_violation", 1)]["in_force_from"] is None
    spawns = {e["name"]: e["spawns"] for e in items[("supervision", 1)]["events"]}
    assert spawns["propose_inspection"] == "inspection_violation" and spawns["close"] is None
