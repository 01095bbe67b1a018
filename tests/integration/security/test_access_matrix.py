"""The access-control matrix: every route of the URL map × every role × in and
out of scope.

For each role, in this order:

1. every GET, for the role's own objects, the other side's (``out``) and the
   role's own case with the other side's objects under it (``mixed``) — and
   the database is unchanged afterwards (GET never changes state);
2. every UI POST without its CSRF token -> 400;
3. every POST/PUT/PATCH naming the other side's objects, with a CSRF token
   (UI) or a schema-valid body (API) -> 403 or 404, and the database is
   unchanged afterwards;
4. every POST on the role's own objects (empty form / schema-valid body):
   whatever it answers, never a 5xx.

Throughout: no 5xx; the other side's marker (in case titles, actions,
documents, programmes, reports...) never appears in a text response;
signed-out visitors are sent to /login (UI) or get 401 (API); /admin refuses
non-admins with 403. Figures are printed at the end (run with ``-s``).
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from tests.integration.security import matrix_world
from tests.integration.security.digest import database_digest
from tests.integration.security.matrix_world import ROLES, SEES_ALL, Matrix
from tests.integration.security.routes import (
    Route,
    all_routes,
    body_for,
    url_for_variant,
    variants,
)
from tests.integration.ui.conftest import CSRF, ui_app  # noqa: F401  (fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
REFUSED = (403, 404)
# UI routes that refuse someone else's object with a flash message and a
# redirect to the caller's own page, as they do for an id that does not exist.
# The admin pages do the same for an object outside the admin's subtree.
FLASH_REFUSALS = {"auth.revoke_api_token", "admin.revoke_custodian"}
# Forms checked before the object is loaded: filled in, so the request reaches
# the scope check instead of bouncing on a missing field.
FORMS = {
    "denunciations.decide": {"decision": "approve", "reason": "Ma trận phân quyền"},
    "denunciations.reveal": {"keep_secret": "y"},
}
# Roles that may read but never change case data, and the tables holding what
# is a user's own (profile, API tokens, export requests) that they may change.
READ_ONLY = {"viewer"}
OWN_THINGS = frozenset({"users", "api_tokens", "export_jobs"})
TEXT_TYPES = ("text/", "application/json", "application/problem+json", "image/svg")
FIGURES: dict[str, dict[str, int]] = {}


@pytest.fixture()
def matrix(ui_app: Flask, session: Any) -> Matrix:  # noqa: F811
    return matrix_world.build(ui_app, session)


class Caller:
    """One role's browser (session cookie, CSRF token) and API client (bearer token)."""

    def __init__(self, app: Flask, m: Matrix, role: str) -> None:
        self.role, self.m = role, m
        self.browser = app.test_client()
        self.api_client = app.test_client()
        user = m.users[role]
        if user is not None:
            with self.browser.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
        page = self.browser.get("/profile" if user else "/login").get_data(as_text=True)
        found = CSRF.search(page)
        assert found, f"no CSRF token for {role}"
        self.csrf = found.group(1)
        self.problems: list[str] = []
        self.requests = 0
        self.own_marker_seen = 0  # positive controls: the role does see its own data
        self.in_scope_ok = 0
        self.statuses: dict[str, int] = {}

    def send(self, route: Route, url: str, *, csrf: bool = True, body: Any = None
             ) -> TestResponse:
        self.requests += 1
        method = route.method.lower()
        if route.api:
            token = self.m.tokens.get(self.role)
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            kw = {"json": body} if method != "get" else {}
            response = getattr(self.api_client, method)(url, headers=headers, **kw)
        elif method == "get":
            response = self.browser.get(url)
        else:
            data = {"csrf_token": self.csrf} if csrf else {}
            data.update(body or {})
            response = getattr(self.browser, method)(url, data=data)
        self._common(route, url, response)
        response.close()  # send_file responses hold an open file
        return response

    def _common(self, route: Route, url: str, response: TestResponse) -> None:
        if response.status_code >= 500:
            self.fail(route, url, f"answered {response.status_code}")
        own, foreign = self.m.side_of(self.role)
        markers = [own.marker, foreign.marker] if self.role == "anonymous" else [foreign.marker]
        if self.role in SEES_ALL:
            markers = []
        if response.mimetype.startswith(TEXT_TYPES) or response.mimetype.endswith("csv"):
            text = response.get_data(as_text=True)
            for marker in markers:
                if marker in text:
                    self.fail(route, url, f"response shows out-of-scope data ({marker})")
            self.own_marker_seen += own.marker in text and self.role != "anonymous"
        self.statuses[f"{route.method} {url}"] = response.status_code

    def fail(self, route: Route, url: str, what: str) -> None:
        self.problems.append(f"{self.role}: {route.method} {url} [{route.rule}] {what}")

    def expect(self, route: Route, url: str, response: TestResponse, allowed: tuple[int, ...],
               what: str) -> None:
        if response.status_code not in allowed:
            self.fail(route, url, f"{what}: got {response.status_code}, expected {allowed}")


