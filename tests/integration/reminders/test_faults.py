"""Faults: Redis down, SMTP refusing, a worker killed mid-batch, a tick that
crashes, two ticks at once. Real servers where it matters: our own
redis-server, aiosmtpd, worker subprocesses."""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from hgkiemtra.app import create_app
from hgkiemtra.auth.tokens import create_token
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders import dispatch, scheduler, service
from hgkiemtra.reminders.models import Reminder
from tests import factories as f
from tests.conftest import TEST_SECRET_KEY

from .clock import clean, decided_case, drop_transition_mail, local
from .conftest import Inbox, RedisServer
from .test_worker import HGKIEMTRA, Worker, _env


def _worker(tmp_path, name: str, database_url: str, redis_url: str, smtp_port: int) -> Worker:
    unique = f"hgk-fault-{uuid.uuid4().hex[:8]}"
    env = _env(tmp_path / name, DATABASE_URL=database_url, REDIS_URL=redis_url,
               SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port, BASE_URL="https://hgkiemtra.example.vn")
    command = [str(HGKIEMTRA), "worker", "--pool=solo", "-Q", unique, "-n", f"{unique}@%h",
               "--without-mingle", "--without-gossip", "--without-heartbeat",
               "--loglevel=INFO"]
    return Worker(command, env, tmp_path / f"{name}.log")


def _outbox() -> list[OutboxMessage]:
    db.session.rollback()  # a fresh snapshot: workers commit in other processes
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _due_now(case_ids: list[int]) -> None:
    """The 7-working-days reminders of these cases: due a minute ago."""
    db.session.execute(sa.update(Reminder).where(
        Reminder.case_id.in_(case_ids), Reminder.kind == "before", Reminder.offset_days == 7
    ).values(due_at=utcnow() - timedelta(minutes=1)))


@pytest.fixture()
def web(committed: Flask, own_redis: RedisServer, tmp_path) -> Any:
    """The web app configured with our Redis and publishing after commit, as in production."""
    settings = committed.config["SETTINGS"]
    app = create_app({"ENV": "testing", "DATABASE_URL": settings.DATABASE_URL,
                      "SECRET_KEY": TEST_SECRET_KEY, "INSTANCE_DIR": str(tmp_path / "web"),
                      "REDIS_URL": own_redis.url})
    dispatch.enable(app)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        app.extensions["celery"].close()
        committed.extensions["celery"].set_default()


@pytest.mark.slow
def test_redis_down_the_api_commits_and_mail_goes_out_when_it_returns(
    web, committed, own_redis, inbox: Inbox, tmp_path
):
    with web.app_context():
        w = f.world()
        case = f.case(w)
        token = create_token(w.chair)
        db.session.commit()
        case_id, version = case.id, case.version

        own_redis.stop()
        started = time.monotonic()
        r = web.test_client().post(
            f"/api/v1/cases/{case_id}/events", headers={"Authorization": f"Bearer {token}"},
            json={"event": "decide", "version": version,
                  "data": {"decision_number": "15-QĐ/UBKT", "decision_date": "2026-11-27"}})
        took = time.monotonic() - started
        assert r.status_code == 200, r.json
        assert took < 3.0
        assert [m.status for m in _outbox()] == ["pending", "pending"]
        _due_now([case_id])
        db.session.commit()
        db.session.remove()

    own_redis.start()  # same port: the broker is back
    worker = _worker(tmp_path, "worker", committed.config["SETTINGS"].DATABASE_URL,
                     own_redis.url, inbox.port)
    try:
        worker.wait_for(lambda: len(_outbox()) == 4 and
                        {m.status for m in _outbox()} == {"sent"}, "delivery after Redis returned")
    finally:
        worker.stop()
    assert inbox.count() == 4  # two transition notices, two reminders
    kinds = sorted(m.kind for m in _outbox())
    assert kinds == ["case_transition", "case_transition", "deadline_reminder",
                     "deadline_reminder"]


