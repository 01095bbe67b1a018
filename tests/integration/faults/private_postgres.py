"""A PostgreSQL server of the test's own, on a free loopback port, that the test
may crash and restart without disturbing the shared server other tests use.

initdb refuses to run as root, so when the tests run as root (CI) the cluster
belongs to the ``postgres`` system user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

import sqlalchemy as sa

_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def available() -> str | None:
    """Why a private server cannot be started here, or None when it can."""
    if not _BINARIES:
        return "no PostgreSQL server binaries under /usr/lib/postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to own a cluster"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivatePostgres:
    def __init__(self, root: Path) -> None:
        self.bin = Path(_BINARIES[-1])
        self.data = root / "pgdata"
        self.sockets = root / "sockets"
        self.log = root / "postgres.log"
        self.port = _free_port()
        self._as_root = os.geteuid() == 0
        for path in (root, self.sockets):
            path.mkdir(parents=True, exist_ok=True)
            if self._as_root:
                shutil.chown(path, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/hgk"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8")
        self.start()
        engine = sa.create_engine(self.url.replace("/hgk", "/postgres"),
                                  isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE hgk"))
        engine.dispose()

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
                   "-c synchronous_commit=on -c fsync=on -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")

    def crash(self) -> None:
        """Immediate shutdown: no checkpoint, crash recovery at the next start."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def is_ready(self) -> bool:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port),
                         check=False).returncode == 0:
                return True
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
