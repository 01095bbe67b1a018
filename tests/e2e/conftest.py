"""Browser tests: Playwright for Python driving Debian's Chromium.

The app runs in a real server thread on a free loopback port, against a fresh
PostgreSQL database holding the demo (committed). Never a downloaded browser:
``/usr/bin/chromium`` (installed with apt by `.ci/run` and `make e2e-deps`);
without it these tests are skipped.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from tests.conftest import TEST_SECRET_KEY, TEST_VAULT_KEY, _admin_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).parent / "screenshots"

if not Path(CHROMIUM).exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} "
                "(apt-get install chromium, or `make e2e-deps`)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")


@pytest.fixture(scope="session")
def e2e_database() -> Iterator[str]:
    """A database of its own: the other tests truncate theirs."""
    admin = _admin_url()
    name = f"hgk_e2e_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = :n"), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        engine.dispose()


@pytest.fixture(scope="session")
def live_server(e2e_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from flask_migrate import upgrade

    from hgkiemtra import demo
    from hgkiemtra.app import create_app
    from hgkiemtra.core.db import db
    from hgkiemtra.denunciations.vault import Vault

    instance = tmp_path_factory.mktemp("e2e-instance")
    app = create_app({"ENV": "testing", "DATABASE_URL": e2e_database,
                      "SECRET_KEY": TEST_SECRET_KEY, "VAULT_KEY": TEST_VAULT_KEY,
                      "INSTANCE_DIR": str(instance)})
    with app.app_context():
        upgrade()
        demo.load_demo(vault=Vault.from_settings(app.config["SETTINGS"]))
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900},
                                  locale="vi-VN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture()
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, device_scale_factor=1)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def demo_cases(live_server: str, e2e_database: str) -> dict[str, int]:
    """Ids of demo cases the tests use, read straight from the database."""
    engine = sa.create_engine(e2e_database)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.id, c.state, o.code, c.opened_on FROM cases c "
            "JOIN organisations o ON o.id = c.org_id ORDER BY c.id")).all()
    engine.dispose()
    province = [(i, s, opened) for i, s, code, opened in rows if not code.startswith("HG.NB")]
    first = province[0]
    return {
        "reporting": next(i for i, s, _ in province if s == "subject_reporting"),
        "any": first[0],
        "any_reference": f"KT.{first[2].year}.{first[0]:05d}",
    }
