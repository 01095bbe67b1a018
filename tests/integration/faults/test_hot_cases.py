"""16 clients hammer 20 hot cases through gunicorn (2 workers) and PostgreSQL:
they read a case and fire its next step at the version they read, so most
attempts collide; some fire a step the case is not at. Afterwards:

- every acknowledged transition (HTTP 200, in the clients' ledger) is stored,
  and nothing else is (no lost and no phantom updates);
- every stored transition is legal for the definition and the stored steps
  of a case follow one another (no illegal transitions, no forks);
- every audit chain verifies;
- every collision was answered 409, every wrong step 409/422, never a 5xx.

The run lasts HGKIEMTRA_TEST_LOAD_SECONDS (default 15; RELIABILITY.md reports
a 60-second run). When a hot case reaches the end of its path, the next case
of the pool takes its place, so 20 cases stay hot for the whole run.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from hgkiemtra.auth.tokens import create_token
from hgkiemtra.cases import audit
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db
from tests import factories as f
from tests.conftest import TEST_SECRET_KEY
from workflows import registry

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SECONDS = float(os.environ.get("HGKIEMTRA_TEST_LOAD_SECONDS", "15"))
CLIENTS = 16
HOT = 20
POOL = max(240, int(SECONDS * 16))
NEXT = {  # state -> (event, data, role)
    "proposed": ("decide", {"decision_number": "15-QĐ/UBKT", "decision_date": "2026-03-02"},
                 "chair"),
    "decided": ("launch", {}, "inspector"),
    "launched": ("request_explanation", {}, "inspector"),
    "subject_reporting": ("receive_explanation", {}, "inspector"),
    "verifying": ("draft_report", {}, "inspector"),
    "draft_report": ("submit_report", {}, "inspector"),
}
WRONG = ("submit_report", {}, "inspector")  # fired at a case not at that step


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def served(committed, database_url: str, tmp_path: Path):
    w = f.world()
    ids = [f.case(w, f"Vụ việc nóng số {n}").id for n in range(POOL)]
    db.session.commit()
    tokens = {"chair": create_token(w.chair), "inspector": create_token(w.inspector)}
    db.session.commit()
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("HGKIEMTRA_")},
           "HGKIEMTRA_ENV": "testing", "HGKIEMTRA_DATABASE_URL": database_url,
           "HGKIEMTRA_SECRET_KEY": TEST_SECRET_KEY, "HGKIEMTRA_INSTANCE_DIR": str(tmp_path)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--workers", "2", "--worker-class", "gthread", "--threads", "8",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "hgkiemtra.wsgi:app"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_until_up(port, server)
        yield port, ids, tokens
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
        assert "Traceback" not in output, output


def _wait_until_up(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[0]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise AssertionError("gunicorn did not start")


class Pool:
    """HOT slots; a slot whose case is finished moves on to the next case of the pool."""

    def __init__(self, ids: list[int]) -> None:
        self.waiting = list(ids[HOT:])
        self.slots = list(ids[:HOT])
        self.lock = threading.Lock()

    def pick(self, rng: random.Random) -> tuple[int, int] | None:
        with self.lock:
            live = [(n, c) for n, c in enumerate(self.slots) if c]
            return rng.choice(live) if live else None

    def finished(self, slot: int, case_id: int) -> None:
        with self.lock:
            if self.slots[slot] == case_id:
                self.slots[slot] = self.waiting.pop(0) if self.waiting else 0


class Client(threading.Thread):
    def __init__(self, n: int, port: int, tokens: dict[str, str], pool: Pool,
                 until: float) -> None:
        super().__init__(daemon=True)
        self.rng = random.Random(n)
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.tokens, self.pool, self.until = tokens, pool, until
        self.ledger: list[tuple[int, str, str]] = []
        self.outcomes: Counter[str] = Counter()
        self.error: BaseException | None = None

    def call(self, method: str, path: str, role: str, body: Any = None) -> tuple[int, Any]:
        payload = json.dumps(body) if body is not None else None
        headers = {"Authorization": f"Bearer {self.tokens[role]}",
                   "Content-Type": "application/json"}
        self.http.request(method, "/api/v1" + path, body=payload, headers=headers)
        response = self.http.getresponse()
        return response.status, json.loads(response.read() or b"null")

    def run(self) -> None:
        try:
            while time.monotonic() < self.until and (picked := self.pool.pick(self.rng)):
                self.step(*picked)
        except BaseException as exc:  # surfaced by the test
            self.error = exc
        finally:
            self.http.close()

    def step(self, slot: int, case_id: int) -> None:
        status, case = self.call("GET", f"/cases/{case_id}", "inspector")
        assert status == 200, (status, case)
        if case["state"] not in NEXT:
            self.pool.finished(slot, case_id)
            return
        wrong = self.rng.random() < 0.1 and case["state"] != "draft_report"
        event, data, role = WRONG if wrong else NEXT[case["state"]]
        status, body = self.call("POST", f"/cases/{case_id}/events", role,
                                 {"event": event, "version": case["version"], "data": data})
        if status == 200:
            assert not wrong, body
            self.ledger.append((case_id, event, body["state"]))
            self.outcomes["success"] += 1
        elif status == 409 and body["error"] == "version_conflict":
            self.outcomes["conflict"] += 1
        elif wrong and status in (409, 422):
            self.outcomes["refused_wrong_step"] += 1
        else:
            raise AssertionError(f"unexpected answer {status}: {body}")


def _check_stored(ids: list[int]) -> tuple[Counter[tuple[int, str, str]], list[str]]:
    problems: list[str] = []
    stored: Counter[tuple[int, str, str]] = Counter()
    cases = {c.id: c for c in db.session.execute(
        sa.select(Case).where(Case.id.in_(ids))).scalars()}
    events = db.session.execute(sa.select(CaseEvent).where(CaseEvent.case_id.in_(ids))
                                .order_by(CaseEvent.case_id, CaseEvent.seq)).scalars()
    last: dict[int, CaseEvent] = {}
    for event in events:
        case = cases[event.case_id]
        before = last.get(event.case_id)
        definition = registry.get(case.workflow_name, case.workflow_version)
        if before is None:
            pass  # the opening event
        elif event.from_state != before.to_state or event.seq != before.seq + 1:
            problems.append(f"case {case.id}: step {event.seq} does not follow {before.seq}")
        elif definition.fire(event.event, event.from_state) != event.to_state:
            problems.append(f"case {case.id}: illegal {event.from_state} -{event.event}->")
        if before is not None:
            stored[(event.case_id, event.event, event.to_state)] += 1
        last[event.case_id] = event
    for case_id, case in cases.items():
        if case.state != last[case_id].to_state or case.event_count != last[case_id].seq:
            problems.append(f"case {case_id}: row and history disagree")
    return stored, problems


def test_hot_cases_under_gunicorn(served, app):
    port, ids, tokens = served
    pool = Pool(ids)
    started = time.monotonic()
    clients = [Client(n, port, tokens, pool, started + SECONDS) for n in range(CLIENTS)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=SECONDS + 120)
        assert not client.is_alive(), "a client hung"
        assert client.error is None, repr(client.error)
    elapsed = time.monotonic() - started

    outcomes = sum((c.outcomes for c in clients), Counter())
    ledger = Counter(entry for c in clients for entry in c.ledger)
    with app.app_context():
        db.session.remove()
        stored, problems = _check_stored(ids)
        breaks = list(audit.iter_breaks(ids))
    print(f"\nhot cases: {CLIENTS} clients x {HOT} hot cases, {elapsed:.1f} s: "
          f"{dict(outcomes)}; {outcomes['success'] / elapsed:.0f} transitions/s")
    assert outcomes["success"] > 0 and outcomes["conflict"] > 0, outcomes
    assert problems == []
    assert breaks == []
    assert stored == ledger, {"lost": ledger - stored, "phantom": stored - ledger}
