"""Authentication and the HTTP edges: every error is JSON, none is a 500."""

from __future__ import annotations

import io
import json

import pytest

from hgkiemtra.auth.models import ApiToken
from hgkiemtra.auth.tokens import create_token, revoke_token

PREFIX = "/api/v1"
ROUTES = [
    ("get", "/workflows"),
    ("get", "/me"),
    ("get", "/organisations"),
    ("get", "/members"),
    ("get", "/cases"),
    ("post", "/cases"),
    ("get", "/cases/1"),
    ("post", "/cases/1/events"),
    ("get", "/cases/1/history"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_needs_a_valid_token(client, w, method, path):
    for headers in (
        {},
        {"Authorization": "Bearer hgk_nope"},
        {"Authorization": "Basic eDp5"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer " + "x" * 500},
    ):
        r = getattr(client, method)(PREFIX + path, headers=headers, json={})
        assert r.status_code == 401, headers
        assert r.json["error"] == "unauthorized" and r.json["message"]
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_and_inactive_user_are_refused(api, w, session):
    token = create_token(w.viewer)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get(PREFIX + "/me", headers=headers).status_code == 200
    row = session.query(ApiToken).filter_by(user_id=w.viewer.id).one()
    assert revoke_token(row.id, w.viewer)
    session.commit()
    assert api.client.get(PREFIX + "/me", headers=headers).status_code == 401
    headers = api.headers(w.chair)
    w.chair.is_active = False
    session.commit()
    assert api.client.get(PREFIX + "/me", headers=headers).status_code == 401


def test_openapi_document_is_public(client):
    r = client.get(PREFIX + "/openapi.json")
    assert r.status_code == 200 and r.json["openapi"].startswith("3.")


def test_unknown_route_and_wrong_method_are_json(api, w):
    r = api.client.get(PREFIX + "/nowhere", headers=api.headers(w.chair))
    assert (r.status_code, r.json["error"]) == (404, "not_found")
    assert api.client.get(PREFIX + "/cases/abc").json["error"] == "not_found"
    r = api.client.delete(PREFIX + "/cases", headers=api.headers(w.chair))
    assert (r.status_code, r.json["error"]) == (405, "method_not_allowed")
    assert set(r.headers["Allow"].split(", ")) >= {"GET", "POST"}
    r = api.client.put(PREFIX + "/cases/1/history")
    assert (r.status_code, r.json["error"]) == (405, "method_not_allowed")
    r = api.client.options(PREFIX + "/cases")
    assert r.status_code == 200 and "POST" in r.headers["Allow"]


def test_outside_the_api_errors_stay_html(client):
    r = client.get("/not-the-api")
    assert r.status_code == 404 and r.mimetype == "text/html"


def post_raw(api, user, data, content_type="application/json", **kw):
    return api.client.post(
        PREFIX + "/cases", data=data, content_type=content_type, headers=api.headers(user), **kw
    )


def test_malformed_json_is_400(api, w):
    for data in (
        b"{",
        b"",
        b"{'a': 1}",
        b"\xff\xfe",
        b'{"a": NaN}',
        b'{"a": 1e999}',
        b"[" * 100_000 + b"]" * 100_000,
    ):
        r = post_raw(api, w.inspector, data)
        assert (r.status_code, r.json["error"]) == (400, "bad_request"), data[:20]


def test_non_json_content_type_is_415(api, w):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        r = post_raw(api, w.inspector, b'{"kind": "x"}', content_type)
        assert (r.status_code, r.json["error"]) == (415, "unsupported_media_type")
    r = api.client.post(PREFIX + "/cases/1/events", headers=api.headers(w.chair))
    assert r.status_code == 415
    assert post_raw(api, w.inspector, b"{}", "application/json; charset=utf-8").status_code == 422


def test_oversized_body_is_413(api, w, app):
    limit = app.config["SETTINGS"].MAX_JSON_KB * 1024
    body = json.dumps({"kind": "inspection_violation", "title": "x" * limit}).encode()
    r = post_raw(api, w.inspector, body)
    assert (r.status_code, r.json["error"]) == (413, "payload_too_large")
    chunked = api.client.post(  # no Content-Length: the limit holds while reading
        PREFIX + "/cases",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={**api.headers(w.inspector), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert chunked.request.content_length is None
    assert (chunked.status_code, chunked.json["error"]) == (413, "payload_too_large")


def test_strings_postgres_cannot_store_are_422_not_500(api, w):
    body = {
        "kind": "inspection_violation",
        "org_id": w.district.id,
        "subject": {"type": "member", "id": w.subject.id},
    }
    for title in ("a\x00b", "\ud800"):
        r = post_raw(api, w.inspector, json.dumps({**body, "title": title}).encode())
        assert (r.status_code, r.json["error"]) == (422, "validation_error")
    r = api.client.get(PREFIX + "/cases/1/history?x=%00", headers=api.headers(w.chair))
    assert r.status_code == 404  # no query parameters there: ignored


def test_an_error_rolls_the_session_back(api, w, make_case, session):
    c = make_case()
    api.token(w.chair)
    w.subject.full_name = "Sửa dở dang"  # pending, not committed
    r = api.fire(c.id, w.chair, "explode", 1)
    assert r.status_code == 422
    session.expire_all()
    assert w.subject.full_name == "Trần Thị Bích Ngọc"
