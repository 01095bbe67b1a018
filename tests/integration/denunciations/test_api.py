"""The vault over the API: intake with the case, the pseudonym, the reveal flow."""

from __future__ import annotations

from typing import Any

from hgkiemtra.denunciations.models import DenouncerIdentity
from tests.integration.denunciations.conftest import MARKER_NAME, make_custodian

SECRET = {"keep_secret": True}
DENOUNCER = {"full_name": MARKER_NAME, "address": "Số 7, phường I", "phone": "0909000111",
             "id_number": "093100000123"}


def open_body(w: Any, **extra: Any) -> dict[str, Any]:
    return {"kind": "denunciation", "title": "Tố cáo vi phạm quản lý đất đai",
            "org_id": w.district.id, "subject": {"type": "member", "id": w.subject.id},
            "team": [{"user_id": w.inspector.id, "role": "leader"}], **extra}


def test_a_denunciation_opens_with_its_denouncer_shown_as_a_pseudonym(api, w, session):
    r = api.post("/cases", w.inspector, open_body(w, denouncer=DENOUNCER))
    assert r.status_code == 201, r.json
    assert r.json["denouncer"]["pseudonym"].startswith("Người tố cáo #")
    assert MARKER_NAME not in r.get_data(as_text=True)
    row = session.query(DenouncerIdentity).filter_by(case_id=r.json["id"]).one()
    assert MARKER_NAME not in row.ciphertext
    got = api.get(f"/cases/{r.json['id']}/denouncer", w.viewer)
    assert got.status_code == 200
    assert got.json["pseudonym"] == r.json["denouncer"]["pseudonym"]
    assert got.json["requests"] == [] and got.json["may_decide"] is False


def test_a_denouncer_is_refused_on_other_kinds_and_nothing_is_opened(api, w, session):
    r = api.post("/cases", w.inspector, open_body(w, kind="inspection_violation",
                                                  denouncer=DENOUNCER))
    assert r.status_code == 422 and MARKER_NAME not in r.get_data(as_text=True)
    bad = api.post("/cases", w.inspector, open_body(w, denouncer={**DENOUNCER, "phone": "9" * 41,
                                                                  "extra": MARKER_NAME}))
    assert bad.status_code == 422 and MARKER_NAME not in bad.get_data(as_text=True)
    assert session.query(DenouncerIdentity).count() == 0


def test_recording_later_once_and_the_whole_reveal_flow(api, w, session):
    case_id = api.post("/cases", w.inspector, open_body(w)).json["id"]
    assert api.get(f"/cases/{case_id}", w.inspector).json["denouncer"] is None
    assert api.get(f"/cases/{case_id}/denouncer", w.inspector).status_code == 404
    first = api.post(f"/cases/{case_id}/denouncer", w.inspector, DENOUNCER)
    assert first.status_code == 201 and first.headers["Location"].endswith("/denouncer")
    assert api.post(f"/cases/{case_id}/denouncer", w.inspector, DENOUNCER).status_code == 409
    make_custodian(w)
    session.commit()
    base = f"/cases/{case_id}/denouncer/reveal-requests"
    asked = api.post(base, w.inspector, {"reason": "Gặp người tố cáo để làm rõ"})
    assert asked.status_code == 201 and asked.json["status"] == "pending"
    rid = asked.json["id"]
    assert api.post(f"{base}/{rid}/reveal", w.inspector, SECRET).status_code == 403
    assert api.post(f"{base}/{rid}/approve", w.inspector, {"reason": "Tự duyệt"}).status_code \
        == 403
    assert api.get(f"/cases/{case_id}/denouncer", w.chair).json["may_decide"] is True
    ok = api.post(f"{base}/{rid}/approve", w.chair, {"reason": "Cần thiết"})
    assert api.post(f"{base}/{rid}/reveal", w.inspector, {"keep_secret": False}).status_code \
        == 422
    assert ok.status_code == 200 and ok.json["status"] == "approved" and ok.json["expires_at"]
    shown = api.post(f"{base}/{rid}/reveal", w.inspector, SECRET)
    assert shown.status_code == 200 and shown.json["full_name"] == MARKER_NAME
    assert shown.headers["Cache-Control"] == "no-store"
    assert api.post(f"{base}/{rid}/reveal", w.inspector, SECRET).status_code == 422
    history = api.get(f"/cases/{case_id}/history", w.inspector)
    assert [i["event"] for i in history.json["items"]][-4:] == [
        "denouncer_recorded", "reveal_requested", "reveal_approved", "denouncer_revealed"]
    assert history.json["chain_valid"] and MARKER_NAME not in history.get_data(as_text=True)


def test_out_of_scope_and_unknown_ids_are_404(api, w, session):
    case_id = api.post("/cases", w.inspector, open_body(w, denouncer=DENOUNCER)).json["id"]
    base = f"/cases/{case_id}/denouncer"
    assert api.get(base, w.outsider).status_code == 404
    assert api.post(base + "/reveal-requests", w.outsider, {"reason": "x"}).status_code == 404
    assert api.post(base + "/reveal-requests/99999/approve", w.chair,
                    {"reason": "x"}).status_code == 404
    assert api.post(f"/cases/{2**40}/denouncer/reveal-requests/1/reveal",
                    w.inspector, SECRET).status_code == 404
    assert api.post(base + "/reveal-requests", w.viewer, {"reason": "x"}).status_code == 403
