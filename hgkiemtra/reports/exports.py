"""A statistics report as an XLSX workbook or a CSV file.

``write_report_xlsx(report, stream)`` and ``write_report_csv(report, stream)``
write to a binary stream (an open file, ``io.BytesIO``); the CSV writer also
takes a text stream. ``report_from_params(actor, params, today)`` rebuilds the
report from the query parameters a long export job stored (``period``,
``start``, ``end``, ``org``, ``kind``). Cells a spreadsheet would read as a
formula are prefixed with an apostrophe, as in the case-list export. Reports
hold aggregate figures only: nothing about a denouncer can appear.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.export import safe_cell
from hgkiemtra.reports.figures import Figure, Number, Report, Section, figure_labels
from hgkiemtra.reports.statistics import build_report, parse_filter
from hgkiemtra.web.i18n import show_date, show_datetime

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def report_from_params(actor: Actor, params: dict[str, Any], today: date) -> Report:
    """The report for stored filter parameters; a bad value raises like the page does."""
    kinds = params.get("kind") or ()
    if isinstance(kinds, str):
        kinds = [k for k in kinds.split(",") if k]
    filters = parse_filter(actor, today, period=params.get("period"), start=params.get("start"),
                           end=params.get("end"), org=params.get("org"), kinds=kinds)
    return build_report(actor, filters, today)


def period_label(report: Report) -> str:
    p = report.period
    return f"{show_date(p.start)} – {show_date(p.last_day)}"


def previous_label(report: Report) -> str:
    p = report.previous_period
    return f"{show_date(p.start)} – {show_date(p.last_day)}"


def heading_lines(report: Report) -> list[tuple[str, str]]:
    return [
        (_("Kỳ báo cáo"), f"{report.period.code} ({period_label(report)})"),
        (_("Kỳ trước"), f"{report.previous_period.code} ({previous_label(report)})"),
        (_("Phạm vi"), report.scope.org_name),
        (_("Loại hồ sơ"), ", ".join(report.scope.kinds) or _("Tất cả")),
        (_("Lập lúc"), show_datetime(report.generated_at)),
    ]


def _cell(value: Number | None) -> Number | str:
    return "" if value is None else value


def write_report_xlsx(report: Report, stream: IO[bytes]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Báo cáo")[:31]
    sheet.append([safe_cell(_("Báo cáo thống kê công tác kiểm tra, giám sát, kỷ luật"))])
    sheet["A1"].font = TITLE
    for label, value in heading_lines(report):
        sheet.append([safe_cell(label), safe_cell(value)])
    for section in report.sections:
        _append_section(sheet, section)
    sheet.column_dimensions["A"].width = 52
    for index in range(2, 14):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    _append_flat(book.create_sheet(_("Số liệu")[:31]), report)
    book.save(stream)


def _append_section(sheet: Any, section: Section) -> None:
    sheet.append([])
    sheet.append([safe_cell(section.title)])
    sheet.cell(sheet.max_row, 1).font = BOLD
    header = [_("Chỉ tiêu")]
    for column in section.columns:
        header += [f"{column.label} — {_('kỳ này')}", f"{column.label} — {_('kỳ trước')}"]
    sheet.append([safe_cell(h) for h in header])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True)
    for row in section.rows:
        values: list[Any] = [safe_cell(row.label)]
        for fig in row.figures:
            values += [_cell(fig.value), _cell(fig.previous)]
        sheet.append(values)
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = _number_format(row.figures[0])
    sheet.append([safe_cell(f"{_('Cách tính')}: {section.definition}")])
    sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True)


def _number_format(fig: Figure) -> str:
    return "#,##0" if fig.unit in ("count", "vnd") else "0.0"


def flat_headers() -> list[str]:
    return [_("Mã chỉ tiêu"), _("Mục"), _("Chỉ tiêu"), _("Cột"), _("Kỳ này"), _("Kỳ trước"),
            _("Thay đổi"), _("Đơn vị")]


def flat_rows(report: Report) -> Iterator[list[Any]]:
    labels = figure_labels(report)
    for section in report.sections:
        for row in section.rows:
            for fig in row.figures:
                title, row_label, column = labels[fig.key]
                yield [fig.key, safe_cell(title), safe_cell(row_label), safe_cell(column),
                       _cell(fig.value), _cell(fig.previous), _cell(fig.change), fig.unit]


def _append_flat(sheet: Any, report: Report) -> None:
    sheet.append(flat_headers())
    for cell in sheet[1]:
        cell.font = BOLD
    for values in flat_rows(report):
        sheet.append(values)
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["C"].width = 48


def write_report_csv(report: Report, stream: IO[bytes] | IO[str]) -> None:
    """UTF-8 with a byte-order mark (Excel reads Vietnamese right): the heading
    lines, then one line per figure."""
    text = io.StringIO()
    text.write("\ufeff")
    writer = csv.writer(text)
    for label, value in heading_lines(report):
        writer.writerow([safe_cell(label), safe_cell(value)])
    writer.writerow([])
    writer.writerow(flat_headers())
    for values in flat_rows(report):
        writer.writerow(values)
    if isinstance(stream, io.TextIOBase):
        stream.write(text.getvalue())
    else:
        stream.write(text.getvalue().encode("utf-8"))  # type: ignore[arg-type]
