"""The case list as CSV or XLSX: the same filters and scope as the page.

CSV is UTF-8 with a byte-order mark, so Excel shows Vietnamese correctly, and
a cell that a spreadsheet would read as a formula is prefixed with an
apostrophe. XLSX is written by openpyxl in write-only mode (rows streamed,
never a whole sheet in memory); such a cell is stored as text with Excel's
"quote prefix", so it is shown, never evaluated; dates are real dates shown
dd/mm/yyyy. Neither carries anything but the columns below: no summary, no
event data, so never a denouncer's identity.

Rows come in batches: ``sorted_batches`` keeps the list's sort for a direct
download (at most ``limit`` rows); ``id_batches`` walks the case ids upwards
(keyset, never OFFSET) for background jobs of any length.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import queries
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.service import definition_of
from hgkiemtra.core.db import db
from hgkiemtra.web.i18n import show_date, show_datetime, translate
from workflows.engine import PHASE_LABELS_VI, Phase

ROW_LIMIT = 20_000
BATCH = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
XLSX_DATE = "DD/MM/YYYY"
XLSX_DATETIME = "DD/MM/YYYY HH:MM"
COLUMN_WIDTHS = (16, 30, 50, 30, 30, 14, 40, 12, 12, 12, 9, 17)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Progress = Callable[[int], None]  # told the number of rows written so far


@dataclass(frozen=True)
class ExportRow:
    case: Case
    due_on: date | None
    is_overdue: bool


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def headers() -> list[str]:
    return [
        _("Số hồ sơ"), _("Loại hồ sơ"), _("Tiêu đề"), _("Đối tượng"), _("Tổ chức"),
        _("Giai đoạn"), _("Bước"), _("Ngày lập"), _("Ngày kết thúc"), _("Hạn gần nhất"),
        _("Quá hạn"), _("Cập nhật lúc"),
    ]


# --- rows --------------------------------------------------------------------------------


def count_cases(actor: Actor, filters: queries.CaseFilter, today: date) -> int:
    query = queries.case_query(actor, filters, today).order_by(None)
    return int(db.session.execute(
        sa.select(sa.func.count()).select_from(query.subquery())
    ).scalar_one())


def sorted_batches(
    actor: Actor, filters: queries.CaseFilter, today: date, limit: int = ROW_LIMIT
) -> Iterator[list[ExportRow]]:
    """The list in its own order, in one batch (a direct download is small)."""
    found = list(db.session.execute(
        queries.case_query(actor, filters, today).limit(limit)
    ).scalars().unique())
    yield _with_deadlines(found, today)


def id_batches(
    actor: Actor, filters: queries.CaseFilter, today: date, batch: int | None = None,
    after_id: int = 0, between_batches: Callable[[], None] | None = None,
) -> Iterator[list[ExportRow]]:
    """Every matching case by id, ``batch`` (default BATCH) at a time (keyset: ``id > last``)."""
    batch = batch or BATCH
    base = queries.case_query(actor, filters, today).order_by(None)
    last = after_id
    while True:
        found = list(db.session.execute(
            base.where(Case.id > last).order_by(Case.id).limit(batch)
        ).scalars().unique())
        if not found:
            return
        last = found[-1].id
        yield _with_deadlines(found, today)
        if between_batches is not None:
            between_batches()


def _with_deadlines(found: list[Case], today: date) -> list[ExportRow]:
    ids = [c.id for c in found]
    late, upcoming = queries.overdue_ids(ids, today), queries.next_deadlines(ids)
    return [
        ExportRow(c, upcoming[c.id].due_on if c.id in upcoming else None, c.id in late)
        for c in found
    ]


def _values(row: ExportRow) -> list[object]:
    """Typed values: dates stay dates, the rest is text (labels translated)."""
    case = row.case
    definition = definition_of(case)
    return [
        case.reference,
        translate(definition.title),
        case.title,
        case.subject_name,
        case.organisation.name,
        translate(PHASE_LABELS_VI[Phase(case.phase)]),
        translate(definition.state(case.state).label),
        case.opened_on,
        case.closed_on,
        row.due_on,
        _("Có") if row.is_overdue else _("Không"),
        case.updated_at,
    ]


# --- CSV ---------------------------------------------------------------------------------


def write_csv(batches: Iterable[list[ExportRow]], out: IO[str],
              progress: Progress | None = None) -> int:
    """Write the rows as CSV (BOM first); returns the number of rows."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(headers())
    done = 0
    for batch in batches:
        writer.writerows([[safe_cell(_csv_text(v)) for v in _values(r)] for r in batch])
        done += len(batch)
        if progress is not None:
            progress(done)
    return done


def _csv_text(value: object) -> object:
    if isinstance(value, datetime):
        return show_datetime(value)
    if isinstance(value, date):
        return show_date(value)
    return value


def cases_csv(actor: Actor, filters: queries.CaseFilter, today: date,
              limit: int = ROW_LIMIT) -> str:
    out = io.StringIO()
    write_csv(sorted_batches(actor, filters, today, limit), out)
    return out.getvalue()


# --- XLSX --------------------------------------------------------------------------------


def write_xlsx(batches: Iterable[list[ExportRow]], out: IO[bytes] | str,
               progress: Progress | None = None) -> int:
    """Write the rows as one XLSX sheet, streamed; returns the number of rows."""
    book = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = book.create_sheet(_("Hồ sơ"))
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_header_cell(sheet, h, bold) for h in headers()])
    done = 0
    for batch in batches:
        for row in batch:
            sheet.append([xlsx_cell(sheet, v) for v in _values(row)])
        done += len(batch)
        if progress is not None:
            progress(done)
    book.save(out)
    return done


def _header_cell(sheet: WriteOnlyWorksheet, text: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = font
    return cell


def xlsx_cell(sheet: WriteOnlyWorksheet, value: object) -> Any:
    """One typed cell: local date-times without a zone, dates as dates, text as text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.astimezone(LOCAL_TZ).replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE
        return cell
    if isinstance(value, int | float):
        return value
    text = str(value)
    cell = WriteOnlyCell(sheet, value=text)
    if text.startswith(FORMULA_START):
        # openpyxl reads a leading '=' as a formula: force text, and the quote
        # prefix keeps Excel from turning it into one when the cell is edited.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def cases_xlsx(actor: Actor, filters: queries.CaseFilter, today: date,
               limit: int = ROW_LIMIT) -> bytes:
    out = io.BytesIO()
    write_xlsx(sorted_batches(actor, filters, today, limit), out)
    return out.getvalue()
