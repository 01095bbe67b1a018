"""Guards for the discipline proceeding and suspension, built on ``workflows.discipline``.

The vote event records the secret ballot as integer fields (``votes_<form>``
and ``members_total``), the body that voted (``body_level``, ``body_kind``)
and the dates; ``workflows.ballots`` counts it with ``discipline.count_votes``,
``can_decide`` and the limitation period, and the vote records that outcome
(``derive_vote``). The later guards read it (``ballots.verdict``), so the
outcome is derived, never typed in (domain.md §3.3, §3.4, §9.4).
"""

from __future__ import annotations

from datetime import date

from workflows import discipline
from workflows.ballots import VOTE_FIELDS, derive_vote, rule_set_for, verdict
from workflows.calendar import WorkingCalendar
from workflows.discipline import FORM_LABELS_VI
from workflows.engine import Guard, GuardContext, GuardResult, input_guard
from workflows.guards import OK, fact, fact_date, is_yes
from workflows.text import msg

__all__ = [
    "VOTE_FIELDS", "adopted_within_authority", "ballot_valid", "beyond_authority",
    "decision_lapsed", "deferral_ended", "deferral_grounds", "derive_vote",
    "extension_within_maximum", "form_is_adopted", "form_lapses", "form_permanent",
    "limitation_expired", "nothing_adopted", "suspension_ends", "suspension_term_over",
]


def _label(form: str | None) -> str:
    return FORM_LABELS_VI.get(form or "") or msg("không hình thức nào")


@input_guard
def ballot_valid(ctx: GuardContext) -> GuardResult:
    found = verdict(ctx)
    return (False, found.problem) if found.problem else OK


def nothing_adopted(ctx: GuardContext) -> GuardResult:
    found = verdict(ctx)
    if found.problem:
        return False, found.problem
    if found.adopted is None:
        return OK
    return False, msg("Biểu quyết đã thông qua hình thức '{form}'", form=_label(found.adopted))


def adopted_within_authority(ctx: GuardContext) -> GuardResult:
    """A form was adopted, the body may decide it, and the limitation period has not run."""
    found = verdict(ctx)
    if found.problem or found.adopted is None:
        return False, found.problem or msg("Không hình thức nào đủ số phiếu (§3.3)")
    if not found.authority[0]:
        return False, found.authority[1]
    if found.expired:
        return False, msg("Đã hết thời hiệu xử lý kỷ luật: kết luận vi phạm, không thi hành "
                          "(§3.4)")
    return OK


def beyond_authority(ctx: GuardContext) -> GuardResult:
    """Adopted but beyond the body's authority, or a cell's expulsion vote short of 2/3."""
    found = verdict(ctx)
    if found.problem or found.tally is None:
        return False, found.problem
    if found.expired:
        return False, msg("Đã hết thời hiệu xử lý kỷ luật (§3.4)")
    if found.tally.expulsion_short:
        return OK  # the cell still forwards the file to the higher body (§3.3 [S9])
    if found.adopted is not None and not found.authority[0]:
        return OK
    return False, msg("Cơ quan biểu quyết có thẩm quyền quyết định: không cần đề nghị cấp trên")


def limitation_expired(ctx: GuardContext) -> GuardResult:
    found = verdict(ctx)
    if found.problem or found.adopted is None:
        return False, found.problem or msg("Không hình thức nào đủ số phiếu")
    if found.expired:
        return OK
    return False, msg("Chưa hết thời hiệu xử lý kỷ luật (domain.md §3.4)")


def form_is_adopted(field: str) -> Guard:
    """The form named in ``field`` is the one the ballot adopted."""

    def guard(ctx: GuardContext) -> GuardResult:
        adopted = verdict(ctx).adopted
        given = ctx.event_data.get(field)
        if given is None or given == adopted:
            return OK
        return False, msg("Hình thức phải là hình thức đã được biểu quyết: '{form}'",
                          form=_label(adopted))

    guard.__name__ = f"form_is_adopted_{field}"
    return guard


PERMANENT_FORMS = frozenset({"expulsion", "dissolution"})


def form_lapses(ctx: GuardContext) -> GuardResult:
    if fact(ctx, "form") not in PERMANENT_FORMS:
        return OK
    return False, msg("Khai trừ, giải tán không có thời hạn hiệu lực (domain.md §3.6)")


