import socket

from hgkiemtra.app import create_app
from tests.conftest import TEST_SECRET_KEY


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_with_database_and_embedded_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["embedded"]


def _dispose(app) -> None:
    with app.app_context():
        from hgkiemtra.core.db import db

        db.session.remove()
        db.engine.dispose()


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
