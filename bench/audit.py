"""Issue 7 item 8: ``hgkiemtra audit verify`` over the scale data set's events,
run through the real CLI command (in process, so the clock measures the
verification and not the interpreter's start-up). The command uses the fast
verifier (``hgkiemtra/cases/audit_verify.py``): column tuples streamed in
(case, seq) order, and above ``PARALLEL_FROM`` events one forked process per
core over case-id slices."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from bench.common import app_for


def measure(url: str) -> dict[str, Any]:
    app = app_for(url)
    with app.app_context():
        from hgkiemtra.core.db import db

        events = int(db.session.scalar(sa.text("SELECT count(*) FROM case_events")) or 0)
        cases = int(db.session.scalar(sa.text("SELECT count(*) FROM cases")) or 0)
        db.session.remove()
        runner = app.test_cli_runner()
        t0 = time.perf_counter()
        result = runner.invoke(args=["audit", "verify"])
        elapsed = time.perf_counter() - t0
        db.session.remove()
        db.engine.dispose()
    if result.exit_code != 0:
        raise RuntimeError(f"audit verify failed on the scale data: {result.output[-2000:]}")
    from hgkiemtra.cases.audit_verify import PARALLEL_FROM, process_count

    processes = process_count() if events >= PARALLEL_FROM else 1
    return {"events": events, "cases": cases, "seconds": elapsed, "processes": processes,
            "events_per_s": events / elapsed if elapsed else 0.0,
            "output": result.output.strip()}
