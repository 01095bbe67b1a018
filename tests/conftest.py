"""Shared fixtures: one PostgreSQL database per test session, schema built by
the migrations, and each test inside a transaction rolled back at its end."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.engine import make_url

from hgkiemtra.app import create_app
from hgkiemtra.config import normalise_database_url
from hgkiemtra.core.db import db

DEFAULT_TEST_DATABASE_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
TEST_SECRET_KEY = "test-secret-key-" + "x" * 32
# A fixed Fernet key: denouncers' identities are encrypted with it in tests.
TEST_VAULT_KEY = "PmpB5GoKdi0RFznRi9t_hdOALsdhhU1Kn88DT7f1cV4="


def _admin_url() -> sa.URL:
    raw = os.environ.get("HGKIEMTRA_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)
    return make_url(normalise_database_url(raw))


@pytest.fixture(scope="session")
def database_url(worker_id: str = "main") -> Iterator[str]:
    """A fresh database for this session, created next to the configured one."""
    admin = _admin_url()
    name = f"hgk_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with engine.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        engine.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    return os.environ.get("HGKIEMTRA_TEST_REDIS_URL", DEFAULT_TEST_REDIS_URL)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "ENV": "testing",
            "DATABASE_URL": database_url,
            "SECRET_KEY": TEST_SECRET_KEY,
            "VAULT_KEY": TEST_VAULT_KEY,
            "INSTANCE_DIR": str(instance),
        }
    )
    with application.app_context():
        upgrade()
        db.engine.dispose()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture()
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


class _JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's Session.get_bind() picks the app's engine and ignores
    ``bind=``; this one uses the connection that holds the outer transaction."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.bind if self.bind is not None else super().get_bind(*args, **kwargs)


@pytest.fixture()
def session(app: Flask) -> Iterator[sa.orm.scoped_session]:  # type: ignore[type-arg]
    """db.session joined to an outer transaction that is rolled back after the test.

    Commits inside the code under test only release a savepoint.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "class_": _JoinedSession,
             "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture()
def sqlite_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """An app of its own on a fresh, migrated SQLite file (the embedded default)."""
    from flask_migrate import upgrade

    local_app = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY, "REDIS_URL": "",
                            "INSTANCE_DIR": str(tmp_path),
                            "DATABASE_URL": f"sqlite:///{tmp_path / 'hgkiemtra.sqlite'}"})
    try:
        with local_app.app_context():
            upgrade()
            yield local_app
            db.session.remove()
            db.engine.dispose()
    finally:
        app.extensions["celery"].set_default()


@pytest.fixture()
def committed(app: Flask) -> Iterator[Flask]:
    """For tests that need real commits seen by other connections: every table
    is emptied afterwards."""
    with app.app_context():
        yield app
        db.session.remove()
        tables = ", ".join(t.name for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture()
def client(app: Flask, session: object) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def storage_dir(app: Flask) -> Path:
    return Path(app.config["SETTINGS"].STORAGE_DIR)