def _signed_out(c: Caller, route: Route, url: str, response: TestResponse) -> None:
    if route.public:
        return
    if route.api:
        c.expect(route, url, response, (401,), "signed out")
    elif response.status_code != 302 or "/login" not in response.headers.get("Location", ""):
        c.fail(route, url, f"signed out: got {response.status_code}, expected a redirect to "
                           "/login")


def _refusal(c: Caller, route: Route, url: str, response: TestResponse, variant: str) -> None:
    if c.role in SEES_ALL:
        return
    if c.role == "anonymous":
        _signed_out(c, route, url, response)
    elif route.admin and c.role != "admin":
        c.expect(route, url, response, (403,), "admin page, not an admin")
    elif variant != "in" and not _bounced(c, route, response):
        c.expect(route, url, response, REFUSED, f"{variant}-of-scope object")


def _bounced(c: Caller, route: Route, response: TestResponse) -> bool:
    """A UI form that fails validation redirects back to the object's page
    before loading the object: refused all the same if that page is."""
    if route.api or route.method == "GET" or response.status_code != 302:
        return False
    if route.endpoint in FLASH_REFUSALS:
        return True
    target = c.browser.get(response.headers["Location"])
    target.close()
    return target.status_code in REFUSED


def _ids_for_body(c: Caller, variant: str) -> dict[str, int]:
    own, foreign = c.m.side_of(c.role)
    side = own if variant == "in" else foreign
    return {"org_id": side.org.id, "org": side.org.id, "owner_org_id": side.org.id,
            "owner_user_id": side.users["inspector"].id,
            "approver_user_id": side.users["chair"].id,
            "responsible_user_id": side.users["member"].id, "user_id": side.users["inspector"].id}


def _body(c: Caller, doc: dict[str, Any], route: Route, variant: str) -> Any:
    if not route.api:
        return FORMS.get(route.endpoint)
    return body_for(doc, route, _ids_for_body(c, variant))


