"""Benchmarks: `make bench` (full) or `python -m bench.run --smoke` (tiny sizes).

Measured so far: transition throughput through the full service (version
check, scope and role, guards, hash chain, deadlines, outbox) against the
ceiling of the same two statements (UPDATE the case, INSERT the event) issued
with raw psycopg, at 1 and 8 concurrent worker processes, in the same run, on
a scratch PostgreSQL database with synchronous_commit=on. Results go to
bench/RESULTS.md and bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import time
import uuid
from pathlib import Path
from typing import Any

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


def _app(url: str) -> Any:
    return create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": SECRET,
                       "INSTANCE_DIR": str(HERE / "data")})


def _summary(latencies: list[float], elapsed: float) -> dict[str, float]:
    ordered = sorted(latencies)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {"transitions": len(ordered), "per_s": len(ordered) / elapsed,
            "p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99)}


def _run_pool(worker: Any, url: str, chunks: list[list[int]]) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(len(chunks)) as pool:
        started = time.perf_counter()
        results = pool.starmap(worker, [(url, chunk) for chunk in chunks])
        elapsed = time.perf_counter() - started
    return _summary([lat for part in results for lat in part], elapsed)


def _service_worker(url: str, case_ids: list[int]) -> list[float]:
    app = _app(url)
    latencies = []
    with app.app_context():
        for case_id in case_ids:
            version = db.session.get(Case, case_id).version
            db.session.commit()
            for event, data in STEPS:
                t0 = time.perf_counter()
                c = cases.fire_event(ACTOR, case_id, event, expected_version=version, data=data)
                db.session.commit()
                version = c.version
                latencies.append(time.perf_counter() - t0)
        db.engine.dispose()
    return latencies


def _ceiling_worker(url: str, case_ids: list[int]) -> list[float]:
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(False)
    latencies = []
    with psycopg.connect(conninfo) as conn:
        for case_id in case_ids:
            for seq, (event, _) in enumerate(STEPS, start=2):
                t0 = time.perf_counter()
                conn.execute("UPDATE bench_case SET state = %s, version = version + 1 "
                             "WHERE id = %s AND version = %s", (event, case_id, seq - 1))
                conn.execute("INSERT INTO bench_event (case_id, seq, event, hash) "
                             "VALUES (%s, %s, %s, %s)", (case_id, seq, event, "0" * 64))
                conn.commit()
                latencies.append(time.perf_counter() - t0)
    return latencies


def _open_cases(url: str, n: int) -> list[int]:
    from tests import factories as f

    app = _app(url)
    with app.app_context():
        w = f.world()
        ids = [f.case(w, f"Bench {i}").id for i in range(n)]
        db.session.commit()
        db.engine.dispose()
    return ids


def _ceiling_tables(url: str, n: int) -> list[int]:
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_case, bench_event")
        conn.execute("CREATE TABLE bench_case (id serial primary key, state text, version int)")
        conn.execute("CREATE TABLE bench_event (id serial primary key, case_id int, seq int, "
                     "event text, hash text, UNIQUE (case_id, seq))")
        conn.execute("INSERT INTO bench_case (state, version) SELECT 'proposed', 1 "
                     "FROM generate_series(1, %s)", (n,))
    return list(range(1, n + 1))


def _split(ids: list[int], parts: int) -> list[list[int]]:
    return [ids[i::parts] for i in range(parts)]


def measure(url: str, n_cases: int, concurrency: int) -> dict[str, Any]:
    service = _run_pool(_service_worker, url, _split(_open_cases(url, n_cases), concurrency))
    ceiling = _run_pool(_ceiling_worker, url, _split(_ceiling_tables(url, n_cases), concurrency))
    return {"concurrency": concurrency, "service": service, "ceiling": ceiling,
            "ratio": service["per_s"] / ceiling["per_s"]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no RESULTS.md")
    parser.add_argument("--cases", type=int, default=400)
    args = parser.parse_args(argv)
    n = 4 if args.smoke else args.cases
    admin = make_url(normalise_database_url(os.environ.get(
        "HGKIEMTRA_TEST_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")))
    name = f"hgk_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(False)
    try:
        app = _app(url)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            sync = db.session.execute(sa.text("SHOW synchronous_commit")).scalar_one()
            db.session.remove()
            db.engine.dispose()
        runs = [measure(url, n, c) for c in (1, 2 if args.smoke else 8)]
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
    result: dict[str, Any] = {
        "machine": f"{platform.node()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}, synchronous_commit={sync}",
        "cases": n,
        "transitions": runs,
    }
    if not args.smoke:
        (HERE / "results.json").write_text(json.dumps(result, indent=2))
        (HERE / "RESULTS.md").write_text(_markdown(result))
    print(json.dumps(result, indent=2))
    return result


def _markdown(r: dict[str, Any]) -> str:
    def row(name: str, d: dict[str, float]) -> str:
        return (f"| {name} | {d['transitions']} | {d['per_s']:.0f} | {d['p50_ms']:.2f} | "
                f"{d['p95_ms']:.2f} | {d['p99_ms']:.2f} |")

    lines = ["# Benchmark results", "",
             f"Machine: {r['machine']}. Cases: {r['cases']}, each advanced "
             f"{len(STEPS)} steps.", "",
             "## Transition throughput (target, issue 7: ratio >= 0.6; >= 1,000/s at 8)", ""]
    for run in r["transitions"]:
        lines += [f"### {run['concurrency']} worker process(es)", "",
                  "| path | transitions | per s | p50 ms | p95 ms | p99 ms |",
                  "|---|---|---|---|---|---|",
                  row("service (scope, guards, audit chain, deadlines, outbox)", run["service"]),
                  row("ceiling (raw psycopg UPDATE + INSERT)", run["ceiling"]), "",
                  f"Ratio service / ceiling: **{run['ratio']:.2f}**", ""]
    lines += ["Not yet measured: the SpiffWorkflow peer, HTTP through gunicorn, the 1M-case "
              "data set and reminder scans (issue 7).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
