"""The case tables without their secondary indexes and foreign keys while the
scale data set is copied in, rebuilt afterwards: maintaining ~20 b-trees row
by row and checking every foreign key per row costs more than the COPY itself,
and building each index once over the loaded table is a sort.

Primary keys and CHECK constraints stay; unique constraints and foreign keys
are added back with their own names and definitions (so they are validated
over the loaded rows), and the indexes from ``pg_get_indexdef``: the schema
afterwards is the migrated one, whatever the migrations define.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import psycopg

CASE_TABLES = ("cases", "case_team_members", "case_events", "deadlines", "reminders")
# Building indexes two at a time (one per core), each with a larger sort memory.
BUILDERS, SORT_MEMORY = 2, "512MB"

_INDEXES = """
SELECT c.relname, ix.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ix ON ix.oid = i.indexrelid
WHERE c.relname = ANY(%s) AND c.relnamespace = 'public'::regnamespace AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                  AND k.conrelid = i.indrelid)
"""
_CONSTRAINTS = """
SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
WHERE c.relname = ANY(%s) AND c.relnamespace = 'public'::regnamespace
  AND k.contype IN ('f', 'u')
"""


def _strip(conn: psycopg.Connection[Any], tables: tuple[str, ...]) -> tuple[list[tuple[str, str]],
                                                                            list[tuple[str, ...]]]:
    """Drop them; (table, statement) to build each index and unique
    constraint again, and (table, name, definition) of each foreign key."""
    indexes = conn.execute(_INDEXES, (list(tables),)).fetchall()
    constraints = conn.execute(_CONSTRAINTS, (list(tables),)).fetchall()
    builds = [(table, definition) for table, _, definition in indexes]
    builds += [(table, f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
               for table, name, kind, definition in constraints if kind == "u"]
    foreign = [(table, name, definition)
               for table, name, kind, definition in constraints if kind == "f"]
    for table, name, _kind, _ in sorted(constraints, key=lambda c: c[2] != "f"):
        conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for _, name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.commit()
    return builds, foreign


def _run(dsn: str, statements: list[str]) -> list[tuple[str, float]]:
    took = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"SET maintenance_work_mem = '{SORT_MEMORY}'")
        conn.execute("SET max_parallel_maintenance_workers = 0")  # already one per core
        for statement in statements:
            t0 = time.perf_counter()
            conn.execute(statement)
            took.append((statement, time.perf_counter() - t0))
    return took


def _parallel(dsn: str, statements: list[str]) -> list[tuple[str, float]]:
    """Run on BUILDERS connections at once; (statement, seconds) of each."""
    with ThreadPoolExecutor(BUILDERS) as pool:
        jobs = [pool.submit(_run, dsn, statements[i::BUILDERS]) for i in range(BUILDERS)]
        return [one for job in jobs for one in job.result()]


def rebuild(conn: psycopg.Connection[Any], builds: list[tuple[str, str]],
            foreign: list[tuple[str, ...]]) -> list[tuple[str, float]]:
    """Indexes and unique constraints on BUILDERS connections, biggest tables
    first and dealt out in turn; then the foreign keys: added NOT VALID one
    after the other (a brief lock of both tables), then validated in parallel
    (a validation only blocks writes to its own table), so they end validated.
    (statement, seconds) of each build and validation."""
    sizes = dict(conn.execute("SELECT relname, pg_relation_size(oid) FROM pg_class "
                              "WHERE relname = ANY(%s) AND relkind = 'r'",
                              ([t for t, _ in builds],)).fetchall())
    ordered = [s for _, s in sorted(builds, key=lambda b: -float(sizes.get(b[0], 0)))]
    took = _parallel(conn.info.dsn, ordered)
    for table, name, definition in foreign:
        conn.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition} NOT VALID')
    conn.commit()
    biggest_first = sorted(foreign, key=lambda f: -float(sizes.get(f[0], 0)))
    return took + _parallel(conn.info.dsn, [f'ALTER TABLE "{table}" VALIDATE CONSTRAINT "{name}"'
                                            for table, name, _ in biggest_first])


@contextmanager
def stripped(conn: psycopg.Connection[Any], tables: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """``tables`` without secondary indexes and foreign keys inside the block;
    yields a dict that gets the rebuild's duration as ``indexes`` and its
    slowest statements as ``slowest`` [(statement, seconds)]."""
    builds, foreign = _strip(conn, tables)
    phases: dict[str, Any] = {}
    try:
        yield phases
    except BaseException:
        conn.rollback()
        try:  # put the schema back if the rows allow it; the load's error is the one to see
            rebuild(conn, builds, foreign)
        except psycopg.Error:
            pass
        raise
    t0 = time.perf_counter()
    took = rebuild(conn, builds, foreign)
    phases["indexes"] = time.perf_counter() - t0
    phases["slowest"] = [(statement, round(seconds, 1)) for statement, seconds
                         in sorted(took, key=lambda t: -t[1])[:6]]
