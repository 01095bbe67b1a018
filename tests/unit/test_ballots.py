"""The vote's derived outcome (``workflows.ballots.derive_vote``), the engine's ``derive``
hook, and the guards after the vote reading what the vote recorded."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.test_definitions import context
from tests.walks import VOTE, d
from workflows import registry
from workflows.ballots import DERIVED_KEYS, count_ballot, derive_vote, is_ballot_event, verdict
from workflows.engine import (
    EventDef,
    FieldSpec,
    GuardContext,
    Phase,
    Role,
    StateDef,
    WorkflowDefinition,
)

DISCIPLINE = registry.for_kind("discipline")
CONCLUDED = {"conclusion": "Vi phạm", "violation_ended_on": d(-400)}
AFTER_VOTE = ("decide", "propose_to_competent", "conclude_not_enforced", "close_no_discipline")
CELL = {"body_level": "cell", "body_kind": "cell"}


def _voting(votes: dict[str, Any], subject: str = "member", **facts: Any) -> GuardContext:
    return context("concluded", subject=subject, facts=facts, case_data=CONCLUDED,
                   **{**VOTE, **votes})


def _derived(votes: dict[str, Any], subject: str = "member", **facts: Any) -> dict[str, Any]:
    ctx = _voting(votes, subject, **facts)
    assert DISCIPLINE.check("vote", ctx, {Role.MEMBER}).allowed
    return DISCIPLINE.derived_data("vote", ctx)


@pytest.mark.parametrize(("votes", "expected"), [
    ({"votes_warning": 5, "votes_none": 4},
     {"adopted_form": "warning", "adopted_alone": True, "vote_outcome": "decide",
      "within_authority": True, "limitation_expired": False, "expulsion_forwarded": False}),
    ({"votes_removal": 2, "votes_warning": 2, "votes_reprimand": 1},
     {"adopted_form": "reprimand", "adopted_alone": False, "vote_outcome": "decide",
      "vote_running_totals": [["expulsion", 0], ["removal", 2], ["warning", 4],
                              ["reprimand", 5]]}),
    ({"votes_reprimand": 4, "votes_none": 5},
     {"adopted_form": None, "vote_outcome": "no_discipline", "within_authority": None,
      "authority_reason": "", "limitation_expired": None}),
    ({"votes_expulsion": 5, "votes_warning": 1, **CELL},  # a cell short of 2/3
     {"adopted_form": "removal", "expulsion_forwarded": True, "vote_outcome": "propose",
      "within_authority": False}),
    ({"votes_expulsion": 6, **CELL},
     {"adopted_form": "expulsion", "expulsion_forwarded": False, "vote_outcome": "propose"}),
    ({"votes_reprimand": 6, "violation_ended_on": d(-6 * 366)},
     {"adopted_form": "reprimand", "limitation_expired": True, "vote_outcome": "not_enforced"}),
])
def test_the_vote_derives_its_outcome(votes: dict[str, Any], expected: dict[str, Any]) -> None:
    derived = _derived(votes)
    assert set(derived) == set(DERIVED_KEYS)
    assert {key: derived[key] for key in expected} == expected


def test_thresholds_are_recorded_per_form() -> None:
    derived = _derived({"votes_warning": 5, **CELL})
    assert derived["vote_thresholds"][0] == {"form": "expulsion", "minimum": 6, "share": "2/3",
                                             "inclusive": True}
    assert derived["vote_thresholds"][-1] == {"form": "reprimand", "minimum": 5, "share": "1/2",
                                              "inclusive": False}
    committee = _derived({"votes_warning": 5})["vote_thresholds"][0]
    assert committee["minimum"] == 5 and not committee["inclusive"]  # a committee approves


@pytest.mark.parametrize(("subject", "facts", "forms"), [
    ("member", {}, ["expulsion", "removal", "warning", "reprimand"]),
    ("member", {"positions": []}, ["expulsion", "warning", "reprimand"]),
    ("member", {"status": "probationary"}, ["warning", "reprimand"]),
    ("organisation", {}, ["dissolution", "warning", "reprimand"]),
])
def test_running_totals_cover_the_subjects_forms(subject: str, facts: dict[str, Any],
                                                 forms: list[str]) -> None:
    derived = _derived({"votes_warning": 5}, subject, **facts)
    assert [form for form, _ in derived["vote_running_totals"]] == forms


def test_the_base_must_match_its_parts() -> None:
    parts = {"members_official": 11, "members_transferred": 1, "members_excused_absent": 1}
    assert DISCIPLINE.check("vote", _voting({**parts, "votes_warning": 5}), {Role.MEMBER}).allowed
    found = count_ballot(_voting({**parts, "members_total": 10, "votes_warning": 5}))
    assert "11 − 1 − 1 = 9" in found.problem
    assert "không được lớn hơn" in count_ballot(_voting({
        "members_official": 2, "members_transferred": 3, "votes_warning": 1})).problem
    assert "không âm" in count_ballot(_voting({
        "members_official": 9, "members_transferred": -1, "votes_warning": 1})).problem


def test_a_ballot_that_cannot_be_counted_derives_nothing() -> None:
    with pytest.raises(ValueError, match="không hợp lệ"):
        derive_vote(_voting({"votes_warning": 10}))


def _allowed(case_data: dict[str, Any], **fields: Any) -> set[str]:
    found = set()
    for event in AFTER_VOTE:
        data = {"decide": {"form": fields.get("form", ""), "decision_number": "1"},
                "propose_to_competent": {"proposed_form": "expulsion", "proposed_to": "x"},
                }.get(event, {})
        if DISCIPLINE.check(event, context("voted", case_data=case_data, **data),
                            {Role.CHAIR}).allowed:
            found.add(event)
    return found


@pytest.mark.parametrize("votes", [
    {"votes_warning": 5}, {"votes_removal": 2, "votes_warning": 3},
    {"votes_reprimand": 4, "votes_none": 5}, {"votes_expulsion": 6, **CELL},
    {"votes_expulsion": 5, "votes_warning": 1, **CELL},
    {"votes_reprimand": 6, "violation_ended_on": d(-6 * 366)},
    {"votes_warning": 6, "subject_managed_by_level": "province",
     "violation_domain": "assigned_task"},
])
def test_guards_reading_the_record_agree_with_counting_again(votes: dict[str, Any]) -> None:
    facts = {**CONCLUDED, **VOTE, **votes}
    derived = _derived(votes)
    form = derived["adopted_form"] or ""
    assert _allowed({**facts, **derived}, form=form) == _allowed(facts, form=form)


def test_the_record_wins_over_counting_again() -> None:
    facts = {**CONCLUDED, **VOTE, "votes_warning": 6}
    recorded = {**facts, **_derived({"votes_warning": 6}), "adopted_form": "reprimand"}
    assert _allowed(recorded, form="reprimand") == {"decide"}
    assert verdict(context("voted", case_data=recorded)).adopted == "reprimand"
    # The vote itself always counts the ballot it carries.
    assert verdict(_voting({"votes_warning": 6})).adopted == "warning"


def test_only_ballot_events_are_ballot_events() -> None:
    assert [e.name for e in DISCIPLINE.events if is_ballot_event(e)] == ["vote"]
    assert not any(is_ballot_event(e) for definition in registry.all_definitions()
                   if definition.name != "discipline" for e in definition.events)


# --------------------------------------------------------------------------- the engine hook

STATES = (StateDef("a", Phase.PLANNED, "A"), StateDef("z", Phase.CLOSED, "Z"))


def _definition(derive: Any) -> WorkflowDefinition:
    return WorkflowDefinition(name="t", version=1, kind="t", title="t", initial="a",
                              states=STATES, events=(EventDef("go", ("a",), "z", "Go",
                                                              frozenset({Role.CHAIR}),
                                                              derive=derive),))


def test_derived_data_is_the_derive_result_or_nothing() -> None:
    ctx = context("a", x=2)
    assert _definition(None).derived_data("go", ctx) == {}
    doubled = _definition(lambda c: {"double": c.event_data["x"] * 2})
    assert doubled.derived_data("go", ctx) == {"double": 4}


def test_a_derived_key_may_not_shadow_a_field() -> None:
    event = EventDef("go", ("a",), "z", "Go", frozenset({Role.CHAIR}),
                     fields=(FieldSpec("x", "integer", "X"),), derive=lambda c: {"x": 1})
    definition = WorkflowDefinition(name="t", version=1, kind="t", title="t", initial="a",
                                    states=STATES, events=(event,))
    with pytest.raises(ValueError, match="derives its own fields: x"):
        definition.derived_data("go", context("a", x=2))
