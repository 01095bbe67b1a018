"""The application on the S3 backend: two app instances (two "nodes", each
with its own instance folder) share one bucket and one database, and see each
other's documents and export files. Backups read from and restore to the
bucket.

The bucket is served by a local S3-compatible server (moto's, conftest.py):
we do not run S3 here.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url

from hgkiemtra.app import create_app
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Document
from hgkiemtra.cases.queries import CaseFilter
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.storage import S3Storage
from hgkiemtra.exports import service
from hgkiemtra.exports.models import ExportJob
from tests import factories as f
from tests.conftest import TEST_SECRET_KEY, TEST_VAULT_KEY
from tests.integration.storage.conftest import s3_client, s3_settings
from tests.integration.ui.conftest import Ui, UiClient, text

PDF = b"%PDF-1.4\n% bien ban\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _node(database_url: str, instance: Path, **settings: str) -> Flask:
    node = create_app({"ENV": "testing", "DATABASE_URL": database_url,
                       "SECRET_KEY": TEST_SECRET_KEY, "VAULT_KEY": TEST_VAULT_KEY,
                       "INSTANCE_DIR": str(instance), **settings})
    node.test_client_class = UiClient
    return node


def _dispose(node: Flask) -> None:
    with node.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def nodes(committed: Flask, database_url: str, s3_endpoint: str, s3_bucket: str,
          tmp_path: Path) -> Iterator[tuple[Flask, Flask]]:
    """Two app instances on one database and one bucket (``committed``: real commits)."""
    pair = tuple(_node(database_url, tmp_path / name, **s3_settings(s3_endpoint, s3_bucket))
                 for name in ("node-a", "node-b"))
    yield pair  # type: ignore[misc]
    for node in pair:
        _dispose(node)


def _objects(endpoint: str, bucket: str) -> list[str]:
    listed = s3_client(endpoint).list_objects_v2(Bucket=bucket).get("Contents", [])
    return sorted(o["Key"] for o in listed)


def test_a_document_uploaded_on_one_node_downloads_from_the_other(
    nodes: tuple[Flask, Flask], s3_endpoint: str, s3_bucket: str, tmp_path: Path,
) -> None:
    a, b = nodes
    w = f.world()
    case = f.case(w)
    db.session.commit()
    on_a, on_b = Ui(a.test_client()), Ui(b.test_client())
    on_a.sign_in(w.inspector)
    uploaded = on_a.post(f"/cases/{case.id}/documents",
                         {"doc_type": "minutes", "file": (io.BytesIO(PDF), "bien-ban.pdf")},
                         form_page=f"/cases/{case.id}", content_type="multipart/form-data")
    assert uploaded.status_code == 302, text(uploaded)
    digest = hashlib.sha256(PDF).hexdigest()
    assert _objects(s3_endpoint, s3_bucket) == [f"tai-lieu/{digest[:2]}/{digest}"]
    assert not any((tmp_path / "node-a").rglob(digest))  # nothing kept on the node itself

    document = db.session.scalars(sa.select(Document).filter_by(case_id=case.id)).one()
    on_b.sign_in(w.chair)
    download = on_b.get(f"/cases/{case.id}/documents/{document.id}")
    assert download.status_code == 200
    assert download.get_data() == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download.headers["Content-Security-Policy"]
    download.close()


def test_a_document_missing_from_the_bucket_is_404_not_500(
    nodes: tuple[Flask, Flask], s3_endpoint: str, s3_bucket: str,
) -> None:
    a, _b = nodes
    w = f.world()
    case = f.case(w)
    db.session.commit()
    ui = Ui(a.test_client())
    ui.sign_in(w.inspector)
    ui.post(f"/cases/{case.id}/documents", {"doc_type": "minutes",
                                            "file": (io.BytesIO(PDF), "bb.pdf")},
            form_page=f"/cases/{case.id}", content_type="multipart/form-data")
    for key in _objects(s3_endpoint, s3_bucket):
        s3_client(s3_endpoint).delete_object(Bucket=s3_bucket, Key=key)
    document = db.session.scalars(sa.select(Document).filter_by(case_id=case.id)).one()
    assert ui.get(f"/cases/{case.id}/documents/{document.id}").status_code == 404


def test_an_unreachable_bucket_is_503_not_500(committed: Flask, database_url: str,
                                               tmp_path: Path) -> None:
    node = _node(database_url, tmp_path / "n", STORAGE_URL="s3://gone?endpoint=http://127.0.0.1:9",
                 STORAGE_ACCESS_KEY="k", STORAGE_SECRET_KEY="s")
    w = f.world()
    case = f.case(w)
    db.session.commit()
    ui = Ui(node.test_client())
    ui.sign_in(w.inspector)
    response = ui.post(f"/cases/{case.id}/documents",
                       {"doc_type": "minutes", "file": (io.BytesIO(PDF), "bb.pdf")},
                       form_page=f"/cases/{case.id}", content_type="multipart/form-data")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert db.session.scalars(sa.select(Document).filter_by(case_id=case.id)).all() == []
    _dispose(node)


def test_an_export_written_by_one_node_downloads_from_the_other_then_expires(
    nodes: tuple[Flask, Flask], s3_endpoint: str, s3_bucket: str,
) -> None:
    a, b = nodes
    w = f.world()
    f.case(w, "Hồ sơ xuất ra S3")
    job = service.create_case_job(Actor.for_user(w.chair), "cases_csv", CaseFilter())
    db.session.commit()
    job_id = job.id
    with a.app_context():  # the worker's node
        assert service.run_job(job_id, a.extensions["storage"], timedelta(hours=1)) == "done"
    db.session.expire_all()
    done = db.session.get(ExportJob, job_id)
    assert _objects(s3_endpoint, s3_bucket) == [f"tai-lieu/exports/{done.file_name}"]
    ui = Ui(b.test_client())
    ui.sign_in(w.chair)
    download = ui.get(f"/exports/{job_id}/download")
    assert download.status_code == 200 and "Hồ sơ xuất ra S3" in text(download)
    assert download.headers["Content-Disposition"].startswith("attachment;")
    download.close()
    with b.app_context():
        assert service.purge_expired(b.extensions["storage"], utcnow() + timedelta(hours=2)) == 1
        db.session.commit()
    assert _objects(s3_endpoint, s3_bucket) == []


@pytest.fixture()
def empty_database(database_url: str) -> Iterator[str]:
    admin = make_url(database_url)
    name = f"hgk_restore_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield admin.set(database=name).render_as_string(False)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def test_backup_and_restore_carry_the_bucket_documents(
    nodes: tuple[Flask, Flask], s3_endpoint: str, s3_bucket: str, empty_database: str,
    tmp_path: Path,
) -> None:
    a, _b = nodes
    w = f.world()
    case = f.case(w)
    db.session.commit()
    storage = a.extensions["storage"]
    assert isinstance(storage, S3Storage)
    from hgkiemtra.cases import documents

    doc = documents.store_document(w.actor(w.inspector), case.id, filename="qd.pdf",
                                   stream=io.BytesIO(PDF), storage=storage, doc_type="decision")
    db.session.commit()
    archive = tmp_path / "backup.tar.gz"
    with a.app_context():
        made = a.test_cli_runner().invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output

    other_bucket = f"hgk-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=other_bucket)
    target = _node(empty_database, tmp_path / "restored",
                   **s3_settings(s3_endpoint, other_bucket, "khoi-phuc"))
    with target.app_context():
        restored = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    key = f"khoi-phuc/{doc.sha256[:2]}/{doc.sha256}"
    assert _objects(s3_endpoint, other_bucket) == [key]
    body = s3_client(s3_endpoint).get_object(Bucket=other_bucket, Key=key)["Body"].read()
    assert body == PDF
    _dispose(target)
