"""Health endpoints for load balancers and monitoring.

/healthz says the process answers; /readyz says it can do its work: the
database answers, the broker (Redis, or the embedded SQLite transport) is
reachable and the document storage (a folder, or an S3 bucket) can be written.
Any of these down is a 503. The reports replica is probed too, but a replica
that is down or late is only "degraded" (200): the statistics pages fall back
to the primary. Neither endpoint needs a login, and neither reveals more than
up/down, timings, and an error's class or S3 code (no URL, bucket or key).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from hgkiemtra.core.db import db

bp = Blueprint("health", __name__)

REDIS_TIMEOUT_S = 1.0
S3_CONNECT_TIMEOUT_S = 1.0
S3_READ_TIMEOUT_S = 2.0
REPLICA_STATEMENT_TIMEOUT_MS = 2000  # its connect timeout is the app's (core/replica.py)
REQUIRED = ("database", "broker", "storage")
_S3_CLIENT = "health.s3_client"


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    checks = {"database": _check_database(), "broker": _check_broker(),
              "storage": _check_storage(), "reports_replica": _check_replica()}
    ready = all(checks[name]["ok"] for name in REQUIRED)
    if not ready:
        status = "unavailable"
    else:
        status = "ok" if all(c["ok"] for c in checks.values()) else "degraded"
    return jsonify(status=status, checks=checks), (200 if ready else 503)


def _timed(probe: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        found = probe() or {}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        current_app.logger.warning("readiness probe failed: %s", exc)
        return {"ok": False, "error": _error_name(exc),
                "ms": round((time.perf_counter() - started) * 1000, 1)}
    return {"ok": True, **found, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _error_name(exc: Exception) -> str:
    """The class, or an S3 error code (NoSuchBucket, AccessDenied): never the message,
    which may hold an endpoint or a bucket name."""
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return str(code) if code else type(exc).__name__


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


def _check_storage() -> dict[str, Any]:
    from hgkiemtra.core.storage import FolderStorage, S3Storage

    storage = current_app.extensions["storage"]
    if isinstance(storage, S3Storage):
        return {"kind": "s3", **_timed(lambda: _probe_s3(storage))}
    if isinstance(storage, FolderStorage):
        return {"kind": "folder", **_timed(lambda: _probe_folder(storage.root))}
    return {"ok": True, "kind": type(storage).__name__}


def _probe_folder(root: Path) -> None:
    """What a first upload needs: the folder, or the nearest folder above it that
    would hold it, is a directory we may write into. Nothing is written."""
    existing = root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise NotADirectoryError(f"storage: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f"storage: folder {existing} is not writable")


def _probe_s3(storage: Any) -> None:
    """One listing of at most one key under the prefix: the call the app's own
    listing makes, on a client with short timeouts and no retries."""
    client = current_app.extensions.get(_S3_CLIENT)
    if client is None:
        client = current_app.extensions[_S3_CLIENT] = _s3_probe_client(storage.location)
    base = f"{storage.prefix}/" if storage.prefix else ""
    client.list_objects_v2(Bucket=storage.bucket, Prefix=base, MaxKeys=1)


def _s3_probe_client(location: Any) -> Any:
    import boto3
    from botocore.config import Config

    settings = current_app.config["SETTINGS"]
    return boto3.client(
        "s3", endpoint_url=location.endpoint, region_name=location.region or "us-east-1",
        aws_access_key_id=settings.STORAGE_ACCESS_KEY or None,
        aws_secret_access_key=settings.STORAGE_SECRET_KEY or None,
        config=Config(s3={"addressing_style": "path"}, connect_timeout=S3_CONNECT_TIMEOUT_S,
                      read_timeout=S3_READ_TIMEOUT_S, retries={"total_max_attempts": 1}),
    )


def _check_replica() -> dict[str, Any]:
    reports = current_app.extensions.get("reports_database")
    if reports is None:
        return {"ok": True, "configured": False}

    def probe() -> dict[str, Any]:
        from hgkiemtra.core.replica import LAG_SQL

        with reports.engine.connect() as conn:
            conn.execute(sa.text(f"SET LOCAL statement_timeout = {REPLICA_STATEMENT_TIMEOUT_MS}"))
            row = conn.execute(LAG_SQL).one()
        lag = max(0.0, float(row.lag or 0))
        if lag > reports.max_lag_seconds:
            raise ReplicaLagging(f"{lag:.0f} s behind")
        return {"standby": bool(row.standby), "lag_seconds": round(lag, 1)}

    return {"configured": True, **_timed(probe)}


class ReplicaLagging(Exception):
    """The replica answers, but later than HGKIEMTRA_REPORTS_MAX_LAG_SECONDS."""
