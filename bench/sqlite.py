"""Issue 7 item 9: transitions through the full service on the embedded
default, SQLite, as `make run` has it (the app's own engine set-up:
journal_mode=WAL and the connection's synchronous setting, read back with
PRAGMA in the run so the figure states what it measured).

One writer process: SQLite serialises writers on the file, so more
processes only add lock waits; the PostgreSQL service figure at one
process (bench/transitions.py, same run) is the figure to set beside it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.common import app_for, migrate
from bench.transitions import open_cases, service_worker

SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def pragmas(url: str) -> dict[str, str]:
    """journal_mode and synchronous of a connection made by the app's engine."""
    import sqlalchemy as sa

    from hgkiemtra.core.db import db

    app = app_for(url)
    with app.app_context():
        with db.engine.connect() as conn:
            journal = conn.execute(sa.text("PRAGMA journal_mode")).scalar_one()
            sync = conn.execute(sa.text("PRAGMA synchronous")).scalar_one()
        db.engine.dispose()
    return {"journal_mode": str(journal).upper(),
            "synchronous": SYNCHRONOUS.get(int(sync), str(sync))}


def measure(n_cases: int, postgres_service: dict[str, Any] | None = None) -> dict[str, Any]:
    """``n_cases`` cases walked through the service steps on a fresh SQLite file;
    ``postgres_service``: the one-process PostgreSQL service figure of the same run."""
    from bench.common import summary, window

    with tempfile.TemporaryDirectory(prefix="hgk_bench_sqlite_") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        migrate(url)
        found = pragmas(url)
        ids = open_cases(url, n_cases)
        service = summary(*window([service_worker(url, ids)]))
    result: dict[str, Any] = {"cases": n_cases, "processes": 1, **found, "service": service}
    if postgres_service:
        result["postgres_service"] = postgres_service
        result["ratio_to_postgres"] = service["per_s"] / postgres_service["per_s"]
    return result
