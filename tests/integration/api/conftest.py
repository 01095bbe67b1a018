"""API test helpers: a committed world, bearer tokens, and a schema checker.

Test data is committed (inside the per-test outer transaction) before any
request, because the API rolls the session back on every error response.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from hgkiemtra.auth.tokens import create_token
from hgkiemtra.cases.models import Case
from hgkiemtra.people.models import User
from tests import factories as f
from tests.integration.api.schema_check import check_response

PREFIX = "/api/v1"


class Api:
    def __init__(self, client: FlaskClient, session: Any) -> None:
        self.client = client
        self.session = session
        self._tokens: dict[int, str] = {}

    def token(self, user: User) -> str:
        if user.id not in self._tokens:
            self._tokens[user.id] = create_token(user)
            self.session.commit()
        return self._tokens[user.id]

    def headers(self, user: User | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"} if user else {}

    def get(self, path: str, user: User | None, **kw: Any) -> TestResponse:
        response = self.client.get(PREFIX + path, headers=self.headers(user), **kw)
        check_response(self.openapi(), "get", path, response)
        return response

    def post(self, path: str, user: User | None, body: Any = None, **kw: Any) -> TestResponse:
        if body is not None:
            kw["json"] = body
        response = self.client.post(PREFIX + path, headers=self.headers(user), **kw)
        check_response(self.openapi(), "post", path, response)
        return response

    def fire(
        self, case_id: int, user: User, event: str, version: int, **extra: Any
    ) -> TestResponse:
        return self.post(
            f"/cases/{case_id}/events", user, {"event": event, "version": version, **extra}
        )

    _doc: dict[str, Any] | None = None

    def openapi(self) -> dict[str, Any]:
        if Api._doc is None:
            Api._doc = self.client.get(PREFIX + "/openapi.json").get_json()
        return Api._doc


@pytest.fixture()
def w(session: Any) -> f.World:
    world = f.world()
    session.commit()
    return world


@pytest.fixture()
def api(client: FlaskClient, session: Any) -> Api:
    return Api(client, session)


@pytest.fixture()
def make_case(session: Any, w: f.World):
    def make(title: str = "Kiểm tra dấu hiệu vi phạm đất đai", **kw: Any) -> Case:
        case = f.case(w, title, **kw)
        session.commit()
        return case

    return make
