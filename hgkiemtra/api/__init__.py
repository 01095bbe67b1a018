"""JSON API v1.

The routes live in the modules imported below, after ``bp`` exists:
errors (one JSON error shape), auth (bearer tokens), cases, deadlines
(extend, pause, resume), reference (workflows, me, organisations, members)
and openapi (the document).
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from hgkiemtra.api import auth, cases, deadlines, errors, openapi, reference  # noqa: E402, F401
