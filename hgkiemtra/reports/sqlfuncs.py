"""SQL expressions the statistics need that PostgreSQL and SQLite spell differently.

Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed
offset turns stored UTC instants into local days on SQLite.
"""

from __future__ import annotations

from statistics import median
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class local_date(FunctionElement[Any]):  # noqa: N801 - reads like the SQL function it is
    """The Vietnam-time calendar day of a UTC timestamp column."""

    type = sa.Date()
    inherit_cache = True


@compiles(local_date, "postgresql")
def _local_date_pg(element: local_date, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(({arg} AT TIME ZONE 'Asia/Ho_Chi_Minh') AS DATE)"


@compiles(local_date)
def _local_date_sqlite(element: local_date, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"date({arg}, '+7 hours')"


class micros_between(FunctionElement[Any]):  # noqa: N801
    """Whole microseconds from the first timestamp to the second (the phase stays)."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(micros_between, "postgresql")
def _micros_pg(element: micros_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(round(EXTRACT(EPOCH FROM ({end} - {start})) * 1000000) AS BIGINT)"


@compiles(micros_between)
def _micros_sqlite(element: micros_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(round((julianday({end}) - julianday({start})) * 86400000000) AS INTEGER)"


def is_postgresql(bind: Any) -> bool:
    return bool(bind.dialect.name == "postgresql")


def python_median(values: list[float]) -> float | None:
    """The fallback where the database has no percentile_cont (SQLite)."""
    return float(median(values)) if values else None


def without_jit(session: Any) -> None:
    """Turn PostgreSQL's JIT off for the rest of this transaction: the report
    queries cross its cost threshold on large tables, and compiling them took
    ~350 ms per query at 100,000 cases (EXPLAIN's JIT timing), more than the
    queries themselves run."""
    if is_postgresql(session.get_bind()):
        session.execute(sa.text("SET LOCAL jit = off"))


def sorts_in_memory(session: Any) -> None:
    """Give this transaction's sorts room (PostgreSQL): the phase medians sort a
    year's stays (~100,000 rows at 100,000 cases), which spilled to disk with
    the default 4 MB."""
    if is_postgresql(session.get_bind()):
        session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
