"""What the case pages show, computed from the models and the workflow definition.

Plain data for the templates: the phase progress bar, deadline countdowns,
the facts recorded along the way, the timeline and the event buttons. Labels
stay Vietnamese here; the templates translate them (``tr`` filter).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.cases.service import local_today
from hgkiemtra.cases.votes import VoteSummary, summarise
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.denunciations.service import EVENT_LABELS as DENOUNCER_EVENT_LABELS
from workflows.engine import (
    PHASE_LABELS_VI,
    PHASE_ORDER,
    ROLE_LABELS_VI,
    EventCheck,
    EventDef,
    FieldSpec,
    Phase,
    WorkflowDefinition,
)

OPEN_EVENT_LABEL = "Hồ sơ được lập"
# Audit events that leave the state as it is (not workflow events), by name.
IN_PLACE_LABELS = {
    "add_followup_action": "Thêm việc phải thực hiện theo kết luận",
    "edit_followup_action": "Sửa việc phải thực hiện theo kết luận",
    "complete_followup_action": "Ghi nhận hoàn thành việc theo kết luận",
    "waive_followup_action": "Miễn thực hiện việc theo kết luận",
    "open_recheck": "Mở hồ sơ kiểm tra việc thực hiện kết luận",
    "transfer_organisation": "Chuyển sang tổ chức kế thừa (sáp nhập, chia tách, giải thể)",
    "change_team": "Phân công lại đoàn kiểm tra",
    "declare_interest": "Khai báo xung đột lợi ích",
    "open_linked": "Mở hồ sơ liên kết",
}
IN_PLACE_LABELS.update(DENOUNCER_EVENT_LABELS)  # the identity vault's events
DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class PhaseStep:
    phase: str
    label: str
    status: str  # done | skipped | current | todo


def phase_steps(definition: WorkflowDefinition, case: Case, events: Sequence[CaseEvent]
                ) -> list[PhaseStep]:
    """One step per phase of the workflow, marked done, skipped, current or to do."""
    used = [p for p in PHASE_ORDER if any(s.phase is p for s in definition.states)]
    visited = {definition.phase_of(e.to_state) for e in events if e.to_state in
               definition.state_map}
    current = Phase(case.phase)
    steps = []
    for phase in used:
        if phase is current:
            status = "current"
        elif PHASE_ORDER.index(phase) < PHASE_ORDER.index(current):
            status = "done" if phase in visited else "skipped"
        else:
            status = "todo"
        steps.append(PhaseStep(phase.value, PHASE_LABELS_VI[phase], status))
    return steps


@dataclass(frozen=True)
class Countdown:
    deadline: Deadline
    days_left: int  # negative when overdue
    status: str  # overdue | today | soon | later | met | late | cancelled

    @property
    def is_open(self) -> bool:
        return self.deadline.status == "open"


def countdown(deadline: Deadline, today: date) -> Countdown:
    days = (deadline.due_on - today).days
    if deadline.status == "cancelled":
        return Countdown(deadline, days, "cancelled")
    if deadline.status == "met":
        closed = local_today(deadline.closed_at) if deadline.closed_at else today
        return Countdown(deadline, days, "late" if closed > deadline.due_on else "met")
    if days < 0:
        return Countdown(deadline, days, "overdue")
    if days == 0:
        return Countdown(deadline, days, "today")
    return Countdown(deadline, days, "soon" if days <= DUE_SOON_DAYS else "later")


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    kind: str = "text"  # text | choice (a label to translate) | date (ISO) | long


def field_specs(definition: WorkflowDefinition) -> dict[tuple[str, str], FieldSpec]:
    return {(e.name, f.name): f for e in definition.events for f in e.fields}


def event_facts(definition: WorkflowDefinition, event: CaseEvent) -> list[Fact]:
    """The values an event recorded, labelled by the event's own field specs."""
    specs = field_specs(definition)
    facts = []
    for name, value in (event.data or {}).items():
        spec = specs.get((event.event, name))
        if spec is None or value in (None, ""):
            continue
        facts.append(_fact(spec, value))
    return facts


def _fact(spec: FieldSpec, value: Any) -> Fact:
    if spec.type == "choice":
        return Fact(spec.label, dict(spec.choices).get(str(value), str(value)), "choice")
    if spec.type == "date":
        return Fact(spec.label, str(value), "date")
    if spec.type == "text" and spec.max_length > 500:
        return Fact(spec.label, str(value), "long")
    return Fact(spec.label, str(value))


def case_facts(definition: WorkflowDefinition, events: Iterable[CaseEvent]) -> list[Fact]:
    """Everything recorded along the way, in the order it was recorded."""
    return [fact for event in events for fact in event_facts(definition, event)]


@dataclass(frozen=True)
class TimelineItem:
    event: CaseEvent
    label: str
    from_label: str
    to_label: str
    facts: list[Fact]
    actor_name: str
    vote: VoteSummary | None = None  # a ballot's recorded outcome


def timeline(definition: WorkflowDefinition, events: Sequence[CaseEvent]) -> list[TimelineItem]:
    """Newest first."""
    items = []
    for event in reversed(events):
        event_def = definition.event_map.get(event.event)
        items.append(TimelineItem(
            event=event,
            label=event_def.label if event_def else IN_PLACE_LABELS.get(event.event,
                                                                        OPEN_EVENT_LABEL),
            from_label=_state_label(definition, event.from_state),
            to_label=_state_label(definition, event.to_state),
            facts=event_facts(definition, event),
            actor_name=event.actor_label.split(" <")[0],
            vote=summarise(event.data or {}),
        ))
    return items


def _state_label(definition: WorkflowDefinition, state: str | None) -> str:
    if state is None:
        return ""
    found = definition.state_map.get(state)
    return found.label if found else state


@dataclass
class Actions:
    """The events leaving the current state, as the actor sees them."""

    mine: list[EventCheck] = field(default_factory=list)  # my role may fire them
    others: list[tuple[EventDef, list[str]]] = field(default_factory=list)  # roles needed


def split_actions(checks: Sequence[EventCheck]) -> Actions:
    actions = Actions()
    for check in checks:
        if check.role_ok:
            actions.mine.append(check)
        else:
            roles = sorted(ROLE_LABELS_VI[r] for r in check.event.roles)
            actions.others.append((check.event, roles))
    return actions


def guard_reasons(check: EventCheck) -> list[str]:
    """The reasons an allowed-by-role event cannot fire yet (the role line dropped)."""
    return [r for r in check.reasons if not r.startswith("Cần vai trò")]