class StallingInbox(Inbox):
    """Slow to accept, and stalls one conversation (before DATA) until released."""

    def __init__(self, port: int, stall_at: int) -> None:
        super().__init__(port=port)
        self.stall_at = stall_at
        self.conversations = 0
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        self.conversations += 1
        if self.conversations == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_no_reminder_and_sends_none_twice(
    committed, own_redis, tmp_path
):
    from aiosmtpd.controller import Controller

    from .conftest import free_port

    box = StallingInbox(port=free_port(), stall_at=8)
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    w = f.world()
    case_ids = [f.advance(w, f.case(w, f"Cuộc kiểm tra {i}"), f.FULL_PATH[:1]).id
                for i in range(12)]
    drop_transition_mail()
    _due_now(case_ids)
    db.session.commit()
    database_url = committed.config["SETTINGS"].DATABASE_URL
    first = _worker(tmp_path, "first", database_url, own_redis.url, box.port)
    try:
        first.wait_for(box.stalled.is_set, "the 8th mail in flight")
        first.process.kill()  # SIGKILL, no clean-up: the worker is in the middle of the batch
        first.process.wait(10)
    finally:
        box.release.set()
        first.stop()

    rows = _outbox()
    assert len(rows) == 24 and len({r.key for r in rows}) == 24  # all written, once
    statuses = sorted(r.status for r in rows)
    assert statuses.count("sent") == 7 and statuses.count("sending") == 1
    queued = db.session.scalar(sa.select(sa.func.count()).where(
        Reminder.case_id.in_(case_ids), Reminder.status == "queued"))
    assert queued == 24

    # Fifteen minutes later the claim of the mail in flight is stale: pending again.
    assert service.requeue_stale(utcnow() + service.STALE_CLAIM + timedelta(minutes=1)) == 1
    db.session.commit()
    second = _worker(tmp_path, "second", database_url, own_redis.url, box.port)
    try:
        second.wait_for(lambda: {r.status for r in _outbox()} == {"sent"}, "the rest delivered")
    finally:
        second.stop()
        controller.stop()
    by_message_id = {
        "<" + hashlib.sha256(r.key.encode()).hexdigest()[:32] + "@example.vn>": r.key
        for r in _outbox()
    }
    delivered = [by_message_id.get(str(m["Message-ID"]).replace("@localhost", "@example.vn"))
                 for m in box.messages]
    assert len(delivered) == 24 and sorted(delivered) == sorted(by_message_id.values())


def test_a_tick_that_crashes_mid_batch_leaves_everything_to_the_next(session, monkeypatch):
    clean()
    w = f.world()
    cases = [decided_case(w, local(2026, 2, 5, 9 + i)) for i in range(3)]
    real = scheduler.write_outbox_rows

    def flaky(rows: Any) -> None:
        real(rows[:3])  # part of the batch is written, then the database goes away
        raise RuntimeError("the database went away")

    monkeypatch.setattr(scheduler, "write_outbox_rows", flaky)
    with pytest.raises(RuntimeError):
        scheduler.run(local(2026, 2, 10, 8))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    monkeypatch.setattr(scheduler, "write_outbox_rows", real)
    assert scheduler.run(local(2026, 2, 10, 8))["reminders"] == 6
    keys = db.session.scalars(sa.select(OutboxMessage.key)).all()
    assert len(keys) == 6 == len(set(keys))
    assert {k.split(":")[1] for k in keys} == {str(c.id) for c in cases}


def test_two_ticks_at_once_take_different_rows_and_write_each_once(committed):
    clean()
    w = f.world()
    for i in range(4):
        decided_case(w, local(2026, 2, 5, 9 + i))
    now = local(2026, 2, 10, 8)
    holding, release, results = threading.Event(), threading.Event(), {}

    def slow_tick() -> None:
        with committed.app_context():
            results["slow"] = scheduler.queue_due(now, limit=3)  # locks 3 rows...
            holding.set()
            release.wait(10)  # ...and keeps them while the other tick runs
            db.session.commit()

    thread = threading.Thread(target=slow_tick)
    thread.start()
    assert holding.wait(10)
    with committed.app_context():
        results["fast"] = scheduler.queue_due(now, limit=100)
        db.session.commit()
    release.set()
    thread.join(10)
    assert (results["slow"], results["fast"]) == (3, 5)  # 8 due: 2 members x 4 cases
    keys = db.session.scalars(sa.select(OutboxMessage.key).where(
        OutboxMessage.kind == "deadline_reminder")).all()
    assert len(keys) == 8 == len(set(keys))


def test_smtp_refusing_is_retried_then_failed_and_visible(app, session, inbox, smtp_mailer):
    clean()
    w = f.world()
    decided_case(w, local(2026, 2, 5, 9))
    inbox.refuse_with = "451 4.3.0 Mailbox busy, try later"
    now = local(2026, 2, 10, 8)
    scheduler.run(now)
    attempts = []
    for _ in range(service.MAX_ATTEMPTS):
        outcomes = service.relay(smtp_mailer, now=now)
        attempts.append(outcomes["retry"] + outcomes["failed"])
        now += timedelta(hours=1)  # past any backoff
    assert attempts == [2] * service.MAX_ATTEMPTS
    failed, total = service.list_outbox("failed")
    assert total == 2 and {m.kind for m in failed} == {"deadline_reminder"}
    assert all("451" in m.last_error and m.attempts == service.MAX_ATTEMPTS for m in failed)
    listing = app.test_cli_runner().invoke(args=["outbox", "list", "--status", "failed"])
    assert listing.exit_code == 0
    assert len(listing.output.splitlines()) == 2
    assert all("deadline_reminder" in line and "reminder:" in line and "451" in line
               for line in listing.output.splitlines())

    inbox.refuse_with = None  # the server recovers; an admin resends
    for message in failed:
        service.resend(message.id)
    assert service.relay(smtp_mailer, now=now)["sent"] == 2
    assert inbox.count() == 2
    assert service.list_outbox("failed") == ([], 0)
    page, count = service.list_outbox(page=1, per_page=1)
    assert count == 2 and len(page) == 1
    assert service.list_sink_mails() == ([], 0)  # SMTP configured: nothing in the sink
