"""The scheduler's tick, the beat lock's lease and the outbox claim timeout
follow the settings (HGKIEMTRA_REMINDER_TICK_SECONDS,
HGKIEMTRA_OUTBOX_CLAIM_TIMEOUT_SECONDS)."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest
from celery import Celery
from flask import Flask

from hgkiemtra.celery_app import celery_config
from hgkiemtra.config import ConfigError, load_settings
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders import service, tasks
from hgkiemtra.reminders.beat_lock import LockedScheduler

from .conftest import RedisServer, Transitioned


def _celery(tick: int, redis_url: str) -> Celery:
    settings = load_settings({}, REDIS_URL=redis_url, REMINDER_TICK_SECONDS=tick)
    app = Celery(f"hgk-tick-{tick}", set_as_current=False)
    app.config_from_object(celery_config(settings))
    return app


def test_the_tick_and_the_lease_follow_the_setting(own_redis: RedisServer) -> None:
    app = _celery(3, own_redis.url)
    entry = app.conf.beat_schedule["outbox-tick"]
    assert entry["schedule"] == 3.0 and 0 < entry["options"]["expires"] < 3
    scheduler = LockedScheduler(app=app)
    try:
        # Lease one tick, renewed every third: a standby ticks within 4/3 ticks.
        assert scheduler.lock.ttl_ms == 3000 and scheduler.renew_seconds == 1.0
        assert scheduler._hold_lock()
        host, pid, _ = scheduler.lock.holder().split(":")  # type: ignore[union-attr]
        assert (host, int(pid)) == (socket.gethostname(), os.getpid())
    finally:
        scheduler.close()
    assert scheduler.lock.holder() is None  # a clean stop hands over at once


def test_the_default_tick_keeps_a_30_second_lease(own_redis: RedisServer) -> None:
    app = _celery(60, own_redis.url)
    assert app.conf.beat_schedule["outbox-tick"]["options"]["expires"] == 55
    scheduler = LockedScheduler(app=app)
    assert (scheduler.lock.ttl_ms, scheduler.renew_seconds) == (30_000, 10.0)


@pytest.mark.parametrize("name, value", [("REMINDER_TICK_SECONDS", "0"),
                                         ("REMINDER_TICK_SECONDS", "3601"),
                                         ("OUTBOX_CLAIM_TIMEOUT_SECONDS", "4")])
def test_out_of_range_values_are_refused(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({f"HGKIEMTRA_{name}": value})


def test_a_claim_older_than_the_timeout_is_sent_again(app: Flask, rows: Transitioned) -> None:
    first = rows.message_ids[0]
    assert service.claim(first, utcnow() - timedelta(seconds=20))
    assert service.requeue_stale(utcnow()) == 0  # the 15-minute default: still claimed
    with app.app_context():
        timeout = tasks.claim_timeout()
    assert timeout == timedelta(seconds=900)
    assert service.requeue_stale(utcnow(), stale_after=timedelta(seconds=10)) == 1
    assert db.session.get(OutboxMessage, first, populate_existing=True).status == "pending"
