"""Statistics on a real PostgreSQL streaming replica (HGKIEMTRA_REPORTS_DATABASE_URL).

A private primary and a hot standby made from it with ``pg_basebackup -R``
(private_replica.py). The statistics read the standby: data committed on the
primary appears there only once replayed (replay is paused with
``pg_wal_replay_pause()`` to show it), the page says how late the figures may
be, nothing can be written through the reports engine, and with the standby
stopped the pages fall back to the primary with a warning — never a 500.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import DBAPIError

from hgkiemtra.app import create_app
from hgkiemtra.auth.tokens import create_token
from hgkiemtra.core.db import db
from hgkiemtra.core.replica import ReportsDatabase
from tests import factories as f
from tests.conftest import TEST_SECRET_KEY, TEST_VAULT_KEY
from tests.integration.faults import private_postgres
from tests.integration.faults.private_replica import PrivatePrimary, PrivateStandby

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WHY_NOT = private_postgres.available()
MAX_LAG = 2  # seconds: low, so that a paused replay is "late" within the test
LATE = "số liệu có thể chậm"
FELL_BACK = "số liệu được đọc từ cơ sở dữ liệu chính"


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[PrivatePrimary, PrivateStandby]]:
    if WHY_NOT:
        pytest.skip(WHY_NOT)
    root = Path(tempfile.mkdtemp(prefix="hgk-replica-"))
    root.chmod(0o755)  # the servers' own folders below belong to the postgres user
    primary = PrivatePrimary(root / "primary")
    primary.init()
    standby = PrivateStandby(root / "standby", primary)
    try:
        standby.init()
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def app(servers: tuple[PrivatePrimary, PrivateStandby],
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    primary, standby = servers
    application = create_app({
        "ENV": "testing", "DATABASE_URL": primary.url, "REPORTS_DATABASE_URL": standby.url,
        "REPORTS_MAX_LAG_SECONDS": MAX_LAG, "SECRET_KEY": TEST_SECRET_KEY,
        "VAULT_KEY": TEST_VAULT_KEY, "INSTANCE_DIR": str(tmp_path_factory.mktemp("replica")),
    })
    with application.app_context():
        upgrade()
        db.engine.dispose()
    standby.wait_for_replay()
    yield application
    application.extensions["reports_database"].dispose()
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _decided_case(app: Flask) -> tuple[str, str]:
    """A new world with one decided inspection, committed on the primary:
    (the chair's API token, the chair's login id)."""
    with app.app_context():
        w = f.world()
        f.advance(w, f.case(w), f.FULL_PATH[:1])
        token = create_token(w.chair)
        db.session.commit()
        user_id = w.chair.get_id()
        db.session.remove()
    return token, user_id


def _statistics(app: Flask, token: str) -> tuple[int, Any]:
    """The sum of the figures the chair sees, and the response."""
    response = app.test_client().get("/api/v1/statistics",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    figures = [fig["value"] for section in response.get_json()["sections"]
               for row in section["rows"] for fig in row["figures"]]
    return sum(v for v in figures if isinstance(v, int)), response


def _page(app: Flask, user_id: str, path: str = "/reports/statistics") -> tuple[int, str]:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user_id, True
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def test_statistics_read_the_replica_and_say_when_it_is_late(
    app: Flask, servers: tuple[PrivatePrimary, PrivateStandby],
) -> None:
    _primary, standby = servers
    standby.admin("SELECT pg_wal_replay_pause()")
    try:
        token, user_id = _decided_case(app)
        counted, response = _statistics(app, token)
        assert response.headers["X-Reports-Source"] == "replica"
        assert counted == 0  # committed on the primary, not yet replayed on the replica
        time.sleep(MAX_LAG + 1.5)
        status, page = _page(app, user_id)
        assert status == 200 and LATE in page
        _counted, late = _statistics(app, token)
        assert int(late.headers["X-Reports-Lag-Seconds"]) >= MAX_LAG
    finally:
        standby.admin("SELECT pg_wal_replay_resume()")
    standby.wait_for_replay()
    counted, response = _statistics(app, token)
    assert counted > 0 and response.headers["X-Reports-Source"] == "replica"
    status, page = _page(app, user_id)
    assert status == 200 and LATE not in page and "Số liệu đọc từ bản sao" in page
    status, risk_page = _page(app, user_id, "/reports/risk")
    assert status == 200 and "Số liệu đọc từ bản sao" in risk_page


def test_nothing_can_be_written_through_the_reports_engine(
    app: Flask, servers: tuple[PrivatePrimary, PrivateStandby],
) -> None:
    primary, _standby = servers
    reports: ReportsDatabase = app.extensions["reports_database"]
    with reports.session() as session, pytest.raises(DBAPIError, match="read-only"):
        session.execute(sa.text("CREATE TABLE written_on_replica (x int)"))
    # Even a reports URL that names the primary by mistake cannot write.
    mistaken = ReportsDatabase(primary.url)
    try:
        with mistaken.session() as session, pytest.raises(DBAPIError, match="read-only"):
            session.execute(sa.text("DELETE FROM alembic_version"))
        with mistaken.engine.connect() as conn, pytest.raises(DBAPIError, match="read-only"):
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'x'"))
    finally:
        mistaken.dispose()


def test_a_stopped_replica_falls_back_to_the_primary_with_a_warning(
    app: Flask, servers: tuple[PrivatePrimary, PrivateStandby],
) -> None:
    _primary, standby = servers
    token, user_id = _decided_case(app)
    standby.stop()
    try:
        counted, response = _statistics(app, token)
        assert response.headers["X-Reports-Source"] == "primary-fallback"
        assert counted > 0  # read from the primary: the new case is there
        status, page = _page(app, user_id)
        assert status == 200 and FELL_BACK in page
        status, risk_page = _page(app, user_id, "/reports/risk")
        assert status == 200 and FELL_BACK in risk_page
    finally:
        standby.start()
