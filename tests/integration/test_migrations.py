"""The migrations build exactly the models' schema, and every revision goes down."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy.engine import make_url

from hgkiemtra.app import create_app
from hgkiemtra.core.db import db
from tests.conftest import TEST_SECRET_KEY


def _scratch_app(url: str, instance: str) -> Flask:
    return create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY,
                       "INSTANCE_DIR": instance})


@pytest.fixture(params=["postgresql", "sqlite"])
def scratch_app(request, database_url, tmp_path) -> Iterator[Flask]:
    if request.param == "sqlite":
        yield _scratch_app(f"sqlite:///{tmp_path / 'scratch.sqlite'}", str(tmp_path))
        return
    admin = make_url(database_url)
    name = f"hgk_mig_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    application = _scratch_app(admin.set(database=name).render_as_string(False), str(tmp_path))
    try:
        yield application
    finally:
        with application.app_context():
            db.engine.dispose()
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        engine.dispose()


def _diff(application: Flask) -> list[object]:
    with application.app_context(), db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, db.metadata)


def test_upgrade_head_matches_the_models(scratch_app):
    with scratch_app.app_context():
        upgrade()
    assert _diff(scratch_app) == []


def test_every_revision_downgrades_and_upgrades_again(scratch_app):
    with scratch_app.app_context():
        script = ScriptDirectory.from_config(scratch_app.extensions["migrate"].migrate.get_config())
        revisions = list(reversed(list(script.walk_revisions())))
        upgrade()
        for revision in reversed(revisions):
            downgrade(revision=revision.down_revision or "base")
        with db.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
        for revision in revisions:
            upgrade(revision=revision.revision)
    assert _diff(scratch_app) == []


def test_events_table_is_append_only_on_postgresql(app, committed):
    from hgkiemtra.cases.models import CaseEvent
    from tests import factories as f

    w = f.world()
    c = f.case(w)
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.update(CaseEvent).where(CaseEvent.case_id == c.id)
                           .values(note="sửa lén"))
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.delete(CaseEvent).where(CaseEvent.case_id == c.id))
    db.session.rollback()
