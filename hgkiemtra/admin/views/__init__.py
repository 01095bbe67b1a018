"""The admin blueprint: every page needs a signed-in admin (403 otherwise).

Views are thin: read the form, call one service function, commit once, then
redirect, or re-render the form with its errors.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, flash
from flask_login import current_user
from werkzeug.wrappers import Response

from hgkiemtra.admin.access import is_admin, is_site_admin, require_site_admin
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError
from hgkiemtra.extensions import login_manager
from hgkiemtra.web.i18n import translate
from hgkiemtra.web.login import current_actor
from workflows.engine import ROLE_LABELS_VI, Role

bp = Blueprint("admin", __name__, url_prefix="/admin",
               template_folder=str(Path(__file__).parent.parent / "templates"))


@bp.before_request
def _require_admin() -> Response | None:
    if not current_user.is_authenticated:
        response: Response = login_manager.unauthorized()
        return response
    if not is_admin(current_actor()):
        abort(403)
    return None


@bp.context_processor
def _admin_context() -> dict[str, object]:
    # Error pages (a CSRF failure is raised before _require_admin) render here
    # for signed-out visitors too: they have no actor.
    site_admin = current_user.is_authenticated and is_site_admin(current_actor())
    return {"is_site_admin": site_admin, "role_label": role_label}


def role_label(role: str) -> str:
    return translate(ROLE_LABELS_VI[Role(role)])


def site_admin_only() -> None:
    require_site_admin(current_actor())


def flash_failure(exc: DomainError) -> None:
    """Roll back and show the service's reason on the next page."""
    db.session.rollback()
    # Translated now: a flash travels in the session cookie as plain text, not as a Msg.
    flash(translate(exc.message), "error")


from hgkiemtra.admin.views import (  # noqa: E402, F401
    index,
    mail,
    org_changes,
    organisations,
    settings,
    users,
)
from hgkiemtra.denunciations import admin_views  # noqa: E402, F401  (vault custodians)
