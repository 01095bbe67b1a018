"""A private primary with a real streaming standby (hot standby) beside it.

The primary is a ``PrivatePostgres`` (private_postgres.py) started with
``wal_level=replica``; the standby is copied from it with
``pg_basebackup -R`` (which writes ``standby.signal`` and the
``primary_conninfo`` to follow it) and started on another loopback port.
Both belong to the ``postgres`` system user when the tests run as root.
"""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa

from tests.integration.faults.private_postgres import PrivatePostgres


class PrivatePrimary(PrivatePostgres):
    def start(self) -> None:
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
                   "-c wal_level=replica -c max_wal_senders=5 -c max_connections=60 "
                   "-c fsync=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")


class PrivateStandby(PrivatePostgres):
    """A hot standby streaming from ``primary``."""

    def __init__(self, root: Path, primary: PrivatePostgres) -> None:
        super().__init__(root)
        self.primary = primary

    def init(self) -> None:
        self._run("pg_basebackup", "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
                  "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres")
        self.start()

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
                   "-c hot_standby=on -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")

    def admin(self, sql: str) -> object:
        """Run one statement on the standby as the superuser (e.g. pause replay)."""
        engine = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                return conn.execute(sa.text(sql)).scalar()
        finally:
            engine.dispose()

    def wait_for_replay(self, timeout: float = 30) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        primary = sa.create_engine(self.primary.url, isolation_level="AUTOCOMMIT")
        try:
            with primary.connect() as conn:
                target = conn.execute(sa.text("SELECT pg_current_wal_lsn()")).scalar()
        finally:
            primary.dispose()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.admin(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if done:
                return
            time.sleep(0.1)
        raise AssertionError(f"the standby did not replay up to {target} in {timeout} s")
