"""Exactly one active beat when several run: a Redis lock held by the scheduler.

Each ``hgkiemtra beat`` (with ``HGKIEMTRA_REDIS_URL`` set) uses
``LockedScheduler``: before it sends anything it must hold the lock
(``SET key token NX PX ttl``), and it renews the lock (only if the token is
still its own) every third of the lease. The others stand by and try again as
often; when the active beat dies its lock expires and one of them takes over.
The lease is one tick (``HGKIEMTRA_REMINDER_TICK_SECONDS``), at most
``LOCK_TTL_MS``, so a standby sends its first tick at most a lease and a third
after the death: within two ticks. The token names the holder
(``host:pid:random``), so ``redis-cli get hgkiemtra:beat:lock`` tells which
beat is active. Embedded mode (no Redis) runs a single beat inside
``hgkiemtra serve``, so it needs no lock. Even if two ticks ever ran at once
the tick stays correct (row locks with SKIP LOCKED and unique outbox keys);
the lock only keeps the schedule from being doubled.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from typing import Any

import redis
from celery.beat import Scheduler

log = logging.getLogger(__name__)

LOCK_KEY = "hgkiemtra:beat:lock"
LOCK_TTL_MS = 30_000
RENEW_SECONDS = 10.0

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


def lock_ttl_ms(tick_seconds: float) -> int:
    """The lease for a tick interval: one tick, at most ``LOCK_TTL_MS``."""
    return int(min(LOCK_TTL_MS, tick_seconds * 1000))


def holder_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class RedisLock:
    """A lease: whoever set the key holds it until it expires or is released."""

    def __init__(self, client: redis.Redis, key: str = LOCK_KEY,
                 ttl_ms: int = LOCK_TTL_MS, token: str | None = None) -> None:
        self.client = client
        self.key = key
        self.ttl_ms = ttl_ms
        self.token = token or holder_token()

    def acquire_or_renew(self) -> bool:
        """True when this holder has the lock for another ``ttl_ms``."""
        try:
            if self.client.eval(_RENEW, 1, self.key, self.token, str(self.ttl_ms)):
                return True
            return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))
        except redis.RedisError as exc:
            log.warning("beat lock: Redis unavailable (%s); standing by", exc)
            return False

    def release(self) -> None:
        try:
            self.client.eval(_RELEASE, 1, self.key, self.token)
        except redis.RedisError:
            pass

    def holder(self) -> str | None:
        value = self.client.get(self.key)
        return value.decode() if isinstance(value, bytes) else None


class LockedScheduler(Scheduler):  # type: ignore[misc]
    """Celery's in-memory scheduler, active only while it holds the Redis lock."""

    lock_key = LOCK_KEY
    lock_ttl_ms = LOCK_TTL_MS
    renew_seconds = RENEW_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        client = redis.Redis.from_url(self.app.conf.broker_url, socket_timeout=5,
                                      socket_connect_timeout=5)
        ttl_ms = int(self.app.conf.get("hgkiemtra_beat_lock_ttl_ms") or self.lock_ttl_ms)
        self.lock = RedisLock(client, self.lock_key, ttl_ms)
        self.renew_seconds = min(self.renew_seconds, ttl_ms / 3000)
        self.is_active = False
        self._renewed_at = 0.0

    def _hold_lock(self) -> bool:
        # Between Redis round trips (Celery calls tick() again at once after
        # sending), trust a renewal younger than a third of the lease.
        fresh = min(1.0, self.lock.ttl_ms / 3000)
        if self.is_active and time.monotonic() - self._renewed_at < fresh:
            return True
        held = self.lock.acquire_or_renew()
        if held != self.is_active:
            log.warning("beat: %s the scheduler lock (%s)",
                        "took" if held else "lost", self.lock.key)
        self.is_active = held
        if held:
            self._renewed_at = time.monotonic()
        return held

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if not self._hold_lock():
            return self.renew_seconds
        interval = float(super().tick(*args, **kwargs))
        return min(interval, self.renew_seconds)

    def close(self) -> None:
        if self.is_active:
            self.lock.release()
            self.is_active = False
        super().close()
