"""The statistics page, its XLSX and CSV exports, and issued reports.

Thin handlers: read the filters, call the report service, render. Issuing is
the one write: a CSRF form, one service call, one commit.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from hgkiemtra.cases.service import local_today
from hgkiemtra.cases.views.common import kind_choices, org_choices
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import ValidationFailed
from hgkiemtra.extensions import login_manager
from hgkiemtra.reports import charts, exports, issued
from hgkiemtra.reports.figures import Figure, Number, Report
from hgkiemtra.reports.forms import IssueForm
from hgkiemtra.reports.periods import current_quarter
from hgkiemtra.reports.reading import read_report
from hgkiemtra.reports.statistics import StatisticsFilter, build_report, parse_filter
from hgkiemtra.reports.statistics import kind_title as statistics_kind_title
from hgkiemtra.web.i18n import translate
from hgkiemtra.web.login import current_actor

bp = Blueprint("reports", __name__, template_folder=str(Path(__file__).parent / "templates"))
FILTER_ARGS = ("period", "start", "end", "org")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
def _require_login() -> BaseResponse | None:
    if not current_user.is_authenticated:
        response: BaseResponse = login_manager.unauthorized()
        return response
    return None


def filter_args() -> dict[str, Any]:
    args: dict[str, Any] = {k: request.args[k] for k in FILTER_ARGS if request.args.get(k)}
    kinds = [k for k in request.args.getlist("kind") if k]
    if kinds:
        args["kind"] = kinds
    return args


def read_filters(today: date) -> StatisticsFilter:
    args = filter_args()
    return parse_filter(current_actor(), today, period=args.get("period"),
                        start=args.get("start"), end=args.get("end"), org=args.get("org"),
                        kinds=args.get("kind", ()))


def period_choices(today: date) -> list[tuple[str, str]]:
    """The last eight quarters and five years, newest first, then a custom range."""
    found, p = [], current_quarter(today)
    for _n in range(8):
        found.append((p.code, _("Quý %(q)s/%(y)d", q=p.code[-1], y=p.start.year)))
        p = p.previous()
    found += [(str(y), _("Năm %(y)d", y=y)) for y in range(today.year, today.year - 5, -1)]
    return [*found, ("custom", _("Tùy chọn (từ ngày … đến ngày)"))]


def chart_for(report: Report, index: int) -> Any:
    section = report.sections[index]
    return charts.bar_chart(section, title=section.title, now_label=_("Kỳ này"),
                            before_label=_("Kỳ trước"), table_id=f"t-{section.key}")


def _page_context(today: date) -> dict[str, Any]:
    actor = current_actor()
    return {"period_choices": period_choices(today), "org_choices": org_choices(actor),
            "kind_choices": kind_choices(), "args": filter_args(), "chart_for": chart_for}


@bp.get("/reports/statistics")
def statistics() -> tuple[str, int]:
    today = local_today()
    context = _page_context(today)
    try:
        filters = read_filters(today)
    except ValidationFailed as exc:
        return render_template("reports/statistics.html", report=None, error=exc.message,
                               **context), 400
    report, replica = read_report(lambda: build_report(current_actor(), filters, today))
    args = context["args"]
    org = issued.issuing_org(current_actor(), filters) if _has_single_org(filters) else None
    may_issue = org is not None and issued.can_issue(current_actor(), org) \
        and filters.period.last_day < today
    return render_template(
        "reports/statistics.html", report=report, error=None,
        xlsx_url=url_for("reports.statistics_xlsx", **args),
        csv_url=url_for("reports.statistics_csv", **args),
        background_url=url_for("exports.start_report_export", **args),
        issue_form=IssueForm(formdata=None) if may_issue else None, issue_org=org,
        issued_list=issued.list_issued(current_actor(), org.id if org else None)[:5],
        replica=replica, **context), 200


def _has_single_org(filters: StatisticsFilter) -> bool:
    return filters.org_id is not None or len(current_actor().scope_paths()) == 1


def _download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/reports/statistics.xlsx")
def statistics_xlsx() -> Response:
    today = local_today()
    filters = read_filters(today)
    report, _replica = read_report(lambda: build_report(current_actor(), filters, today))
    return _xlsx(report, f"thong-ke-{report.period.code}.xlsx")


@bp.get("/reports/statistics.csv")
def statistics_csv() -> Response:
    today = local_today()
    filters = read_filters(today)
    report, _replica = read_report(lambda: build_report(current_actor(), filters, today))
    return _csv(report, f"thong-ke-{report.period.code}.csv")


def _xlsx(report: Report, name: str) -> Response:
    stream = io.BytesIO()
    exports.write_report_xlsx(report, stream)
    return _download(stream.getvalue(), XLSX, name.replace("..", "_"))


def _csv(report: Report, name: str) -> Response:
    stream = io.BytesIO()
    exports.write_report_csv(report, stream)
    return _download(stream.getvalue(), "text/csv", name.replace("..", "_"))


@bp.post("/reports/issued")
def issue() -> BaseResponse | tuple[str, int]:
    today = local_today()
    form = IssueForm()
    filters = read_filters(today)
    if not form.validate():
        flash(_("Hãy ghi số, ký hiệu báo cáo."), "error")
        return redirect(url_for("reports.statistics", **filter_args()))
    try:
        report = issued.issue_report(current_actor(), filters, reference=form.reference.data,
                                     note=form.note.data or "", today=today)
    except ValidationFailed as exc:
        db.session.rollback()
        existing = (exc.details or {}).get("issued_report_id")
        flash(translate(exc.message), "error")  # the session keeps text, not a Msg
        if existing:
            return redirect(url_for("reports.issued_report", issued_id=existing))
        return redirect(url_for("reports.statistics", **filter_args()))
    db.session.commit()
    flash(_("Đã ban hành báo cáo; số liệu đã được cố định."), "success")
    return redirect(url_for("reports.issued_report", issued_id=report.id))


@bp.get("/reports/issued")
def issued_list() -> str:
    return render_template("reports/issued_list.html",
                           reports=issued.list_issued(current_actor()))


@bp.get("/reports/issued/<int:issued_id>")
def issued_report(issued_id: int) -> str:
    actor = current_actor()
    row = issued.get_issued(actor, issued_id)
    current, changes = issued.changes_since(actor, row, local_today())
    return render_template("reports/issued.html", issued=row, report=issued.frozen_report(row),
                           changes=changes, chart_for=chart_for)


@bp.get("/reports/issued/<int:issued_id>.xlsx")
def issued_xlsx(issued_id: int) -> Response:
    row = issued.get_issued(current_actor(), issued_id)
    return _xlsx(issued.frozen_report(row), f"bao-cao-{issued_id}.xlsx")


@bp.get("/reports/issued/<int:issued_id>.csv")
def issued_csv(issued_id: int) -> Response:
    row = issued.get_issued(current_actor(), issued_id)
    return _csv(issued.frozen_report(row), f"bao-cao-{issued_id}.csv")


@bp.app_template_filter("figure")
def show_figure(value: Number | None, unit: str = "count") -> str:
    if value is None:
        return "—"
    if unit in ("percent", "days"):
        return format_decimal(value, format="#,##0.0")
    return format_decimal(value, format="#,##0")


@bp.app_template_filter("change_class")
def change_class(change: Number | None) -> str:
    if not change:
        return "none"
    return "up" if change > 0 else "down"


@bp.app_template_filter("change_text")
def change_text(fig: Figure) -> str:
    change = fig.change
    if change is None:
        return "—"
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    text = sign + show_figure(abs(change), fig.unit)
    if fig.change_percent is not None and change:
        text += f" ({sign}{format_decimal(abs(fig.change_percent), format='#,##0.#')} %)"
    return text


@bp.app_template_global("kind_title")
def kind_title(kind: str) -> str:
    return statistics_kind_title(kind)


# Imported for their routes on ``bp``.
from hgkiemtra.reports import dossier_views  # noqa: E402, F401
