"""UI test helpers: a committed world, signing in, and CSRF tokens read from forms.

CSRF protection stays on: every POST carries the token a real browser would
have read from the page's form (``Ui.csrf``), which proves the token is
required. Each request runs in its own application context, as in
production, so nothing cached on ``g`` leaks from one request to the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from hgkiemtra.cases.models import Case
from hgkiemtra.extensions import limiter
from hgkiemtra.people.models import User
from tests import factories as f

PASSWORD = "mat-khau-thu-nghiem-2026"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class UiClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any) -> TestResponse:  # type: ignore[override]
        with self.application.app_context():
            return super().open(*args, **kwargs)


class Ui:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def csrf(self, path: str = "/profile") -> str:
        """The token from a form on ``path`` (a page this client may open)."""
        page = self.client.get(path)
        match = CSRF.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {path} ({page.status_code})"
        return match.group(1)

    def sign_in(self, user: User) -> None:
        """Sign in without the form (the form itself is tested in test_auth.py)."""
        with self.client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

    def login(self, email: str, password: str = PASSWORD, **extra: str) -> TestResponse:
        signed_in = self.client.get("/login").status_code == 302
        token = self.csrf("/profile" if signed_in else "/login")
        return self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token, **extra}
        )

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, *, form_page: str | None = None,
             **kw: Any) -> TestResponse:
        """POST with the CSRF token read from ``form_page`` (default: the profile page)."""
        payload = {"csrf_token": self.csrf(form_page or "/profile"), **(data or {})}
        return self.client.post(path, data=payload, **kw)

    def fire(self, case: Case, event: str, data: dict[str, Any] | None = None,
             version: int | None = None, confirm: bool = True) -> TestResponse:
        path = f"/cases/{case.id}/events/{event}"
        payload = {"version": case.version if version is None else version, **(data or {})}
        if confirm:
            payload["confirm"] = "y"
        return self.post(path, payload, form_page=f"/cases/{case.id}")


@pytest.fixture()
def ui_app(app: Flask) -> Iterator[Flask]:
    previous = app.test_client_class
    app.test_client_class = UiClient
    limiter.reset()
    yield app
    limiter.reset()
    app.test_client_class = previous


@pytest.fixture()
def ui(ui_app: Flask, session: Any) -> Ui:
    return Ui(ui_app.test_client())


@pytest.fixture()
def other_ui(ui_app: Flask, session: Any) -> Ui:
    """A second browser."""
    return Ui(ui_app.test_client())


@pytest.fixture()
def w(session: Any) -> f.World:
    world = f.world()
    session.commit()
    return world


@pytest.fixture()
def make_case(session: Any, w: f.World):
    def make(title: str = "Kiểm tra dấu hiệu vi phạm đất đai", **kw: Any) -> Case:
        case = f.case(w, title, **kw)
        session.commit()
        return case

    return make


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def next_link(page: str, rel: str = "next") -> str:
    """The address of the page's "next" (or "prev") pagination link."""
    import html
    import re

    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    assert found, f"no {rel} link"
    return html.unescape(found.group(1))
