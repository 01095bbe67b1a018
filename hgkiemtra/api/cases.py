"""Case endpoints: list, open, read, fire an event, read the audit trail.

Each view parses, calls one service function, commits (writes only), and
serializes. The services raise typed DomainErrors; errors.py maps them.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, url_for
from pydantic import BaseModel
from sqlalchemy.orm import joinedload

from hgkiemtra.api import bp, queries, serialize
from hgkiemtra.api.auth import current_actor
from hgkiemtra.api.denouncers import current_vault
from hgkiemtra.api.parsing import json_body, per_page_max, query_args
from hgkiemtra.api.representations import CasePage
from hgkiemtra.api.schemas import INT32_MAX, CaseCreate, CaseListQuery, EventFire
from hgkiemtra.api.serialize import respond
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit, links
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.denunciations.service import record_identity


def case_representation(actor: Actor, case: Case) -> BaseModel:
    return serialize.case_full(
        case,
        cases.allowed_events(actor, case),
        _deadlines_of(case.id),
        cases.local_today(),
        links.links_of(case.id),
    )


def _deadlines_of(case_id: int) -> list[Deadline]:
    """The case's deadlines as ``queries.case_deadlines`` orders them, with their
    extensions and pauses in the same query (few rows each) instead of two more."""
    return list(
        db.session.execute(
            sa.select(Deadline)
            .options(joinedload(Deadline.extensions), joinedload(Deadline.pauses))
            .where(Deadline.case_id == case_id)
            .order_by(Deadline.created_at, Deadline.id)
        ).unique().scalars()
    )


def _case_id(case_id: int) -> int:
    """Ids beyond the database's integer range cannot exist."""
    if case_id > INT32_MAX:
        raise NotFound(f"Không tìm thấy hồ sơ {case_id}")
    return case_id


@bp.get("/cases")
def list_cases() -> Response:
    query = query_args(CaseListQuery, per_page_max=per_page_max())
    today = cases.local_today()
    found = queries.find_cases(current_actor(), query, today)
    late = queries.overdue_ids([c.id for c in found.rows], today)
    page = (found.first_row - 1) // query.per_page + 1
    return respond(
        CasePage(
            items=[serialize.case_summary(c, c.id in late) for c in found.rows],
            **serialize.page_numbers(page, query.per_page, found.total),
            total_exact=found.total_exact,
            next_cursor=found.next_cursor,
            prev_cursor=found.prev_cursor,
        )
    )


@bp.post("/cases")
def create_case() -> Response:
    body = json_body(CaseCreate)
    actor = current_actor()
    case = cases.open_case(
        actor,
        kind=body.kind,
        title=body.title,
        org_id=body.org_id,
        subject_type=body.subject.type,
        subject_id=body.subject.id,
        summary=body.summary,
        team=[cases.TeamSeat(seat.user_id, seat.role) for seat in body.team],
        anchor_on=body.anchor_on,
    )
    if body.denouncer is not None:
        record_identity(actor, case, body.denouncer.identity(), current_vault())
    db.session.commit()
    response = respond(case_representation(actor, case), 201)
    response.headers["Location"] = url_for("api.get_case", case_id=case.id)
    return response


@bp.get("/cases/<int:case_id>")
def get_case(case_id: int) -> Response:
    actor = current_actor()
    case = cases.get_case(actor, _case_id(case_id))
    return respond(case_representation(actor, case))


@bp.post("/cases/<int:case_id>/events")
def fire_event(case_id: int) -> Response:
    body = json_body(EventFire)
    actor = current_actor()
    case = cases.fire_event(
        actor,
        _case_id(case_id),
        body.event,
        expected_version=body.version,
        note=body.note,
        data=dict(body.data),
    )
    return _committed(case_representation(actor, case))


def _committed(answer: BaseModel) -> Response:
    """Commit, then answer with what was read before: the transition's own
    transaction already holds the case, its team and the actor's roles, so
    reading the answer there costs no reload, and no second transaction is
    opened after the commit (its BEGIN and the ROLLBACK at the end of the
    request were two more round trips). Nothing is answered unless the commit
    succeeds."""
    db.session.commit()
    return respond(answer)


@bp.get("/cases/<int:case_id>/history")
def case_history(case_id: int) -> Response:
    actor = current_actor()
    case = cases.get_case(actor, _case_id(case_id))
    events = cases.history(actor, case.id)
    return respond(serialize.history(events, audit.verify_case(case, events)))
