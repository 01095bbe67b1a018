"""Intake rules: which denunciations and complaints are handled, and the congress freeze.

Pure and table-driven (domain.md §2.6, §2.7, §4; addendum rows 1a-1, 1c-5,
1d-1, 1d-2, 1e-1). Each ground carries its citation; grounds and values the
sources do not confirm are marked ``is_confirmed=False`` so the UI shows
them as defaults a committee may correct. Guards built from these rules
read the facts recorded by the screening event (``guards.fact``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from workflows import discipline
from workflows.calendar import Unit, WorkingCalendar
from workflows.discipline import Param
from workflows.engine import DeadlineRule, Guard, GuardContext, GuardResult
from workflows.guards import OK, fact, fact_date, is_yes
from workflows.text import msg


@dataclass(frozen=True)
class Ground:
    """A reason a letter is not handled, with its source."""

    key: str
    label_vi: str
    citation: str
    is_confirmed: bool = True


# --------------------------------------------------------------------------- denunciations

_QD22_ART20 = "QĐ 22 điều 20 (domain.md phụ lục, dòng 1d-1); [S20, S21]"
_QD30_ERA = "hướng dẫn thời QĐ 30 [S20, S21] (domain.md §2.6)"
_QD296_ART19 = ("QĐ 296 điều 19 theo [S4, mục 84–85] (domain.md §2.6; phụ lục dòng 1d-2) — cần "
                "đối chiếu")
_LABELS = {
    "anonymous": "Đơn giấu tên, nặc danh",
    "false_name": "Đơn mạo tên",
    "no_address": "Đơn không rõ địa chỉ người tố cáo",
    "repeat_without_new_evidence": "Tố cáo lại nội dung đã được giải quyết, không có chứng cứ mới",
    "too_vague": "Đơn có tên nhưng nội dung không cụ thể, không có cơ sở thẩm tra, xác minh",
    "collective": "Đơn tập thể có nhiều người ký tên",
}
DENUNCIATION_GROUND_KEYS = tuple(_LABELS)


def _grounds(citations: Mapping[str, tuple[str, bool]]) -> tuple[Ground, ...]:
    return tuple(Ground(k, _LABELS[k], *citations[k]) for k in DENUNCIATION_GROUND_KEYS)


DENUNCIATION_GROUNDS: Mapping[str, tuple[Ground, ...]] = MappingProxyType({
    "qd22": _grounds({
        "anonymous": (_QD22_ART20, True),
        "false_name": (_QD22_ART20, True),
        "no_address": (_QD22_ART20, True),
        "repeat_without_new_evidence": (_QD30_ERA + "; QĐ 22: danh sách trích dẫn bị cắt (dòng "
                                        "1d-1) — chưa xác nhận", False),
        "too_vague": (_QD30_ERA + "; QĐ 22: chưa xác nhận", False),
        "collective": ("[S21] (thời QĐ 30); QĐ 22: chưa xác nhận", False),
    }),
    "qd296": _grounds({
        "anonymous": (_QD296_ART19, False),
        "false_name": (_QD296_ART19, False),
        "no_address": (_QD296_ART19 + "; đơn giải quyết được phải ghi rõ người tố cáo", False),
        "repeat_without_new_evidence": (_QD296_ART19, False),
        "too_vague": (_QD296_ART19 + "; đơn giải quyết được phải có nội dung cụ thể, chứng cứ",
                      False),
        "collective": ("[S21] (thời QĐ 30); QĐ 296: chưa xác nhận", False),
    }),
})
INFORMATION_CITATION = msg(
    "QĐ 296 điều 19 theo [S4, mục 84–85]: đơn giấu tên, mạo tên có nội dung cụ thể được dùng "
    "làm thông tin để kiểm tra khi có dấu hiệu vi phạm (domain.md §2.6, §5) — cần đối chiếu"
)


def denunciation_grounds(ctx: GuardContext, rule_set: str) -> list[Ground]:
    """The not-handled grounds the screening recorded (yes/no facts named by ground key)."""
    return [g for g in DENUNCIATION_GROUNDS[rule_set] if is_yes(ctx, g.key)]


def _cited(label: str, citation: str) -> str:
    return msg("{label} ({citation})", label=label, citation=citation)


def _ground_list(grounds: list[Ground]) -> list[str]:
    return [_cited(g.label_vi, g.citation) for g in grounds]


def denunciation_not_handled(rule_set: str) -> Guard:
    """At least one ground makes the letter one that is not handled as a denunciation."""

    def guard(ctx: GuardContext) -> GuardResult:
        if denunciation_grounds(ctx, rule_set):
            return OK
        return False, msg("Không có căn cứ để không giải quyết: đơn đủ điều kiện xem xét")

    guard.__name__ = f"denunciation_not_handled_{rule_set}"
    return guard


def denunciation_handled(rule_set: str) -> Guard:
    """No ground applies: the letter is handled as a denunciation."""

    def guard(ctx: GuardContext) -> GuardResult:
        grounds = denunciation_grounds(ctx, rule_set)
        if not grounds:
            return OK
        return False, msg("Đơn không được giải quyết như tố cáo: {grounds}",
                          grounds=_ground_list(grounds))

    guard.__name__ = f"denunciation_handled_{rule_set}"
    return guard


def kept_as_information(ctx: GuardContext) -> GuardResult:
    """An anonymous or false-name letter with specific content is kept as information."""
    if (is_yes(ctx, "anonymous") or is_yes(ctx, "false_name")) and is_yes(ctx, "specific_content"):
        return OK
    return False, msg("Chỉ lưu làm thông tin khi đơn giấu tên hoặc mạo tên có nội dung cụ thể "
                      "({citation})", citation=INFORMATION_CITATION)


COMPETENCE_CITATION = msg(
    "Cấp ủy, ban thường vụ, UBKT giải quyết tố cáo đối với tổ chức đảng, đảng viên thuộc diện "
    "cấp mình quản lý; chi bộ đối với đảng viên của chi bộ — QĐ 22 điều 19–21 [S51] "
    "(domain.md §1.2 loại G, §2.6)"
)


def _is_competent(ctx: GuardContext) -> bool:
    managed_by = fact(ctx, "managed_by_level")
    return managed_by is not None and managed_by == ctx.subject_facts.get("owning_org_level")


def competent_for_accused(ctx: GuardContext) -> GuardResult:
    """The owning organisation's level manages the accused."""
    if _is_competent(ctx):
        return OK
    return False, msg("Người bị tố cáo không thuộc diện cấp này quản lý ({citation})",
                      citation=COMPETENCE_CITATION)


