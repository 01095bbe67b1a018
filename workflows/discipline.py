"""Party discipline rules: forms, authority, the vote count, limitation, effect.

Pure and table-driven (domain.md §3, §2.8, §2.9, §4, rows 2-x, 3-x, 4-x, 6-x).
Keys are English, labels Vietnamese. Where domain.md marks a value
**unconfirmed**, it is a rule-set parameter (``Param``) or an authority row
with ``is_confirmed=False``, carrying its citation so the UI can show it and
an administrator can correct it. Rule sets are versioned (QĐ 30 → QĐ 22 →
QĐ 296); ``rule_set_on(day)`` picks the one in force.

Forms are always listed heaviest first. Bad input (unknown keys, negative
votes, impossible counts) raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from workflows.calendar import Unit, add_months
from workflows.text import msg

T = TypeVar("T")

# --------------------------------------------------------------------------- forms

FORM_LABELS_VI: Mapping[str, str] = MappingProxyType({  # lightest first (form choices)
    "reprimand": "Khiển trách",
    "warning": "Cảnh cáo",
    "removal": "Cách chức",
    "expulsion": "Khai trừ",
    "dissolution": "Giải tán",
})
SUBJECT_KIND_LABELS_VI: Mapping[str, str] = MappingProxyType({
    "member": "Đảng viên chính thức",
    "probationary_member": "Đảng viên dự bị",
    "organisation": "Tổ chức đảng",
})
_FORMS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "member": ("expulsion", "removal", "warning", "reprimand"),
    "probationary_member": ("warning", "reprimand"),
    "organisation": ("dissolution", "warning", "reprimand"),
})
FORMS_CITATION = "Điều lệ Đảng điều 35; QĐ 22 điều 10; QĐ 69 điều 7; QĐ 296 điều 9 (domain.md §3.1)"
# Expulsion and dissolution never share a ballot (different subject kinds).
SEVERITY_ORDER = ("expulsion", "dissolution", "removal", "warning", "reprimand")
NO_DISCIPLINE_KEYS = frozenset({"none", "no_discipline"})


def _check_kind(subject_kind: str) -> str:
    if subject_kind not in _FORMS:
        raise ValueError(
            f"unknown subject kind {subject_kind!r}; expected one of {', '.join(_FORMS)}"
        )
    return subject_kind


def _check_form(form: str) -> str:
    if form not in FORM_LABELS_VI:
        raise ValueError(f"unknown discipline form {form!r}; expected one of "
                         f"{', '.join(FORM_LABELS_VI)}")
    return form


def forms_for(subject_kind: str, *, holds_post: bool | None = None) -> tuple[str, ...]:
    """The forms for a subject kind, heaviest first; removal needs a post (§3.1)."""
    forms = _FORMS[_check_kind(subject_kind)]
    if holds_post is False:
        return tuple(f for f in forms if f != "removal")
    return forms


def check_form_for(subject_kind: str, form: str) -> None:
    """ValueError unless ``form`` is a discipline form for ``subject_kind``."""
    if _check_form(form) not in forms_for(subject_kind):
        raise ValueError(
            f"form {form!r} does not apply to {subject_kind!r} "
            f"(only: {', '.join(forms_for(subject_kind))})"
        )


# --------------------------------------------------------------------------- rule sets


@dataclass(frozen=True)
class Param(Generic[T]):
    """A rule-set value with its source; unconfirmed ones are admin-editable defaults."""

    value: T
    citation: str
    is_confirmed: bool = True


@dataclass(frozen=True)
class Threshold:
    """A vote threshold over the full membership: ``>`` (or ``>=``) fraction × members."""

    fraction: Fraction
    inclusive: bool

    def reached(self, votes: int, members: int) -> bool:
        need = self.fraction * members
        return votes >= need if self.inclusive else votes > need

    def minimum_votes(self, members: int) -> int:
        """The fewest votes that reach the threshold."""
        need = self.fraction * members
        floor = need.numerator // need.denominator
        return floor if self.inclusive and need == floor else floor + 1

    @property
    def label_vi(self) -> str:
        word = "ít nhất" if self.inclusive else "trên"
        return f"{word} {self.fraction.numerator}/{self.fraction.denominator}"


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: Unit


MORE_THAN_HALF = Threshold(Fraction(1, 2), inclusive=False)
TWO_THIRDS = Threshold(Fraction(2, 3), inclusive=True)

# years per subject kind and form; None: no limitation (domain.md §3.4, rows 2-1 … 2-4)
_LIMITATION_YEARS: Mapping[str, Mapping[str, int | None]] = MappingProxyType({
    "member": MappingProxyType(
        {"reprimand": 5, "warning": 10, "removal": 10, "expulsion": None}),
    "probationary_member": MappingProxyType({"reprimand": 5, "warning": 10}),
    "organisation": MappingProxyType({"reprimand": 5, "warning": 10, "dissolution": None}),
})
LIMITATION_CATEGORIES: Mapping[str, str] = MappingProxyType({
    "internal_politics": "Vi phạm về chính trị nội bộ",
    "national_security": "Vi phạm về quốc phòng, an ninh, đối ngoại xâm hại lợi ích quốc gia",
    "illegal_diploma": "Sử dụng văn bằng, chứng chỉ không hợp pháp",
})
_UNLIMITED: Mapping[str, frozenset[str]] = MappingProxyType({
    "member": frozenset(LIMITATION_CATEGORIES),
    "probationary_member": frozenset(LIMITATION_CATEGORIES),
    "organisation": frozenset({"internal_politics", "national_security"}),
})
_LIMITATION_SRC = "QĐ 102-QĐ/TW điều 3; QĐ 07-QĐi/TW điều 5 (domain.md §3.4, rows 2-1 … 2-4)"
_CARRY_OVER = "; QĐ 69/QĐ 264 giữ nguyên: chưa xác nhận"


@dataclass(frozen=True)
class RuleSet:
    """The discipline rules in force from ``in_force_from`` until the next set."""

    key: str
    name: str
    in_force_from: date
    citation: str
    majority: Param[Threshold]
    expulsion_proposal: Param[Threshold]
    expulsion_approval: Param[Threshold]
    dissolution: Param[Threshold]
    limitation_years: Param[Mapping[str, Mapping[str, int | None]]]
    unlimited_categories: Param[Mapping[str, frozenset[str]]]
    decision_effect_years: Param[int | None]
    effect_counts_from_complaint_ruling: Param[bool]
    complaint_window: Param[Limit]
    suspension: Param[Limit]
    suspension_max: Param[Limit]
    suspension_organisation_max: Param[Limit]

    def parameters(self) -> dict[str, Param[Any]]:
        """Every parameter by name (for the admin screen)."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if isinstance(getattr(self, f.name), Param)}

    def with_values(self, **values: Any) -> RuleSet:
        """A copy with parameter values an administrator changed (citation kept)."""
        params = self.parameters()
        changes: dict[str, Any] = {}
        for name, value in values.items():
            if name not in params:
                raise ValueError(f"unknown rule-set parameter {name!r}")
            changes[name] = replace(params[name], value=value,
                                    citation=params[name].citation + " — quản trị viên điều chỉnh")
        return replace(self, **changes)


