"""A whole cluster on one machine, every part on a loopback port of its own:
nginx in front of 2 gunicorn web nodes, 3 Celery workers, 2 beat processes,
PostgreSQL (a fresh database on the test server), a private Redis and an SMTP
sink. Clients (through nginx only) advance cases through the API and a person
signed in through the login form keeps reading pages, while reminders fall
due. Meanwhile one web node, one worker and the active beat are SIGKILLed
(their whole process group) and started again. Afterwards:

- every transition the API acknowledged is stored, every stored one is legal,
  and the only others stored answer POSTs that got a 5xx (outcome unknown);
- the only 5xx are 502s to POSTs in flight on the killed web node;
- one beat sent ticks at a time, and the standby took over within two ticks;
- every reminder made one outbox row, every outbox row was sent, and the SMTP
  sink got each mail (by its Message-ID) exactly once;
- the person stayed signed in, served by both web nodes.

Lasts about a minute (HGKIEMTRA_TEST_CLUSTER_SECONDS of load, default 30).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from hgkiemtra.auth.tokens import create_token
from hgkiemtra.cases import audit
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders.models import Reminder
from tests import factories as f
from tests.cluster import nodes
from tests.cluster.cluster import MAIL_FROM, TICK, Cluster, start_cluster, wait_until
from tests.cluster.load import NEXT, ApiClient, Browser
from tests.integration.reminders.conftest import Inbox, RedisServer, free_port

pytestmark = [pytest.mark.cluster, pytest.mark.postgres, pytest.mark.slow]

SECONDS = float(os.environ.get("HGKIEMTRA_TEST_CLUSTER_SECONDS", "30"))
CLIENTS = 4
CASES = 120
REMINDER_CASES = 15  # x 2 reminders: the team leader's and the directing member's
PASSWORD = "cluster-Test-2026-haugiang"
SENT_TICK = "Sending due task outbox-tick"
DRAIN_SECONDS = 45


@pytest.fixture()
def cluster(committed, database_url: str, tmp_path: Path) -> Iterator[Cluster]:
    if nodes.nginx_binary() is None:
        pytest.skip("nginx is not installed (apt-get install nginx; `make test` does)")
    w = f.world()
    person = f.user([("inspector", w.district)], name="Trương Cụm Máy",
                    email="cum.may@example.vn", password=PASSWORD)
    ids = [f.case(w, f"Vụ việc cụm máy số {n}").id for n in range(CASES)]
    reminded = [f.advance(w, f.case(w, f"Nhắc hạn số {n}"), f.FULL_PATH[:1]).id
                for n in range(REMINDER_CASES)]
    tokens = {"chair": create_token(w.chair), "inspector": create_token(w.inspector)}
    db.session.commit()
    smtp = Inbox(port=free_port())
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp.port)
    controller.start()
    own_redis = RedisServer(tmp_path)
    own_redis.start()
    running: Cluster | None = None
    try:
        running = start_cluster(tmp_path, database_url, own_redis.url, smtp.port)
        running.smtp = smtp
        running.data = {"ids": ids, "reminded": reminded, "tokens": tokens,
                        "person": (person.email, person.full_name, ids[0])}
        yield running
    finally:
        if running is not None:
            running.stop()
        controller.stop()
        own_redis.stop()


def test_a_cluster_keeps_every_promise_while_nodes_die(cluster: Cluster) -> None:
    c = cluster
    reminder_ids = _plan_reminders(c.data["reminded"])
    stop = threading.Event()
    ids = c.data["ids"]
    clients = [ApiClient(c.port, c.data["tokens"], ids[n::CLIENTS], stop)
               for n in range(CLIENTS)]
    email, name, case_id = c.data["person"]
    browser = Browser(c.port, email, PASSWORD, name, case_id, stop)
    started = time.monotonic()
    for thread in [*clients, browser]:
        thread.start()

    faults = _inject_faults(c, started)
    _sleep_until(max(started + SECONDS, faults["web_back"] + 3))
    stop.set()
    for thread in [*clients, browser]:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a client hung"
        assert thread.error is None, repr(thread.error)
    load_seconds = time.monotonic() - started
    drained = wait_until(lambda: _drained(reminder_ids, c.smtp), DRAIN_SECONDS, step=0.5)
    _restarted_beat_stood_by(faults)

    ledger = Counter(entry for client in clients for entry in client.ledger)
    unknown = sum(client.unknown_outcomes for client in clients)
    stored, problems = _stored_transitions(ids)
    mails = _check_mail(reminder_ids, c.smtp)
    print(f"\ncluster: {load_seconds:.0f} s of load, {sum(ledger.values())} transitions "
          f"acknowledged ({unknown} POSTs answered 5xx), {mails['reminders']} reminders and "
          f"{mails['transition mails']} transition mails delivered once each "
          f"({mails['claims expired']} claim(s) of the killed worker expired, "
          f"{mails['sent again']} mail(s) sent again) "
          f"(drained {drained if drained is None else round(drained, 1)} s after the load), "
          f"beat fail-over: lock taken {faults['took_lock']:.1f} s, first tick "
          f"{faults['first_tick']:.1f} s after the kill (tick {TICK} s); "
          f"browser pages by node {dict(browser.upstreams())}")
    assert drained is not None, "mail still undelivered; " + _outbox_summary()
    assert problems == []
    assert list(audit.iter_breaks(ids)) == []
    assert not ledger - stored, {"lost": ledger - stored}
    assert sum((stored - ledger).values()) <= unknown, {"unacknowledged": stored - ledger}
    _check_server_errors(clients, browser, faults["web_killed"])
    _check_browser(c, browser, faults["web_back"])
    assert faults["first_tick"] <= 2 * TICK, faults


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def _plan_reminders(reminded: list[int]) -> list[int]:
    """The 7-day reminder of each case's leader and directing member, made due
    at moments spread over the load (the other reminders are months away)."""
    db.session.remove()
    picked = list(db.session.scalars(sa.select(Reminder).where(
        Reminder.case_id.in_(reminded), Reminder.kind == "before", Reminder.offset_days == 7,
        Reminder.status == "planned").order_by(Reminder.id)))
    assert len(picked) == 2 * len(reminded), picked
    now = utcnow()
    for n, row in enumerate(picked):
        row.due_at = now + timedelta(seconds=(0.1 + 0.7 * n / len(picked)) * SECONDS)
    db.session.commit()
    return [row.id for row in picked]


def _inject_faults(c: Cluster, started: float) -> dict[str, Any]:
    """SIGKILL a web node, a worker and the active beat, a few seconds apart, and
    start each again (as systemd's Restart= would); the load goes on meanwhile."""
    _sleep_until(started + 0.15 * SECONDS)
    web_killed = time.monotonic()
    c.web[0].kill()
    time.sleep(1)
    c.web[0].start()
    _sleep_until(started + 0.3 * SECONDS)
    c.workers[1].kill()
    time.sleep(1)
    c.workers[1].start()
    _sleep_until(started + 0.45 * SECONDS)
    faults = _kill_the_active_beat(c)
    c.web[0].wait_for(lambda: nodes.answers(c.web_ports[0]), "/healthz after the restart")
    return {**faults, "web_killed": web_killed, "web_back": time.monotonic()}


def _kill_the_active_beat(c: Cluster) -> dict[str, Any]:
    active = c.active_beat()
    assert active is not None, "no beat holds the lock"
    standby = next(b for b in c.beats if b is not active)
    assert standby.output().count(SENT_TICK) == 0, "the standby beat sent ticks"
    assert active.output().count(SENT_TICK) > 0, "the active beat sent no tick"
    active.kill()
    killed = time.monotonic()
    took = wait_until(lambda: c.lock_holder_pid() == standby.pid, 4 * TICK)
    took_lock = time.monotonic() - killed
    ticked = wait_until(lambda: standby.output().count(SENT_TICK) > 0, 4 * TICK)
    first_tick = time.monotonic() - killed
    assert took is not None and ticked is not None, standby.output()[-3000:]
    restarted_at = len(active.output())
    active.start()  # back on its host: from now on it must stand by
    return {"took_lock": took_lock, "first_tick": first_tick, "restarted": active,
            "restarted_at": restarted_at}


def _restarted_beat_stood_by(faults: dict[str, Any]) -> None:
    beat, mark = faults["restarted"], faults["restarted_at"]
    beat.wait_for(lambda: "beat: Starting" in beat.output()[mark:], "the beat's restart")
    time.sleep(2 * TICK)  # long enough to have sent ticks if it wrongly thought itself active
    assert beat.output()[mark:].count(SENT_TICK) == 0, "the restarted beat sent ticks too"


def _message_id(key: str) -> str:
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{MAIL_FROM.rpartition('@')[2]}>"


def _drained(reminder_ids: list[int], smtp: Inbox) -> bool:
    db.session.remove()
    statuses = Counter(db.session.scalars(sa.select(OutboxMessage.status)))
    queued = db.session.scalar(sa.select(sa.func.count()).select_from(Reminder).where(
        Reminder.id.in_(reminder_ids), Reminder.status == "queued"))
    return (set(statuses) == {"sent"} and queued == len(reminder_ids)
            and smtp.count() >= statuses["sent"])


def _outbox_summary() -> str:
    rows = db.session.execute(sa.select(OutboxMessage.status, sa.func.count())
                              .group_by(OutboxMessage.status)).all()
    return f"outbox {dict(rows)}"  # type: ignore[arg-type]


def _check_mail(reminder_ids: list[int], smtp: Inbox) -> dict[str, int]:
    db.session.remove()
    reminders = db.session.scalars(sa.select(Reminder).where(Reminder.id.in_(reminder_ids)))
    reminder_keys = [row.outbox_key for row in reminders]
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    by_key = {row.key: row for row in rows}
    assert all(key in by_key for key in reminder_keys), "a reminder without its outbox row"
    assert {row.status for row in rows} == {"sent"}, _outbox_summary()
    with smtp.lock:
        received = Counter(str(message["Message-ID"]) for message in smtp.messages)
    expected = Counter(_message_id(row.key) for row in rows)
    assert not expected - received, {"missing": expected - received}
    # The one documented exception (reminders/service.py): a worker killed after
    # the SMTP server accepted a mail and before the 'sent' commit; its claim
    # expires and the mail goes again, with the same Message-ID. Only a row
    # claimed twice may arrive twice, and only the one killed worker can cause it.
    again = received - expected
    claimed_twice = {_message_id(row.key) for row in rows if row.attempts > 1}
    assert set(again) <= claimed_twice and sum(again.values()) <= 1, {
        "twice or unknown": again}
    return {"reminders": len(reminder_keys), "transition mails": sum(
        1 for row in rows if row.kind == "case_transition"), "sent again": sum(again.values()),
        "claims expired": len(claimed_twice)}


def _stored_transitions(ids: list[int]) -> tuple[Counter[tuple[int, str, str]], list[str]]:
    """Stored steps per case (the opening excepted), checked against the path."""
    db.session.remove()
    problems: list[str] = []
    stored: Counter[tuple[int, str, str]] = Counter()
    source_of = {event: source for source, (event, _, _) in NEXT.items()}
    last: dict[int, CaseEvent] = {}
    for event in db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id.in_(ids))
                                    .order_by(CaseEvent.case_id, CaseEvent.seq)):
        before = last.get(event.case_id)
        if before is not None:
            if event.seq != before.seq + 1 or event.from_state != before.to_state:
                problems.append(f"case {event.case_id}: step {event.seq} does not follow")
            elif source_of.get(event.event) != event.from_state:
                problems.append(f"case {event.case_id}: {event.event} from {event.from_state}")
            stored[(event.case_id, event.event, event.to_state)] += 1
        last[event.case_id] = event
    for case in db.session.scalars(sa.select(Case).where(Case.id.in_(ids))):
        if case.state != last[case.id].to_state or case.event_count != last[case.id].seq:
            problems.append(f"case {case.id}: row and history disagree")
    return stored, problems


