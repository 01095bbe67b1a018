"""Programme and target endpoints: list, create, read, add items, approve,
open an item's case now; targets with their progress.

Each view parses, calls one service function, commits (writes only), and
serializes. The services raise typed DomainErrors; errors.py maps them.
"""

from __future__ import annotations

from flask import Response, url_for

from hgkiemtra.api import bp
from hgkiemtra.api import programme_schemas as ps
from hgkiemtra.api.auth import current_actor
from hgkiemtra.api.parsing import json_body, query_args
from hgkiemtra.api.representations import SubjectOut
from hgkiemtra.api.serialize import respond
from hgkiemtra.core.db import db
from hgkiemtra.programmes import opening, progress
from hgkiemtra.programmes import service as programmes
from hgkiemtra.programmes.models import Programme, ProgrammeItem
from hgkiemtra.programmes.progress import ProgrammeProgress, TargetProgress


def _item(item: ProgrammeItem) -> ps.ProgrammeItemOut:
    subject_id = item.subject_member_id or item.subject_org_id or 0
    return ps.ProgrammeItemOut(
        id=item.id, programme_id=item.programme_id, case_kind=item.case_kind,
        subject=SubjectOut(type=item.subject_type, id=subject_id,  # type: ignore[arg-type]
                           name=item.subject_name),
        content=item.content, quarter=item.quarter,
        responsible=ps.UserRef(user_id=item.responsible_user_id, name=item.responsible.full_name),
        status=progress.item_status(item),  # type: ignore[arg-type]
        case_id=item.case_id, case_reference=item.case.reference if item.case else None,
        opened_at=item.opened_at, open_error=item.open_error,
    )


def _summary_fields(found: ProgrammeProgress) -> dict[str, object]:
    p = found.programme
    return {"id": p.id, "org_id": p.org_id, "org_name": p.organisation.name, "year": p.year,
            "kind": p.kind, "title": p.title, "status": p.status, "approved_at": p.approved_at,
            "planned": found.planned, "opened": found.opened, "done": found.done}


def _programme(programme: Programme) -> ps.ProgrammeOut:
    found = progress.programme_progress([programme])[0]
    approver = programme.approved_by
    return ps.ProgrammeOut(
        **_summary_fields(found),  # type: ignore[arg-type]
        approved_by=ps.UserRef(user_id=approver.id, name=approver.full_name) if approver else None,
        quarters=[ps.QuarterOut(**vars(q)) for q in found.quarters],
        items=[_item(i) for i in programme.items],
    )


def _target(found: TargetProgress) -> ps.TargetOut:
    return ps.TargetOut(
        org_id=found.org.id, org_name=found.org.name, year=found.year,
        supervised_share=found.supervised_target, inspected_share=found.inspected_target,
        members=found.members, supervised_members=found.supervised_members,
        inspected_members=found.inspected_members, supervised_pct=found.supervised_pct,
        inspected_pct=found.inspected_pct, supervised_needed=found.supervised_needed,
        inspected_needed=found.inspected_needed, organisations=found.organisations,
        supervised_orgs=found.supervised_orgs, inspected_orgs=found.inspected_orgs,
    )


@bp.get("/programmes")
def list_programmes() -> Response:
    query = query_args(ps.ProgrammeListQuery)
    found = programmes.list_programmes(current_actor(), year=query.year, org_id=query.org_id)
    return respond(ps.ProgrammeList(items=[
        ps.ProgrammeSummaryOut(**_summary_fields(p))  # type: ignore[arg-type]
        for p in progress.programme_progress(found)]))


@bp.post("/programmes")
def create_programme() -> Response:
    body = json_body(ps.ProgrammeCreate)
    programme = programmes.create_programme(current_actor(), org_id=body.org_id,
                                            year=body.year, kind=body.kind, title=body.title)
    db.session.commit()
    response = respond(_programme(programme), 201)
    response.headers["Location"] = url_for("api.get_programme", programme_id=programme.id)
    return response


@bp.get("/programmes/<int:programme_id>")
def get_programme(programme_id: int) -> Response:
    return respond(_programme(programmes.get_programme(current_actor(), programme_id)))


@bp.post("/programmes/<int:programme_id>/approve")
def approve_programme(programme_id: int) -> Response:
    json_body(ps.Confirm)
    programme = programmes.approve_programme(current_actor(), programme_id)
    db.session.commit()
    return respond(_programme(programme))


@bp.post("/programmes/<int:programme_id>/items")
def add_programme_item(programme_id: int) -> Response:
    body = json_body(ps.ProgrammeItemCreate)
    item = programmes.add_item(
        current_actor(), programme_id, case_kind=body.case_kind,
        subject_type=body.subject.type, subject_id=body.subject.id, content=body.content,
        quarter=body.quarter, responsible_user_id=body.responsible_user_id)
    db.session.commit()
    response = respond(_item(item), 201)
    response.headers["Location"] = url_for("api.get_programme", programme_id=programme_id)
    return response


@bp.post("/programmes/<int:programme_id>/items/<int:item_id>/open")
def open_programme_item(programme_id: int, item_id: int) -> Response:
    json_body(ps.Confirm)
    actor = current_actor()
    opening.open_item_now(actor, programme_id, item_id)
    db.session.commit()
    return respond(_item(programmes.get_item(actor, programme_id, item_id)))


@bp.get("/targets")
def list_targets() -> Response:
    query = query_args(ps.ProgrammeListQuery)
    found = programmes.list_targets(current_actor(), year=query.year, org_id=query.org_id)
    return respond(ps.TargetList(items=[_target(t) for t in progress.targets_progress(found)]))


@bp.post("/targets")
def set_target() -> Response:
    body = json_body(ps.TargetSet)
    target = programmes.set_target(
        current_actor(), org_id=body.org_id, year=body.year,
        supervised_share=body.supervised_share, inspected_share=body.inspected_share)
    db.session.commit()
    return respond(_target(progress.target_progress(target.organisation, target.year, target)))


@bp.get("/targets/progress")
def target_progress() -> Response:
    query = query_args(ps.TargetProgressQuery)
    org = programmes.visible_org(current_actor(), query.org_id)
    return respond(_target(progress.target_progress(org, query.year)))
