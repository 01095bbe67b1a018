"""The reports database: a PostgreSQL streaming replica for statistics reads.

With HGKIEMTRA_REPORTS_DATABASE_URL set, the statistics and risk-ranking
aggregates run on a second engine, in read-only REPEATABLE READ transactions
(one consistent snapshot per page; every connection also defaults to
read-only, so even a replica URL that points at a primary by mistake cannot
be written through). Nothing else uses it: issuing a report, exports and
every write go to the primary.

``read_on_replica(reports, fn)`` runs ``fn`` with ``read_session()`` bound to
the replica and says how late the replica is. When the replica cannot be
reached (down, or a query on it fails for a lost connection) ``fn`` runs on
the primary instead and the status says so: a page shows a warning, never a
500. Without a reports database, ``read_session()`` is the primary's session.

No Flask here; the Flask-SQLAlchemy session object (``db.session``) is the
primary, as everywhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hgkiemtra.core.db import db

log = logging.getLogger(__name__)
T = TypeVar("T")
CONNECT_TIMEOUT = 3  # seconds: a replica that is down must not hold up the page

_current: ContextVar[Session | None] = ContextVar("hgkiemtra_reports_session", default=None)

# Seconds the replica's replay is behind. When everything received has been
# replayed, the replica is current however long ago the last commit was (an
# idle primary sends nothing); otherwise the age of the last replayed commit.
LAG_SQL = sa.text("""
    SELECT pg_is_in_recovery() AS standby,
           CASE WHEN NOT pg_is_in_recovery() THEN 0
                WHEN pg_last_wal_receive_lsn() IS NOT NULL
                     AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
           END AS lag
""")


@dataclass(frozen=True)
class ReadStatus:
    """Where a report's figures were read, and how late they may be."""

    configured: bool = False
    in_use: bool = False  # the figures came from the replica
    lag_seconds: float = 0.0
    max_lag_seconds: int = 60
    error: str = ""  # why the primary was used instead

    @property
    def fell_back(self) -> bool:
        return self.configured and not self.in_use

    @property
    def is_lagging(self) -> bool:
        return self.in_use and self.lag_seconds > self.max_lag_seconds

    @property
    def source(self) -> str:
        if not self.configured:
            return "primary"
        return "replica" if self.in_use else "primary-fallback"


class ReportsDatabase:
    def __init__(self, url: str, max_lag_seconds: int = 60) -> None:
        self.max_lag_seconds = max_lag_seconds
        self.engine = sa.create_engine(
            url, pool_pre_ping=True, pool_size=5, max_overflow=5,
            connect_args={"connect_timeout": CONNECT_TIMEOUT,
                          "options": "-c default_transaction_read_only=on"},
        )

    def session(self) -> Session:
        """A session on the replica, its transaction begun read-only."""
        session = Session(bind=self.engine, autoflush=False, expire_on_commit=False)
        try:
            # One snapshot for all of a page's queries (allowed on a hot standby).
            session.execute(sa.text(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        except BaseException:
            session.close()
            raise
        return session

    def dispose(self) -> None:
        self.engine.dispose()


def read_session() -> Any:
    """The session the statistics aggregates run on: the replica's inside
    ``read_on_replica``, the primary's (``db.session``) otherwise."""
    return _current.get() or db.session


@contextmanager
def _bound(session: Session) -> Iterator[None]:
    token = _current.set(session)
    try:
        yield
    finally:
        _current.reset(token)


def _open(reports: ReportsDatabase) -> tuple[Session, float]:
    session = reports.session()
    try:
        row = session.execute(LAG_SQL).one()
    except BaseException:
        session.close()
        raise
    return session, max(0.0, float(row.lag or 0))


def read_on_replica(reports: ReportsDatabase | None, fn: Callable[[], T]) -> tuple[T, ReadStatus]:
    """``fn()`` with its aggregates read from the replica, or from the primary
    when there is none or it cannot be reached."""
    if reports is None:
        return fn(), ReadStatus()
    limit = reports.max_lag_seconds
    try:
        session, lag = _open(reports)
    except DBAPIError as exc:
        return _fallback(fn, limit, exc)
    try:
        with _bound(session):
            result = fn()
    except DBAPIError as exc:
        if not _is_replica_error(exc):
            raise
        return _fallback(fn, limit, exc)
    finally:
        session.close()
    return result, ReadStatus(True, True, lag, limit)


def _is_replica_error(exc: DBAPIError) -> bool:
    # A lost connection, or a query cancelled by the standby's recovery conflict.
    return bool(exc.connection_invalidated) or isinstance(
        exc, sa.exc.OperationalError | sa.exc.InternalError)


def _fallback(fn: Callable[[], T], limit: int, exc: DBAPIError) -> tuple[T, ReadStatus]:
    reason = type(exc.orig or exc).__name__
    log.warning("reports replica unavailable (%s): reading from the primary", reason)
    return fn(), ReadStatus(True, False, 0.0, limit, reason)