def _run(app: Flask, m: Matrix, role: str) -> Caller:
    c = Caller(app, m, role)
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    routes = all_routes(app)
    before = database_digest()
    for route in (r for r in routes if r.method == "GET"):
        for variant in variants(route):
            url = url_for_variant(route, m, role, variant)
            response = c.send(route, url)
            _refusal(c, route, url, response, variant)
            c.in_scope_ok += variant == "in" and response.status_code == 200
        if route.api and role != "anonymous" and not route.public:
            url = url_for_variant(route, m, role, "in")  # a session cookie is no API credential
            c.expect(route, url, c.browser.get(url), (401,), "API with a cookie, no bearer")
    after_gets = database_digest()
    _compare(c, before, after_gets, "GET requests changed the database")
    writes = [r for r in routes if r.method != "GET"]
    for route in (r for r in writes if not r.api):
        url = url_for_variant(route, m, role, "in")
        c.expect(route, url, c.send(route, url, csrf=False), (400,), "POST without CSRF token")
    for route in writes:
        for variant in variants(route)[1:] if route.scoped and role not in SEES_ALL else []:
            url = url_for_variant(route, m, role, variant)
            response = c.send(route, url, body=_body(c, doc, route, variant))
            _refusal(c, route, url, response, variant)
    for route in (r for r in writes if r.api and not r.scoped
                  and role not in {"anonymous", *SEES_ALL}):
        body = _body(c, doc, route, "out")  # the body names the other side's organisation
        if body and set(body) & set(_ids_for_body(c, "out")):
            url = url_for_variant(route, m, role, "in")
            c.expect(route, url, c.send(route, url, body=body), (*REFUSED, 422),
                     "body naming an out-of-scope organisation or user")
    _compare(c, before, database_digest(), "refused writes changed the database")
    if role == "anonymous":
        for route in writes:
            url = url_for_variant(route, m, role, "in")
            _signed_out(c, route, url, c.send(route, url, body=_body(c, doc, route, "in")))
        _compare(c, before, database_digest(), "signed-out writes changed the database")
    else:  # the role's own objects last: these may change data; sign out at the very end
        for route in sorted(writes, key=lambda r: ("logout" in r.rule, "revoke" in r.rule)):
            url = url_for_variant(route, m, role, "in")
            _refusal(c, route, url, c.send(route, url, body=_body(c, doc, route, "in")), "in")
        if role in READ_ONLY:
            _compare(c, before, database_digest(), "a read-only role changed shared data",
                     ignore=OWN_THINGS)
    FIGURES[role] = {"routes": len(routes), "requests": c.requests,
                     "problems": len(c.problems), "own_marker_seen": c.own_marker_seen,
                     "in_scope_ok": c.in_scope_ok}
    return c


def _compare(c: Caller, before: dict[str, str], after: dict[str, str], what: str,
             ignore: frozenset[str] = frozenset()) -> None:
    changed = sorted(t for t in before if before[t] != after.get(t) and t not in ignore)
    if changed:
        c.problems.append(f"{c.role}: {what}: tables {', '.join(changed)}")


def test_every_route_has_samples_in_and_out_of_scope(ui_app, matrix):  # noqa: F811
    """A new route with an id kind the matrix does not know fails here, by name."""
    routes = all_routes(ui_app)
    assert len({r.rule for r in routes}) >= 100
    unknown = []
    for route in routes:
        for role in ROLES:
            for variant in variants(route):
                try:
                    url_for_variant(route, matrix, role, variant)
                except AssertionError as exc:
                    unknown.append(str(exc))
    assert not unknown, "\n".join(sorted(set(unknown)))


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(ui_app, matrix, role):  # noqa: F811
    caller = _run(ui_app, matrix, role)
    figures = FIGURES[role]
    print(f"\naccess matrix {role}: {figures['routes']} route-methods, "
          f"{figures['requests']} requests, {figures['problems']} problems; own data shown "
          f"in {figures['own_marker_seen']} responses, {figures['in_scope_ok']} GETs answered "
          "200")
    if role != "anonymous":  # the checks have teeth: the role does see its own side's data
        assert figures["own_marker_seen"] >= 10 and figures["in_scope_ok"] >= 30, figures
    assert not caller.problems, "\n".join(caller.problems)



def test_the_digest_sees_one_changed_field(matrix, session):
    """The GET check has teeth: a single edited column changes the digest."""
    before = database_digest()
    session.execute(sa.text("UPDATE cases SET summary = summary || '.' WHERE id = :i"),
                    {"i": matrix.sides["district"].cases["main"]})
    after = database_digest()
    assert [t for t in before if before[t] != after[t]] == ["cases"]
