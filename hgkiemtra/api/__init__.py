"""JSON API v1.

The routes live in the modules imported below, after ``bp`` exists:
errors (one JSON error shape), auth (bearer tokens), cases, deadlines
(extend, pause, resume), reference (workflows, me, organisations, members),
teams (the team, declarations, linked cases), followup (actions a
conclusion requires, the re-check case), programmes (annual programmes and
targets), denouncers (the identity vault: pseudonym, reveal requests), risk
(the risk ranking) and openapi (the document).
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from hgkiemtra.api import (  # noqa: E402, F401
    auth,
    cases,
    deadlines,
    denouncers,
    errors,
    followup,
    openapi,
    programmes,
    reference,
    risk,
    statistics,
    teams,
)
