"""Every route of the app's URL map, made into concrete requests for the matrix.

Routes are read from ``app.url_map`` so a route added tomorrow is tested
tomorrow. A placeholder the matrix has no sample value for is an error naming
the route: the test fails rather than skip a route nobody thought of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Flask

from tests.integration.security.matrix_world import Matrix

# Routes anyone may call. Each is reachable signed out by design:
#   /login            the sign-in form itself
#   /healthz /readyz  probes for the load balancer and the orchestrator
#   /language         switching the UI language before signing in (CSRF-protected)
#   /calendar/<token>.ics  a calendar feed: the unguessable token in the URL is the credential
#   /api/v1/openapi.json   the API's public contract, no data
PUBLIC = {"/login", "/healthz", "/readyz", "/language", "/calendar/<token>.ics",
          "/api/v1/openapi.json"}
SKIPPED_ENDPOINTS = {"static"}  # files shipped with the app
PLACEHOLDER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
SCOPED = {"case_id", "action_id", "document_id", "deadline_id", "request_id", "custodian_id",
          "programme_id", "item_id", "issued_id", "user_id", "assignment_id", "org_id"}
OWNED = {"job_id", "token_id"}  # belong to a user, not to an organisation


@dataclass(frozen=True)
class Route:
    rule: str
    method: str
    endpoint: str

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def admin(self) -> bool:
        return self.rule.startswith("/admin")

    @property
    def public(self) -> bool:
        return self.rule in PUBLIC

    @property
    def placeholders(self) -> list[str]:
        return PLACEHOLDER.findall(self.rule)

    @property
    def scoped(self) -> bool:
        return bool(set(self.placeholders) & (SCOPED | OWNED))

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def all_routes(app: Flask) -> list[Route]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append(Route(rule.rule, method, rule.endpoint))
    return sorted(found, key=lambda r: (r.rule, r.method))


def _case_kind(route: Route) -> str:
    return "denunciation" if "/denouncer" in route.rule else "main"


def url_for_variant(route: Route, m: Matrix, role: str, variant: str) -> str:
    """The route's URL with every placeholder filled for ``variant``.

    in: every id names the role's own side; out: every id names the other
    side; mixed: the case is the role's own but the ids under it are the
    other side's (an IDOR through a parent the role may see).
    """
    own, foreign = m.side_of(role)
    def value(name: str) -> str:
        if name == "case_id":
            side = foreign if variant == "out" else own
            return str(side.cases[_case_kind(route)])
        if name in SCOPED:
            side = own if variant == "in" else foreign
            if name not in side.ids:
                raise LookupError(name)
            return side.ids[name]
        if name in OWNED:
            table = m.jobs if name == "job_id" else m.token_ids
            mine = role if role in table else "chair"
            theirs = "chair" if role == "outsider" else "outsider"
            return str(table[mine if variant == "in" else theirs])
        if name in m.site:
            return m.site[name]
        raise LookupError(name)

    def fill(match: re.Match[str]) -> str:
        try:
            return value(match.group(1))
        except LookupError:
            raise AssertionError(
                f"route {route} has a placeholder <{match.group(1)}> the access matrix has "
                "no sample for: add objects of that kind to tests/integration/security/"
                "matrix_world.py so the route is tested in and out of scope") from None

    return PLACEHOLDER.sub(fill, route.rule)


def variants(route: Route) -> list[str]:
    if not route.scoped:
        return ["in"]
    names = set(route.placeholders)
    mixed = "case_id" in names and bool(names - {"case_id", "event_name"})
    return ["in", "out", "mixed"] if mixed else ["in", "out"]


# --- request bodies from the OpenAPI document ------------------------------------------------


def body_for(doc: dict[str, Any], route: Route, ids: dict[str, int]) -> Any:
    """A body valid against the operation's schema (required fields only).

    ``ids`` gives values for id-like fields (an organisation, a user) so a
    body names objects on the side being tested.
    """
    path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", route.rule)
    operation = doc["paths"].get(path, {}).get(route.method.lower())
    if operation is None or "requestBody" not in operation:
        return None
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return _sample(doc, schema, "", ids)


def _sample(doc: dict[str, Any], schema: dict[str, Any], name: str, ids: dict[str, int]) -> Any:
    if "$ref" in schema:
        target = schema["$ref"].rsplit("/", 1)[-1]
        return _sample(doc, doc["components"]["schemas"][target], name, ids)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _sample(doc, options[0], name, ids)
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _sample(doc, props[k], k, ids) for k in schema.get("required", [])}
    if kind == "array":
        return [_sample(doc, schema["items"], name, ids)
                for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        if name in ids:
            return ids[name]
        return max(int(schema.get("minimum", 1)), 1) if schema.get("maximum", 2) >= 1 else 0
    if kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2030-01-02"
    text = "Ma trận phân quyền"
    return text[: schema.get("maxLength", len(text))]