def _check_server_errors(clients: list[ApiClient], browser: Browser, killed: float) -> None:
    """Only POSTs in flight on the killed node may fail (nginx does not repeat a
    POST it already sent); every GET went to the other node."""
    answers = [a for client in clients for a in client.http.answers] + browser.http.answers
    errors = [a for a in answers if a.status >= 500]
    unexpected = [a for a in errors if not (a.method == "POST" and a.status == 502
                                            and killed - 0.5 <= a.at <= killed + 3)]
    assert unexpected == [], unexpected
    assert len(errors) <= len(clients) + 1, errors  # one request in flight per client


def _check_browser(c: Cluster, browser: Browser, web_back: float) -> None:
    assert browser.pages, "the browser read nothing"
    assert all(signed_in for _, signed_in in browser.pages), [
        a for a, signed_in in browser.pages if not signed_in][:5]
    web = [f"127.0.0.1:{port}" for port in c.web_ports]
    served = browser.upstreams()
    assert all(any(node in upstream for upstream in served) for node in web), served
    assert any(web[0] in a.upstream for a, _ in browser.pages if a.at > web_back), \
        "the restarted node served the signed-in person nothing"
    # nginx's request id reached the node: the same id in nginx's log and the app's answer.
    logged = {line.split(" ", 1)[0] for line in
              (c.folder / "nginx-access.log").read_text().splitlines()}
    answered = [a.request_id for a, _ in browser.pages]
    assert answered and set(answered) <= logged, set(answered) - logged
