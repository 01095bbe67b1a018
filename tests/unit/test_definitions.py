"""Every registered definition: valid, every state reachable, and walked (pure) from its
initial state to every final state and outcome with the right roles and data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pytest

from tests.walks import ALL_WALKS, MEMBER_FACTS, NOTE, ORG_FACTS, TODAY, Walk
from workflows import registry
from workflows.definitions._common import QD22_FROM, QD296_FROM
from workflows.engine import (
    GuardContext,
    Phase,
    Role,
    WorkflowDefinition,
    _reachable,
    validate_definition,
)

ROLES = {"chair": Role.CHAIR, "member": Role.MEMBER, "inspector": Role.INSPECTOR}
DEFINITIONS = registry.all_definitions()


def walk(w: Walk) -> tuple[str, list[str]]:
    """Fire every step through ``check`` and ``fire``; the end state and the kinds spawned."""
    definition = registry.get(w.kind, w.version)
    state, case_data, spawned = definition.initial, {}, []
    for step in w.steps:
        ctx = GuardContext(state, w.subject, case_data, step.data, NOTE,
                           TODAY + timedelta(days=step.shift), w.facts)
        check = definition.check(step.event, ctx, {ROLES[step.role]})
        assert check.allowed, (w.name, step.event, state, check.reasons)
        state = definition.fire(step.event, state)
        case_data = {**case_data, **step.data}
        if check.event.spawns:
            spawned.append(check.event.spawns)
    return state, spawned


def test_the_registry_holds_every_case_kind() -> None:
    assert registry.kinds() == sorted([
        "inspection_violation", "inspection_lower_work", "financial_inspection",
        "asset_declaration", "supervision", "denunciation", "discipline_complaint",
        "discipline", "suspension"])
    assert registry.get("inspection_violation", 1).in_force_from is None  # v1 kept as it was


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: f"{d.name}-v{d.version}")
def test_definition_is_valid_and_every_state_reachable(definition: WorkflowDefinition) -> None:
    validate_definition(definition)
    assert _reachable(definition.initial, definition.events) == set(definition.state_map)
    assert {s.phase for s in definition.states} <= set(Phase)
    assert any(s.is_final for s in definition.states)
    for event in definition.events:
        assert event.spawns is None or event.spawns in registry.kinds()
        for source in event.sources:
            assert not definition.state(source).is_final
    for state in definition.states:
        for rule in state.deadlines:
            assert rule.citation and rule.amount > 0


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: f"{d.name}-v{d.version}")
def test_walks_reach_every_final_state_and_fire_every_event(definition: WorkflowDefinition,
                                                            ) -> None:
    mine = [w for w in ALL_WALKS if (w.kind, w.version) == definition.key]
    finals = {s.name for s in definition.states if s.is_final}
    assert {w.final for w in mine} == finals
    fired = {step.event for w in mine for step in w.steps}
    assert fired == set(definition.event_map)


@pytest.mark.parametrize("w", ALL_WALKS, ids=lambda w: w.name)
def test_walk_reaches_its_outcome(w: Walk) -> None:
    state, spawned = walk(w)
    assert state == w.final
    assert tuple(spawned) == w.spawns


@pytest.mark.parametrize(
    ("kind", "on", "version"),
    [
        ("denunciation", date(2024, 5, 6), 1),
        ("denunciation", QD296_FROM - timedelta(days=1), 1),
        ("denunciation", QD296_FROM, 2),
        ("denunciation", date(2026, 3, 2), 2),
        ("denunciation", date(2019, 1, 2), 1),  # before every version: the oldest
        ("denunciation", None, 2),
        ("inspection_violation", QD22_FROM - timedelta(days=1), 1),
        ("inspection_violation", QD22_FROM, 2),
        ("inspection_violation", None, 2),
        ("suspension", date(2019, 1, 2), 1),
    ],
)
def test_version_is_picked_by_the_anchor_date(kind: str, on: date | None, version: int) -> None:
    assert registry.for_kind(kind, on).version == version


def test_denunciation_versions_name_their_rule_sets() -> None:
    v1, v2 = registry.get("denunciation", 1), registry.get("denunciation", 2)
    assert (v1.rule_set, v2.rule_set) == ("qd22", "qd296")
    assert "keep_as_information" not in v1.event_map and "keep_as_information" in v2.event_map
    v2_rule = v2.state("resolving").deadlines[0]
    assert not v2_rule.is_confirmed and "chưa xác nhận" in v2_rule.citation
    assert v1.state("resolving").deadlines[0].is_confirmed


def context(state: str, *, subject: str = "member", facts: Mapping[str, Any] | None = None,
            case_data: Mapping[str, Any] | None = None, today: date = TODAY,
            **event_data: Any) -> GuardContext:
    base = MEMBER_FACTS if subject == "member" else ORG_FACTS
    return GuardContext(state, subject, dict(case_data or {}), event_data, NOTE, today,
                        {**base, **(facts or {})})


def check(kind: str, event: str, ctx: GuardContext, version: int | None = None,
          role: Role = Role.CHAIR) -> tuple[bool, tuple[str, ...]]:
    definition = registry.get(kind, version) if version else registry.for_kind(kind)
    result = definition.check(event, ctx, {role})
    return result.allowed, result.reasons
