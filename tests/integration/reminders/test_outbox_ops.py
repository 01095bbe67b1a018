"""Claims under concurrency, stale claims, the outbox CLI and after-commit dispatch."""

from __future__ import annotations

import base64
import json
import logging
import sqlite3
import time
from datetime import timedelta

import pytest
from celery import Celery
from kombu.exceptions import OperationalError as BrokerError

from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders import dispatch, service
from hgkiemtra.reminders.mail import Mailer, SinkTransport

from .conftest import free_port, transition_with_outbox


def _statuses(ids: list[int]) -> list[str]:
    return [db.session.get(OutboxMessage, i, populate_existing=True).status for i in ids]


def test_claim_pending_skips_rows_another_claimer_holds(committed):
    made = transition_with_outbox()
    db.session.commit()
    locked, free = made.message_ids
    with db.engine.connect() as other:
        other.execute(
            db.select(OutboxMessage.id).where(OutboxMessage.id == locked).with_for_update()
        )
        assert service.claim_pending(10) == [free]  # no waiting behind the lock
        db.session.commit()
        other.rollback()
    assert service.claim_pending(10) == [locked]
    assert service.claim_pending(10) == []
    db.session.commit()
    assert _statuses(made.message_ids) == ["sending", "sending"]


def test_a_claim_is_taken_once(rows):
    message_id = rows.message_ids[0]
    assert service.claim(message_id) is True
    assert service.claim(message_id) is False
    assert service.claim_pending(10) == [rows.message_ids[1]]


def test_stale_claims_are_requeued_and_delivered(rows, sink_mailer):
    stale, spent = (db.session.get(OutboxMessage, i) for i in rows.message_ids)
    long_ago = utcnow() - service.STALE_CLAIM - timedelta(minutes=1)
    stale.status, stale.claimed_at, stale.attempts = "sending", long_ago, 1
    spent.status, spent.claimed_at, spent.attempts = "sending", long_ago, service.MAX_ATTEMPTS
    db.session.flush()

    outcomes = service.relay(sink_mailer)

    assert (outcomes["requeued"], outcomes["sent"]) == (1, 1)
    assert _statuses(rows.message_ids) == ["sent", "failed"]
    assert "claim expired" in db.session.get(OutboxMessage, spent.id).last_error


def test_a_fresh_claim_is_left_alone(rows, sink_mailer):
    row = db.session.get(OutboxMessage, rows.message_ids[0])
    row.status, row.claimed_at = "sending", utcnow()
    db.session.flush()
    assert service.relay(sink_mailer)["sent"] == 1
    assert _statuses(rows.message_ids) == ["sending", "sent"]


def test_relay_respects_its_limit(rows):
    outcomes = service.relay(Mailer(SinkTransport(), "https://x"), limit=1)
    assert outcomes["sent"] == 1
    assert sorted(_statuses(rows.message_ids)) == ["pending", "sent"]


def test_outbox_cli_relay_list_and_resend(app, rows):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "relay"])
    assert result.exit_code == 0, result.output
    assert "sent 2, retry 0, failed 0" in result.output

    listing = runner.invoke(args=["outbox", "list", "--status", "sent"])
    assert listing.exit_code == 0
    assert all(f"transition:{rows.case_id}:" in line for line in listing.output.splitlines())
    assert len(listing.output.splitlines()) == 2

    refused = runner.invoke(args=["outbox", "resend", str(rows.message_ids[0])])
    assert refused.exit_code == 1 and "thất bại" in refused.output

    db.session.get(OutboxMessage, rows.message_ids[0]).status = "failed"
    db.session.flush()
    resent = runner.invoke(args=["outbox", "resend", str(rows.message_ids[0])])
    assert resent.exit_code == 0 and _statuses(rows.message_ids[:1]) == ["pending"]


@pytest.fixture()
def dispatching(app, session, monkeypatch):
    published: list[int] = []
    monkeypatch.setattr(dispatch, "_publish", published.extend)
    monkeypatch.setitem(app.extensions, dispatch.EXTENSION, True)
    dispatch.enable(app)  # listens on this test's db.session
    return published


def test_a_commit_with_outbox_rows_enqueues_their_delivery(dispatching):
    made = transition_with_outbox()
    assert dispatching == []  # nothing before the commit
    db.session.commit()
    assert sorted(dispatching) == made.message_ids


def test_a_rollback_enqueues_nothing(dispatching):
    transition_with_outbox()
    db.session.rollback()
    db.session.commit()
    assert dispatching == []


def test_a_broker_that_is_down_does_not_fail_the_commit(dispatching, monkeypatch, caplog):
    def broker_down(message_ids: list[int]) -> None:
        raise BrokerError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(dispatch, "_publish", broker_down)
    made = transition_with_outbox()
    with caplog.at_level(logging.WARNING, logger="hgkiemtra.reminders.dispatch"):
        db.session.commit()
    assert "the tick will" in caplog.text
    assert _statuses(made.message_ids) == ["pending", "pending"]


def test_publish_puts_one_task_per_row_on_the_broker(app, session):
    broker = app.extensions["celery"].conf.broker_url
    assert broker.startswith("sqla+sqlite:///")  # the test app runs the embedded broker
    dispatch._publish([101, 102])
    database = broker.removeprefix("sqla+sqlite:///")
    with sqlite3.connect(database) as conn:
        payloads = [json.loads(p) for (p,) in conn.execute("SELECT payload FROM kombu_message")]
        conn.execute("DELETE FROM kombu_message")
    bodies = [json.loads(base64.b64decode(p["body"])) for p in payloads]
    assert [b[0] for b in bodies][-2:] == [[101], [102]]
    assert {p["headers"]["task"] for p in payloads} == {
        "hgkiemtra.reminders.tasks.deliver_message"
    }


def test_publish_gives_up_within_a_second_or_two_when_redis_is_down(app, session, monkeypatch):
    down = Celery("hgk-test-down", broker=f"redis://127.0.0.1:{free_port()}/0",
                  set_as_current=False)
    monkeypatch.setitem(app.extensions, "celery", down)
    started = time.monotonic()
    with pytest.raises(BrokerError):
        dispatch._publish([1])
    assert time.monotonic() - started < 2.5
    down.close()


def test_the_tasks_run_in_process(rows):
    from hgkiemtra.reminders import tasks

    assert tasks.deliver_message.apply((rows.message_ids[0],)).get() == "sent"
    assert tasks.deliver_message.apply((rows.message_ids[0],)).get() == "skipped"
    assert tasks.tick.apply().get()["sent"] == 1
    assert _statuses(rows.message_ids) == ["sent", "sent"]
