"""The server-rendered web UI: extensions, security, language, errors, blueprints.

``init_web(app)`` is called once by ``create_app``. The views live with their
domain (``auth/views.py``, ``cases/views/``); what they share lives here.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from hgkiemtra.config import Settings
from hgkiemtra.extensions import babel, csrf, limiter, login_manager
from hgkiemtra.web import errors, i18n, layout, login, request_log, security

SESSION_LIFETIME = timedelta(hours=8)  # idle time after which one signs in again


def init_web(app: Flask) -> None:
    settings: Settings = app.config["SETTINGS"]
    _configure(app, settings)
    if settings.PROXY_HOPS:
        # Behind nginx the client's address, scheme and host come from its headers:
        # login throttling keys on the real client, redirects keep https.
        hops = settings.PROXY_HOPS
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        default_locale=i18n.DEFAULT_LOCALE,
        default_timezone=i18n.TIMEZONE,
        locale_selector=i18n.select_locale,
    )
    login.init_login(app, login_manager)
    security.init_security(app)
    request_log.init_request_log(app)
    i18n.init_templates(app)
    layout.init_layout(app)
    errors.init_errors(app)
    _register_blueprints(app)


def _configure(app: Flask, settings: Settings) -> None:
    is_https = settings.BASE_URL.startswith("https://")
    app.config.update(
        SESSION_COOKIE_NAME="hgkiemtra_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=is_https,
        # Lax, not Strict: a link in a reminder mail must open the case
        # signed in. No state changes on GET, and every form carries a token.
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        PREFERRED_URL_SCHEME="https" if is_https else "http",
        # A conclusion may take an hour to write: the token lives as long as
        # the session (which ends on logout, password change or idleness).
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI=settings.REDIS_URL or "memory://",
        RATELIMIT_KEY_PREFIX="hgkiemtra-limits",
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )


def _register_blueprints(app: Flask) -> None:
    from hgkiemtra.admin.views import bp as admin_bp
    from hgkiemtra.api import bp as api_bp
    from hgkiemtra.auth.views import bp as auth_bp
    from hgkiemtra.calendar.views import bp as calendar_bp
    from hgkiemtra.cases.views import bp as cases_bp
    from hgkiemtra.denunciations.views import bp as denunciations_bp
    from hgkiemtra.exports.views import bp as exports_bp
    from hgkiemtra.followup.views import bp as followup_bp
    from hgkiemtra.programmes.views import bp as programmes_bp
    from hgkiemtra.reports.risk_views import bp as risk_bp
    from hgkiemtra.reports.views import bp as reports_bp

    csrf.exempt(api_bp)  # bearer tokens, never cookies: nothing to forge
    app.register_blueprint(i18n.bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(denunciations_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(risk_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(reports_bp)
