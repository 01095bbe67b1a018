"""The application factory."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from hgkiemtra.celery_app import celery_init_app
from hgkiemtra.config import Settings, load_settings
from hgkiemtra.core.logs import configure_logging
from hgkiemtra.extensions import db, migrate
from hgkiemtra.web import init_web

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_override: dict[str, Any] | None = None) -> Flask:
    settings = load_settings(**(config_override or {}))
    app = Flask(__name__, instance_path=settings.INSTANCE_DIR)
    _configure(app, settings)
    _register_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    with app.app_context():
        _tune_engine()
    _register_blueprints(app)
    init_web(app)
    _register_cli(app)
    celery_init_app(app)
    return app


def warm_up() -> None:
    """Pay when a web worker starts (wsgi.py) what its first request would pay:
    the holidays package loads its Vietnamese tables on first use (~0.5-0.9 s)."""
    from workflows.calendar import WorkingCalendar

    WorkingCalendar().is_working_day(date.today())


def _configure(app: Flask, settings: Settings) -> None:
    app.config["SETTINGS"] = settings
    app.config["SECRET_KEY"] = settings.SECRET_KEY
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.DATABASE_URL
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(settings.DATABASE_URL)
    app.config["MAX_CONTENT_LENGTH"] = settings.MAX_UPLOAD_MB * 1024 * 1024
    app.config["TESTING"] = settings.ENV == "testing"
    app.config["JSON_SORT_KEYS"] = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    Path(settings.INSTANCE_DIR).mkdir(parents=True, exist_ok=True)
    if not settings.STORAGE_URL.startswith("s3:"):
        Path(settings.STORAGE_DIR).mkdir(parents=True, exist_ok=True)
    _configure_shared_backends(app, settings)
    configure_logging(settings.LOG_LEVEL, settings.LOG_FORMAT)
    from hgkiemtra.cases import audit

    audit.configure_seal(settings.AUDIT_KEY, settings.SECRET_KEY)


def _configure_shared_backends(app: Flask, settings: Settings) -> None:
    """The document storage and the reports replica, built once per process."""
    from hgkiemtra.core.replica import ReportsDatabase
    from hgkiemtra.core.storage import storage_from_settings
    from hgkiemtra.web.storage import init_storage

    app.extensions["storage"] = storage_from_settings(settings)
    init_storage(app)
    if settings.REPORTS_DATABASE_URL:
        app.extensions["reports_database"] = ReportsDatabase(
            settings.REPORTS_DATABASE_URL, settings.REPORTS_MAX_LAG_SECONDS)


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # Several threads (web + embedded worker) share one SQLite file.
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}


def _tune_engine() -> None:
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _register_models() -> None:
    # Imported for their side effect: every table is on db.metadata.
    from hgkiemtra.auth import models as _auth  # noqa: F401
    from hgkiemtra.cases import models as _cases  # noqa: F401
    from hgkiemtra.core import outbox as _outbox  # noqa: F401
    from hgkiemtra.deadlines import models as _deadlines  # noqa: F401
    from hgkiemtra.denunciations import models as _denunciations  # noqa: F401
    from hgkiemtra.exports import models as _exports  # noqa: F401
    from hgkiemtra.followup import models as _followup  # noqa: F401
    from hgkiemtra.people import change_models as _org_changes  # noqa: F401
    from hgkiemtra.people import models as _people  # noqa: F401
    from hgkiemtra.programmes import models as _programmes  # noqa: F401
    from hgkiemtra.reminders import models as _reminders  # noqa: F401
    from hgkiemtra.reports import models as _reports  # noqa: F401
    from hgkiemtra.reports import risk_models as _risk  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from hgkiemtra.api import bp as api_bp
    from hgkiemtra.core.health import bp as health_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(health_bp)


def _register_cli(app: Flask) -> None:
    from hgkiemtra.cli import register_commands

    register_commands(app)