def form_permanent(ctx: GuardContext) -> GuardResult:
    if fact(ctx, "form") in PERMANENT_FORMS:
        return OK
    return False, msg("Chỉ áp dụng cho quyết định khai trừ hoặc giải tán")


def decision_lapsed(ctx: GuardContext) -> GuardResult:
    """The effect period ended (QĐ 22 art. 16(10); QĐ 296 unconfirmed; §3.6, row 6-x)."""
    announced, form = fact_date(ctx, "announced_on"), fact(ctx, "form")
    if announced is None or not form:
        return False, msg("Chưa có ngày công bố quyết định")
    lapses_on = discipline.decision_lapses_on(announced, form, rule_set_for(announced),
                                              new_violation=is_yes(ctx, "new_violation"))
    if lapses_on is None:
        return False, msg("Quyết định không tự chấm dứt hiệu lực (khai trừ, hoặc có vi phạm "
                          "mới)")
    if ctx.today >= lapses_on:
        return OK
    return False, msg("Quyết định còn hiệu lực đến {day} (domain.md §3.6)", day=lapses_on)


# --------------------------------------------------------------------------- deferral


@input_guard
def deferral_grounds(ctx: GuardContext) -> GuardResult:
    """Pregnancy, a child under 12 months or serious illness (QĐ 296 art. 8(7), §2.8)."""
    if ctx.subject_type != "member":
        return False, msg("Chỉ áp dụng đối với đảng viên")
    reason = discipline.deferral_reason(pregnant=is_yes(ctx, "pregnant"),
                                        seriously_ill_in_hospital=is_yes(ctx, "seriously_ill"),
                                        child_born_on=_born_before(ctx), on=ctx.today)
    if reason is not None:
        return OK
    return False, msg("Không có căn cứ chưa xem xét kỷ luật ({citation})",
                      citation=discipline.DEFERRAL_CITATION)


def _born_before(ctx: GuardContext) -> date | None:
    born = fact_date(ctx, "child_born_on")
    return born if born is not None and born <= ctx.today else None


def deferral_ended(ctx: GuardContext) -> GuardResult:
    """A child's first year has passed; pregnancy and illness end by the note given."""
    born = _born_before(ctx)
    if born is not None and discipline.deferral_reason(child_born_on=born, on=ctx.today):
        return False, msg("Con chưa đủ 12 tháng tuổi: chưa xem xét kỷ luật")
    return OK


# --------------------------------------------------------------------------- suspension


def suspension_ends(ctx: GuardContext) -> date | None:
    """The last day of the suspension: the extension date, or the rule set's term."""
    extended = fact_date(ctx, "extended_until")
    if extended is not None:
        return extended
    start = fact_date(ctx, "suspended_from")
    if start is None:
        return None
    limit = rule_set_for(start).suspension.value
    return WorkingCalendar().add(start, limit.amount, limit.unit)


def suspension_term_over(ctx: GuardContext) -> GuardResult:
    ends = suspension_ends(ctx)
    if ends is not None and ctx.today > ends:
        return OK
    return False, msg("Thời hạn đình chỉ chưa hết (đến hết {day})", day=ends or "?")


def extension_within_maximum(ctx: GuardContext) -> GuardResult:
    """Members only, and at most 180 days in all (QĐ 22 art. 31 [S39]; §2.9)."""
    start, until = fact_date(ctx, "suspended_from"), fact_date(ctx, "extended_until")
    if start is None or until is None:
        return OK  # the required-field check reports a missing date
    rules = rule_set_for(start)
    if ctx.subject_type == "organisation":
        most = rules.suspension_organisation_max
        return False, msg("Tổ chức đảng bị đình chỉ tối đa {days} ngày, không gia hạn "
                          "({citation})", days=most.value.amount, citation=most.citation)
    limit = rules.suspension_max.value
    latest = WorkingCalendar().add(start, limit.amount, limit.unit)
    if until <= latest:
        return OK
    return False, msg("Tổng thời gian đình chỉ tối đa {days} ngày: gia hạn đến muộn nhất "
                      "{latest} ({citation})", days=limit.amount, latest=latest,
                      citation=rules.suspension_max.citation)
