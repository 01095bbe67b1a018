"""What every benchmark shares: scratch databases, the app, timing summaries."""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.config import normalise_database_url
from workflows.engine import Role

HERE = Path(__file__).resolve().parent
SECRET = "bench-" + "k" * 40
STEPS = [
    ("decide", {"decision_number": "1-QĐ/UBKT", "decision_date": "2026-01-05"}),
    ("launch", {}),
    ("request_explanation", {}),
    ("receive_explanation", {}),
    ("draft_report", {}),
    ("submit_report", {}),
]
# Every role over the whole tree, so each step's role check passes.
ACTOR = Actor(None, "bench", tuple((role, "/") for role in Role))


def app_for(url: str) -> Any:
    from hgkiemtra.app import create_app

    return create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": SECRET,
                       "INSTANCE_DIR": str(HERE / "data")})


def admin_url() -> URL:
    return make_url(normalise_database_url(os.environ.get(
        "HGKIEMTRA_TEST_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")))


def conninfo(url: str) -> str:
    """A SQLAlchemy URL as libpq connection info, for raw psycopg."""
    return make_url(url).set(drivername="postgresql").render_as_string(False)


def _admin_execute(sql: str) -> None:
    engine = sa.create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(sql))
    finally:
        engine.dispose()


def create_database(name: str, template: str | None = None) -> str:
    """A new database (a copy of ``template`` when given); its URL."""
    _admin_execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return admin_url().set(database=name).render_as_string(False)


def drop_database(name: str) -> None:
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> str:
    """Run every migration; the server's synchronous_commit setting (PostgreSQL)."""
    from flask_migrate import upgrade

    from hgkiemtra.core.db import db

    app = app_for(url)
    with app.app_context():
        upgrade()
        if db.engine.dialect.name != "postgresql":
            db.session.remove()
            db.engine.dispose()
            return ""
        sync = db.session.execute(sa.text("SHOW synchronous_commit")).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return str(sync)


@contextmanager
def scratch_database(template: str | None = None, keep: bool = False) -> Iterator[str]:
    """A throw-away database, dropped afterwards unless ``keep``."""
    name = f"hgk_bench_{uuid.uuid4().hex[:8]}"
    url = create_database(name, template)
    try:
        yield url
    finally:
        if not keep:
            drop_database(name)


def database_name(url: str) -> str:
    return str(make_url(url).database)


def pick(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def summary(latencies: list[float], elapsed: float, unit: str = "transitions") -> dict[str, Any]:
    """Count, rate and latency percentiles (ms) of one measured run."""
    ordered = sorted(latencies)
    return {unit: len(ordered), "per_s": len(ordered) / elapsed if elapsed else 0.0,
            "p50_ms": pick(ordered, 0.50) * 1000, "p95_ms": pick(ordered, 0.95) * 1000,
            "p99_ms": pick(ordered, 0.99) * 1000}


def window(parts: list[tuple[float, float, list[float]]]) -> tuple[list[float], float]:
    """Latencies of every worker, and the wall time from the first start to the
    last end (each worker reports its own measured window, so process start-up
    and app creation are not counted)."""
    latencies = [lat for _, _, part in parts for lat in part]
    return latencies, max(end for _, end, _ in parts) - min(start for start, _, _ in parts)


def machine(sync: str) -> dict[str, Any]:
    load = os.getloadavg()
    return {"node": platform.node(), "cores": os.cpu_count(),
            "python": platform.python_version(), "synchronous_commit": sync,
            "loadavg_start": [round(x, 2) for x in load],
            "date": time.strftime("%Y-%m-%d %H:%M %Z")}


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process's group (gunicorn or Celery with its children), SIGKILL after 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
