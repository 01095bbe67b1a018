"""A PostgreSQL connection terminated in the middle of a transition
(``pg_terminate_backend`` from another session, as an operator or a failover
would) leaves nothing half-written, and the user gets a clear 503 — API and
web page alike — instead of a 500. The next request reconnects and succeeds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from hgkiemtra.auth.tokens import create_token
from hgkiemtra.cases import audit
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.deadlines.models import Deadline
from tests import factories as f

DECIDE = {"decision_number": "15-QĐ/UBKT", "decision_date": "2026-03-02"}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@contextmanager
def connection_killed_at(fragment: str) -> Iterator[list[int]]:
    """Terminate the app's own database connection just before it sends the
    first statement containing ``fragment`` (that statement then fails); containing,
    not starting with: the event INSERT may ride in a WITH statement."""
    killed: list[int] = []
    admin = sa.create_engine(
        sa.make_url(str(db.engine.url)).set(drivername="postgresql+psycopg"),
        isolation_level="AUTOCOMMIT")

    def kill(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if killed or fragment not in statement.upper():
            return
        pid = conn.connection.dbapi_connection.info.backend_pid
        with admin.connect() as other:
            assert other.execute(sa.text("SELECT pg_terminate_backend(:p, 5000)"),
                                 {"p": pid}).scalar()
        killed.append(pid)

    sa.event.listen(db.engine, "before_cursor_execute", kill)
    try:
        yield killed
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", kill)
        admin.dispose()


def _snapshot(case_id: int) -> dict[str, Any]:
    db.session.remove()
    case = db.session.get(Case, case_id)
    count = lambda model, *where: db.session.scalar(  # noqa: E731
        sa.select(sa.func.count()).select_from(model).where(*where))
    return {
        "state": case.state, "version": case.version, "event_count": case.event_count,
        "events": count(CaseEvent, CaseEvent.case_id == case_id),
        "deadlines": count(Deadline, Deadline.case_id == case_id),
        "outbox": count(OutboxMessage),
    }


@pytest.fixture()
def world(committed):
    w = f.world()
    case = f.case(w)
    db.session.commit()
    token = create_token(w.chair)
    db.session.commit()
    return w, case.id, token


@pytest.mark.postgres
def test_api_transition_on_a_killed_connection_is_a_clean_503(world, app):
    _w, case_id, token = world
    before = _snapshot(case_id)
    body = {"event": "decide", "version": before["version"], "data": DECIDE}
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    with connection_killed_at("INSERT INTO CASE_EVENTS") as killed:
        response = client.post(f"/api/v1/cases/{case_id}/events", json=body, headers=headers)
    assert killed, "the connection was never terminated"
    assert response.status_code == 503
    assert response.get_json()["error"] == "database_unavailable"
    assert "chưa được thực hiện" in response.get_json()["message"]
    assert response.headers["Retry-After"]
    assert _snapshot(case_id) == before
    assert list(audit.iter_breaks([case_id])) == []

    again = client.post(f"/api/v1/cases/{case_id}/events", json=body, headers=headers)
    assert again.status_code == 200, again.get_data(as_text=True)
    after = _snapshot(case_id)
    assert (after["state"], after["events"]) == ("decided", before["events"] + 1)


@pytest.mark.postgres
def test_web_form_on_a_killed_connection_shows_a_clear_page(world, app):
    w, case_id, _token = world
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = w.chair.get_id()
        session["_fresh"] = True
    form_page = client.get(f"/cases/{case_id}/events/decide")
    assert form_page.status_code == 200
    before = _snapshot(case_id)
    fields = {"csrf_token": CSRF.search(form_page.get_data(as_text=True)).group(1),
              "version": str(before["version"]), "confirm": "y",
              **{f"f_{name}": value for name, value in DECIDE.items()}}
    with connection_killed_at("UPDATE CASES") as killed:
        response = client.post(f"/cases/{case_id}/events/decide", data=fields)
    assert killed, response.get_data(as_text=True)[-3000:]
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Không kết nối được cơ sở dữ liệu" in page and "Traceback" not in page
    assert _snapshot(case_id) == before

    again = client.post(f"/cases/{case_id}/events/decide", data=fields)
    assert again.status_code == 302
    assert _snapshot(case_id)["state"] == "decided"
    assert list(audit.iter_breaks([case_id])) == []