def not_competent_for_accused(ctx: GuardContext) -> GuardResult:
    if not _is_competent(ctx):
        return OK
    return False, msg("Người bị tố cáo thuộc diện cấp này quản lý: không chuyển đơn")


def withdrawal_not_coerced(ctx: GuardContext) -> GuardResult:
    """A withdrawn denunciation is dropped unless the withdrawal was coerced [S20]."""
    if is_yes(ctx, "coerced"):
        return False, msg("Rút đơn do bị ép buộc: vẫn tiếp tục giải quyết [S20] (domain.md "
                          "§2.6)")
    return OK


def extension_within(rule: DeadlineRule, extra: int, unit: Unit, *,
                     anchor: str = "received_on", field: str = "extended_until") -> Guard:
    """The new date is at most ``extra`` ``unit`` after the rule's own due date.

    The due date is computed from the ``anchor`` fact with the rule's terms
    under the rule set in force on that day (``DeadlineRule.terms``).
    """

    def guard(ctx: GuardContext) -> GuardResult:
        start, until = fact_date(ctx, anchor), fact_date(ctx, field)
        if start is None or until is None:
            return OK  # the required-field check reports a missing date
        key = discipline.rule_set_on(max(start, discipline.RULE_SETS[0].in_force_from)).key
        amount, rule_unit = rule.terms(key)
        calendar = WorkingCalendar()
        latest = calendar.add(calendar.add(start, amount, rule_unit), extra, unit)
        if until <= latest:
            return OK
        return False, msg("Gia hạn một lần, không quá {days} ngày: muộn nhất {latest} "
                          "({citation})", days=extra, latest=latest, citation=rule.citation)

    guard.__name__ = f"extension_within_{rule.name}"
    return guard


# --------------------------------------------------------------------------- congress freeze

_FREEZE_SRC = msg("HD 07-HD/UBKTTW (2019) [S22], cho đại hội nhiệm kỳ 2020–2025; các kỳ đại "
                  "hội sau: chưa xác nhận (domain.md §2.6, §4; phụ lục dòng 1c-5)")
FREEZE_WORKING_DAYS: Mapping[str, Param[int]] = MappingProxyType({
    "grassroots": Param(25, _FREEZE_SRC, is_confirmed=False),
    "higher": Param(30, _FREEZE_SRC, is_confirmed=False),
})
CONGRESS_LEVEL_LABELS_VI: Mapping[str, str] = MappingProxyType({
    "grassroots": "Đại hội cấp cơ sở",
    "higher": "Đại hội cấp trên cơ sở",
})


def freeze_applies(received_on: date, congress_on: date, congress_level: str,
                   calendar: WorkingCalendar | None = None) -> bool:
    """Received within the freeze window before the congress opens (not on or after it).

    The window is counted in working days after ``received_on`` up to and
    including the opening day: 25 (grassroots) or 30 (higher levels).
    """
    if congress_level not in FREEZE_WORKING_DAYS:
        raise ValueError(f"unknown congress level {congress_level!r}")
    if received_on >= congress_on:
        return False
    days = (calendar or WorkingCalendar()).working_days_between(received_on, congress_on)
    return days <= FREEZE_WORKING_DAYS[congress_level].value


