"""The case dossier as a PDF (fpdf2, with the vendored DejaVu Sans for Vietnamese)."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from hgkiemtra.reports.dossier import DEADLINE_STATUS_LABELS, Dossier
from hgkiemtra.web.i18n import show_date, show_datetime, translate

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONT = "DejaVu"


class _Pdf(FPDF):
    reference = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 6, f"{self.reference} — {_('Trang')} {self.page_no()}/{{nb}}", align="C")


def dossier_pdf(d: Dossier) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.reference = d.case.reference
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{d.case.reference} — {d.case.title}")
    pdf.set_subject(d.case.reference)  # plain text in the file: findable without a PDF reader
    pdf.set_author(_("Ủy ban Kiểm tra"))
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    _heading(pdf, d)
    _subject(pdf, d)
    _facts(pdf, d)
    _team_and_deadlines(pdf, d)
    _timeline(pdf, d)
    _documents(pdf, d)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, *, bold: bool = False, size: float = 10) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _title(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    _line(pdf, text, bold=True, size=12)
    pdf.ln(1)


def _pair(pdf: FPDF, label: str, value: str) -> None:
    _line(pdf, f"{label}: {value}")


def _heading(pdf: FPDF, d: Dossier) -> None:
    _line(pdf, _("HỒ SƠ VỤ VIỆC"), bold=True, size=15)
    _line(pdf, f"{d.case.reference} — {d.case.title}", bold=True, size=12)
    _pair(pdf, _("Loại hồ sơ"), translate(d.definition.title))
    _pair(pdf, _("Tổ chức quản lý hồ sơ"), d.case.organisation.name)
    _pair(pdf, _("Giai đoạn, bước hiện tại"),
          f"{translate(d.phase_label)} — {translate(d.state_label)}")
    _pair(pdf, _("Ngày lập"), show_date(d.case.opened_on))
    if d.case.closed_on:
        _pair(pdf, _("Ngày kết thúc"), show_date(d.case.closed_on))
    _pair(pdf, _("In lúc"), show_datetime(d.generated_at))


def _subject(pdf: FPDF, d: Dossier) -> None:
    _title(pdf, _("Đối tượng"))
    _pair(pdf, translate(d.subject_kind), d.subject_name)
    if d.subject_org:
        _pair(pdf, _("Thuộc"), d.subject_org)
    if d.denouncer_pseudonym:
        _pair(pdf, _("Người tố cáo (bí danh)"), d.denouncer_pseudonym)
    if d.case.summary:
        _pair(pdf, _("Tóm tắt"), d.case.summary)


def _facts(pdf: FPDF, d: Dossier) -> None:
    if not d.facts:
        return
    _title(pdf, _("Các nội dung đã ghi nhận"))
    for fact in d.facts:
        value = translate(fact.value) if fact.kind == "choice" else fact.value
        _pair(pdf, translate(fact.label), value)


def _team_and_deadlines(pdf: FPDF, d: Dossier) -> None:
    _title(pdf, _("Đoàn, tổ kiểm tra"))
    for line in d.team or ():
        _line(pdf, f"• {line.name} — {translate(line.role)}")
    if not d.team:
        _line(pdf, _("Chưa phân công"))
    _title(pdf, _("Thời hạn"))
    for c in d.deadlines:
        _line(pdf, f"• {translate(c.deadline.label)}: {show_date(c.deadline.due_on)} — "
                   f"{translate(DEADLINE_STATUS_LABELS[c.status])}")
    if not d.deadlines:
        _line(pdf, _("Không có thời hạn"))


def _timeline(pdf: FPDF, d: Dossier) -> None:
    _title(pdf, _("Nhật ký hồ sơ (chuỗi băm)"))
    if d.chain_problem is None:
        _line(pdf, _("Chuỗi băm toàn vẹn: đã kiểm tra lại mọi sự kiện."))
    else:
        _line(pdf, _("CẢNH BÁO: chuỗi băm bị phá vỡ") + f" — {d.chain_problem.reason}", bold=True)
    for item in d.timeline:
        e = item.event
        move = f"{translate(item.from_label)} → {translate(item.to_label)}" \
            if item.from_label else translate(item.to_label)
        _line(pdf, f"{e.seq}. {show_datetime(e.occurred_at)} — {translate(item.label)}",
              bold=True, size=9.5)
        _line(pdf, f"{item.actor_name} · {move}", size=9)
        if e.note:
            _line(pdf, f"{_('Ghi chú')}: {e.note}", size=9)
        for fact in item.facts:
            value = translate(fact.value) if fact.kind == "choice" else fact.value
            _line(pdf, f"{translate(fact.label)}: {value}", size=9)
        _line(pdf, f"SHA-256: {e.hash}", size=7)


def _documents(pdf: FPDF, d: Dossier) -> None:
    _title(pdf, _("Tài liệu"))
    for line in d.documents:
        doc = line.document
        _line(pdf, f"• {doc.filename} ({doc.doc_type}, {doc.size} B) — "
                   f"{show_datetime(doc.uploaded_at)} {line.uploader}", size=9)
        _line(pdf, f"SHA-256: {doc.sha256}", size=7)
    if not d.documents:
        _line(pdf, _("Chưa có tài liệu"))
    if d.links:
        _title(pdf, _("Hồ sơ liên kết"))
        for link in d.links:
            _line(pdf, f"• {link.reference} — {link.title} ({link.kind})", size=9)
