"""Pieces every definition shares: role groups, choice lists, field helpers, dates."""

from __future__ import annotations

from workflows import discipline
from workflows.discipline import BODY_KIND_LABELS_VI, FORM_LABELS_VI, LEVEL_LABELS_VI, LEVELS
from workflows.engine import FieldSpec, Role

STAFF = frozenset({Role.INSPECTOR, Role.MEMBER, Role.CHAIR})
COMMITTEE = frozenset({Role.MEMBER, Role.CHAIR})
CHAIR = frozenset({Role.CHAIR})

YES_NO = (("yes", "Có"), ("no", "Không"))
LEVEL_CHOICES = tuple((level, LEVEL_LABELS_VI[level]) for level in LEVELS)
BODY_KIND_CHOICES = tuple(BODY_KIND_LABELS_VI.items())
FORM_CHOICES = tuple(FORM_LABELS_VI.items())

# The days QĐ 22 and QĐ 296 took effect (domain.md §0.1): a version's in_force_from.
QD22_FROM = next(r.in_force_from for r in discipline.RULE_SETS if r.key == "qd22")
QD296_FROM = next(r.in_force_from for r in discipline.RULE_SETS if r.key == "qd296")

PLAN_CITATION = (
    "QĐ 354-QĐ/UBKTTW: mốc thời gian do kế hoạch ấn định cho từng cuộc; giá trị mặc định, "
    "chưa có căn cứ thời hạn luật định (domain.md §4)"
)


def flag(name: str, label: str) -> FieldSpec:
    """An optional yes/no question (event data fields are scalar; ``guards.is_yes`` reads it)."""
    return FieldSpec(name, "choice", label, required=False, choices=YES_NO)


def decision_fields(label: str = "Số quyết định") -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("decision_number", "text", label, max_length=100),
        FieldSpec("decision_date", "date", "Ngày quyết định"),
    )


def text(name: str, label: str, *, required: bool = True, long: bool = False) -> FieldSpec:
    return FieldSpec(name, "text", label, required=required, max_length=20000 if long else 4000)


def day(name: str, label: str, *, required: bool = True) -> FieldSpec:
    return FieldSpec(name, "date", label, required=required)
