"""The OpenAPI document matches the routes, and responses match the document."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.api.schema_check import validate

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture()
def doc(client):
    r = client.get(PREFIX + "/openapi.json")
    assert r.status_code == 200
    return r.json


def routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        found |= {(path, m.lower()) for m in rule.methods - IGNORED_METHODS}
    return found


def test_document_lists_exactly_the_routes(app, doc):
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert documented == routes(app)
    assert len(documented) >= 44  # a sanity floor: the equality above is the check


def test_document_structure(app, doc):
    assert doc["openapi"] == "3.1.0"
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert doc["security"] == [{"bearerAuth": []}]
    schemas = doc["components"]["schemas"]
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(doc))
    assert refs and set(refs) <= set(schemas)
    assert schemas["EventFire"]["additionalProperties"] is False
    assert schemas["ErrorOut"]["required"] == ["error", "message"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert "default" in op["responses"], (method, path)
            if path.endswith("/openapi.json"):
                assert op["security"] == []
                continue
            assert "401" in op["responses"], (method, path)
            if "{case_id}" in path:
                assert "404" in op["responses"], (method, path)
            if method == "post":
                assert {"400", "413", "415", "422"} <= set(op["responses"])
                assert op["requestBody"]["required"] is True
    params = {p["name"]: p for p in doc["paths"][PREFIX + "/cases"]["get"]["parameters"]}
    assert set(params) == {
        "page",
        "per_page",
        "state",
        "phase",
        "kind",
        "org_id",
        "overdue",
        "q",
        "sort",
        "cursor",
    }
    assert "next_cursor" in params["cursor"]["schema"]["description"]
    assert params["per_page"]["schema"]["maximum"] == app.config["SETTINGS"].API_PAGE_SIZE_MAX
    assert params["overdue"]["schema"]["type"] == "boolean"
    assert "closed" in params["phase"]["schema"]["enum"]
    created = doc["paths"][PREFIX + "/cases"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]


def test_schema_checker_is_not_vacuous(doc):
    error = {"$ref": "#/components/schemas/ErrorOut"}
    assert validate({"error": "x", "message": "y", "details": None}, error, doc) == []
    assert validate({"error": "x"}, error, doc)
    case = {"$ref": "#/components/schemas/CaseSummaryOut"}
    assert validate({"id": "1"}, case, doc)


def test_declared_nullable_fields_accept_null(doc):
    schemas = doc["components"]["schemas"]
    assert {"type": "null"} in schemas["CaseSummaryOut"]["properties"]["closed_on"]["anyOf"]
    assert {"type": "null"} in schemas["HistoryItem"]["properties"]["from_state"]["anyOf"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def _bodies(w):
    ids = st.sampled_from([0, 1, -1, 2**31, w.district.id, w.subject.id, w.inspector.id])
    subject = st.fixed_dictionaries(
        {"type": st.sampled_from(["member", "organisation", "x"]), "id": ids | json_values}
    )
    return (
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["inspection_violation", "x"]) | json_values,
                "title": st.text(max_size=600) | json_values,
                "org_id": ids | json_values,
            },
            optional={
                "subject": subject | json_values,
                "summary": st.text() | json_values,
                "team": st.lists(
                    st.fixed_dictionaries({"user_id": ids, "role": st.text()}), max_size=2
                )
                | json_values,
                "extra": json_values,
            },
        )
        | json_values
    )


def as_json(body: object) -> dict[str, str]:
    return {"data": json.dumps(body), "content_type": "application/json"}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzzed_bodies_and_queries_never_500(api, w, make_case, data):
    case = make_case() if data.draw(st.booleans()) else None
    r = api.post("/cases", w.chair, None, **as_json(data.draw(_bodies(w))))
    assert r.status_code in (201, 400, 403, 422), r.json
    event = st.fixed_dictionaries(
        {
            "event": st.sampled_from(["decide", "cancel", "close", ""]) | json_values,
            "version": st.sampled_from([1, 0, "1", True]) | json_values,
        },
        optional={
            "note": st.text() | json_values,
            "data": st.dictionaries(
                st.sampled_from(["decision_number", "decision_date", "launch_by", "x"]), json_values
            )
            | json_values,
        },
    )
    target = case.id if case else data.draw(st.integers(min_value=0, max_value=2**40))
    r = api.post(f"/cases/{target}/events", w.chair, None, **as_json(data.draw(event)))
    assert r.status_code in (200, 400, 403, 404, 409, 422), r.json
    query = data.draw(
        st.dictionaries(
            st.sampled_from(
                ["page", "per_page", "state", "phase", "org_id", "overdue", "q", "sort",
                 "cursor"]
            ),
            st.text(max_size=30),
            max_size=3,
        )
    )
    r = api.get("/cases", w.chair, query_string=query)
    assert r.status_code in (200, 400, 422), r.json
