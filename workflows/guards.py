"""Pure guard functions: each takes a GuardContext and returns (ok, reason)."""

from __future__ import annotations

from workflows.engine import Guard, GuardContext, GuardResult

OK: GuardResult = (True, "")

MEMBER_FORMS = ("reprimand", "warning", "removal", "expulsion")
PROBATIONARY_FORMS = ("reprimand", "warning")
ORGANISATION_FORMS = ("reprimand", "warning", "dissolution")

FORM_LABELS_VI = {
    "reprimand": "Khiển trách",
    "warning": "Cảnh cáo",
    "removal": "Cách chức",
    "expulsion": "Khai trừ",
    "dissolution": "Giải tán",
}


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
    """Discipline forms that exist for this subject (domain.md §3.1)."""
    facts = subject_facts or {}
    if subject_type == "organisation":
        return ORGANISATION_FORMS
    if facts.get("status") == "probationary":
        return PROBATIONARY_FORMS
    if not facts.get("positions"):
        return tuple(f for f in MEMBER_FORMS if f != "removal")
    return MEMBER_FORMS


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
