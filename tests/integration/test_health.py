import socket
import time
from collections.abc import Callable, Iterator

import pytest

from hgkiemtra.app import create_app
from tests.conftest import TEST_SECRET_KEY
from tests.integration.storage.conftest import (  # noqa: F401 - fixtures
    ACCESS_KEY,
    SECRET_KEY,
    s3_bucket,
    s3_endpoint,
    s3_settings,
)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_with_database_and_embedded_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["embedded"]
    assert body["checks"]["storage"]["ok"] and body["checks"]["storage"]["kind"] == "folder"
    assert body["checks"]["reports_replica"] == {"ok": True, "configured": False}
    assert body["status"] == "ok"


def _dispose(app) -> None:
    with app.app_context():
        from hgkiemtra.core.db import db

        db.session.remove()
        db.engine.dispose()
    if "reports_database" in app.extensions:
        app.extensions["reports_database"].dispose()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_readyz_reports_a_dead_broker_and_database(tmp_path, redis_url):
    app = create_app({
        "ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY, "INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": f"postgresql://root@127.0.0.1:{_closed_port()}/nothing",
        "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
    })
    response = app.test_client().get("/readyz")
    _dispose(app)
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert not body["checks"]["database"]["ok"] and not body["checks"]["broker"]["ok"]


def test_readyz_with_real_redis(tmp_path, redis_url, database_url):
    app = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY,
                      "INSTANCE_DIR": str(tmp_path), "DATABASE_URL": database_url,
                      "REDIS_URL": redis_url})
    response = app.test_client().get("/readyz")
    _dispose(app)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["checks"]["broker"]["ok"]


def _ready(tmp_path, database_url: str, before: Callable[[], object] = lambda: None,
           **settings: str) -> tuple[int, dict, float]:
    """GET /readyz of an app with ``settings`` (``before`` runs after its start):
    status, body, seconds taken."""
    app = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY,
                      "INSTANCE_DIR": str(tmp_path / "instance"), "DATABASE_URL": database_url,
                      **settings})
    before()
    started = time.monotonic()
    try:
        response = app.test_client().get("/readyz")
    finally:
        took = time.monotonic() - started
        _dispose(app)
    return response.status_code, response.get_json(), took


def test_a_storage_folder_replaced_by_a_file_is_not_ready(tmp_path, database_url):
    folder = tmp_path / "docs"

    def replace_by_a_file() -> None:  # the app made the folder at start
        folder.rmdir()
        folder.write_text("not a folder")

    status, body, _ = _ready(tmp_path, database_url, replace_by_a_file,
                             STORAGE_URL=f"file://{folder}")
    assert status == 503 and body["status"] == "unavailable"
    assert body["checks"]["storage"] == {
        "ok": False, "kind": "folder", "error": "NotADirectoryError",
        "ms": body["checks"]["storage"]["ms"]}
    assert body["checks"]["database"]["ok"] and str(folder) not in str(body)


def test_a_storage_folder_removed_is_ready_as_the_next_upload_makes_it(tmp_path,
                                                                        database_url):
    folder = tmp_path / "docs"
    status, body, _ = _ready(tmp_path, database_url, folder.rmdir,
                             STORAGE_URL=f"file://{folder}")
    assert status == 200 and body["checks"]["storage"]["ok"]


def test_an_s3_bucket_that_answers_is_ready(tmp_path, database_url, s3_endpoint,  # noqa: F811
                                            s3_bucket):  # noqa: F811
    status, body, _ = _ready(tmp_path, database_url, **s3_settings(s3_endpoint, s3_bucket))
    assert status == 200, body
    assert body["checks"]["storage"]["ok"] and body["checks"]["storage"]["kind"] == "s3"
    shown = str(body)
    for secret in (SECRET_KEY, ACCESS_KEY, s3_bucket, s3_endpoint):
        assert secret not in shown


def test_a_missing_s3_bucket_is_not_ready(tmp_path, database_url, s3_endpoint):  # noqa: F811
    status, body, _ = _ready(tmp_path, database_url, **s3_settings(s3_endpoint, "hgk-absent"))
    assert status == 503
    assert body["checks"]["storage"]["error"] == "NoSuchBucket"


@pytest.fixture()
def silent_endpoint() -> Iterator[str]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_an_s3_endpoint_that_hangs_is_given_up_quickly(tmp_path, database_url,
                                                        silent_endpoint):
    # The app's own client waits 60 s per read and tries 3 times; the probe must not.
    status, body, took = _ready(tmp_path, database_url, **s3_settings(silent_endpoint, "b"))
    assert status == 503 and body["checks"]["storage"]["error"] == "ReadTimeoutError"
    assert took < 6, took


def test_the_reports_replica_is_probed(tmp_path, database_url):
    # The test database stands in for the replica: it answers, as a primary (lag 0).
    status, body, _ = _ready(tmp_path, database_url, REPORTS_DATABASE_URL=database_url)
    assert status == 200 and body["status"] == "ok"
    replica = body["checks"]["reports_replica"]
    assert replica["ok"] and replica["configured"] and replica["lag_seconds"] == 0
    assert replica["standby"] is False


def test_a_dead_reports_replica_only_degrades(tmp_path, database_url):
    dead = f"postgresql://root:hunter2secret@127.0.0.1:{_closed_port()}/replica"
    status, body, took = _ready(tmp_path, database_url, REPORTS_DATABASE_URL=dead)
    assert status == 200 and body["status"] == "degraded"
    replica = body["checks"]["reports_replica"]
    assert not replica["ok"] and replica["error"] == "OperationalError"
    assert "hunter2secret" not in str(body) and took < 6
