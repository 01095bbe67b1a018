"""Backup and restore round-trip the database and documents; chains verify after."""

from __future__ import annotations

import io
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from hgkiemtra.app import create_app
from hgkiemtra.cases import documents
from hgkiemtra.cases.models import CaseEvent
from hgkiemtra.core.db import db
from tests import factories as f
from tests.conftest import TEST_SECRET_KEY


def _invoke(application, *args):
    # The CLI runs in the current app context when there is one: push the target's.
    with application.app_context():
        return application.test_cli_runner().invoke(args=list(args))


def _dispose(application) -> None:
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def empty_database(database_url):
    admin = make_url(database_url)
    name = f"hgk_restore_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield admin.set(database=name).render_as_string(False)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def test_postgresql_round_trip(app, committed, storage_dir, empty_database, tmp_path):
    w = f.world()
    c = f.advance(w, f.case(w), f.FULL_PATH[:3])
    doc = documents.store_document(w.actor(w.inspector), c.id, filename="qd.pdf",
                                   stream=io.BytesIO(b"%PDF-1.4 quyet dinh"),
                                   storage=storage_dir, doc_type="decision")
    db.session.commit()
    archive = tmp_path / "backup.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "cases=1" in result.output and "case_events=4" in result.output

    restored_storage = tmp_path / "restored-storage"
    target = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY,
                         "INSTANCE_DIR": str(tmp_path / "instance2"),
                         "DATABASE_URL": empty_database, "STORAGE_DIR": str(restored_storage)})
    result = _invoke(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "every audit chain verifies" in result.output
    blob = restored_storage / doc.sha256[:2] / doc.sha256
    assert blob.read_bytes() == b"%PDF-1.4 quyet dinh"
    with target.app_context():
        assert db.session.query(CaseEvent).count() == 4
    _dispose(target)

    again = _invoke(target, "restore", str(archive))
    assert again.exit_code != 0 and "not empty" in again.output
    _dispose(target)


def test_damaged_archive_is_refused(app, committed, empty_database, tmp_path):
    f.world()
    db.session.commit()
    archive = tmp_path / "backup.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    archive.write_bytes(bytes(raw))
    target = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY,
                         "INSTANCE_DIR": str(tmp_path / "i"), "DATABASE_URL": empty_database})
    result = _invoke(target, "restore", str(archive))
    _dispose(target)
    assert result.exit_code != 0


def test_sqlite_round_trip(tmp_path):
    from flask_migrate import upgrade

    source = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY,
                         "INSTANCE_DIR": str(tmp_path / "a")})
    with source.app_context():
        upgrade()
        w = f.world()
        f.advance(w, f.case(w), f.FULL_PATH[:2])
        db.session.commit()
    archive = tmp_path / "b.tar.gz"
    assert _invoke(source, "backup", str(archive)).exit_code == 0
    target = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY,
                         "INSTANCE_DIR": str(tmp_path / "b")})
    result = _invoke(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert db.session.query(CaseEvent).count() == 3
    _dispose(target)
    _dispose(source)
