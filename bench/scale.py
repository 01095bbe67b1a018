"""Issue 7 item 4: the scale data set, loaded with COPY.

    python -m bench.scale --cases 1000000 [--database-url URL] [--keep]

Without --database-url a scratch database is created and migrated (and
dropped afterwards unless --keep); with one, it is migrated and loaded (its
cases table must be empty). Rows are generated in chunks (bench/scale_data.py)
by one worker process per core, each copying its own chunks on its own
connection (COPY text format, one commit per chunk, synchronous_commit off
for these sessions only), into the case tables with their secondary indexes
and foreign keys dropped (bench/scale_indexes.py rebuilds them afterwards,
so the schema ends as migrated: logged tables, every index and constraint);
then the id sequences are set and the database VACUUM ANALYZEd.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import psycopg

from bench import scale_data as d
from bench.common import SECRET, conninfo, database_name, migrate, scratch_database
from bench.scale_indexes import CASE_TABLES, stripped
from hgkiemtra.cases.phase_counts import RECOUNT_SQL
from hgkiemtra.reports.summary import bulk_load_statements

CHUNK = 5000
BENCH_PASSWORD = "Bench-mật-khẩu-2026"  # every generated user's (pages bench logs in)
TABLES = ["organisations", "members", "users", "role_assignments", "cases",
          "case_team_members", "case_events", "deadlines", "reminders"]
COLUMNS = {
    "organisations": "id, code, name, level, parent_id, path, valid_from, valid_to, "
                     "successor_id, created_at",
    "members": "id, full_name, search_name, status, org_id, birth_year, joined_on, positions, "
               "created_at",
    "users": "id, email, full_name, password_hash, locale, is_active, member_id, created_at, "
             "session_version, reminder_mode, calendar_token",
    "role_assignments": "id, user_id, role, org_id",
    "cases": "id, kind, title, summary, search_text, workflow_name, workflow_version, state, "
             "phase, version, event_count, subject_type, subject_member_id, subject_org_id, "
             "org_id, data, opened_on, closed_on, created_by_id, created_at, updated_at, "
             "audit_seal",
    "case_team_members": "case_id, user_id, team_role",
    "case_events": "case_id, seq, event, from_state, to_state, actor_id, actor_label, "
                   "occurred_at, note, data, prev_hash, hash",
    "deadlines": "id, case_id, rule, label, state, anchor_on, due_on, amount, unit, citation, "
                 "explanation, status, closed_at, created_at, rule_set, paused_since, "
                 "paused_days",
    "reminders": "deadline_id, case_id, recipient_id, role, kind, offset_days, due_on, "
                 "due_at, status, cancel_reason, outbox_key, queued_at, created_at",
}


def _copy(conn: psycopg.Connection[Any], table: str, lines: list[str]) -> int:
    if lines:
        with conn.cursor().copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
            copy.write("".join(lines))
    return len(lines)


def _next_ids(conn: psycopg.Connection[Any]) -> dict[str, int]:
    found = {}
    for table in TABLES:
        row = conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()
        found[table] = int(row[0]) if row else 1
    return found


def _people(conn: psycopg.Connection[Any], ids: dict[str, int], rng: random.Random,
            now: datetime, counts: dict[str, int]) -> d.People:
    from hgkiemtra.auth.passwords import hash_password

    orgs, rows = d.org_rows(ids["organisations"], rng, now)
    counts["organisations"] = _copy(conn, "organisations", rows)
    cells = [o.id for o in orgs if o.level == "cell"]
    first_member: dict[int, int] = {}
    member_names: dict[int, str] = {}
    lines = []
    for member_id, cell, full, row in d.member_rows(ids["members"], cells, rng, now):
        first_member.setdefault(cell, member_id)
        member_names[member_id] = full
        lines.append(row)
    counts["members"] = _copy(conn, "members", lines)
    password = hash_password(BENCH_PASSWORD)
    users, roles, names = [], [], {}
    user_id, role_id = ids["users"], ids["role_assignments"]
    for org in orgs:
        for role, how_many in d.STAFF.get(org.level, {}).items():
            for _ in range(how_many):
                names[user_id] = d.name(rng)
                mode = "digest" if rng.random() < 0.05 else "immediate"
                users.append(d.line(user_id, f"bench-u{user_id}@example.vn", names[user_id],
                                    password, "vi", True, None, now, 0, mode, None))
                roles.append(d.line(role_id, user_id, role, org.id))
                org.staff.setdefault(role, []).append(user_id)
                user_id, role_id = user_id + 1, role_id + 1
    counts["users"] = _copy(conn, "users", users)
    counts["role_assignments"] = _copy(conn, "role_assignments", roles)
    conn.commit()
    owners = [o.id for o in orgs if o.level in ("province", "district")]
    return d.People({o.id: o for o in orgs}, owners, first_member, names, member_names)


_PEOPLE: d.People | None = None
_CONN: psycopg.Connection[Any] | None = None


def _init(people: d.People, seal_key: tuple[str, str], dsn: str | None) -> None:
    """A chunk maker's state: the people, the key the case rows are sealed
    with, and its own connection (each maker copies its chunks itself)."""
    from hgkiemtra.cases.audit import configure_seal

    global _PEOPLE, _CONN
    _PEOPLE = people
    configure_seal(*seal_key)
    if dsn is not None:
        _CONN = _loading_connection(dsn)


def _loading_connection(dsn: str) -> psycopg.Connection[Any]:
    conn = psycopg.connect(dsn)
    # Only the load skips the WAL flush at commit; the tables stay logged, and
    # a crash during the load loses a scratch data set, nothing else.
    conn.execute("SET synchronous_commit = off")
    return conn


def seal_key() -> tuple[str, str]:
    """(audit key, secret key) as the benchmarks' app has them (bench.common.app_for):
    HGKIEMTRA_AUDIT_KEY when set, else the benchmarks' secret. A data set loaded
    for another app is resealed with its key by `hgkiemtra audit seal`."""
    return os.environ.get("HGKIEMTRA_AUDIT_KEY", ""), SECRET


def _make(job: tuple[int, int, int, datetime]) -> dict[str, int]:
    """Make one chunk and copy it in one transaction; rows per table."""
    seed, first, count, now = job
    assert _PEOPLE is not None and _CONN is not None
    chunk = d.cases_chunk(seed, _PEOPLE, first, count, now)
    counts = {table: _copy(_CONN, table, lines) for table, lines in (
        ("cases", chunk.cases), ("case_team_members", chunk.team), ("case_events", chunk.events),
        ("deadlines", chunk.deadlines), ("reminders", chunk.reminders))}
    _CONN.commit()
    return counts


def _chunks(people: d.People, jobs: list[tuple[int, int, int, datetime]], dsn: str,
            processes: int | None) -> Iterator[dict[str, int]]:
    """Rows per table of each chunk as it is loaded, by ``processes`` worker
    processes (``processes=0``: here)."""
    if processes == 0:
        _init(people, seal_key(), dsn)
        try:
            yield from map(_make, jobs)
        finally:
            assert _CONN is not None
            _CONN.close()
        return
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes or os.cpu_count() or 1, _init, (people, seal_key(), dsn)) as pool:
        yield from pool.imap_unordered(_make, jobs)


def load(url: str, n_cases: int, seed: int = 7, progress: bool = False,
         processes: int | None = None) -> dict[str, Any]:
    """Generate and COPY ``n_cases`` cases with everything around them; the
    rows are made and copied by ``processes`` worker processes (default: one
    per core), into the case tables stripped of their secondary indexes and
    foreign keys, which are rebuilt afterwards (bench/scale_indexes.py)."""
    rng, now = random.Random(seed), d.now_utc()
    counts: dict[str, int] = dict.fromkeys(TABLES, 0)
    workers = (os.cpu_count() or 1) if processes is None else max(processes, 1)
    started = time.perf_counter()
    with psycopg.connect(conninfo(url)) as conn:
        row = conn.execute("SELECT count(*) FROM cases").fetchone()
        if row and row[0]:
            raise SystemExit(f"bench.scale: {database_name(url)} already holds cases")
        ids = _next_ids(conn)
        first_case = max(ids["cases"], ids["deadlines"])  # a deadline takes its case's id
        people = _people(conn, ids, rng, now, counts)
        jobs = [(seed * 1_000_003 + n, first_case + n, min(CHUNK, n_cases - n), now)
                for n in range(0, n_cases, CHUNK)]
        summary_off, summary_on = bulk_load_statements()  # the statistics summary's triggers
        for statement in summary_off:
            conn.execute(statement)
        conn.commit()
        with stripped(conn, CASE_TABLES) as phases:
            for made in _chunks(people, jobs, conninfo(url), processes):
                for table, rows in made.items():
                    counts[table] += rows
                if progress:
                    print(f"bench.scale: {counts['cases']}/{n_cases} cases, "
                          f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
            phases["copy"] = time.perf_counter() - started
        loaded = time.perf_counter() - started
        for table in TABLES:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 1) FROM {table}))")
        # The dashboard's counts the service keeps: the COPY went behind its back.
        conn.execute("DELETE FROM case_phase_counts")
        conn.execute(RECOUNT_SQL)
        for statement in summary_on:  # filled from the loaded rows, triggers back on
            conn.execute(statement)
        conn.commit()
        conn.autocommit = True
        t0 = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        analysed = time.perf_counter() - t0
    rows = sum(counts.values())
    return {"cases": n_cases, "rows": counts, "total_rows": rows, "load_s": loaded,
            "rows_per_s": rows / loaded, "vacuum_analyze_s": analysed, "now": now.isoformat(),
            "seed": seed, "processes": workers,
            "phases_s": {k: round(phases[k], 1) for k in ("copy", "indexes")},
            "slowest_rebuilds": phases["slowest"]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="load into this database (migrated first)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    if args.database_url:
        migrate(args.database_url)
        result = load(args.database_url, args.cases, args.seed, progress=True)
    else:
        with scratch_database(keep=args.keep) as url:
            migrate(url)
            result = load(url, args.cases, args.seed, progress=True)
            result["database"] = database_name(url) + ("" if args.keep else " (dropped)")
    print(json.dumps(result, indent=2, default=str))
    return result


if __name__ == "__main__":
    main()