def _rule_set(key: str, name: str, start: date, citation: str, *, confirmed: bool,
              suspension_unit: Unit, effect: Param[int | None],
              from_ruling: Param[bool]) -> RuleSet:
    vote_src = "QĐ 22 điều 15; QĐ 30 điều 38 (domain.md §3.3, rows 3-2, 3-5)"
    vote_note = "" if confirmed else "; QĐ 296: chưa xác nhận (row 3-6)"
    susp_src = ("QĐ 30 (ngày làm việc) [S39b]" if suspension_unit is Unit.WORKING_DAYS
                else "QĐ 22 điều 31 [S39]") + ("" if confirmed else "; QĐ 296: chưa xác nhận")
    return RuleSet(
        key=key, name=name, in_force_from=start, citation=citation,
        majority=Param(MORE_THAN_HALF, vote_src + vote_note, confirmed),
        expulsion_proposal=Param(TWO_THIRDS, vote_src + vote_note, confirmed),
        expulsion_approval=Param(MORE_THAN_HALF, vote_src + vote_note, confirmed),
        dissolution=Param(TWO_THIRDS, "Chưa xác nhận (domain.md row 4-4); mặc định như khai trừ",
                          False),
        limitation_years=Param(_LIMITATION_YEARS, _LIMITATION_SRC + ("" if key == "qd30"
                               else _CARRY_OVER), key == "qd30"),
        unlimited_categories=Param(_UNLIMITED, _LIMITATION_SRC + ("" if key == "qd30"
                                   else _CARRY_OVER), key == "qd30"),
        decision_effect_years=effect,
        effect_counts_from_complaint_ruling=from_ruling,
        complaint_window=Param(Limit(1, Unit.MONTHS),
                               "Điều lệ Đảng điều 39(7): một tháng kể từ ngày nhận quyết định "
                               "(domain.md §4, row 1a-1)"),
        suspension=Param(Limit(90, suspension_unit), susp_src, confirmed),
        suspension_max=Param(Limit(180, suspension_unit), susp_src, confirmed),
        suspension_organisation_max=Param(Limit(90, suspension_unit), susp_src, confirmed),
    )


RULE_SETS: tuple[RuleSet, ...] = (
    _rule_set(
        "qd30", "QĐ 30-QĐ/TW", date(2016, 7, 26), "QĐ 30-QĐ/TW ngày 26/7/2016; HD 01-HD/UBKTTW",
        confirmed=True, suspension_unit=Unit.WORKING_DAYS,
        effect=Param(1, "QĐ 30 điều 40(3.2) (domain.md §3.6, row 6-2)"),
        from_ruling=Param(True, "QĐ 30 điều 40(3.2): tính từ ngày công bố quyết định giải quyết "
                                "khiếu nại (row 6-2)"),
    ),
    _rule_set(
        "qd22", "QĐ 22-QĐ/TW", date(2021, 7, 28), "QĐ 22-QĐ/TW ngày 28/7/2021; HD 02-HD/TW",
        confirmed=True, suspension_unit=Unit.CALENDAR_DAYS,
        effect=Param(1, "QĐ 22 điều 16(10) (domain.md row 6-1)"),
        from_ruling=Param(False, "QĐ 22 điều 16(10): chỉ khi không khiếu nại (row 6-1)"),
    ),
    _rule_set(
        "qd296", "QĐ 296-QĐ/TW", date(2025, 5, 30), "QĐ 296-QĐ/TW ngày 30/5/2025; HD 08-HD/TW",
        confirmed=False, suspension_unit=Unit.CALENDAR_DAYS,
        effect=Param(1, "QĐ 296 điều 15: giữ quy tắc 1 năm chưa xác nhận (row 6-3)", False),
        from_ruling=Param(False, "QĐ 296: chưa xác nhận; mặc định như QĐ 22 (row 6-3)", False),
    ),
)


def rule_set_on(day: date, rule_sets: Sequence[RuleSet] = RULE_SETS) -> RuleSet:
    """The rule set in force on ``day`` (a set applies from its first day)."""
    in_force = [r for r in rule_sets if r.in_force_from <= day]
    if not in_force:
        raise ValueError(f"no discipline rule set is in force on {day.isoformat()} "
                         f"(the earliest starts {min(r.in_force_from for r in rule_sets)})")
    return max(in_force, key=lambda r: r.in_force_from)


def _rule_set_or_earliest(day: date) -> RuleSet:
    """For dates before QĐ 30 the earliest modelled set (same periods) stands in."""
    return rule_set_on(max(day, RULE_SETS[0].in_force_from))


