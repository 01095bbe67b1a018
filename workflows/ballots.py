"""The secret ballot of a discipline vote: counting it, and recording what it decided.

The vote event carries the ballot as integer fields (``votes_<form>``,
``members_total`` and, optionally, how that base was computed), the body that
voted (``body_level``, ``body_kind``) and the date. ``count_ballot`` counts
it with ``discipline.count_votes`` (more than half of the full membership,
2/3 of a cell to propose expulsion, cumulative from the heaviest form down;
domain.md §3.3), then asks ``can_decide`` and the limitation period (§3.4,
"vote first, then check the limit").

``derive_vote`` is the vote event's ``derive``: the service records its result
in the audit event's data and the case's data (keys in ``DERIVED_KEYS``), so
the outcome is computed, never typed in, and sealed in the hash chain. Later
guards read that record (``verdict``); a vote recorded before the outcome
was derived is counted again from its facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows import discipline, vote_reasons
from workflows.discipline import FORM_LABELS_VI, RuleSet, TallyResult
from workflows.engine import EventDef, GuardContext
from workflows.guards import fact, fact_date, forms_for, is_yes
from workflows.text import msg

VOTE_FIELDS: tuple[tuple[str, str], ...] = (  # field, form key (heaviest first)
    ("votes_expulsion", "expulsion"),
    ("votes_dissolution", "dissolution"),
    ("votes_removal", "removal"),
    ("votes_warning", "warning"),
    ("votes_reprimand", "reprimand"),
    ("votes_none", "none"),
)
# How the base was computed (``discipline.vote_base``; optional, checked when given).
VOTE_BASE_FIELDS = ("members_official", "members_transferred", "members_excused_absent")

# ``vote_outcome``: decide (within authority), propose (beyond it), not_enforced
# (limitation run), no_discipline (no form adopted).
DECIDE, PROPOSE, NOT_ENFORCED, NO_DISCIPLINE = "decide", "propose", "not_enforced", "no_discipline"
DERIVED_KEYS = ("vote_outcome", "adopted_form", "adopted_alone", "vote_running_totals",
                "vote_thresholds", "expulsion_forwarded", "within_authority",
                "authority_reason", "limitation_expired", "vote_rule_set")


def is_ballot_event(event: EventDef) -> bool:
    """The event records a secret ballot (its fields include the base and the votes)."""
    names = {spec.name for spec in event.fields}
    return "members_total" in names and any(name in names for name, _ in VOTE_FIELDS)


def rule_set_for(day: date) -> RuleSet:
    """The discipline rule set in force on ``day`` (the earliest one before QĐ 30)."""
    return discipline.rule_set_on(max(day, discipline.RULE_SETS[0].in_force_from))


def subject_kind(ctx: GuardContext) -> str:
    if ctx.subject_type == "organisation":
        return "organisation"
    return "probationary_member" if ctx.subject_facts.get("status") == "probationary" else "member"


def subject_of(ctx: GuardContext) -> discipline.Subject:
    """The subject as far as authority depends on it, from the facts and the vote event."""
    kind = subject_kind(ctx)
    if kind == "organisation":
        return discipline.Subject(kind, level=ctx.subject_facts.get("level"),
                                  superior_level=ctx.subject_facts.get("parent_level"),
                                  violation_domain=fact(ctx, "violation_domain") or "quality")
    return discipline.Subject(
        kind, is_committee_member_at=fact(ctx, "subject_committee_level"),
        managed_by_level=fact(ctx, "subject_managed_by_level"),
        violation_domain=fact(ctx, "violation_domain") or "quality",
        holds_post=bool(ctx.subject_facts.get("positions")),
    )


@dataclass(frozen=True)
class Verdict:
    """What the vote means, or ``problem`` when it cannot be counted."""

    tally: TallyResult | None = None
    authority: tuple[bool, str] = (False, "")
    expired: bool = False
    problem: str = ""
    limitation_checked: bool = False  # a violation date was known and a form adopted

    @property
    def adopted(self) -> str | None:
        return self.tally.adopted if self.tally else None

    @property
    def outcome(self) -> str:
        """The branch the vote leads to (a cell's short expulsion vote also goes up)."""
        if self.adopted is None:
            return NO_DISCIPLINE
        if self.expired:
            return NOT_ENFORCED
        return DECIDE if self.authority[0] else PROPOSE


def verdict(ctx: GuardContext) -> Verdict:
    """The outcome the vote recorded; counted from the facts while voting (or for old votes)."""
    recorded = ctx.case_data.get("vote_outcome")
    if recorded is None or is_voting(ctx):
        return count_ballot(ctx)
    data = ctx.case_data
    running = tuple((str(form), int(total)) for form, total in data.get("vote_running_totals", ()))
    tally = TallyResult(data.get("adopted_form"), int(data.get("members_total") or 0), running,
                        bool(data.get("adopted_alone")), bool(data.get("expulsion_forwarded")))
    # The stored reason is plain text (hash-chained data); taken apart again so
    # a refusal quoting it is translated like the one given while voting.
    reason = vote_reasons.parse(str(data.get("authority_reason") or ""))
    return Verdict(tally, (bool(data.get("within_authority")), reason),
                   bool(data.get("limitation_expired")),
                   limitation_checked=data.get("limitation_expired") is not None)


def is_voting(ctx: GuardContext) -> bool:
    """The event being checked carries a ballot."""
    return any(name in ctx.event_data for name, _ in VOTE_FIELDS) or (
        "members_total" in ctx.event_data)


def count_ballot(ctx: GuardContext) -> Verdict:
    """Count the ballot in the facts (domain.md §3.3) and judge authority and limitation."""
    voted_on = fact_date(ctx, "voted_on")
    members, body_level, body_kind = (fact(ctx, "members_total"), fact(ctx, "body_level"),
                                      fact(ctx, "body_kind"))
    if voted_on is None or not isinstance(members, int) or not body_level or not body_kind:
        return Verdict(problem=msg("Chưa có kết quả biểu quyết (ngày, số thành viên, cơ quan)"))
    ballots = {form: fact(ctx, name) or 0 for name, form in VOTE_FIELDS}
    heaviest_first = tuple(reversed(forms_for(ctx.subject_type, dict(ctx.subject_facts))))
    wrong = [FORM_LABELS_VI[f] for f, v in ballots.items()
             if v and f not in heaviest_first and f != "none"]
    if wrong:
        return Verdict(problem=msg("Có phiếu cho hình thức không áp dụng với đối tượng: {forms}",
                                   forms=wrong))
    base_problem = _base_problem(ctx, members)
    if base_problem:
        return Verdict(problem=base_problem)
    counted = {form: ballots[form] for form in (*heaviest_first, "none")}
    try:
        tally = discipline.count_votes(counted, members, approving_expulsion=body_kind != "cell",
                                       rule_set=rule_set_for(voted_on))
    except ValueError as exc:
        # The ValueError's text is the rule that failed, in English (discipline.py).
        return Verdict(problem=msg("Kết quả biểu quyết không hợp lệ: {error}", error=str(exc)))
    if tally.adopted is None:
        return Verdict(tally)
    try:
        return _judge(ctx, tally, tally.adopted, voted_on, body_level, body_kind)
    except ValueError as exc:
        return Verdict(problem=msg("Không xác định được thẩm quyền, thời hiệu: {error}",
                                   error=str(exc)))


def _base_problem(ctx: GuardContext, members: int) -> str:
    """The base must be what its parts give, when they are given (``vote_base``)."""
    official = fact(ctx, "members_official")
    if official is None or official == "":
        return ""
    transferred = fact(ctx, "members_transferred") or 0
    excused = fact(ctx, "members_excused_absent") or 0
    if any(not isinstance(n, int) or isinstance(n, bool) or n < 0
           for n in (official, transferred, excused)):
        return msg("Số thành viên làm cơ sở tính phiếu phải là số nguyên không âm")
    if transferred + excused > official:
        return msg("Số chuyển sinh hoạt tạm thời và miễn sinh hoạt vắng mặt ({transferred} + "
                   "{excused}) không được lớn hơn số thành viên chính thức ({official})",
                   transferred=transferred, excused=excused, official=official)
    base = discipline.vote_base(official, transferred, excused)
    if base != members:
        return msg("Tổng số thành viên làm cơ sở tính phiếu phải là {official} − {transferred} − "
                   "{excused} = {base}, không phải {members}", official=official,
                   transferred=transferred, excused=excused, base=base, members=members)
    return ""


def _judge(ctx: GuardContext, tally: TallyResult, form: str, voted_on: date, body_level: str,
           body_kind: str) -> Verdict:
    subject = subject_of(ctx)
    authority = discipline.can_decide(body_level, body_kind, subject, form,
                                      body_can_admit_members=is_yes(ctx, "body_can_admit_members"))
    ended = fact_date(ctx, "violation_ended_on")
    if ended is None or ended > voted_on:
        return Verdict(tally, authority)
    expired = discipline.limitation_expired(
        subject.kind, form, ended, voted_on, fact(ctx, "limitation_category") or None,
        new_violation_on=fact_date(ctx, "new_violation_on"))
    return Verdict(tally, authority, expired, limitation_checked=True)


def derive_vote(ctx: GuardContext) -> dict[str, Any]:
    """The vote's outcome, recorded with its data (the vote event's ``derive``).

    Runs after the checks (``ballot_valid`` refuses a ballot that cannot be
    counted), so a problem here is a ValueError.
    """
    found = count_ballot(ctx)
    voted_on = fact_date(ctx, "voted_on")
    if found.problem or found.tally is None or voted_on is None:
        raise ValueError(found.problem or "no ballot to count")
    tally, adopted = found.tally, found.adopted
    rules, approving = rule_set_for(voted_on), fact(ctx, "body_kind") != "cell"
    thresholds = []
    for form, _ in tally.running_totals:
        rule = discipline.form_threshold(form, approving_expulsion=approving, rule_set=rules)
        thresholds.append({"form": form, "minimum": rule.minimum_votes(tally.members),
                           "share": f"{rule.fraction.numerator}/{rule.fraction.denominator}",
                           "inclusive": rule.inclusive})
    return {
        "vote_outcome": found.outcome,
        "adopted_form": adopted,
        "adopted_alone": tally.by_single_form,
        "vote_running_totals": [[form, total] for form, total in tally.running_totals],
        "vote_thresholds": thresholds,
        "expulsion_forwarded": tally.expulsion_short,
        "within_authority": found.authority[0] if adopted else None,
        "authority_reason": found.authority[1] if adopted else "",
        "limitation_expired": found.expired if found.limitation_checked else None,
        "vote_rule_set": rules.key,
    }
