"""The case pages of the web UI: dashboard, list and export, the case page,
event forms, documents, the new-case form and the workflow diagrams.

Views are thin: read the form, call one service function, commit once, then
redirect (or re-render the form with its errors). Domain errors not handled
in a view are mapped to error pages once, in web/errors.py.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask_login import current_user
from werkzeug.wrappers import Response

from hgkiemtra.extensions import login_manager

bp = Blueprint("cases", __name__, template_folder=str(Path(__file__).parent.parent / "templates"))


@bp.before_request
def _require_login() -> Response | None:
    if not current_user.is_authenticated:
        response: Response = login_manager.unauthorized()
        return response
    return None


from hgkiemtra.cases.views import (  # noqa: E402, F401
    case_page,
    dashboard,
    documents,
    events,
    listing,
    new_case,
    teams,
    votes,
    workflows,
)
