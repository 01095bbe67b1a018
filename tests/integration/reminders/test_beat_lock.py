"""Several beats, one scheduler: the Redis lock (on a redis-server of our own)."""

from __future__ import annotations

import time

import redis
from celery import Celery

from hgkiemtra.reminders.beat_lock import LOCK_KEY, LockedScheduler, RedisLock

from .conftest import RedisServer


def test_two_holders_one_lock_and_takeover_after_expiry(own_redis: RedisServer):
    client = redis.Redis.from_url(own_redis.url)
    first = RedisLock(client, "lock-under-test", ttl_ms=400)
    second = RedisLock(client, "lock-under-test", ttl_ms=400)

    assert first.acquire_or_renew() is True
    assert second.acquire_or_renew() is False
    time.sleep(0.25)
    assert first.acquire_or_renew() is True  # renewed: still held past the first 400 ms
    time.sleep(0.25)
    assert second.acquire_or_renew() is False
    assert first.holder() == first.token

    time.sleep(0.5)  # the first holder stopped renewing (it died): the lease runs out
    assert second.acquire_or_renew() is True
    assert first.acquire_or_renew() is False  # and cannot take it back
    first.release()  # not its lock: nothing happens
    assert second.holder() == second.token
    second.release()
    assert second.holder() is None


def test_a_lock_without_redis_is_not_held(own_redis: RedisServer):
    lock = RedisLock(redis.Redis(port=own_redis.port, socket_timeout=0.5), "k", ttl_ms=1000)
    own_redis.stop()
    assert lock.acquire_or_renew() is False


def _scheduler(url: str, sent: list[str], name: str) -> LockedScheduler:
    app = Celery(f"hgk-beat-{name}", broker=url, set_as_current=False)
    app.conf.beat_schedule = {"tick": {"task": "hgkiemtra.reminders.tasks.tick",
                                       "schedule": 0.05}}
    scheduler = LockedScheduler(app=app)
    scheduler.lock.ttl_ms = 600
    scheduler.apply_entry = lambda entry, producer=None: sent.append(name)  # type: ignore
    return scheduler


def _run(schedulers: list[LockedScheduler], seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for scheduler in schedulers:
            scheduler.tick()
        time.sleep(0.02)


def test_only_the_beat_holding_the_lock_sends_ticks(own_redis: RedisServer):
    sent: list[str] = []
    one, two = (_scheduler(own_redis.url, sent, n) for n in ("one", "two"))
    try:
        _run([one, two], 0.8)
        assert sent and set(sent) == {"one"}
        assert (one.is_active, two.is_active) == (True, False)
        assert redis.Redis.from_url(own_redis.url).get(LOCK_KEY) == one.lock.token.encode()

        # "one" hangs (no more ticks, no release): "two" takes over once the lease expires.
        sent.clear()
        _run([two], 1.2)
        assert "two" in sent and two.is_active
        sent.clear()
        _run([one, two], 0.5)
        assert set(sent) == {"two"} and not one.is_active  # "one" found out and stands by

        two.close()  # a clean stop releases the lock at once
        sent.clear()
        _run([one], 0.3)
        assert set(sent) == {"one"}
    finally:
        one.close()
        two.close()
