"""Backups: the database and the document storage in one .tar.gz, and back.

PostgreSQL is dumped with pg_dump's custom format and restored with
pg_restore into an empty database; SQLite is copied with its online backup
API. The archive's manifest records the schema revision, the row counts and
the SHA-256 of every file, and a restore checks all of them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
COUNTED_TABLES = ("organisations", "members", "users", "cases", "case_events", "documents")


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_url(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in COUNTED_TABLES if t in present}


def _revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        if "alembic_version" not in sa.inspect(conn).get_table_names():
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def create_backup(
    database_url: str, storage_dir: str | Path, destination: str | Path
) -> BackupResult:
    engine = sa.create_engine(make_url(database_url))
    try:
        return _create_backup(engine, Path(storage_dir), Path(destination))
    finally:
        engine.dispose()


def _create_backup(engine: sa.Engine, storage: Path, target: Path) -> BackupResult:
    url = engine.url
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if url.get_backend_name() == "postgresql":
            dump = work / "database.dump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump),
                  "--dbname", _libpq_url(url)])
        elif url.get_backend_name() == "sqlite":
            dump = work / "database.sqlite"
            with sqlite3.connect(url.database or "") as src, sqlite3.connect(dump) as dst:
                src.backup(dst)
        else:
            backend = url.get_backend_name()
            raise BackupError(f"backups support PostgreSQL and SQLite, not {backend}")
        files = {dump.name: _sha256(dump)}
        blobs = sorted(p for p in storage.rglob("*") if p.is_file() and not p.name.startswith("."))
        for blob in blobs:
            files["storage/" + blob.relative_to(storage).as_posix()] = _sha256(blob)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "backend": url.get_backend_name(),
            "revision": _revision(engine),
            "counts": _counts(engine),
            "files": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, MANIFEST)
            archive.add(dump, dump.name)
            for blob in blobs:
                archive.add(blob, "storage/" + blob.relative_to(storage).as_posix())
        partial.replace(target)
    return BackupResult(target, manifest)


def restore_backup(
    archive_path: str | Path, database_url: str, storage_dir: str | Path
) -> dict[str, Any]:
    """Restore into an EMPTY database; returns the manifest after every check passed."""
    engine = sa.create_engine(make_url(database_url))
    try:
        return _restore_backup(Path(archive_path), engine, Path(storage_dir))
    finally:
        engine.dispose()


def _restore_backup(archive_path: Path, engine: sa.Engine, storage: Path) -> dict[str, Any]:
    url = engine.url
    with engine.connect() as conn:
        if sa.inspect(conn).get_table_names():
            raise BackupError("the target database is not empty: restore only into a new one")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest = json.loads((work / MANIFEST).read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"unknown backup format {manifest.get('format')}")
        for name, digest in manifest["files"].items():
            if _sha256(work / name) != digest:
                raise BackupError(f"{name} does not match its checksum: the archive is damaged")
        if manifest["backend"] != url.get_backend_name():
            raise BackupError(
                f"backup is of {manifest['backend']}, target is {url.get_backend_name()}"
            )
        if url.get_backend_name() == "postgresql":
            _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq_url(url),
                  str(work / "database.dump")])
        else:
            engine.dispose()
            shutil.copyfile(work / "database.sqlite", url.database or "")
        for name in manifest["files"]:
            if name.startswith("storage/"):
                target = storage / name.removeprefix("storage/")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(work / name, target)
    restored = _counts(engine)
    if restored != manifest["counts"]:
        raise BackupError(f"row counts differ after restore: {restored} != {manifest['counts']}")
    return manifest


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")
