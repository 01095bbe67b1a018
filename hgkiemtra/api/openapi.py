"""The OpenAPI 3.1 document, built from the same pydantic models the views use.

``OPERATIONS`` lists every route of the blueprint once; a test checks it
against ``app.url_map`` so a new route cannot go undocumented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from hgkiemtra.api import bp
from hgkiemtra.api import denouncer_schemas as dn
from hgkiemtra.api import followup_schemas as fu
from hgkiemtra.api import programme_schemas as pg
from hgkiemtra.api import representations as rep
from hgkiemtra.api import risk_schemas as rk
from hgkiemtra.api import statistics_schemas as st
from hgkiemtra.api.errors import API_PREFIX
from hgkiemtra.api.parsing import max_json_bytes, per_page_max
from hgkiemtra.api.schemas import (
    INT32_MAX,
    CaseCreate,
    CaseListQuery,
    DeadlineExtend,
    DeadlinePause,
    DeadlineResume,
    DeclarationIn,
    EventFire,
    LinkOpen,
    MemberListQuery,
    OrganisationListQuery,
    TeamChange,
    query_parameters,
)

REF = "#/components/schemas/{model}"
BODY_ERRORS = (400, 413, 415, 422)

ERROR_DESCRIPTIONS = {
    400: "Malformed JSON or not UTF-8 (bad_request)",
    401: "Missing, invalid or revoked bearer token (unauthorized)",
    403: "Outside the caller's roles or organisation scope (forbidden)",
    404: "Unknown, or outside the caller's scope (not_found)",
    409: "The case changed since `version` was read (version_conflict)",
    413: "Body larger than the JSON size limit (payload_too_large)",
    415: "Content-Type is not application/json (unsupported_media_type)",
    422: "Invalid input, guard reasons in details.reasons (validation_error, "
    "guard_failed, transition_not_allowed)",
    503: "The denouncer vault has no usable key (vault_unavailable, vault_key_mismatch)",
}


@dataclass(frozen=True)
class Operation:
    path: str  # below the /api/v1 prefix, OpenAPI style: /cases/{case_id}
    method: str
    operation_id: str
    summary: str
    tag: str
    response: type[BaseModel] | None
    status: int = 200
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    public: bool = False


OPERATIONS = (
    Operation(
        "/workflows",
        "get",
        "listWorkflows",
        "Workflow definitions: states, events, roles, deadline rules",
        "reference",
        rep.WorkflowList,
    ),
    Operation("/me", "get", "getMe", "The caller and the roles it holds", "reference", rep.MeOut),
    Operation(
        "/organisations",
        "get",
        "listOrganisations",
        "Organisations in the caller's scope",
        "reference",
        rep.OrganisationPage,
        query=OrganisationListQuery,
        errors=(422,),
    ),
    Operation(
        "/members",
        "get",
        "listMembers",
        "Party members of organisations in scope",
        "reference",
        rep.MemberPage,
        query=MemberListQuery,
        errors=(422,),
    ),
    Operation(
        "/cases",
        "get",
        "listCases",
        "Cases in scope, filtered and paginated (follow next_cursor; page is kept for "
        "compatibility)",
        "cases",
        rep.CasePage,
        query=CaseListQuery,
        errors=(400, 422),
    ),
    Operation(
        "/cases",
        "post",
        "openCase",
        "Open a case",
        "cases",
        rep.CaseOut,
        status=201,
        body=CaseCreate,
        errors=(*BODY_ERRORS, 403),
    ),
    Operation(
        "/cases/{case_id}",
        "get",
        "getCase",
        "One case with its allowed events and deadlines",
        "cases",
        rep.CaseOut,
        errors=(404,),
    ),
    Operation(
        "/cases/{case_id}/events",
        "post",
        "fireEvent",
        "Fire a workflow event (optimistic locking on version)",
        "cases",
        rep.CaseOut,
        body=EventFire,
        errors=(*BODY_ERRORS, 403, 404, 409),
    ),
    Operation(
        "/cases/{case_id}/history",
        "get",
        "getCaseHistory",
        "The hash-chained audit trail",
        "cases",
        rep.HistoryOut,
        errors=(404,),
    ),
    Operation(
        "/cases/{case_id}/deadlines/{deadline_id}/extend",
        "post",
        "extendDeadline",
        "Extend a deadline by a decision approved by a chair in scope (old and new dates kept)",
        "deadlines",
        rep.CaseOut,
        body=DeadlineExtend,
        errors=(*BODY_ERRORS, 403, 404, 409),
    ),
    Operation(
        "/cases/{case_id}/deadlines/{deadline_id}/pause",
        "post",
        "pauseDeadline",
        "Stop a deadline's clock, where its rule allows it",
        "deadlines",
        rep.CaseOut,
        body=DeadlinePause,
        errors=(*BODY_ERRORS, 403, 404, 409),
    ),
    Operation(
        "/cases/{case_id}/deadlines/{deadline_id}/resume",
        "post",
        "resumeDeadline",
        "Start the clock again; the due date moves by the paused days",
        "deadlines",
        rep.CaseOut,
        body=DeadlineResume,
        errors=(*BODY_ERRORS, 403, 404, 409),
    ),
    Operation("/cases/{case_id}/team", "get", "getTeam",
              "The inspection team with each member's conflict-of-interest declaration",
              "teams", rep.TeamOut, errors=(404,)),
    Operation("/cases/{case_id}/team", "put", "changeTeam",
              "Replace the team; the subject and members of the inspected organisation are "
              "refused (conflict of interest)", "teams", rep.TeamOut, body=TeamChange,
              errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/cases/{case_id}/team/declarations", "post", "declareInterest",
              "Record the caller's own conflict-of-interest declaration (team members only)",
              "teams", rep.TeamOut, body=DeclarationIn, errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/cases/{case_id}/links", "post", "openLinkedCases",
              "Open linked case(s): inspection, discipline, escalation, member cases",
              "cases", rep.LinksOpenedOut, status=201, body=LinkOpen,
              errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/cases/{case_id}/actions", "get", "listFollowUpActions",
              "The actions the conclusion requires, with owner, due date and status",
              "followup", fu.ActionListOut, errors=(404,)),
    Operation("/cases/{case_id}/actions", "post", "addFollowUpAction",
              "Add a required action to a concluded case (amount_vnd for recovery)",
              "followup", fu.ActionOut, status=201, body=fu.ActionCreate,
              errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/cases/{case_id}/actions/{action_id}", "get", "getFollowUpAction",
              "One required action", "followup", fu.ActionOut, errors=(404,)),
    Operation("/cases/{case_id}/actions/{action_id}", "patch", "editFollowUpAction",
              "Change an open action (the fields given replace the current ones)",
              "followup", fu.ActionOut, body=fu.ActionUpdate,
              errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/cases/{case_id}/actions/{action_id}/done", "post", "completeFollowUpAction",
              "Mark an open action done (note, date, amount recovered)", "followup",
              fu.ActionOut, body=fu.ActionDone, errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/cases/{case_id}/actions/{action_id}/waive", "post", "waiveFollowUpAction",
              "Waive an open action (committee chair only, with the reason)", "followup",
              fu.ActionOut, body=fu.ActionWaive, errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/cases/{case_id}/recheck", "post", "openRecheck",
              "Open a re-check of implementation: a supervision linked recheck_of",
              "followup", rep.CaseOut, status=201, body=fu.RecheckOpen,
              errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/programmes", "get", "listProgrammes",
              "Annual programmes in scope with their progress", "programmes", pg.ProgrammeList,
              query=pg.ProgrammeListQuery, errors=(422,)),
    Operation("/programmes", "post", "createProgramme",
              "Draft an organisation's programme for a year (one per kind)", "programmes",
              pg.ProgrammeOut, status=201, body=pg.ProgrammeCreate,
              errors=(*BODY_ERRORS, 403, 409)),
    Operation("/programmes/{programme_id}", "get", "getProgramme",
              "A programme with its items and progress per quarter", "programmes",
              pg.ProgrammeOut, errors=(404,)),
    Operation("/programmes/{programme_id}/approve", "post", "approveProgramme",
              "Approve (chair of the programme's organisation only)", "programmes",
              pg.ProgrammeOut, body=pg.Confirm, errors=(*BODY_ERRORS, 403, 404)),
    Operation("/programmes/{programme_id}/items", "post", "addProgrammeItem",
              "Plan a case: subject, content, quarter, responsible committee member",
              "programmes", pg.ProgrammeItemOut, status=201, body=pg.ProgrammeItemCreate,
              errors=(*BODY_ERRORS, 403, 404)),
    Operation("/programmes/{programme_id}/items/{item_id}/open", "post", "openProgrammeItem",
              "Open the item's case now (it opens by itself when its quarter starts)",
              "programmes", pg.ProgrammeItemOut, body=pg.Confirm,
              errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/targets", "get", "listTargets",
              "Annual targets in scope with their progress", "programmes", pg.TargetList,
              query=pg.ProgrammeListQuery, errors=(422,)),
    Operation("/targets", "post", "setTarget",
              "Set an organisation's target for a year (chair over it, or admin)",
              "programmes", pg.TargetOut, body=pg.TargetSet, errors=(*BODY_ERRORS, 403, 409)),
    Operation("/targets/progress", "get", "getTargetProgress",
              "Members and organisations supervised and inspected in a subtree and year",
              "programmes", pg.TargetOut, query=pg.TargetProgressQuery, errors=(422,)),
    Operation("/cases/{case_id}/denouncer", "get", "getDenouncer",
              "A denunciation's denouncer: pseudonym and reveal requests, never the identity",
              "denouncers", dn.DenouncerOut, errors=(404,)),
    Operation("/cases/{case_id}/denouncer", "post", "recordDenouncer",
              "Record the denouncer of a denunciation (encrypted at once; once per case)",
              "denouncers", dn.DenouncerOut, status=201, body=dn.DenouncerIn,
              errors=(*BODY_ERRORS, 403, 404, 409, 503)),
    Operation("/cases/{case_id}/denouncer/reveal-requests", "post", "requestDenouncerReveal",
              "Ask to read the identity, with a reason (handlers and custodians; never the "
              "accused's side)", "denouncers", dn.RevealRequestOut, status=201,
              body=dn.RevealReasonIn, errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/cases/{case_id}/denouncer/reveal-requests/{request_id}/approve", "post",
              "approveDenouncerReveal",
              "A custodian over the case, not the requester, approves with a reason",
              "denouncers", dn.RevealRequestOut, body=dn.RevealReasonIn,
              errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/cases/{case_id}/denouncer/reveal-requests/{request_id}/refuse", "post",
              "refuseDenouncerReveal", "A custodian over the case refuses with a reason",
              "denouncers", dn.RevealRequestOut, body=dn.RevealReasonIn,
              errors=(*BODY_ERRORS, 403, 404, 409)),
    Operation("/cases/{case_id}/denouncer/reveal-requests/{request_id}/reveal", "post",
              "revealDenouncer",
              "The decrypted identity: once, to the requester, within 24 hours of approval",
              "denouncers", dn.DenouncerIdentityOut, body=dn.RevealConfirmIn,
              errors=(*BODY_ERRORS, 403, 404, 409, 503)),
    Operation("/risk", "get", "getRiskRanking",
              "Organisations of one level in scope ranked by risk signals, each explained",
              "reports", rk.RiskPage, query=rk.RiskQuery, errors=(404, 422)),
    Operation("/statistics", "get", "getStatistics",
              "Inspection, supervision and discipline figures of a period and the previous one, "
              "over the caller's scope (each section says how it is counted)",
              "reports", st.StatisticsOut, query=st.StatisticsQuery, errors=(404, 422)),
    Operation("/issued-reports", "get", "listIssuedReports",
              "Issued reports of organisations in scope", "reports", st.IssuedListOut,
              query=st.IssuedQuery, errors=(422,)),
    Operation("/issued-reports", "post", "issueReport",
              "Issue a report for an ended period: its figures are frozen (chair or admin)",
              "reports", st.IssuedOut, status=201, body=st.IssueIn,
              errors=(*BODY_ERRORS, 403, 404)),
    Operation("/issued-reports/{issued_id}", "get", "getIssuedReport",
              "An issued report: frozen figures and what changed since", "reports",
              st.IssuedOut, errors=(404,)),
    Operation("/openapi.json", "get", "getOpenApi", "This document", "meta", None, public=True),
)

PATH_IDS = ("case_id", "deadline_id", "action_id", "programme_id", "item_id", "request_id",
            "issued_id")


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json(_ref(rep.ErrorOut))}


def _responses(op: Operation) -> dict[str, Any]:
    schema = _ref(op.response) if op.response else {"type": "object"}
    ok: dict[str, Any] = {
        "description": "OK" if op.status == 200 else "Created",
        "content": _json(schema),
    }
    if op.status == 201:
        ok["headers"] = {
            "Location": {"description": "URL of what was created", "schema": {"type": "string"}}
        }
    responses = {str(op.status): ok}
    codes = sorted(set(op.errors) | (set() if op.public else {401}))
    for code in codes:
        responses[str(code)] = _error(ERROR_DESCRIPTIONS[code])
    if "401" in responses:
        responses["401"]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    responses["default"] = _error("Any other error (e.g. 405 method_not_allowed), same shape")
    return responses


def _operation(op: Operation, page_max: int) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "responses": _responses(op),
    }
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": INT32_MAX},
        }
        for name in PATH_IDS
        if "{" + name + "}" in op.path
    ]
    if op.query is not None:
        params.extend(query_parameters(op.query, page_max))
    if params:
        doc["parameters"] = params
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": _json(_ref(op.body))}
    if op.public:
        doc["security"] = []
    return doc


def component_schemas() -> dict[str, Any]:
    models: list[tuple[type[BaseModel], Any]] = [
        (m, "serialization")
        for m in (*rep.RESPONSE_MODELS, *fu.RESPONSES, *pg.RESPONSES, *dn.RESPONSES,
                  *rk.RESPONSES, *st.RESPONSES)]
    bodies = (CaseCreate, EventFire, DeadlineExtend, DeadlinePause, DeadlineResume,
              LinkOpen, TeamChange, DeclarationIn)
    models += [(body, "validation")
               for body in (*bodies, *fu.BODIES, *pg.BODIES, *dn.BODIES, *st.BODIES)]
    _, top = models_json_schema(models, ref_template=REF)
    return dict(top.get("$defs", {}))


def build_document(page_max: int, json_limit: int) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(API_PREFIX + op.path, {})[op.method] = _operation(op, page_max)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "hgkiemtra API",
            "version": "1",
            "description": (
                "Case management for Party inspection committees. Authenticate with "
                "`Authorization: Bearer <token>`. Errors: `{error, message, details}`. "
                f"JSON bodies are limited to {json_limit // 1024} KiB."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": component_schemas(),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(build_document(per_page_max(), max_json_bytes()))
