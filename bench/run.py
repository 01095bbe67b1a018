"""Benchmarks: `make bench` (full) or `python -m bench.run --smoke` (tiny sizes).

Measured so far: transition throughput through the full service (version
check, guards, hash chain, deadlines, outbox) against the ceiling of the same
two statements issued with raw psycopg, in the same run, on a scratch
PostgreSQL database with synchronous_commit=on. Results go to
bench/RESULTS.md and bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import uuid
from pathlib import Path

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from hgkiemtra.app import create_app
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.config import normalise_database_url
from hgkiemtra.core.db import db
from workflows.engine import Role

HERE = Path(__file__).resolve().parent
STEPS = [
    ("decide", {"decision_number": "1-QĐ/UBKT", "decision_date": "2026-01-05"}),
    ("launch", {}),
    ("request_explanation", {}),
    ("receive_explanation", {}),
    ("draft_report", {}),
    ("submit_report", {}),
]


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99)}


def bench_service(n_cases: int) -> dict[str, float]:
    from tests import factories as f

    w = f.world()
    db.session.commit()
    # Every role over the whole tree, so each step's role check passes.
    actor = Actor(None, "bench", tuple((role, "/") for role in Role))
    ids = [f.case(w, f"Bench {i}").id for i in range(n_cases)]
    db.session.commit()
    latencies = []
    start = time.perf_counter()
    for case_id in ids:
        version = db.session.get(Case, case_id).version
        for event, data in STEPS:
            t0 = time.perf_counter()
            c = cases.fire_event(actor, case_id, event, expected_version=version, data=data)
            db.session.commit()
            version = c.version
            latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    return {"transitions": len(latencies), "per_s": len(latencies) / elapsed,
            **_percentiles(latencies)}


def bench_ceiling(url: str, n: int) -> dict[str, float]:
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo) as conn:
        conn.execute("CREATE TABLE bench_case (id serial primary key, state text, version int)")
        conn.execute("CREATE TABLE bench_event (id serial primary key, case_id int, seq int, "
                     "event text, hash text, UNIQUE (case_id, seq))")
        conn.execute("INSERT INTO bench_case (state, version) SELECT 'proposed', 1 "
                     "FROM generate_series(1, %s)", (n,))
        conn.commit()
        latencies = []
        start = time.perf_counter()
        for case_id in range(1, n + 1):
            for seq, (event, _) in enumerate(STEPS, start=2):
                t0 = time.perf_counter()
                conn.execute("UPDATE bench_case SET state = %s, version = version + 1 "
                             "WHERE id = %s AND version = %s", (event, case_id, seq - 1))
                conn.execute("INSERT INTO bench_event (case_id, seq, event, hash) "
                             "VALUES (%s, %s, %s, %s)", (case_id, seq, event, "0" * 64))
                conn.commit()
                latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - start
    return {"transitions": len(latencies), "per_s": len(latencies) / elapsed,
            **_percentiles(latencies)}


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no RESULTS.md")
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args(argv)
    n = 3 if args.smoke and args.cases == 300 else args.cases
    admin = make_url(normalise_database_url(os.environ.get(
        "HGKIEMTRA_TEST_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")))
    name = f"hgk_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(False)
    try:
        app = create_app({"ENV": "testing", "DATABASE_URL": url,
                          "SECRET_KEY": "bench-" + "k" * 40,
                          "INSTANCE_DIR": str(HERE / "data")})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            service = bench_service(n)
            db.session.remove()
            db.engine.dispose()
        ceiling = bench_ceiling(url, n)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
    result: dict[str, object] = {
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "cases": n,
        "service_c1": service,
        "ceiling_c1": ceiling,
        "ratio_c1": service["per_s"] / ceiling["per_s"],
    }
    if not args.smoke:
        (HERE / "results.json").write_text(json.dumps(result, indent=2))
        (HERE / "RESULTS.md").write_text(_markdown(result))
    print(json.dumps(result, indent=2))
    return result


def _markdown(r: dict[str, object]) -> str:
    s, c = r["service_c1"], r["ceiling_c1"]
    assert isinstance(s, dict) and isinstance(c, dict)
    row = lambda name, d: (  # noqa: E731
        f"| {name} | {d['transitions']} | {d['per_s']:.0f} | {d['p50_ms']:.2f} | "
        f"{d['p95_ms']:.2f} | {d['p99_ms']:.2f} |"
    )
    return "\n".join([
        "# Benchmark results", "",
        f"Machine: {r['machine']}. PostgreSQL, synchronous_commit=on. Cases: {r['cases']}.", "",
        "## Transition throughput, 1 worker (target for issue 7: ratio >= 0.6)", "",
        "| path | transitions | per s | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|---|",
        row("service (guards, audit chain, deadlines, outbox)", s),
        row("ceiling (raw psycopg UPDATE + INSERT)", c), "",
        f"Ratio service / ceiling: **{r['ratio_c1']:.2f}**", "",
        "Not yet measured: 8 concurrent workers, SpiffWorkflow peer, HTTP, 1M-case scans"
        " (issue 7).", "",
    ])


if __name__ == "__main__":
    main()