# --------------------------------------------------------------------------- voting

VOTE_BASE_RULE: Param[str] = Param(
    "đảng viên chính thức được triệu tập − chuyển sinh hoạt tạm thời − miễn sinh hoạt vắng mặt",
    "QĐ 294-QĐ/TW điểm 9.3.2 (domain.md §3.3, row 3-3); áp dụng cho biểu quyết kỷ luật: "
    "chưa xác nhận",
    is_confirmed=False,
)


def _count(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def vote_base(official_members: int, temporarily_transferred: int, excused_absent: int) -> int:
    """The vote denominator (row 3-3; unconfirmed for discipline, see ``VOTE_BASE_RULE``).

    Excused members who attend and vote are counted: pass only the absent ones.
    """
    official = _count(official_members, "official_members")
    removed = (_count(temporarily_transferred, "temporarily_transferred")
               + _count(excused_absent, "excused_absent"))
    if removed > official:
        raise ValueError("transferred and excused-absent members exceed the official members")
    return official - removed


@dataclass(frozen=True)
class TallyResult:
    """The outcome of one secret ballot, with the running totals that led to it."""

    adopted: str | None
    members: int
    running_totals: tuple[tuple[str, int], ...]  # heaviest first
    by_single_form: bool  # True: one form reached its threshold on its own
    expulsion_short: bool  # expulsion had votes but fell short: forward the file (§3.3)


def _check_ballots(ballots: Mapping[str, int], members: int) -> list[tuple[str, int]]:
    if not isinstance(members, int) or isinstance(members, bool) or members < 1:
        raise ValueError(f"members must be a positive integer, got {members!r}")
    if not isinstance(ballots, Mapping):
        raise ValueError("ballots must map each form to its number of votes")
    total = 0
    forms: list[tuple[str, int]] = []
    for key, votes in ballots.items():
        total += _count(votes, f"votes for {key!r}")
        if key not in NO_DISCIPLINE_KEYS:
            forms.append((_check_form(key), votes))
    if total > members:
        raise ValueError(f"{total} votes cast but the body has only {members} members")
    keys = {k for k, _ in forms}
    if "dissolution" in keys and keys & {"expulsion", "removal"}:
        raise ValueError("a ballot cannot mix organisation and member forms")
    return sorted(forms, key=lambda kv: SEVERITY_ORDER.index(kv[0]))


def form_threshold(form: str, *, approving_expulsion: bool = False,
                   rule_set: RuleSet | None = None) -> Threshold:
    """The share of the full membership ``form`` needs (see ``count_votes``)."""
    rules = rule_set or RULE_SETS[-1]
    if _check_form(form) == "expulsion":
        param = rules.expulsion_approval if approving_expulsion else rules.expulsion_proposal
        return param.value
    return rules.dissolution.value if form == "dissolution" else rules.majority.value


def count_votes(ballots: Mapping[str, int], members: int, *, approving_expulsion: bool = False,
                rule_set: RuleSet | None = None) -> TallyResult:
    """Count a secret ballot listing all forms (domain.md §3.3, rows 3-2, 3-4, 3-5).

    ``members`` is the full membership (see ``vote_base``), not those present.
    Votes for "none"/"no_discipline" count toward no form.

    1. A form reaching its own threshold is adopted: more than half, but at
       least 2/3 for expulsion when a cell proposes it (more than half when
       the higher body approves: ``approving_expulsion=True``) and for
       dissolution (unconfirmed default).
    2. Otherwise votes are added from the heaviest form down; the first form
       whose running total reaches its threshold is adopted.

    Each voter marks one form, so at most one form can pass half on its own,
    and then every heavier running total is below half: steps 1 and 2 never
    disagree. Step 1 is kept because it is how the sources word it.
    Expulsion votes short of 2/3 carry down to the next lighter form.
    """
    rules = rule_set or RULE_SETS[-1]
    forms = _check_ballots(ballots, members)

    def threshold(form: str) -> Threshold:
        return form_threshold(form, approving_expulsion=approving_expulsion, rule_set=rules)

    running: list[tuple[str, int]] = []
    total = 0
    for form, votes in forms:
        total += votes
        running.append((form, total))
    single = next((f for f, v in forms if threshold(f).reached(v, members)), None)
    adopted = single or next(
        (f for f, t in running if threshold(f).reached(t, members)), None)
    expulsion_votes = dict(forms).get("expulsion", 0)
    short = adopted != "expulsion" and expulsion_votes > 0 and not approving_expulsion
    return TallyResult(adopted, members, tuple(running), single is not None, short)


def tally(ballots: Mapping[str, int], members: int, *, approving_expulsion: bool = False,
          rule_set: RuleSet | None = None) -> str | None:
    """The adopted form, or None when no running total reaches its threshold."""
    return count_votes(ballots, members, approving_expulsion=approving_expulsion,
                       rule_set=rule_set).adopted


def expulsion_approved(cell_votes: int, cell_members: int, higher_votes: int,
                       higher_members: int, *, rule_set: RuleSet | None = None) -> bool:
    """At least 2/3 of the cell proposed it and more than half of the higher body approved.

    A cell short of 2/3 still forwards the file (§3.3); whether the higher
    body may then expel on its own authority is left to that body's tally.
    """
    rules = rule_set or RULE_SETS[-1]
    for votes, members in ((cell_votes, cell_members), (higher_votes, higher_members)):
        _check_ballots({"expulsion": votes}, members)
    return (rules.expulsion_proposal.value.reached(cell_votes, cell_members)
            and rules.expulsion_approval.value.reached(higher_votes, higher_members))


# --------------------------------------------------------------------------- authority

LEVELS = ("cell", "grassroots", "district", "province", "central")  # lowest first
LEVEL_LABELS_VI: Mapping[str, str] = MappingProxyType({
    "cell": "chi bộ", "grassroots": "cấp cơ sở", "district": "cấp huyện",
    "province": "cấp tỉnh", "central": "Trung ương",
})
BODY_KIND_LABELS_VI: Mapping[str, str] = MappingProxyType({
    "cell": "Chi bộ", "cell_committee": "Chi ủy", "committee": "Cấp ủy",
    "standing_committee": "Ban Thường vụ", "inspection_committee": "Ủy ban Kiểm tra",
})
VIOLATION_DOMAINS: Mapping[str, str] = MappingProxyType({
    "quality": "Phẩm chất chính trị, tư tưởng, đạo đức, lối sống, \"tự diễn biến\", "
               "\"tự chuyển hóa\", sinh hoạt đảng, nhiệm vụ đảng viên (trừ nhiệm vụ cấp trên giao)",
    "assigned_task": "Thực hiện nhiệm vụ do cấp trên giao",
})
# msg(): these are named in can_decide's reasons, so they go into the catalog.
SUBJECT_CATEGORY_LABELS_VI: Mapping[str, str] = MappingProxyType({
    "ordinary": msg("đảng viên"),
    "lower_committee_member": msg("cấp ủy viên cấp dưới"),
    "same_level_committee_member": msg("cấp ủy viên cùng cấp"),
    "higher_committee_member": msg("cấp ủy viên cấp trên"),
    "higher_managed": msg("cán bộ thuộc diện cấp trên quản lý"),
    "directly_lower_organisation": msg("tổ chức đảng cấp dưới trực tiếp"),
    "other_organisation": msg("tổ chức đảng không trực thuộc"),
})
_MEMBER_CATEGORIES = frozenset({
    "ordinary", "lower_committee_member", "same_level_committee_member",
    "higher_committee_member", "higher_managed",
})
_MEMBERS = frozenset({"member", "probationary_member"})
_KIND_ORDER = ("cell", "committee", "standing_committee", "inspection_committee")


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    return level


def _check_body_kind(kind: str) -> str:
    if kind not in BODY_KIND_LABELS_VI:
        raise ValueError(f"unknown body kind {kind!r}; expected one of "
                         f"{', '.join(BODY_KIND_LABELS_VI)}")
    return kind


@dataclass(frozen=True)
class Subject:
    """Who is disciplined, as far as authority depends on it.

    ``level``: an organisation's own level. ``superior_level``: the level of
    its directly superior committee (default: the next level up; after the
    2025 reform a commune's superior is the province). For members,
    ``is_committee_member_at`` and ``managed_by_level`` are the highest level
    whose committee they sit on / which manages them as a cadre.
    ``holds_post=False`` rules out removal; None means unknown.
    """

    kind: str
    level: str | None = None
    is_committee_member_at: str | None = None
    managed_by_level: str | None = None
    violation_domain: str = "quality"
    holds_post: bool | None = None
    superior_level: str | None = None

    def __post_init__(self) -> None:
        _check_kind(self.kind)
        for name in ("level", "is_committee_member_at", "managed_by_level", "superior_level"):
            value = getattr(self, name)
            if value is not None:
                _check_level(value)
        if self.violation_domain not in VIOLATION_DOMAINS:
            raise ValueError(f"unknown violation domain {self.violation_domain!r}; expected one "
                             f"of {', '.join(VIOLATION_DOMAINS)}")


def as_subject(subject: Subject | Mapping[str, Any] | str) -> Subject:
    """Accept a Subject, a mapping of its fields, or just a subject kind."""
    if isinstance(subject, Subject):
        return subject
    if isinstance(subject, str):
        return Subject(subject)
    unknown = set(subject) - {f.name for f in fields(Subject)}
    if unknown:
        raise ValueError(f"unknown subject fields: {', '.join(sorted(unknown))}")
    return Subject(**dict(subject))


def subject_category(body_level: str, subject: Subject | Mapping[str, Any] | str) -> str:
    """How the subject stands relative to a body at ``body_level``."""
    s, rank = as_subject(subject), LEVELS.index(_check_level(body_level))
    if s.kind == "organisation":
        if s.level is None:
            raise ValueError("an organisation subject needs its level")
        own = LEVELS.index(s.level)
        superior = s.superior_level or (LEVELS[own + 1] if own + 1 < len(LEVELS) else None)
        return "directly_lower_organisation" if superior == body_level else "other_organisation"
    if s.managed_by_level is not None and LEVELS.index(s.managed_by_level) > rank:
        return "higher_managed"
    if s.is_committee_member_at is None:
        return "ordinary"
    at = LEVELS.index(s.is_committee_member_at)
    if at > rank:
        return "higher_committee_member"
    return "same_level_committee_member" if at == rank else "lower_committee_member"


@dataclass(frozen=True)
class AuthorityRule:
    """One row of the authority matrix; ``is_confirmed=False`` rows deny until confirmed."""

    key: str
    label_vi: str
    body_levels: frozenset[str]
    body_kinds: frozenset[str]
    subject_kinds: frozenset[str]
    categories: frozenset[str]
    forms: frozenset[str]
    citation: str
    domains: frozenset[str] = frozenset(VIOLATION_DOMAINS)
    decides: bool = True  # False: the body may only propose to the competent level
    is_confirmed: bool = True
    needs_admission_authority: bool = False

    def matches(self, body_level: str, body_kind: str, subject: Subject, form: str) -> bool:
        return (body_level in self.body_levels and body_kind in self.body_kinds
                and subject.kind in self.subject_kinds and form in self.forms
                and subject.violation_domain in self.domains
                and subject_category(body_level, subject) in self.categories)


def _rule(key: str, label: str, levels: Iterable[str], kinds: Iterable[str],
          subjects: Iterable[str], categories: Iterable[str], forms: Iterable[str],
          citation: str, **kw: Any) -> AuthorityRule:
    return AuthorityRule(key, label, frozenset(levels), frozenset(kinds), frozenset(subjects),
                         frozenset(categories), frozenset(forms), citation, **kw)


_RW = ("reprimand", "warning")
_UPPER = ("district", "province")
_ART36 = "Điều lệ Đảng 2011 điều 36 [S49]; QĐ 22 điều 11 (domain.md §3.2)"
_UNCONFIRMED = "chưa xác nhận — cần đối chiếu văn bản chính thức"
AUTHORITY_RULES: tuple[AuthorityRule, ...] = (
    _rule("cell_members", msg("chi bộ khiển trách, cảnh cáo đảng viên trong chi bộ"), ("cell",),
          ("cell",), _MEMBERS, _MEMBER_CATEGORIES, _RW,
          _ART36 + "; QĐ 296 điều 10.1.1 (row 4-1)", domains=frozenset({"quality"})),
    _rule("cell_assigned_task", msg("Chi bộ chỉ đề nghị kỷ luật khi vi phạm nhiệm vụ do cấp trên "
          "giao"), ("cell",), ("cell",), _MEMBERS, _MEMBER_CATEGORIES, _RW,
          "QĐ 296 điều 10 (1.4) [S4, mục 8] (row 4-1)", domains=frozenset({"assigned_task"}),
          decides=False),
    _rule("cell_committee_none", msg("Chi ủy không có thẩm quyền thi hành kỷ luật"), LEVELS,
          ("cell_committee",), _FORMS, SUBJECT_CATEGORY_LABELS_VI, FORM_LABELS_VI,
          "QĐ 22 điều 11 [S4, mục 26] (domain.md §3.2)", decides=False),
    _rule("grassroots_reprimand_warning", msg("đảng ủy cơ sở khiển trách, cảnh cáo đảng viên trong "
          "đảng bộ"), ("grassroots",), ("committee",), _MEMBERS, _MEMBER_CATEGORIES, _RW, _ART36),
    _rule("grassroots_removal", msg("đảng ủy cơ sở cách chức cấp ủy viên cấp dưới"),
          ("grassroots",), ("committee",), ("member",), ("lower_committee_member",),
          ("removal",), _ART36),
    _rule("grassroots_expulsion", msg("đảng ủy cơ sở được ủy quyền kết nạp đảng viên thì được khai "
          "trừ (trừ cấp ủy viên cùng cấp, cán bộ diện cấp trên quản lý)"), ("grassroots",),
          ("committee",), ("member",), ("ordinary", "lower_committee_member"), ("expulsion",),
          _ART36, needs_admission_authority=True),
    _rule("upper_all_forms", msg("cấp ủy cấp tỉnh, cấp huyện quyết định các hình thức kỷ luật đảng "
          "viên"), _UPPER, ("committee",), _MEMBERS, ("ordinary", "lower_committee_member"),
          _FORMS["member"], _ART36),
    _rule("upper_committee_members_quality", msg("cấp ủy cấp tỉnh, cấp huyện khiển trách, cảnh cáo "
          "cấp ủy viên các cấp, cán bộ diện cấp trên quản lý vi phạm phẩm chất, đạo đức"),
          _UPPER, ("committee",), _MEMBERS,
          ("same_level_committee_member", "higher_committee_member", "higher_managed"), _RW,
          _ART36, domains=frozenset({"quality"})),
    _rule("organisation_reprimand_warning", msg("cấp ủy hoặc ban thường vụ cấp trên trực tiếp "
          "khiển trách, cảnh cáo tổ chức đảng"), LEVELS[1:], ("committee", "standing_committee"),
          ("organisation",), ("directly_lower_organisation",), _RW,
          "QĐ 296 điều 11 [S4, mục 80] (domain.md §3.2, row 4-2)"),
    # Unconfirmed (domain.md §3.2, rows 4-3, 4-4): deny until an administrator confirms.
    _rule("dissolution", msg("cấp ủy cấp trên quyết định giải tán tổ chức đảng"), LEVELS[1:],
          ("committee",), ("organisation",), ("directly_lower_organisation",
          "other_organisation"), ("dissolution",), "Người quyết định giải tán " + _UNCONFIRMED
          + " (Điều lệ Đảng điều 38/39, QĐ 296 điều 11; row 4-4)", is_confirmed=False),
    _rule("standing_committee_members", msg("ban thường vụ cấp tỉnh, cấp huyện kỷ luật đảng viên"),
          _UPPER, ("standing_committee",), _MEMBERS, ("ordinary", "lower_committee_member"),
          _FORMS["member"], "Thẩm quyền ban thường vụ " + _UNCONFIRMED + " (domain.md §3.2)",
          is_confirmed=False),
    _rule("inspection_committee_members", msg("UBKT cấp tỉnh, cấp huyện khiển trách, cảnh cáo, "
          "cách chức đảng viên"), _UPPER, ("inspection_committee",), _MEMBERS,
          ("ordinary", "lower_committee_member"), ("reprimand", "warning", "removal"),
          "Thẩm quyền UBKT " + _UNCONFIRMED + " (QĐ 296 điều 10–11; row 4-3)",
          is_confirmed=False),
    _rule("inspection_committee_organisations", msg("UBKT cấp tỉnh, cấp huyện khiển trách, "
          "cảnh cáo tổ chức đảng cấp dưới"), _UPPER, ("inspection_committee",), ("organisation",),
          ("directly_lower_organisation", "other_organisation"), _RW,
          "Thẩm quyền UBKT " + _UNCONFIRMED + " (QĐ 296 điều 10–11; row 4-3)",
          is_confirmed=False),
    _rule("central", msg("Trung ương, Bộ Chính trị, Ban Bí thư kỷ luật đảng viên"), ("central",),
          ("committee", "standing_committee"), _MEMBERS, _MEMBER_CATEGORIES, _FORMS["member"],
          "Không có trong domain.md — " + _UNCONFIRMED + " (Điều lệ Đảng điều 36)",
          is_confirmed=False),
)


_SPECIAL_BODY_LABELS = {
    ("grassroots", "committee"): msg("Đảng ủy cơ sở"),
    ("central", "committee"): msg("Ban Chấp hành Trung ương"),
    ("central", "standing_committee"): msg("Bộ Chính trị, Ban Bí thư"),
}


def body_label(level: str, kind: str) -> str:
    """E.g. "Cấp ủy cấp huyện", "Đảng ủy cơ sở", "Chi bộ".

    A ``Msg`` (or a label the catalog knows), so the UI translates it inside a reason.
    """
    if _check_body_kind(kind) in ("cell", "cell_committee"):
        return BODY_KIND_LABELS_VI[kind]
    special = _SPECIAL_BODY_LABELS.get((_check_level(level), kind))
    return special or msg("{body} {level}", body=BODY_KIND_LABELS_VI[kind],
                          level=LEVEL_LABELS_VI[level])


def matching_rules(body_level: str, body_kind: str, subject: Subject | Mapping[str, Any] | str,
                   form: str, rules: Sequence[AuthorityRule] = AUTHORITY_RULES,
                   ) -> tuple[AuthorityRule, ...]:
    """The authority rows that speak to this body, subject and form."""
    s = as_subject(subject)
    _check_level(body_level)
    _check_body_kind(body_kind)
    check_form_for(s.kind, form)
    return tuple(r for r in rules if r.matches(body_level, body_kind, s, form))


def _decides(rows: Iterable[AuthorityRule], can_admit: bool) -> AuthorityRule | None:
    return next((r for r in rows if r.decides and r.is_confirmed
                 and (can_admit or not r.needs_admission_authority)), None)


def competent_level(body_level: str, subject: Subject | Mapping[str, Any] | str, form: str, *,
                    body_kind: str | None = None,
                    rules: Sequence[AuthorityRule] = AUTHORITY_RULES,
                    chain: Sequence[str] = LEVELS,
                    can_admit_members: bool = False) -> tuple[str, str] | None:
    """The nearest (level, body kind) whose confirmed authority covers the case.

    Other bodies at ``body_level`` are tried first, then each higher level in
    ``chain`` (pass a chain without "district" after the 2025 reform); for an
    organisation, its directly superior level comes first.
    ``can_admit_members``: assume the grassroots committee on the way holds
    authority to admit members. None: no confirmed row covers it (e.g.
    dissolution).
    """
    s, rank = as_subject(subject), LEVELS.index(_check_level(body_level))
    candidates = [(body_level, k) for k in _KIND_ORDER if k != body_kind]
    if s.kind == "organisation":  # its directly superior level first, even a lower one
        superior = next((lv for lv in LEVELS if subject_category(lv, s) ==
                         "directly_lower_organisation"), None)
        candidates = [(lv, k) for lv in [superior] if lv for k in _KIND_ORDER] + candidates
    candidates += [(lv, k) for lv in chain if LEVELS.index(lv) > rank for k in _KIND_ORDER]
    for level, kind in candidates:
        if _decides(matching_rules(level, kind, s, form, rules), can_admit_members):
            return level, kind
    return None


def _proposal_target(body_level: str, body_kind: str, subject: Subject, form: str,
                     rules: Sequence[AuthorityRule]) -> str:
    strict = competent_level(body_level, subject, form, body_kind=body_kind, rules=rules)
    admitting = competent_level(body_level, subject, form, body_kind=body_kind, rules=rules,
                                can_admit_members=True)
    target = body_label(*strict) if strict else msg("cấp có thẩm quyền")
    if admitting is not None and admitting != strict:
        return msg("{body} (nếu được ủy quyền kết nạp đảng viên) hoặc {target}",
                   body=body_label(*admitting), target=target)
    return target


def can_decide(body_level: str, body_kind: str, subject: Subject | Mapping[str, Any] | str,
               form: str, *, body_can_admit_members: bool = False,
               rules: Sequence[AuthorityRule] = AUTHORITY_RULES) -> tuple[bool, str]:
    """May this body decide ``form`` for ``subject``? Otherwise the reason says whom to propose to.

    ``rules`` is the (admin-editable) authority matrix; ``body_can_admit_members``
    says whether a grassroots committee holds authority to admit members.
    """
    s = as_subject(subject)
    rows = matching_rules(body_level, body_kind, s, form, rules)
    body, form_vi = body_label(body_level, body_kind), FORM_LABELS_VI[form]
    if form == "removal" and s.holds_post is False:
        return False, msg("Không áp dụng hình thức cách chức: đảng viên không giữ chức vụ")
    granted = _decides(rows, body_can_admit_members)
    if granted is not None:
        return True, msg("{body} có thẩm quyền: {rule} ({citation})", body=body,
                         rule=granted.label_vi, citation=granted.citation)
    target = _proposal_target(body_level, body_kind, s, form, rules)
    propose = msg("đề nghị {target} xem xét, quyết định", target=target)
    if any(r.needs_admission_authority and r.is_confirmed for r in rows):
        return False, msg("{body} chỉ được khai trừ khi được ủy quyền kết nạp đảng viên "
                          "({citation}) — {propose}", body=body, citation=_ART36,
                          propose=propose)
    limit = next((r for r in rows if r.is_confirmed), None)
    if limit is not None:
        return False, msg("{rule} ({citation}) — {propose}", rule=limit.label_vi,
                          citation=limit.citation, propose=propose)
    pending = next(iter(rows), None)
    if pending is not None:
        return False, msg("Chưa xác nhận thẩm quyền của {body} áp dụng hình thức '{form}': "
                          "{citation} — {propose}", body=body, form=form_vi,
                          citation=pending.citation, propose=propose)
    category = SUBJECT_CATEGORY_LABELS_VI[subject_category(body_level, s)]
    return False, msg("Hình thức '{form}' đối với {category} vượt thẩm quyền của {body} "
                      "— {propose}", form=form_vi, category=category, body=body,
                      propose=propose)


# --------------------------------------------------------------------------- limitation


def add_years(start: date, years: int) -> date:
    """Same day ``years`` later; 29 February becomes 28 February."""
    return add_months(start, 12 * years)


def limitation_years(subject_kind: str, form: str, category: str | None = None, *,
                     rule_set: RuleSet | None = None) -> int | None:
    """The limitation period in years; None when there is none (domain.md §3.4)."""
    check_form_for(subject_kind, form)
    rules = rule_set or RULE_SETS[-1]
    if category is not None:
        if category not in LIMITATION_CATEGORIES:
            raise ValueError(f"unknown limitation category {category!r}; expected one of "
                             f"{', '.join(LIMITATION_CATEGORIES)}")
        if category not in rules.unlimited_categories.value[subject_kind]:
            raise ValueError(f"category {category!r} does not apply to {subject_kind!r}")
        return None
    return rules.limitation_years.value[subject_kind][form]


def limitation_deadline(subject_kind: str, form: str, violation_ended_on: date,
                        category: str | None = None, *, new_violation_on: date | None = None,
                        rule_set: RuleSet | None = None) -> date | None:
    """The last day on which the violation may still be disciplined; None: no limit.

    Counted in calendar years from the day the violation ended (a continuing
    violation counts from its end, row 2-6) and not moved off weekends. A new
    violation inside the period restarts it from the new violation's date
    (row 2-5). The rule set defaults to the one in force when the violation
    ended (domain.md §9.1).
    """
    rules = rule_set or _rule_set_or_earliest(violation_ended_on)
    years = limitation_years(subject_kind, form, category, rule_set=rules)
    if years is None:
        return None
    deadline = add_years(violation_ended_on, years)
    if new_violation_on is not None:
        if new_violation_on < violation_ended_on:
            raise ValueError("new_violation_on is before the violation ended")
        if new_violation_on <= deadline:
            deadline = add_years(new_violation_on, years)
    return deadline


def limitation_expired(subject_kind: str, form: str, violation_ended_on: date, decided_on: date,
                       category: str | None = None, *, new_violation_on: date | None = None,
                       rule_set: RuleSet | None = None) -> bool:
    """True when ``decided_on`` (the conclusion that discipline is warranted, row 2-7) is after
    the last day of the period: deciding on the anniversary itself is still in time.

    Checked after the vote with the adopted form (§3.4): an expired case is
    "concluded, not enforced" (see ``enforcement_outcome``).
    """
    if decided_on < violation_ended_on:
        raise ValueError("decided_on is before the violation ended")
    deadline = limitation_deadline(subject_kind, form, violation_ended_on, category,
                                   new_violation_on=new_violation_on, rule_set=rule_set)
    return deadline is not None and decided_on > deadline


ENFORCE = "enforce"
NOT_ENFORCED = "concluded_not_enforced"
NO_DISCIPLINE = "no_discipline"
OUTCOME_LABELS_VI: Mapping[str, str] = MappingProxyType({
    ENFORCE: "Thi hành kỷ luật",
    NOT_ENFORCED: "Kết luận vi phạm nhưng không thi hành kỷ luật (hết thời hiệu)",
    NO_DISCIPLINE: "Không đủ số phiếu để áp dụng hình thức kỷ luật",
})


def enforcement_outcome(adopted_form: str | None, subject_kind: str, violation_ended_on: date,
                        decided_on: date, category: str | None = None, *,
                        new_violation_on: date | None = None,
                        rule_set: RuleSet | None = None) -> str:
    """The guard after the vote: enforce, concluded-not-enforced, or no discipline."""
    if adopted_form is None:
        return NO_DISCIPLINE
    expired = limitation_expired(subject_kind, adopted_form, violation_ended_on, decided_on,
                                 category, new_violation_on=new_violation_on, rule_set=rule_set)
    return NOT_ENFORCED if expired else ENFORCE


# --------------------------------------------------------------------------- effect period


def decision_lapses_on(announced_on: date, form: str, rule_set: RuleSet | None = None, *,
                       complained: bool = False, complaint_ruling_on: date | None = None,
                       new_violation: bool = False) -> date | None:
    """The day a decision other than expulsion stops having effect (§3.6, rows 6-1 … 6-3).

    None when it never lapses by itself: expulsion, a new violation, or a
    complaint (under QĐ 30 the year runs from the complaint ruling instead,
    once there is one). Dissolution is treated like expulsion.
    """
    _check_form(form)
    rules = rule_set or _rule_set_or_earliest(announced_on)
    years = rules.decision_effect_years.value
    if form in ("expulsion", "dissolution") or new_violation or years is None:
        return None
    start = announced_on
    if complained or complaint_ruling_on is not None:
        if not rules.effect_counts_from_complaint_ruling.value or complaint_ruling_on is None:
            return None
        if complaint_ruling_on < announced_on:
            raise ValueError("complaint_ruling_on is before the announcement")
        start = complaint_ruling_on
    return add_years(start, years)


# --------------------------------------------------------------------------- circumstances


@dataclass(frozen=True)
class Circumstance:
    label_vi: str
    subject_kinds: frozenset[str]
    citation: str
    is_confirmed: bool = True


_M = frozenset({"member", "probationary_member"})
_O = frozenset({"organisation"})
_MEM_SRC = "QĐ 69-QĐ/TW điều 5 [S13] (domain.md §3.5)"
_ORG_SRC = "QĐ 69-QĐ/TW điều 5, tổ chức đảng [S13b] (domain.md §3.5)"
_AGG_SRC = "QĐ 102 điều 4 [S13c]; QĐ 07 [S13d]; danh mục hiện hành theo QĐ 69: chưa xác nhận"
MITIGATING: Mapping[str, Circumstance] = MappingProxyType({
    "self_reported": Circumstance("Chủ động báo cáo vi phạm, tự nhận hình thức kỷ luật tương "
                                  "xứng trước hoặc trong khi kiểm tra", _M, _MEM_SRC),
    "reported_co_violators": Circumstance("Cung cấp đầy đủ, trung thực thông tin về người cùng "
                                          "vi phạm", _M, _MEM_SRC),
    "stopped_and_remedied": Circumstance("Chủ động chấm dứt vi phạm, nộp lại tài sản tham nhũng, "
                                         "khắc phục hậu quả", _M, _MEM_SRC),
    "authorised_innovation": Circumstance("Vi phạm khi thực hiện thí điểm, đổi mới sáng tạo được "
                                          "cấp có thẩm quyền cho phép", _M, _MEM_SRC),
    "org_self_reported": Circumstance("Kịp thời báo cáo, tự kiểm điểm nghiêm túc", _O, _ORG_SRC),
    "org_honest_information": Circumstance("Cung cấp thông tin trung thực", _O, _ORG_SRC),
    "org_stopped_and_remedied": Circumstance("Chấm dứt vi phạm, cơ bản khắc phục hậu quả", _O,
                                             _ORG_SRC),
    "org_assisted_handling": Circumstance("Giúp cơ quan có thẩm quyền xử lý vụ việc", _O,
                                          _ORG_SRC),
})
_ALL_KINDS = frozenset(_FORMS)
AGGRAVATING: Mapping[str, Circumstance] = MappingProxyType({
    key: Circumstance(label, _ALL_KINDS, _AGG_SRC, is_confirmed=False)
    for key, label in (
        ("not_corrected_after_reminder", "Đã được nhắc nhở nhưng không sửa chữa"),
        ("evasion_or_concealment", "Trốn tránh, che giấu vi phạm"),
        ("covering_co_violators", "Bao che cho người cùng vi phạm"),
        ("retaliation_against_denouncers", "Trù dập người tố cáo"),
        ("false_information_or_destroyed_evidence", "Cung cấp thông tin sai sự thật, tiêu hủy "
                                                    "chứng cứ"),
        ("damage_unremedied", "Không khắc phục hậu quả"),
        ("repeated_or_systematic", "Vi phạm nhiều lần, có hệ thống, tái phạm"),
    )
})


def _circumstance_keys(keys: Iterable[str], catalogue: Mapping[str, Circumstance], what: str,
                       subject_kind: str | None) -> tuple[str, ...]:
    if isinstance(keys, str):
        raise ValueError(f"{what} must be a sequence of keys, not a string")
    result = tuple(dict.fromkeys(keys))  # ordered, without repeats
    for key in result:
        if key not in catalogue:
            raise ValueError(f"unknown {what} circumstance {key!r}")
        if subject_kind is not None and subject_kind not in catalogue[key].subject_kinds:
            raise ValueError(f"{what} circumstance {key!r} does not apply to {subject_kind!r}")
    return result


@dataclass(frozen=True)
class Circumstances:
    """Mitigating and aggravating circumstances recorded on a decision (plain data)."""

    mitigating: tuple[str, ...] = ()
    aggravating: tuple[str, ...] = ()
    subject_kind: str | None = None

    def __post_init__(self) -> None:
        if self.subject_kind is not None:
            _check_kind(self.subject_kind)
        for name, catalogue in (("mitigating", MITIGATING), ("aggravating", AGGRAVATING)):
            keys = _circumstance_keys(getattr(self, name), catalogue, name, self.subject_kind)
            object.__setattr__(self, name, keys)

    def as_dict(self) -> dict[str, Any]:
        return {"mitigating": list(self.mitigating), "aggravating": list(self.aggravating),
                "subject_kind": self.subject_kind}

    def labels_vi(self) -> dict[str, list[str]]:
        return {"mitigating": [MITIGATING[k].label_vi for k in self.mitigating],
                "aggravating": [AGGRAVATING[k].label_vi for k in self.aggravating]}


# --------------------------------------------------------------------------- deferral

DEFERRAL_CITATION = msg("QĐ 296 điều 8(7) [S4, mục 68] (domain.md §2.8) — chỉ theo [S4], cần "
                        "đối chiếu")
DEFERRAL_GROUNDS: Mapping[str, str] = MappingProxyType({  # named in deferral_reason
    "pregnancy": msg("Đang mang thai"),
    "child_under_12_months": msg("Đang nuôi con dưới 12 tháng tuổi"),
    "serious_illness": msg("Đang điều trị bệnh nặng tại bệnh viện"),
})



def deferral_reason(grounds: Iterable[str] = (), *, pregnant: bool = False,
                    seriously_ill_in_hospital: bool = False, child_born_on: date | None = None,
                    on: date | None = None) -> str | None:
    """Why discipline cannot be considered yet (chưa xem xét kỷ luật), or None.

    Give ground keys directly, or the facts: a child born less than 12 months
    before ``on`` (required with ``child_born_on``) counts.
    """
    if isinstance(grounds, str):
        raise ValueError("grounds must be a sequence of keys, not a string")
    found = dict.fromkeys(grounds)
    unknown = [g for g in found if g not in DEFERRAL_GROUNDS]
    if unknown:
        raise ValueError(f"unknown deferral ground(s): {', '.join(map(repr, unknown))}")
    if pregnant:
        found["pregnancy"] = None
    if seriously_ill_in_hospital:
        found["serious_illness"] = None
    if child_born_on is not None:
        if on is None:
            raise ValueError("'on' is required with child_born_on")
        if child_born_on > on:
            raise ValueError("child_born_on is after 'on'")
        if on < add_months(child_born_on, 12):
            found["child_under_12_months"] = None
    if not found:
        return None
    reasons = [DEFERRAL_GROUNDS[g] for g in DEFERRAL_GROUNDS if g in found]
    return msg("Chưa xem xét kỷ luật: {grounds} ({citation})", grounds=reasons,
               citation=DEFERRAL_CITATION)
