"""Read-only reference data: workflows, the caller, organisations and members.

A client needs these to open a case: which kinds exist, where the caller
holds a role, and the ids of organisations and members in scope.
"""

from __future__ import annotations

from flask import Response

from hgkiemtra.api import bp, queries, serialize
from hgkiemtra.api.auth import current_actor, current_user
from hgkiemtra.api.parsing import per_page_max, query_args
from hgkiemtra.api.representations import MemberPage, OrganisationPage, WorkflowList
from hgkiemtra.api.schemas import MemberListQuery, OrganisationListQuery
from hgkiemtra.api.serialize import respond
from hgkiemtra.cases.service import local_today
from workflows import registry


@bp.get("/workflows")
def list_workflows() -> Response:
    return respond(WorkflowList(items=[serialize.workflow(d) for d in registry.all_definitions()]))


@bp.get("/me")
def me() -> Response:
    return respond(serialize.me(current_user()))


@bp.get("/organisations")
def list_organisations() -> Response:
    query = query_args(OrganisationListQuery, per_page_max=per_page_max())
    found, total = queries.find_organisations(current_actor(), query)
    today = local_today()
    return respond(
        OrganisationPage(
            items=[serialize.organisation(o, today) for o in found],
            **serialize.page_numbers(query.page, query.per_page, total),
        )
    )


@bp.get("/members")
def list_members() -> Response:
    query = query_args(MemberListQuery, per_page_max=per_page_max())
    found, total = queries.find_members(current_actor(), query)
    return respond(
        MemberPage(
            items=[serialize.member(m) for m in found],
            **serialize.page_numbers(query.page, query.per_page, total),
        )
    )
