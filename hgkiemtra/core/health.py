"""Health endpoints for load balancers and monitoring.

/healthz says the process answers; /readyz says it can do its work: the
database answers and the broker (Redis, or the embedded SQLite transport) is
reachable. Neither needs a login, and neither reveals more than up/down.
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from hgkiemtra.core.db import db

bp = Blueprint("health", __name__)

REDIS_TIMEOUT_S = 1.0


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    checks = {"database": _check_database(), "broker": _check_broker()}
    ready = all(c["ok"] for c in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), (200 if ready else 503)


def _timed(probe: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        current_app.logger.warning("readiness probe failed: %s", exc)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_database() -> dict[str, Any]:
    def probe() -> None:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
        db.session.rollback()

    return _timed(probe)


def _check_broker() -> dict[str, Any]:
    url = current_app.config["SETTINGS"].REDIS_URL
    if not url:
        return {"ok": True, "embedded": True}

    def probe() -> None:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_S,
                                      socket_timeout=REDIS_TIMEOUT_S)
        try:
            client.ping()
        finally:
            client.close()

    return _timed(probe)
