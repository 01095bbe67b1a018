"""Which amount and unit a deadline rule has on a given anchor date.

In order: an administrator's ``RuleParameter`` for the rule under the rule
set in force on the anchor date, then the definition's per-rule-set value
(``DeadlineRule.by_rule_set``), then the definition's default. The rule sets
(QĐ 30 from 26/7/2016, QĐ 22 from 28/7/2021, QĐ 296 from 30/5/2025) come from
``workflows.discipline.rule_set_on``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.core import config_cache
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.deadlines.models import RuleParameter
from workflows import registry
from workflows.calendar import MAX_AMOUNT, Unit
from workflows.engine import DeadlineRule, Role, WorkflowDefinition
from workflows.text import msg


@dataclass(frozen=True)
class RuleSetRef:
    key: str
    name: str


@dataclass(frozen=True)
class Terms:
    amount: int
    unit: Unit
    citation: str
    is_confirmed: bool
    rule_set: RuleSetRef | None
    source: str  # "parameter" | "rule_set" | "default"


def rule_sets() -> list[RuleSetRef]:
    from workflows.discipline import RULE_SETS

    return [RuleSetRef(r.key, r.name) for r in RULE_SETS]


def rule_set_for(day: date) -> RuleSetRef | None:
    """The rule set in force on ``day``; None before the first one (QĐ 30)."""
    from workflows.discipline import rule_set_on

    try:
        found = rule_set_on(day)
    except ValueError:
        return None
    return RuleSetRef(found.key, found.name)


def rule_set_of(definition: WorkflowDefinition, anchor_on: date) -> RuleSetRef | None:
    """The definition's own rule set when it was written against one, else the
    one in force on the anchor date."""
    fixed = getattr(definition, "rule_set", "")
    if fixed:
        return next((r for r in rule_sets() if r.key == fixed), RuleSetRef(fixed, fixed))
    return rule_set_for(anchor_on)


def terms_for(definition: WorkflowDefinition, rule: DeadlineRule, anchor_on: date) -> Terms:
    rule_set = rule_set_of(definition, anchor_on)
    in_force = f" Bộ quy định áp dụng: {rule_set.name}." if rule_set else ""
    if rule_set is not None:
        parameter = _parameters().get((definition.name, rule.name, rule_set.key))
        if parameter is not None:
            citation = f"{parameter.citation or rule.citation} (quản trị viên đặt).{in_force}"
            return Terms(parameter.amount, Unit(parameter.unit), citation,
                         parameter.is_confirmed, rule_set, "parameter")
    amount, unit = rule.terms(rule_set.key if rule_set else None)
    source = "rule_set" if rule_set and rule_set.key in rule.by_rule_set else "default"
    return Terms(amount, unit, rule.citation + in_force, rule.is_confirmed, rule_set, source)


@dataclass(frozen=True)
class _Parameter:
    amount: int
    unit: str
    citation: str
    is_confirmed: bool


def _parameters() -> dict[tuple[str, str, str], _Parameter]:
    """Every admin-set value by (workflow, rule, rule set): a handful of rows,
    cached per process between transitions (``core.config_cache``)."""
    return config_cache.cached("rule_parameters", _load_parameters)


def _load_parameters() -> dict[tuple[str, str, str], _Parameter]:
    rows = db.session.execute(sa.select(
        RuleParameter.workflow_name, RuleParameter.rule, RuleParameter.rule_set,
        RuleParameter.amount, RuleParameter.unit, RuleParameter.citation,
        RuleParameter.is_confirmed))
    return {(r.workflow_name, r.rule, r.rule_set):
            _Parameter(r.amount, r.unit, r.citation, r.is_confirmed) for r in rows}


def _find_rule(workflow_name: str, rule_name: str) -> DeadlineRule:
    try:
        definition = registry.latest(workflow_name)
    except registry.UnknownWorkflow:
        raise ValidationFailed(
            msg("Không có quy trình '{workflow_name}'", workflow_name=workflow_name)
        ) from None
    for state in definition.states:
        for rule in state.deadlines:
            if rule.name == rule_name:
                return rule
    raise ValidationFailed(
        msg(
            "Quy trình '{workflow_name}' không có thời hạn '{rule_name}'",
            workflow_name=workflow_name,
            rule_name=rule_name,
        )
    )


def _require_admin(actor: Actor) -> None:
    if not any(role is Role.ADMIN for role, _ in actor.scopes):
        raise PermissionDenied(msg("Chỉ quản trị viên được sửa tham số thời hạn"))


def set_rule_parameter(
    actor: Actor,
    *,
    workflow_name: str,
    rule: str,
    rule_set: str,
    amount: int,
    unit: str,
    citation: str = "",
    is_confirmed: bool = False,
    now: datetime | None = None,
) -> RuleParameter:
    """Create or change an administrator's value for one rule under one rule set."""
    _require_admin(actor)
    _find_rule(workflow_name, rule)
    if rule_set not in {r.key for r in rule_sets()}:
        known = ", ".join(r.key for r in rule_sets())
        raise ValidationFailed(
            msg(
                "Bộ quy định '{rule_set}' không tồn tại (có: {known})",
                rule_set=rule_set,
                known=known,
            )
        )
    if unit not in {u.value for u in Unit}:
        raise ValidationFailed(msg("Đơn vị '{unit}' không hợp lệ", unit=unit))
    if not 0 <= amount <= MAX_AMOUNT:
        raise ValidationFailed(msg("Thời hạn phải từ 0 đến {max_amount}", max_amount=MAX_AMOUNT))
    row = db.session.scalar(sa.select(RuleParameter).where(
        RuleParameter.workflow_name == workflow_name, RuleParameter.rule == rule,
        RuleParameter.rule_set == rule_set))
    if row is None:
        row = RuleParameter(workflow_name=workflow_name, rule=rule, rule_set=rule_set)
        db.session.add(row)
    row.amount, row.unit, row.citation = amount, unit, citation.strip()
    row.is_confirmed = is_confirmed
    row.updated_by_id = actor.user_id
    row.updated_at = now or utcnow()
    db.session.flush()
    return row


def remove_rule_parameter(actor: Actor, *, workflow_name: str, rule: str, rule_set: str) -> None:
    _require_admin(actor)
    row = db.session.scalar(sa.select(RuleParameter).where(
        RuleParameter.workflow_name == workflow_name, RuleParameter.rule == rule,
        RuleParameter.rule_set == rule_set))
    if row is None:
        raise NotFound(
            msg(
                "Không có tham số cho {workflow_name}/{rule}/{rule_set}",
                workflow_name=workflow_name,
                rule=rule,
                rule_set=rule_set,
            )
        )
    db.session.delete(row)
    db.session.flush()


def list_rule_parameters() -> list[RuleParameter]:
    return list(db.session.scalars(sa.select(RuleParameter).order_by(
        RuleParameter.workflow_name, RuleParameter.rule, RuleParameter.rule_set)))
