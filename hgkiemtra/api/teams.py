"""Team and linked-case endpoints: read and change the team (conflict of interest
checked), declare one's own conflict of interest, open linked cases.

Each view parses, calls one service function, commits (writes only) and serializes.
"""

from __future__ import annotations

from flask import Response, url_for

from hgkiemtra.api import bp
from hgkiemtra.api import representations as rep
from hgkiemtra.api.auth import current_actor
from hgkiemtra.api.cases import _case_id, case_representation
from hgkiemtra.api.parsing import json_body
from hgkiemtra.api.schemas import DeclarationIn, LinkOpen, TeamChange
from hgkiemtra.api.serialize import respond
from hgkiemtra.cases import declarations, links
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.team import change_team
from hgkiemtra.core.db import db


def team_representation(case: Case) -> rep.TeamOut:
    lines = declarations.team_lines(case)
    return rep.TeamOut(
        case_id=case.id,
        version=case.version,
        members=[
            rep.TeamMemberOut(
                user_id=line.user_id, name=line.name, role=line.team_role,  # type: ignore[arg-type]
                declaration=None if line.declaration is None else rep.DeclarationOut(
                    declared_at=line.declaration.declared_at,
                    has_conflict=line.declaration.has_conflict,
                    statement=line.declaration.statement),
            )
            for line in lines
        ],
        declared_conflict=[line.user_id for line in lines if line.needs_attention],
    )


@bp.get("/cases/<int:case_id>/team")
def get_team(case_id: int) -> Response:
    case = cases.get_case(current_actor(), _case_id(case_id))
    return respond(team_representation(case))


@bp.put("/cases/<int:case_id>/team")
def put_team(case_id: int) -> Response:
    body = json_body(TeamChange)
    case = change_team(current_actor(), _case_id(case_id),
                       [cases.TeamSeat(seat.user_id, seat.role) for seat in body.team],
                       note=body.note, expected_version=body.version)
    db.session.commit()
    return respond(team_representation(case))


@bp.post("/cases/<int:case_id>/team/declarations")
def declare(case_id: int) -> Response:
    body = json_body(DeclarationIn)
    actor = current_actor()
    declarations.declare(actor, _case_id(case_id), has_conflict=body.has_conflict,
                         statement=body.statement, expected_version=body.version)
    db.session.commit()
    return respond(team_representation(cases.get_case(actor, case_id)))


@bp.post("/cases/<int:case_id>/links")
def open_linked(case_id: int) -> Response:
    body = json_body(LinkOpen)
    actor = current_actor()
    opened = links.open_linked(
        actor, _case_id(case_id), body.kind, note=body.note, target_kind=body.target_kind,
        subject_member_ids=body.member_ids, expected_version=body.version,
    )
    db.session.commit()
    shown = case_representation(actor, cases.get_case(actor, case_id))
    assert isinstance(shown, rep.CaseOut)
    new_ids = {c.id for c in opened}
    response = respond(rep.LinksOpenedOut(
        case=shown, opened=[link for link in shown.links if link.case_id in new_ids]), 201)
    response.headers["Location"] = url_for("api.get_case", case_id=opened[0].id)
    return response
