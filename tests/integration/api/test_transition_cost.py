"""What a transition request costs on top of ``cases.service.fire_event``.

Statements are counted with a ``before_cursor_execute`` listener; those issued
while fire_event runs are the service's business and counted apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from hgkiemtra.auth.models import ApiToken
from hgkiemtra.auth.tokens import LAST_USED_PRECISION, create_token, user_for_token
from hgkiemtra.cases import service
from hgkiemtra.core.db import db, utcnow

DECIDE = {"decision_number": "15-QĐ/UBKT", "decision_date": "2026-03-02"}
# Token with its user and roles (1), the close check of each event leading to a
# final state (2, from followup), the deadlines with extensions and pauses (1),
# the links (1). The case, its team and the actor's roles are not read again.
MAX_OUTSIDE = 5
NEVER_OUTSIDE = ("FROM users", "FROM role_assignments", "FROM cases", "FROM case_team_members",
                 "FROM deadline_extensions", "FROM deadline_pauses", "UPDATE api_tokens")


class Split:
    def __init__(self) -> None:
        self.inside = False
        self.outside: list[str] = []
        self.savepoints: list[str] = []  # the request's transactions, inside the test's one


@pytest.fixture()
def split(session: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Split]:
    counts = Split()
    real = service.fire_event

    def counted(*args: Any, **kwargs: Any) -> Any:
        counts.inside = True
        try:
            return real(*args, **kwargs)
        finally:
            counts.inside = False

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # Savepoints stand in for the commit inside the test's outer transaction.
        if "SAVEPOINT" in statement:
            counts.savepoints.append(statement.split()[0])
        elif not counts.inside:
            counts.outside.append(" ".join(statement.split()))

    monkeypatch.setattr(service, "fire_event", counted)
    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield counts
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)


def test_a_transition_request_reads_little_beyond_fire_event(api, w, make_case, split):
    case = make_case()
    assert api.fire(case.id, w.chair, "decide", 1, data=DECIDE).status_code == 200
    headers = api.headers(w.inspector)
    assert api.client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
    split.outside.clear()
    split.savepoints.clear()
    r = api.client.post(f"/api/v1/cases/{case.id}/events", headers=headers,
                        json={"event": "launch", "version": 2})
    assert r.status_code == 200, r.json
    assert r.json["state"] != "decided" and r.json["version"] == 3
    assert len(split.outside) <= MAX_OUTSIDE, split.outside
    assert not [s for s in split.outside for part in NEVER_OUTSIDE if part in s], split.outside
    # One transaction: the answer is read before the commit, so none is begun after it
    # (a BEGIN and a ROLLBACK at the end of the request, two round trips more).
    assert split.savepoints == ["RELEASE"], split.savepoints


def test_the_answer_after_commit_is_what_was_committed(api, w, make_case, session):
    case = make_case()
    r = api.fire(case.id, w.chair, "decide", 1, data=DECIDE)
    assert r.status_code == 200
    session.expire_all()
    again = api.get(f"/cases/{case.id}", w.chair).json
    for key in ("state", "version", "phase", "deadlines", "allowed_events"):
        assert r.json[key] == again[key], key
    # Case.team has no order_by: compare the seats, not their order.
    assert sorted(r.json["team"], key=str) == sorted(again["team"], key=str)


def test_last_used_is_written_at_most_once_a_minute(w, session):
    token = create_token(w.inspector)
    row = session.execute(sa.select(ApiToken)).scalars().one()
    start = utcnow()
    assert user_for_token(token, now=start) == w.inspector
    assert row.last_used_at == start
    assert user_for_token(token, now=start + LAST_USED_PRECISION / 2) == w.inspector
    assert row.last_used_at == start
    later = start + LAST_USED_PRECISION + timedelta(seconds=1)
    assert user_for_token(token, now=later) == w.inspector
    assert row.last_used_at == later


def test_revoked_and_unknown_tokens_still_fail(w, session):
    token = create_token(w.inspector)
    row = session.execute(sa.select(ApiToken)).scalars().one()
    row.revoked_at = utcnow()
    assert user_for_token(token) is None
    assert user_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
