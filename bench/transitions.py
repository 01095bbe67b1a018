"""Issue 7 items 1 and 2: transitions through the full service, against the
ceiling of the same two statements issued with raw psycopg and against the
SpiffWorkflow peer (bench/peer.py), same cases, same concurrency, same run."""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

import psycopg

from bench import peer
from bench.common import ACTOR, STEPS, app_for, conninfo, summary, window

Part = tuple[float, float, list[float]]


def run_pool(worker: Any, url: str, chunks: list[list[int]]) -> dict[str, Any]:
    """Run ``worker(url, chunk)`` once per chunk, in separate processes when
    there are several (one GIL each), in this process when there is one."""
    if len(chunks) == 1:
        parts = [worker(url, chunks[0])]
    else:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(len(chunks)) as pool:
            parts = pool.starmap(worker, [(url, chunk) for chunk in chunks])
    latencies, elapsed = window(parts)
    return summary(latencies, elapsed)


def service_worker(url: str, case_ids: list[int]) -> Part:
    from hgkiemtra.cases import service as cases
    from hgkiemtra.cases.models import Case
    from hgkiemtra.core.db import db

    app = app_for(url)
    latencies = []
    with app.app_context():
        versions = {i: db.session.get(Case, i).version for i in case_ids}
        db.session.commit()
        start = time.time()
        for case_id in case_ids:
            version = versions[case_id]
            for event, data in STEPS:
                t0 = time.perf_counter()
                c = cases.fire_event(ACTOR, case_id, event, expected_version=version, data=data)
                # Read before the commit expires it (as the API answers): after
                # it, reading it cost a SELECT the service never asked for.
                version = c.version
                db.session.commit()
                latencies.append(time.perf_counter() - t0)
        end = time.time()
        db.session.remove()
        db.engine.dispose()
    return start, end, latencies


def ceiling_worker(url: str, case_ids: list[int]) -> Part:
    latencies = []
    with psycopg.connect(conninfo(url)) as conn:
        start = time.time()
        for case_id in case_ids:
            for seq, (event, _) in enumerate(STEPS, start=2):
                t0 = time.perf_counter()
                conn.execute("UPDATE bench_case SET state = %s, version = version + 1 "
                             "WHERE id = %s AND version = %s", (event, case_id, seq - 1))
                conn.execute("INSERT INTO bench_event (case_id, seq, event, hash) "
                             "VALUES (%s, %s, %s, %s)", (case_id, seq, event, "0" * 64))
                conn.commit()
                latencies.append(time.perf_counter() - t0)
        end = time.time()
    return start, end, latencies


def open_cases(url: str, n: int) -> list[int]:
    from hgkiemtra.core.db import db
    from tests import factories as f

    app = app_for(url)
    with app.app_context():
        w = f.world()
        ids = [f.case(w, f"Bench {i}").id for i in range(n)]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return ids


def ceiling_tables(url: str, n: int) -> list[int]:
    with psycopg.connect(conninfo(url)) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_case, bench_event")
        conn.execute("CREATE TABLE bench_case (id serial primary key, state text, version int)")
        conn.execute("CREATE TABLE bench_event (id serial primary key, case_id int, seq int, "
                     "event text, hash text, UNIQUE (case_id, seq))")
        conn.execute("INSERT INTO bench_case (state, version) SELECT 'proposed', 1 "
                     "FROM generate_series(1, %s)", (n,))
    return list(range(1, n + 1))


def split(ids: list[int], parts: int) -> list[list[int]]:
    return [ids[i::parts] for i in range(parts)]


def measure(url: str, n_cases: int, concurrency: int) -> dict[str, Any]:
    service = run_pool(service_worker, url, split(open_cases(url, n_cases), concurrency))
    ceiling = run_pool(ceiling_worker, url, split(ceiling_tables(url, n_cases), concurrency))
    spiff = run_pool(peer.spiff_worker, url, split(peer.spiff_table(url, n_cases), concurrency))
    return {"concurrency": concurrency, "service": service, "ceiling": ceiling, "spiff": spiff,
            "ratio": service["per_s"] / ceiling["per_s"],
            "ratio_spiff": service["per_s"] / spiff["per_s"]}
