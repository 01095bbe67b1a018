"""Pure guard functions: each takes a GuardContext and returns (ok, reason)."""

from __future__ import annotations

from workflows import discipline
from workflows.discipline import FORM_LABELS_VI
from workflows.engine import Guard, GuardContext, GuardResult

OK: GuardResult = (True, "")

# Lightest first, as the decision form lists them; the rules live in workflows.discipline.
MEMBER_FORMS = tuple(reversed(discipline.forms_for("member")))
PROBATIONARY_FORMS = tuple(reversed(discipline.forms_for("probationary_member")))
ORGANISATION_FORMS = tuple(reversed(discipline.forms_for("organisation")))

__all__ = [
    "FORM_LABELS_VI", "MEMBER_FORMS", "OK", "ORGANISATION_FORMS", "PROBATIONARY_FORMS",
    "discipline_form_fits_subject", "forms_for", "outcome_in",
]


def outcome_in(*outcomes: str, field: str = "outcome") -> Guard:
    """The conclusion recorded on the case has one of ``outcomes``."""
    wanted = frozenset(outcomes)

    def guard(ctx: GuardContext) -> GuardResult:
        actual = ctx.case_data.get(field)
        if actual in wanted:
            return OK
        return False, (
            f"Chỉ áp dụng khi kết luận là: {', '.join(sorted(wanted))} "
            f"(hiện tại: {actual or 'chưa có kết luận'})"
        )

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


def discipline_form_fits_subject(ctx: GuardContext) -> GuardResult:
    """Removal needs a post; probationary members and organisations have fewer forms."""
    form = ctx.event_data.get("form")
    if form is None:
        return OK  # the required-field check reports the missing value
    allowed = forms_for(ctx.subject_type, dict(ctx.subject_facts))
    if form in allowed:
        return OK
    names = ", ".join(FORM_LABELS_VI[f] for f in allowed)
    label = FORM_LABELS_VI.get(str(form), form)
    return False, f"Hình thức '{label}' không áp dụng cho đối tượng này (chỉ: {names})"
