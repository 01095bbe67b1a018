"""Laying the measured counts out as the report's sections (domain.md §7).

Each builder reads the grouped counts of the period and of the previous one
and returns a ``Section`` whose rows carry both. The ``definition`` of every
section is the "cách tính" shown beside it: it says exactly which cases and
which recorded step each figure counts.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from hgkiemtra.reports.figures import Column, Figure, Number, Row, Section
from hgkiemtra.reports.measures import EventKey, Measures
from workflows import discipline, registry
from workflows.engine import PHASE_LABELS_VI, Phase

# Outcomes recorded with a conclusion that mean a violation was found, and of
# those the ones warranting discipline (keys of the inspection definitions).
VIOLATION_OUTCOMES = frozenset({"violation_no_discipline", "discipline_warranted", "dishonest"})
DISCIPLINE_OUTCOMES = frozenset({"discipline_warranted", "dishonest"})
# The combined track ends with one of these instead of a separate conclusion.
COMBINED_CLOSINGS = frozenset({"decide_discipline", "propose_discipline", "no_discipline"})
DENUNCIATION_OUTCOMES = ("correct", "partly_correct", "incorrect", "false_accusation")
RULINGS = ("uphold", "change", "annul")
ORG_LEVELS = ("cell", "grassroots", "district", "province")



def by_subject() -> tuple[Column, ...]:
    return (Column("member", _("Đảng viên")), Column("organisation", _("Tổ chức đảng")),
            Column("total", _("Tổng")))


def total_only() -> tuple[Column, ...]:
    return (Column("total", _("Tổng")),)


Predicate = Callable[[EventKey], bool]


def _column_filter(column: str) -> Callable[[str], bool]:
    return lambda subject_type: column == "total" or subject_type == column


def count_events(m: Measures, column: str, keep: Predicate) -> int:
    fits = _column_filter(column)
    return sum(n for k, (n, _) in m.events.items() if fits(k.subject_type) and keep(k))


def sum_amounts(m: Measures, keep: Predicate) -> int:
    return sum(amount for k, (_, amount) in m.events.items() if keep(k))


def count_received(m: Measures, column: str, kind: str) -> int:
    fits = _column_filter(column)
    return sum(n for (k, subject_type), n in m.received.items() if k == kind and fits(subject_type))


class Builder:
    """Rows of one section from the current and previous measures."""

    def __init__(self, key: str, columns: tuple[Column, ...], now: Measures, before: Measures):
        self.key, self.columns, self.now, self.before = key, columns, now, before
        self.rows: list[Row] = []

    def row(self, key: str, label: str, value: Callable[[Measures, str], Number | None],
            unit: str = "count", is_total: bool = False) -> None:
        figures = tuple(
            Figure(f"{self.key}.{key}.{c.key}", value(self.now, c.key), value(self.before, c.key),
                   unit)
            for c in self.columns
        )
        self.rows.append(Row(key, label, figures, is_total))

    def events_row(self, key: str, label: str, keep: Predicate) -> None:
        self.row(key, label, lambda m, col: count_events(m, col, keep))

    def section(self, title: str, definition: str, chart_column: str | None = "total") -> Section:
        return Section(self.key, title, definition, self.columns, tuple(self.rows), chart_column)


def _is_conclusion(k: EventKey) -> bool:
    return k.event == "conclude" or (k.combined and k.event in COMBINED_CLOSINGS)


def _found(outcomes: frozenset[str]) -> Predicate:
    return lambda k: _is_conclusion(k) and (k.combined or (k.detail or "") in outcomes)


def coverage(now: Measures, before: Measures) -> Section:
    columns = (Column("cells", _("Cấp ủy, chi bộ")),
               Column("committee", _("Ủy ban kiểm tra")), Column("total", _("Tổng")))
    b = Builder("coverage", columns, now, before)
    for key, label in (("inspected.members", _("Đảng viên được kiểm tra")),
                       ("inspected.organisations", _("Tổ chức đảng được kiểm tra")),
                       ("supervised.members", _("Đảng viên được giám sát")),
                       ("supervised.organisations", _("Tổ chức đảng được giám sát"))):
        b.row(key.replace(".", "_"), str(label),
              lambda m, col, key=key: m.subjects.get(f"{key}.{col}", 0))
    return b.section(
        _("Kiểm tra, giám sát đảng viên và tổ chức đảng"),
        _("Đếm không trùng đối tượng của các cuộc kiểm tra (khi có dấu hiệu vi phạm, "
               "thực hiện nhiệm vụ kiểm tra, tài chính, kê khai tài sản) và giám sát có quyết "
               "định ban hành trong kỳ. Hồ sơ do chi bộ quản lý được tính là của cấp ủy, chi "
               "bộ; hồ sơ của các cấp khác là của ủy ban kiểm tra cấp đó. Cột tổng đếm không "
               "trùng nên có thể nhỏ hơn tổng hai cột."))


def inspection(key: str, kind: str, title: str, columns: tuple[Column, ...], now: Measures,
               before: Measures, *, amounts: bool = False) -> Section:
    b = Builder(key, columns, now, before)
    of_kind: Callable[[Predicate], Predicate] = lambda p: lambda k: k.kind == kind and p(k)  # noqa: E731
    b.events_row("conducted", _("Số cuộc đã quyết định tiến hành"),
                 of_kind(lambda k: k.event == "decide"))
    b.events_row("concluded", _("Số cuộc đã kết luận"), of_kind(_is_conclusion))
    b.events_row("violation", _("— trong đó có vi phạm"),
                 of_kind(_found(VIOLATION_OUTCOMES)))
    b.events_row("discipline", _("— trong đó phải xem xét kỷ luật"),
                 of_kind(_found(DISCIPLINE_OUTCOMES)))
    if amounts:
        b.row("amount", _("Số tiền kiến nghị thu hồi (đồng)"),
              lambda m, col: sum_amounts(m, of_kind(lambda k: k.event == "conclude")), "vnd")
    return b.section(title, _(
        "Tiến hành: quyết định kiểm tra ban hành trong kỳ. Kết luận: thông báo kết luận trong "
        "kỳ (hoặc quyết định cuối của quy trình kép). Có vi phạm: kết quả “vi phạm chưa đến "
        "mức kỷ luật”, “phải xem xét kỷ luật” (kê khai tài sản: “không trung thực”), hoặc "
        "quy trình kép. Số tiền: tổng số tiền kiến nghị thu hồi ghi trong các kết luận trong "
        "kỳ."), "total")


def lower_work(now: Measures, before: Measures) -> Section:
    b = Builder("lower_work", total_only(), now, before)
    of_kind: Callable[[Predicate], Predicate] = (  # noqa: E731
        lambda p: lambda k: k.kind == "inspection_lower_work" and p(k))
    b.events_row("conducted", _("Số cuộc đã quyết định tiến hành"),
                 of_kind(lambda k: k.event == "decide"))
    b.events_row("concluded", _("Số cuộc đã kết luận"), of_kind(_is_conclusion))
    b.events_row("shortcomings", _("— trong đó có hạn chế, khuyết điểm"),
                 of_kind(lambda k: k.event == "conclude" and k.detail == "shortcomings"))
    b.events_row("signs", _("— trong đó có dấu hiệu vi phạm, đề nghị kiểm tra"),
                 of_kind(lambda k: k.event == "conclude" and k.detail == "signs_of_violation"))
    return b.section(_("Kiểm tra thực hiện nhiệm vụ kiểm tra, giám sát, thi hành kỷ luật"),
                     _("Theo ngày quyết định kiểm tra và ngày thông báo kết luận trong "
                            "kỳ; kết quả theo kết luận đã ghi."))


def denunciations(now: Measures, before: Measures) -> Section:
    b = Builder("denunciations", by_subject(), now, before)
    b.row("received", _("Đơn tố cáo nhận trong kỳ"),
          lambda m, col: count_received(m, col, "denunciation"))
    of_kind: Callable[[Predicate], Predicate] = (  # noqa: E731
        lambda p: lambda k: k.kind == "denunciation" and p(k))
    for event, label in (("reject", _("Không giải quyết, lưu đơn")),
                         ("forward", _("Chuyển cấp có thẩm quyền")),
                         ("keep_as_information", _("Lưu làm thông tin (đơn giấu tên, mạo tên)")),
                         ("accept", _("Thụ lý giải quyết"))):
        b.events_row(event, str(label), of_kind(lambda k, e=event: k.event == e))
    b.events_row("handled", _("Đã giải quyết (có kết luận)"),
                 of_kind(lambda k: k.event == "conclude"))
    for outcome, label in (("correct", _("— tố cáo đúng")),
                           ("partly_correct", _("— tố cáo đúng một phần")),
                           ("incorrect", _("— tố cáo sai")),
                           ("false_accusation", _("— tố cáo sai, có dấu hiệu vu cáo"))):
        b.events_row(outcome, str(label),
                     of_kind(lambda k, o=outcome: k.event == "conclude" and k.detail == o))
    b.events_row("withdrawn", _("Người tố cáo rút đơn"),
                 of_kind(lambda k: k.event == "withdraw"))
    return b.section(_("Giải quyết tố cáo"), _(
        "Nhận: hồ sơ tố cáo lập trong kỳ. Các dòng khác: bước tương ứng ghi nhận trong kỳ "
        "(phân loại, thụ lý, kết luận). Cột đảng viên, tổ chức đảng theo người bị tố cáo. "
        "Không có thông tin nào về người tố cáo."))


def complaints(now: Measures, before: Measures) -> Section:
    b = Builder("complaints", by_subject(), now, before)
    b.row("received", _("Đơn khiếu nại kỷ luật nhận trong kỳ"),
          lambda m, col: count_received(m, col, "discipline_complaint"))
    of_kind: Callable[[Predicate], Predicate] = (  # noqa: E731
        lambda p: lambda k: k.kind == "discipline_complaint" and p(k))
    b.events_row("not_accepted", _("Không thụ lý"), of_kind(lambda k: k.event == "reject"))
    b.events_row("accepted", _("Thụ lý giải quyết"), of_kind(lambda k: k.event == "accept"))
    b.events_row("ruled", _("Đã giải quyết (có quyết định)"),
                 of_kind(lambda k: k.event == "rule"))
    for ruling, label in (("uphold", _("— giữ nguyên hình thức kỷ luật")),
                          ("change", _("— thay đổi hình thức kỷ luật")),
                          ("annul", _("— xóa bỏ quyết định kỷ luật"))):
        b.events_row(ruling, str(label),
                     of_kind(lambda k, r=ruling: k.event == "rule" and k.detail == r))
    b.events_row("escalated", _("Chuyển cấp trên"), of_kind(lambda k: k.event == "escalate"))
    return b.section(_("Giải quyết khiếu nại kỷ luật"), _(
        "Nhận: hồ sơ khiếu nại lập trong kỳ. Các dòng khác: bước ghi nhận trong kỳ. Cột theo "
        "người (tổ chức) khiếu nại."))


def _is_decision(k: EventKey) -> bool:
    return (k.kind == "discipline" and k.event == "decide") or k.event == "decide_discipline"


def discipline_by_form(now: Measures, before: Measures) -> Section:
    b = Builder("discipline_form", by_subject(), now, before)
    for form in discipline.SEVERITY_ORDER:
        b.events_row(form, _(discipline.FORM_LABELS_VI[form]),
                     lambda k, f=form: _is_decision(k) and k.detail == f)
    b.events_row("all", _("Tổng số"), _is_decision)
    b.rows[-1] = Row(b.rows[-1].key, b.rows[-1].label, b.rows[-1].figures, is_total=True)
    return b.section(_("Kỷ luật theo hình thức"), _(
        "Quyết định kỷ luật ban hành trong kỳ: bước “Ban hành quyết định kỷ luật” của hồ sơ "
        "thi hành kỷ luật và bước “Quyết định kỷ luật” trong các cuộc kiểm tra; hình thức ghi "
        "trong quyết định."))


def discipline_by_level(now: Measures, before: Measures) -> Section:
    b = Builder("discipline_level", by_subject(), now, before)
    labels = {"province": _("Cấp tỉnh"), "district": _("Cấp huyện"), "grassroots": _("Cấp cơ sở"),
              "cell": _("Chi bộ")}
    for level in reversed(ORG_LEVELS):
        b.events_row(level, labels[level],
                     lambda k, lv=level: _is_decision(k) and k.level == lv)
    return b.section(_("Kỷ luật theo cấp quyết định"), _(
        "Cùng các quyết định như bảng trên, theo cấp của cơ quan quyết định: cấp ghi khi "
        "biểu quyết (hồ sơ thi hành kỷ luật), hoặc cấp của tổ chức đảng có ủy ban kiểm tra "
        "tiến hành cuộc kiểm tra."))


def timeliness(now: Measures, before: Measures, kinds: tuple[str, ...]) -> Section:
    columns = (Column("due", _("Thời hạn đến hạn")), Column("late", _("Trễ hạn")),
               Column("rate", _("Tỷ lệ trễ hạn (%)")))
    b = Builder("timeliness", columns, now, before)

    def value(kind: str | None) -> Callable[[Measures, str], Number | None]:
        def read(m: Measures, col: str) -> Number | None:
            pairs = [v for k, v in m.deadlines.items() if kind is None or k == kind]
            due, late = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
            if col == "rate":
                return round(100 * late / due, 1) if due else None
            return due if col == "due" else late
        return read

    for kind in kinds:
        b.row(kind, _(registry.for_kind(kind).title), value(kind))
    b.row("all", _("Tất cả"), value(None), is_total=True)
    return b.section(_("Tỷ lệ trễ hạn"), _(
        "Các thời hạn có ngày đến hạn trong kỳ và trước hôm nay (không tính thời hạn đã hủy). "
        "Trễ hạn: còn mở và không tạm dừng, hoặc đã hoàn thành sau ngày đến hạn (giờ Việt Nam). "
        "Tỷ lệ = trễ hạn / đến hạn."), "rate")


def phase_times(now: Measures, before: Measures) -> Section:
    columns = (Column("median_days", _("Trung vị (ngày)")),
               Column("cases", _("Số hồ sơ")))
    b = Builder("phase_time", columns, now, before)
    for phase in (p for p in Phase if p is not Phase.CLOSED):
        def read(m: Measures, col: str, phase: str = phase.value) -> Number | None:
            median, n = m.phases.get(phase, (None, 0))
            if col == "cases":
                return n
            return round(median, 1) if median is not None else None
        b.row(phase.value, _(PHASE_LABELS_VI[phase]), read)
    rows = [Row(r.key, r.label, tuple(
        Figure(f.key, f.value, f.previous, "days" if f.key.endswith("median_days") else "count")
        for f in r.figures)) for r in b.rows]
    b.rows = rows
    return b.section(_("Thời gian trung vị mỗi giai đoạn"), _(
        "Với mỗi hồ sơ đã rời hẳn một giai đoạn trong kỳ (lần rời cuối cùng nằm trong kỳ): "
        "tổng số ngày hồ sơ ở giai đoạn đó, tính từ nhật ký sự kiện; rồi lấy trung vị."),
        "median_days")
