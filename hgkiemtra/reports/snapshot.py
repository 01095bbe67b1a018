"""A report as plain JSON and back: what an issued report keeps, what the API sends."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hgkiemtra.reports.figures import Column, Figure, Report, Row, Scope, Section, json_number
from hgkiemtra.reports.periods import Period


def period_dict(period: Period) -> dict[str, Any]:
    return {"kind": period.kind, "code": period.code, "start": period.start.isoformat(),
            "end": period.last_day.isoformat()}


def _period(data: dict[str, Any]) -> Period:
    last = date.fromisoformat(data["end"])
    return Period(data["kind"], date.fromisoformat(data["start"]), date.fromordinal(
        last.toordinal() + 1))


def figure_dict(fig: Figure) -> dict[str, Any]:
    return {"key": fig.key, "value": fig.value, "previous": fig.previous, "unit": fig.unit,
            "change": fig.change, "change_percent": fig.change_percent}


def to_dict(report: Report) -> dict[str, Any]:
    return {
        "period": period_dict(report.period),
        "previous_period": period_dict(report.previous_period),
        "scope": {"org_id": report.scope.org_id, "org_name": report.scope.org_name,
                  "kinds": list(report.scope.kinds)},
        "generated_at": report.generated_at.isoformat(),
        "as_of": report.as_of.isoformat(),
        "sections": [
            {"key": s.key, "title": s.title, "definition": s.definition,
             "chart_column": s.chart_column,
             "columns": [{"key": c.key, "label": c.label} for c in s.columns],
             "rows": [{"key": r.key, "label": r.label, "is_total": r.is_total,
                       "figures": [figure_dict(f) for f in r.figures]} for r in s.rows]}
            for s in report.sections
        ],
    }


def from_dict(data: dict[str, Any]) -> Report:
    sections = tuple(
        Section(
            s["key"], s["title"], s["definition"],
            tuple(Column(c["key"], c["label"]) for c in s["columns"]),
            tuple(Row(r["key"], r["label"], tuple(
                Figure(f["key"], json_number(f["value"]), json_number(f["previous"]), f["unit"])
                for f in r["figures"]), bool(r.get("is_total"))) for r in s["rows"]),
            s.get("chart_column"),
        )
        for s in data["sections"]
    )
    scope = data["scope"]
    return Report(
        period=_period(data["period"]),
        previous_period=_period(data["previous_period"]),
        scope=Scope(scope["org_id"], scope["org_name"], tuple(scope["kinds"])),
        sections=sections,
        generated_at=datetime.fromisoformat(data["generated_at"]),
        as_of=date.fromisoformat(data["as_of"]),
    )
