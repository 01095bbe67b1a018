"""GET /api/v1/risk: the risk ranking with every signal's value, points and explanation."""

from __future__ import annotations

from dataclasses import asdict

from flask import Response

from hgkiemtra.api import bp, serialize
from hgkiemtra.api.auth import current_actor
from hgkiemtra.api.parsing import per_page_max, query_args
from hgkiemtra.api.risk_schemas import RiskItemOut, RiskOrgOut, RiskPage, RiskQuery, RiskSignalOut
from hgkiemtra.api.serialize import respond
from hgkiemtra.cases.service import local_today
from hgkiemtra.reports import risk, risk_text
from hgkiemtra.reports.reading import mark_source, read_report
from hgkiemtra.reports.risk_views import plan_url


@bp.get("/risk")
def risk_ranking() -> Response:
    query = query_args(RiskQuery, per_page_max=per_page_max())
    result, replica = read_report(lambda: risk.rank(
        current_actor(), local_today(), level=query.level, org_id=query.org_id,
        years=query.years))
    first = (query.page - 1) * query.per_page
    shown = result.rows[first:first + query.per_page]
    return mark_source(respond(RiskPage(
        level=query.level, years=result.years, window_start=result.window_start,
        weights=asdict(result.weights),
        items=[_item(first + i + 1, row) for i, row in enumerate(shown)],
        **serialize.page_numbers(query.page, query.per_page, len(result.rows)),
    )), replica)


def _item(rank: int, row: risk.RiskRow) -> RiskItemOut:
    return RiskItemOut(
        rank=rank,
        org=RiskOrgOut(id=row.org.id, name=row.org.name, level=row.org.level),
        score=row.score,
        signals=[RiskSignalOut(key=s.key, label=str(risk_text.SIGNAL_LABELS[s.key]), raw=s.raw,
                               points=s.points, explanation=risk_text.explain(s))
                 for s in row.signals],
        plan_url=plan_url(row),
    )
