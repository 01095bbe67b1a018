"""Deadline endpoints: extend by decision, pause and resume the clock.

Each view parses, calls one service function, commits and answers with the
case (its new ``version`` and deadlines), like firing an event does.
"""

from __future__ import annotations

from flask import Response

from hgkiemtra.api import bp
from hgkiemtra.api.auth import current_actor
from hgkiemtra.api.cases import _case_id, case_representation
from hgkiemtra.api.parsing import json_body
from hgkiemtra.api.schemas import INT32_MAX, DeadlineExtend, DeadlinePause, DeadlineResume
from hgkiemtra.api.serialize import respond
from hgkiemtra.cases import service as cases
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound
from hgkiemtra.deadlines import changes


def _deadline_id(deadline_id: int) -> int:
    if deadline_id > INT32_MAX:
        raise NotFound(f"Không tìm thấy thời hạn {deadline_id}")
    return deadline_id


def _answer(case_id: int) -> Response:
    db.session.commit()
    actor = current_actor()
    return respond(case_representation(actor, cases.get_case(actor, case_id)))


@bp.post("/cases/<int:case_id>/deadlines/<int:deadline_id>/extend")
def extend_deadline(case_id: int, deadline_id: int) -> Response:
    body = json_body(DeadlineExtend)
    changes.extend_deadline(
        current_actor(), _deadline_id(deadline_id), body.new_due_on, body.decision_reference,
        body.approver_user_id, body.reason, case_id=_case_id(case_id),
        expected_version=body.version,
    )
    return _answer(case_id)


@bp.post("/cases/<int:case_id>/deadlines/<int:deadline_id>/pause")
def pause_deadline(case_id: int, deadline_id: int) -> Response:
    body = json_body(DeadlinePause)
    changes.pause_deadline(current_actor(), _deadline_id(deadline_id), body.reason,
                           case_id=_case_id(case_id), expected_version=body.version)
    return _answer(case_id)


@bp.post("/cases/<int:case_id>/deadlines/<int:deadline_id>/resume")
def resume_deadline(case_id: int, deadline_id: int) -> Response:
    body = json_body(DeadlineResume)
    changes.resume_deadline(current_actor(), _deadline_id(deadline_id), body.note,
                            case_id=_case_id(case_id), expected_version=body.version)
    return _answer(case_id)
