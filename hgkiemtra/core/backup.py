"""Backups: the database and the document storage in one .tar.gz, and back.

The documents are read from and restored to any storage backend
(core/storage.py: a folder or an S3-compatible bucket), one object at a time.

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

from hgkiemtra.core.storage import Storage, StorageError, StorageLike, as_storage

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
    database_url: str, storage: StorageLike, destination: str | Path
) -> BackupResult:
    engine = sa.create_engine(make_url(database_url))
    try:
        return _create_backup(engine, as_storage(storage), Path(destination))
    finally:
        engine.dispose()


def _create_backup(engine: sa.Engine, storage: Storage, target: Path) -> BackupResult:
    url = engine.url
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        dump = _dump(url, work)
        files = {dump.name: _sha256(dump)}
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        # The manifest goes last: it lists the checksums of the objects as archived.
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, dump.name)
            _archive_storage(storage, archive, work, files)
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "backend": url.get_backend_name(),
                "revision": _revision(engine),
                "counts": _counts(engine),
                "files": files,
            }
            (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
            archive.add(work / MANIFEST, MANIFEST)
        partial.replace(target)
    return BackupResult(target, manifest)


def _dump(url: URL, work: Path) -> Path:
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
    return dump


def _archive_storage(storage: Storage, archive: tarfile.TarFile, work: Path,
                     files: dict[str, str]) -> None:
    """Every stored object into the archive, fetched one at a time (a bucket's
    objects pass through one local temporary file)."""
    try:
        for key in storage.keys():
            name = "storage/" + key
            local = storage.local_path(key)
            if local is None:
                local = work / "object.tmp"
                with storage.open(key) as source, local.open("wb") as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
            files[name] = _sha256(local)
            archive.add(local, name)
    except StorageError as exc:
        raise BackupError(f"cannot read the document storage ({storage.describe()}): {exc}") \
            from None


def restore_backup(
    archive_path: str | Path, database_url: str, storage: StorageLike
) -> dict[str, Any]:
    """Restore into an EMPTY database; returns the manifest after every check passed."""
    engine = sa.create_engine(make_url(database_url))
    try:
        return _restore_backup(Path(archive_path), engine, as_storage(storage))
    finally:
        engine.dispose()


def _restore_backup(archive_path: Path, engine: sa.Engine, storage: Storage) -> dict[str, Any]:
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
                _restore_object(storage, name.removeprefix("storage/"), work / name)
    restored = _counts(engine)
    if restored != manifest["counts"]:
        raise BackupError(f"row counts differ after restore: {restored} != {manifest['counts']}")
    return manifest


def _restore_object(storage: Storage, key: str, path: Path) -> None:
    try:
        with path.open("rb") as blob:
            storage.put(key, blob)
    except (StorageError, ValueError) as exc:
        raise BackupError(f"cannot write {key} to the document storage "
                          f"({storage.describe()}): {exc}") from None


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")
