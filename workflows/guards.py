"""Pure guard functions: each takes a GuardContext and returns (ok, reason)."""

from __future__ import annotations

from datetime import date
from typing import Any

from workflows import discipline
from workflows.discipline import FORM_LABELS_VI
from workflows.engine import Guard, GuardContext, GuardResult, input_guard
from workflows.text import msg

OK: GuardResult = (True, "")

# Lightest first, as the decision form lists them; the rules live in workflows.discipline.
MEMBER_FORMS = tuple(reversed(discipline.forms_for("member")))
PROBATIONARY_FORMS = tuple(reversed(discipline.forms_for("probationary_member")))
ORGANISATION_FORMS = tuple(reversed(discipline.forms_for("organisation")))

__all__ = [
    "FORM_LABELS_VI", "MEMBER_FORMS", "OK", "ORGANISATION_FORMS", "PROBATIONARY_FORMS",
    "conclusion_recorded", "discipline_form_fits_subject", "fact", "fact_date", "form_fits_subject",
    "forms_for", "is_yes", "not_own_committee_finances", "outcome_in",
    "subject_is_lower_organisation",
]

YES = "yes"


def fact(ctx: GuardContext, name: str) -> Any:
    """A fact of the case: this event's data first, then what earlier events recorded."""
    value = ctx.event_data.get(name)
    return ctx.case_data.get(name) if value is None or value == "" else value


def is_yes(ctx: GuardContext, name: str) -> bool:
    """A yes/no choice field (``FieldSpec`` choices ``yes``/``no``) answered yes."""
    return bool(fact(ctx, name) == YES)


def fact_date(ctx: GuardContext, name: str) -> date | None:
    """A date fact (ISO text in event data); None when absent or malformed."""
    value = fact(ctx, name)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _labelled(ctx: GuardContext, key: str) -> str:
    """'Không vi phạm [no_violation]': the label for people, the key for API clients."""
    label = ctx.choice_labels.get(key)
    return msg("{label} [{key}]", label=label, key=key) if label and label != key else key


def outcome_in(*outcomes: str, field: str = "outcome") -> Guard:
    """The conclusion recorded on the case has one of ``outcomes``."""
    wanted = frozenset(outcomes)

    def guard(ctx: GuardContext) -> GuardResult:
        actual = ctx.case_data.get(field)
        if actual in wanted:
            return OK
        expected = [_labelled(ctx, key) for key in sorted(wanted)]
        current = _labelled(ctx, str(actual)) if actual else msg("chưa có kết luận")
        return False, msg("Chỉ áp dụng khi kết luận là: {expected} (hiện tại: {current})",
                          expected=expected, current=current)

    guard.__name__ = f"outcome_in_{'_'.join(sorted(wanted))}"
    return guard


def forms_for(subject_type: str, subject_facts: dict[str, object] | None = None) -> tuple[str, ...]:
    """Discipline forms that exist for this subject, lightest first (domain.md §3.1)."""
    facts = subject_facts or {}
    if subject_type == "organisation":
        kind = "organisation"
    elif facts.get("status") == "probationary":
        kind = "probationary_member"
    else:
        kind = "member"
    holds_post = None if kind == "organisation" else bool(facts.get("positions"))
    return tuple(reversed(discipline.forms_for(kind, holds_post=holds_post)))


def form_fits_subject(field: str = "form") -> Guard:
    """The form in event field ``field`` exists for this subject (domain.md §3.1)."""

    def guard(ctx: GuardContext) -> GuardResult:
        form = ctx.event_data.get(field)
        if form is None or form == "":
            return OK  # the required-field check reports a missing value
        allowed = forms_for(ctx.subject_type, dict(ctx.subject_facts))
        if form in allowed:
            return OK
        names = [FORM_LABELS_VI[f] for f in allowed]
        label = FORM_LABELS_VI.get(str(form), str(form))
        return False, msg("Hình thức '{form}' không áp dụng cho đối tượng này (chỉ: {allowed})",
                          form=label, allowed=names)

    guard.__name__ = f"form_fits_subject_{field}"
    return guard


# Removal needs a post; probationary members and organisations have fewer forms.
discipline_form_fits_subject = form_fits_subject("form")

OWN_FINANCES_CITATION = msg(
    "Điều lệ Đảng điều 32 khoản 6 [S33]: UBKT kiểm tra tài chính của cấp ủy cấp dưới và cơ "
    "quan tài chính của cấp ủy cùng cấp, không kiểm tra tài chính của chính cấp ủy mình "
    "(domain.md §1.2, loại C)"
)


def not_own_committee_finances(ctx: GuardContext) -> GuardResult:
    """A UBKT may not inspect its own committee's finances.

    The service sets ``subject_facts["is_owning_organisation"]`` when the
    subject organisation is the organisation that owns the case, i.e. the
    committee whose UBKT would be inspecting it.
    """
    if ctx.subject_facts.get("is_owning_organisation"):
        return False, msg("UBKT không được kiểm tra tài chính của cấp ủy cùng cấp ({citation})",
                          citation=OWN_FINANCES_CITATION)
    return OK


def subject_is_lower_organisation(ctx: GuardContext) -> GuardResult:
    """Type B inspects lower bodies, not the owning organisation itself [S35]."""
    if ctx.subject_type != "organisation" or ctx.subject_facts.get("is_owning_organisation"):
        return False, msg("Đối tượng kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát, thi "
                          "hành kỷ luật là tổ chức đảng cấp dưới [S35] (domain.md §1.2, loại B)")
    return OK


@input_guard
def conclusion_recorded(ctx: GuardContext) -> GuardResult:
    """Combined track (quy trình kép): the decision carries the inspection's conclusion."""
    if fact(ctx, "conclusion"):
        return OK
    return False, msg("Quy trình kép: cần nội dung kết luận kiểm tra ban hành cùng quyết định "
                      "(QĐ 354-QĐ/UBKTTW [S27], domain.md §2.1 bước 6)")
