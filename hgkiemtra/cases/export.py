"""The case list as CSV: the same filters and scope as the page, every row.

UTF-8 with a byte-order mark, so Excel shows Vietnamese correctly. Cells
that a spreadsheet would read as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import gettext as _

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import queries
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.service import definition_of
from hgkiemtra.core.db import db
from hgkiemtra.web.i18n import show_date, show_datetime, translate
from workflows.engine import PHASE_LABELS_VI, Phase

ROW_LIMIT = 20_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def headers() -> list[str]:
    return [
        _("Số hồ sơ"), _("Loại hồ sơ"), _("Tiêu đề"), _("Đối tượng"), _("Tổ chức"),
        _("Giai đoạn"), _("Bước"), _("Ngày lập"), _("Ngày kết thúc"), _("Hạn gần nhất"),
        _("Quá hạn"), _("Cập nhật lúc"),
    ]


def cases_csv(actor: Actor, filters: queries.CaseFilter, today: date) -> str:
    found = list(db.session.execute(
        queries.case_query(actor, filters, today).limit(ROW_LIMIT)
    ).scalars())
    ids = [c.id for c in found]
    late, upcoming = queries.overdue_ids(ids, today), queries.next_deadlines(ids)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(headers())
    for case in found:
        due = upcoming.get(case.id)
        writer.writerow([safe_cell(v) for v in _row(case, due.due_on if due else None,
                                                    case.id in late)])
    return out.getvalue()


def _row(case: Case, due_on: date | None, is_overdue: bool) -> list[object]:
    definition = definition_of(case)
    return [
        case.reference,
        translate(definition.title),
        case.title,
        case.subject_name,
        case.organisation.name,
        translate(PHASE_LABELS_VI[Phase(case.phase)]),
        translate(definition.state(case.state).label),
        show_date(case.opened_on),
        show_date(case.closed_on),
        show_date(due_on),
        _("Có") if is_overdue else _("Không"),
        show_datetime(case.updated_at),
    ]
