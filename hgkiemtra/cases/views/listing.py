"""The case list (filters, search, sorting, pages) and its CSV and XLSX exports."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, render_template, request, url_for
from flask_babel import format_date, format_decimal
from flask_login import current_user

from hgkiemtra.cases import export, keyset, queries
from hgkiemtra.cases.forms import CaseFilterForm, fill_filter_choices
from hgkiemtra.cases.keyset import BadCursor, KeysetPage
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.presenters import Countdown, countdown
from hgkiemtra.cases.service import definition_of, local_today
from hgkiemtra.cases.views import bp
from hgkiemtra.cases.views.common import (
    kind_choices,
    org_choices,
    phase_choices,
    state_choices,
    url_with,
)
from hgkiemtra.web.forms import PostOnlyForm
from hgkiemtra.web.login import current_actor

LIST_ARGS = ("q", "kind", "phase", "state", "org_id", "year", "overdue", "mine", "sort")


@dataclass(frozen=True)
class Row:
    case: Case
    state_label: str
    next_deadline: Countdown | None
    is_overdue: bool


@dataclass(frozen=True)
class Pages:
    """Numbered pages (the admin lists; the case list pages by keyset: CasePages)."""

    page: int
    per_page: int
    total: int

    @property
    def count(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_row(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.page * self.per_page)

    def window(self, size: int = 2) -> list[int]:
        """Page numbers around the current one, with the first and the last."""
        near = range(max(1, self.page - size), min(self.count, self.page + size) + 1)
        return sorted({1, self.count, *near})


@dataclass(frozen=True)
class CasePages:
    """Where the page lies in the case list, and the links to its neighbours."""

    first_row: int
    last_row: int
    total: int
    total_exact: bool
    prev_url: str | None
    next_url: str | None

    @classmethod
    def of(cls, found: KeysetPage) -> CasePages:
        def link(cursor: str | None) -> str | None:
            return url_with(cursor=cursor, page=None) if cursor else None

        last = found.first_row + len(found.rows) - 1
        return cls(found.first_row, last, found.total, found.total_exact,
                   link(found.prev_cursor), link(found.next_cursor))

    @property
    def count_limit(self) -> str:
        return str(format_decimal(keyset.COUNT_LIMIT, format="#,##0"))

    @staticmethod
    def show(number: int) -> str:
        return str(format_decimal(number, format="#,##0"))


def filter_form() -> CaseFilterForm:
    actor = current_actor()
    form = CaseFilterForm(request.args)
    fill_filter_choices(form, kind_choices(), phase_choices(), state_choices(),
                        org_choices(actor), queries.opened_years(actor))
    form.validate()
    return form


@bp.get("/cases")
def case_list() -> tuple[str, int]:
    actor = current_actor()
    form = filter_form()
    today = local_today()
    filters = form.to_filter(current_user.id)
    cursor_error = False
    try:
        page = queries.seek_cases(actor, filters, today, request.args.get("cursor") or None,
                                  form.page_size)
    except BadCursor:
        cursor_error = True  # an edited or stale link: show the first page and say so
        page = queries.seek_cases(actor, filters, today, None, form.page_size)
    found, total = page.rows, page.total
    ids = [c.id for c in found]
    late, upcoming = queries.deadline_marks(ids, today)
    rows = [
        Row(
            case=c,
            state_label=definition_of(c).state(c.state).label,
            next_deadline=countdown(upcoming[c.id], today) if c.id in upcoming else None,
            is_overdue=c.id in late,
        )
        for c in found
    ]
    export_args = {k: v for k, v in request.args.items() if k in LIST_ARGS and v}
    page_html = render_template(
        "cases/list.html",
        form=form,
        rows=rows,
        pages=CasePages.of(page),
        cursor_error=cursor_error,
        export_url=url_for("cases.export_csv", **export_args),
        export_xlsx_url=url_for("cases.export_xlsx", **export_args),
        background_url=url_for("exports.start_case_export", **export_args),
        is_export_large=not page.total_exact or total > background_rows(),
        post_form=PostOnlyForm(),
        is_filtered=any(k != "sort" for k in export_args),
    )
    return page_html, 400 if cursor_error else 200


def background_rows() -> int:
    """Longer lists are exported by a background job, not in the request."""
    return int(current_app.config["SETTINGS"].EXPORT_BACKGROUND_ROWS)


def _too_large(total: int) -> str:
    """The page offering a background export when the list is too long to send now."""
    args = {k: v for k, v in request.args.items() if k in LIST_ARGS and v}
    return render_template(
        "exports/too_large.html", total=total, limit=background_rows(),
        background_url=url_for("exports.start_case_export", **args),
        back_url=url_for("cases.case_list", **args), post_form=PostOnlyForm(),
    )


@bp.get("/cases/export.csv")
def export_csv() -> Response:
    """The filtered list (every page) as CSV for Excel: UTF-8 with a BOM."""
    return _direct_export(export.cases_csv, "csv", "text/csv")


@bp.get("/cases/export.xlsx")
def export_xlsx() -> Response:
    """The filtered list (every page) as an Excel workbook, dates as real dates."""
    return _direct_export(export.cases_xlsx, "xlsx", export.XLSX_MIMETYPE)


def _direct_export(write: Callable[..., Any], suffix: str, mimetype: str) -> Response:
    """A list small enough to write now; a larger one is offered as a background job."""
    filters = filter_form().to_filter(current_user.id)
    today = local_today()
    total = export.count_cases(current_actor(), filters, today)
    if total > background_rows():
        return Response(_too_large(total))
    body = write(current_actor(), filters, today, limit=background_rows())
    filename = f"ho-so-{format_date(today, 'yyyyMMdd')}.{suffix}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
