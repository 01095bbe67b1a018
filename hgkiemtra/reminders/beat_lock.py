"""Exactly one active beat when several run: a Redis lock held by the scheduler.

Each ``hgkiemtra beat`` (with ``HGKIEMTRA_REDIS_URL`` set) uses
``LockedScheduler``: before it sends anything it must hold the lock
(``SET key token NX PX ttl``), and it renews the lock (only if the token is
still its own) at least every ``RENEW_SECONDS``. The others stand by and try
again; when the active beat dies its lock expires after ``LOCK_TTL_MS`` and
one of them takes over. Embedded mode (no Redis) runs a single beat inside
``hgkiemtra serve``, so it needs no lock. Even if two ticks ever ran at once
the tick stays correct (row locks with SKIP LOCKED and unique outbox keys);
the lock only keeps the schedule from being doubled.
"""

from __future__ import annotations

import logging
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


class RedisLock:
    """A lease: whoever set the key holds it until it expires or is released."""

    def __init__(self, client: redis.Redis, key: str = LOCK_KEY,
                 ttl_ms: int = LOCK_TTL_MS, token: str | None = None) -> None:
        self.client = client
        self.key = key
        self.ttl_ms = ttl_ms
        self.token = token or uuid.uuid4().hex

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
        self.lock = RedisLock(client, self.lock_key, self.lock_ttl_ms)
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
