from datetime import date

import pytest

from workflows import registry
from workflows.calendar import Unit
from workflows.engine import (
    DeadlineRule,
    DefinitionError,
    EventDef,
    GuardContext,
    Phase,
    Role,
    StateDef,
    TransitionNotAllowed,
    WorkflowDefinition,
)

ALL = frozenset({Role.CHAIR})


def _definition(states, events, initial="a"):
    return WorkflowDefinition(name="t", version=1, kind="t", title="t", initial=initial,
                              states=states, events=events)


def _ctx(state, **kw):
    return GuardContext(state=state, subject_type=kw.get("subject_type", "member"),
                        case_data=kw.get("case_data", {}), event_data=kw.get("event_data", {}),
                        note=kw.get("note", ""), today=date(2026, 1, 5))


GOOD_STATES = (StateDef("a", Phase.PLANNED, "A"), StateDef("z", Phase.CLOSED, "Z"))
GOOD_EVENTS = (EventDef("finish", ("a",), "z", "Finish", ALL),)


def test_a_valid_definition_builds():
    d = _definition(GOOD_STATES, GOOD_EVENTS)
    assert d.fire("finish", "a") == "z"


@pytest.mark.parametrize(
    ("states", "events", "problem"),
    [
        (GOOD_STATES + (StateDef("lost", Phase.UNDERWAY, "L"),), GOOD_EVENTS, "unreachable"),
        (GOOD_STATES, (EventDef("finish", ("a",), "nowhere", "F", ALL),), "unknown destination"),
        (GOOD_STATES, GOOD_EVENTS + (EventDef("x", ("ghost",), "z", "X", ALL),), "unknown source"),
        (GOOD_STATES + (StateDef("a", Phase.PLANNED, "A2"),), GOOD_EVENTS, "duplicate state"),
        (GOOD_STATES, GOOD_EVENTS + GOOD_EVENTS, "duplicate event"),
        (GOOD_STATES, GOOD_EVENTS + (EventDef("reopen", ("z",), "a", "R", ALL),), "final state"),
        (GOOD_STATES, (EventDef("finish", ("a",), "z", "F", frozenset()),), "no role"),
        ((StateDef("a", Phase.PLANNED, "A"), StateDef("b", Phase.UNDERWAY, "B")),
         (EventDef("go", ("a",), "b", "G", ALL),), "no final"),
    ],
)
def test_validator_rejects_broken_definitions(states, events, problem):
    with pytest.raises(DefinitionError) as err:
        _definition(states, events)
    assert any(problem in p for p in err.value.problems), err.value.problems


def test_unknown_initial_state_is_rejected():
    with pytest.raises(DefinitionError):
        _definition(GOOD_STATES, GOOD_EVENTS, initial="q")


def test_fire_from_wrong_state_raises():
    d = _definition(GOOD_STATES, GOOD_EVENTS)
    with pytest.raises(TransitionNotAllowed):
        d.fire("finish", "z")
    with pytest.raises(TransitionNotAllowed):
        d.fire("nope", "a")


def test_one_machine_per_definition_and_no_models_attached():
    d = registry.for_kind("inspection_violation")
    machine = d._machine
    for _ in range(100):
        d.fire("decide", "proposed")
    assert d._machine is machine and machine.models == []


def test_check_collects_every_reason():
    d = registry.for_kind("inspection_violation")
    check = d.check("decide", _ctx("launched"), {Role.INSPECTOR})
    assert not check.allowed and not check.from_state_ok and not check.role_ok
    assert len(check.reasons) >= 4  # state, role, two missing fields


def test_first_definition_covers_the_procedure():
    d = registry.get("inspection_violation", 1)
    phases = {s.phase for s in d.states}
    assert phases == set(Phase)
    assert {e.name for e in d.events_from("committee_review")} == {"send_back", "conclude"}
    assert d.event_map["send_back"].dest == "verifying"  # findings -> underway
    assert d.phase_of("verifying") is Phase.UNDERWAY
    for final in ("closed", "cancelled", "transferred"):
        assert d.state(final).is_final and d.events_from(final) == []


def test_describe_is_json_ready():
    import json

    described = registry.for_kind("inspection_violation").describe()
    json.dumps(described)
    assert described["name"] == "inspection_violation" and described["version"] == 2
    assert {"name", "phase", "label", "final", "deadlines"} <= set(described["states"][0])
    assert {"name", "sources", "destination", "roles"} <= set(described["events"][0])


def test_registry_versions():
    assert registry.latest("inspection_violation").version >= 1
    with pytest.raises(registry.UnknownWorkflow):
        registry.get("inspection_violation", 999)
    with pytest.raises(registry.UnknownWorkflow):
        registry.for_kind("nope")
    with pytest.raises(ValueError):
        registry.register(registry.get("inspection_violation", 1))


def test_deadline_rule_is_data():
    rule = DeadlineRule("r", "R", 5, Unit.WORKING_DAYS, "cite")
    assert not rule.is_confirmed and rule.unit is Unit.WORKING_DAYS


@pytest.mark.parametrize("value", [["warning"], {"a": 1}, 3, None])
def test_choice_field_rejects_non_strings(value):
    from workflows.engine import FieldSpec

    spec = FieldSpec("form", "choice", "Form", choices=(("warning", "Cảnh cáo"),))
    assert spec.validate(value) is not None


def test_allowed_events_do_not_judge_input_not_yet_given():
    """Before the form is filled, only the case can block an event, not its missing input."""
    from workflows.engine import input_guard

    calls = []

    @input_guard
    def needs_form(ctx):
        calls.append(ctx)
        return (bool(ctx.event_data.get("x")), "x missing")

    d = _definition(GOOD_STATES, (EventDef("finish", ("a",), "z", "F", ALL, guards=(needs_form,),
                                           requires_note=True),))
    assert d.check("finish", _ctx("a"), {Role.CHAIR}, with_input=False).allowed
    assert calls == []
    full = d.check("finish", _ctx("a"), {Role.CHAIR})
    assert not full.allowed and "x missing" in full.reasons


def test_every_vote_and_deferral_event_is_offered_before_input():
    from workflows.engine import Role as R

    d = registry.for_kind("discipline")
    ctx = GuardContext(state="concluded", subject_type="member", case_data={}, event_data={},
                       note="", today=date(2026, 11, 30),
                       subject_facts={"status": "full", "positions": ["x"]})
    assert d.check("vote", ctx, set(R), with_input=False).allowed
    assert d.check("defer", ctx, set(R), with_input=False).allowed


def test_outcome_guard_reason_names_the_outcome_by_its_label():
    from workflows.engine import Role as R

    d = registry.for_kind("inspection_violation")
    ctx = GuardContext(state="concluded", subject_type="member",
                       case_data={"outcome": "shortcomings"}, event_data={}, note="",
                       today=date(2026, 11, 30))
    (reason,) = d.check("start_discipline", ctx, set(R)).reasons
    assert "Vi phạm đến mức phải xem xét kỷ luật [discipline_warranted]" in reason
    assert "hiện tại: Có khuyết điểm, rút kinh nghiệm [shortcomings]" in reason
