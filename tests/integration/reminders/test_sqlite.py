"""The embedded mode (SQLite): the same scheduling, ON CONFLICT DO NOTHING included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from hgkiemtra.app import create_app
from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage, add_message_once
from hgkiemtra.reminders import scheduler
from hgkiemtra.reminders.policy import set_reminder_mode
from tests import factories as f
from tests.conftest import TEST_SECRET_KEY

from .clock import decided_case, local, tick


@pytest.fixture()
def sqlite_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
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


def test_reminders_and_digests_on_sqlite(sqlite_app):
    w = f.world()
    set_reminder_mode(w.committee_member.id, "digest")
    decided_case(w, local(2026, 2, 5, 9))
    assert add_message_once("k", "case_transition", {}) is True
    assert add_message_once("k", "case_transition", {}) is False
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.key == "k"))

    mails = tick(local(2026, 2, 10, 8))
    assert sorted(m.to_addr for m in mails) == sorted([w.inspector.email,
                                                        w.committee_member.email])
    assert tick(local(2026, 2, 10, 9)) == []
    assert scheduler.run(local(2026, 2, 10, 9)) == {"reminders": 0, "digests": 0}
    keys = db.session.scalars(sa.select(OutboxMessage.key)).all()
    assert len(keys) == len(set(keys)) == 2
    assert f"digest:{w.committee_member.id}:2026-02-10" in keys