def _frozen(ctx: GuardContext) -> bool:
    """In the window and the congress not yet opened (then the new-term committee handles it)."""
    received, congress = fact_date(ctx, "received_on"), fact_date(ctx, "congress_on")
    level = fact(ctx, "congress_level")
    if received is None or congress is None or level not in FREEZE_WORKING_DAYS:
        return False
    return ctx.today < congress and freeze_applies(received, congress, level)


def in_congress_freeze(ctx: GuardContext) -> GuardResult:
    if _frozen(ctx):
        return OK
    return False, msg("Chỉ tạm dừng khi đơn liên quan đại hội nhận trong 25 ngày làm việc (cơ "
                      "sở) hoặc 30 ngày làm việc (cấp trên) trước ngày khai mạc ({citation})",
                      citation=_FREEZE_SRC)


def not_in_congress_freeze(ctx: GuardContext) -> GuardResult:
    if not _frozen(ctx):
        return OK
    return False, msg("Đơn nhận trong thời gian trước đại hội: chưa giải quyết ({citation})",
                      citation=_FREEZE_SRC)


def congress_held(ctx: GuardContext) -> GuardResult:
    congress = fact_date(ctx, "congress_on")
    if congress is not None and ctx.today >= congress:
        return OK
    return False, msg("Chỉ tiếp tục sau khi đại hội đã khai mạc (chuyển cấp ủy khóa mới)")


# --------------------------------------------------------------------------- complaints

_ART23 = msg("QĐ 296 điều 23 theo [S4, mục 67] (domain.md §2.7; phụ lục dòng 1e-1); cùng mẫu "
             "quy định trước")
COMPLAINT_GROUNDS: tuple[Ground, ...] = (
    Ground("handled_by_higher", "Đang được cấp trên có thẩm quyền giải quyết", _ART23, False),
    Ground("concluded_at_highest_level", "Đã được cấp có thẩm quyền cao nhất giải quyết",
           _ART23, False),
    Ground("criminal_sentence", "Bị tòa án kết án từ cải tạo không giam giữ trở lên, bản án "
           "chưa bị hủy", _ART23, False),
    Ground("on_behalf_of_other", "Khiếu nại hộ người khác", _ART23, False),
    Ground("before_receiving_decision", "Khiếu nại khi chưa nhận được quyết định bằng văn bản",
           _ART23, False),
    Ground("refused_decision", "Đã từ chối nhận quyết định kỷ luật hoặc quyết định giải quyết "
           "khiếu nại", _ART23, False),
    Ground("membership_transferred", "Khiếu nại sau khi chuyển sinh hoạt đảng chính thức ra "
           "ngoài đảng bộ cấp trên trực tiếp", _ART23, False),
)
COMPLAINT_GROUND_KEYS = tuple(g.key for g in COMPLAINT_GROUNDS)


def complaint_window_ends(decision_received_on: date,
                          calendar: WorkingCalendar | None = None) -> date:
    """The last day to lodge a complaint: one month from receiving the decision.

    The window is the rule set's ``complaint_window`` (Điều lệ Đảng art. 39(7),
    addendum row 1a-1); a period ending on a day off ends on the next
    working day (Civil Code art. 148, ``WorkingCalendar.add``).
    """
    first = discipline.RULE_SETS[0].in_force_from
    window = discipline.rule_set_on(max(decision_received_on, first)).complaint_window.value
    return (calendar or WorkingCalendar()).add(decision_received_on, window.amount, window.unit)


def complaint_grounds(ctx: GuardContext) -> list[str]:
    """Why a complaint is not handled: flagged grounds plus those computed from the dates."""
    reasons = [_cited(g.label_vi, g.citation) for g in COMPLAINT_GROUNDS if is_yes(ctx, g.key)]
    received, filed = fact_date(ctx, "decision_received_on"), fact_date(ctx, "filed_on")
    if received is not None and filed is not None:
        if filed < received and not is_yes(ctx, "before_receiving_decision"):
            reasons.append(msg("Khiếu nại trước ngày nhận quyết định ({citation})",
                               citation=_ART23))
        last = complaint_window_ends(received)
        if filed > last:
            window = discipline.rule_set_on(
                max(received, discipline.RULE_SETS[0].in_force_from)).complaint_window
            reasons.append(msg("Quá thời hạn khiếu nại: hạn cuối {last} ({citation})",
                               last=last, citation=window.citation))
    return reasons


def complaint_inadmissible(ctx: GuardContext) -> GuardResult:
    if complaint_grounds(ctx):
        return OK
    return False, msg("Không có căn cứ để không thụ lý: đơn khiếu nại đủ điều kiện")


def complaint_admissible(ctx: GuardContext) -> GuardResult:
    reasons = complaint_grounds(ctx)
    if not reasons:
        return OK
    return False, msg("Không thụ lý khiếu nại: {grounds}", grounds=reasons)
