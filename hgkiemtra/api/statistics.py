"""Statistics and issued reports over the API (the same services as /reports)."""

from __future__ import annotations

from flask import Response, url_for

from hgkiemtra.api import bp
from hgkiemtra.api import statistics_schemas as st
from hgkiemtra.api.auth import current_actor
from hgkiemtra.api.parsing import json_body, query_args
from hgkiemtra.api.serialize import respond
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db
from hgkiemtra.reports import issued, snapshot
from hgkiemtra.reports.models import IssuedReport
from hgkiemtra.reports.reading import mark_source, read_report
from hgkiemtra.reports.statistics import build_report, parse_filter


@bp.get("/statistics")
def get_statistics() -> Response:
    query = query_args(st.StatisticsQuery)
    today = local_today()
    kinds = [k for k in (query.kind or "").split(",") if k]
    filters = parse_filter(current_actor(), today, period=query.period,
                           start=query.start.isoformat() if query.start else None,
                           end=query.end.isoformat() if query.end else None,
                           org=query.org, kinds=kinds)
    report, replica = read_report(lambda: build_report(current_actor(), filters, today))
    return mark_source(respond(st.StatisticsOut.model_validate(snapshot.to_dict(report))),
                       replica)


def _summary(row: IssuedReport) -> dict[str, object]:
    report = issued.frozen_report(row)
    return {
        "id": row.id, "org_id": row.org_id, "org_name": row.organisation.name,
        "period": snapshot.period_dict(report.period), "kinds": list(row.kinds),
        "reference": row.reference, "note": row.note, "issued_at": row.issued_at,
        "issued_by": row.issued_by.full_name if row.issued_by else None,
    }


@bp.get("/issued-reports")
def list_issued_reports() -> Response:
    query = query_args(st.IssuedQuery)
    rows = issued.list_issued(current_actor(), query.org)
    return respond(st.IssuedListOut(items=[st.IssuedSummaryOut.model_validate(_summary(r))
                                           for r in rows]))


def _full(row: IssuedReport) -> st.IssuedOut:
    _current, changes = issued.changes_since(current_actor(), row, local_today())
    return st.IssuedOut.model_validate({
        **_summary(row), "figures": row.figures, "report": row.snapshot,
        "changes_since": [{"key": c.key, "label": " — ".join(x for x in (c.section, c.row,
                                                                          c.column) if x),
                           "frozen": c.frozen, "now": c.now} for c in changes],
    })


@bp.get("/issued-reports/<int:issued_id>")
def get_issued_report(issued_id: int) -> Response:
    return respond(_full(issued.get_issued(current_actor(), issued_id)))


@bp.post("/issued-reports")
def issue_report() -> Response:
    body = json_body(st.IssueIn)
    today = local_today()
    actor = current_actor()
    filters = parse_filter(actor, today, period=body.period,
                           start=body.start.isoformat() if body.start else None,
                           end=body.end.isoformat() if body.end else None,
                           org=body.org, kinds=body.kinds)
    row = issued.issue_report(actor, filters, reference=body.reference, note=body.note,
                              today=today)
    db.session.commit()
    response = respond(_full(row), 201)
    response.headers["Location"] = url_for("api.get_issued_report", issued_id=row.id)
    return response
