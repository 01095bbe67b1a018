"""Declarative workflow definitions and the engine that runs them.

A definition is data: states (each in a phase), events (sources ->
destination, the roles allowed to fire them, guards, the fields they need)
and per-state deadline rules. The engine builds exactly one
``transitions.Machine`` per definition (``model=None``,
``auto_transitions=False``) and fires events on a throw-away proxy object, so
no machine is built and no model is added per case or per transition.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from transitions import Machine, MachineError

from workflows.calendar import Unit
from workflows.text import Msg, msg


class Phase(StrEnum):
    PLANNED = "planned"
    UNDERWAY = "underway"
    FINDINGS = "findings"
    DISCIPLINE = "discipline"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


PHASE_ORDER = tuple(Phase)

PHASE_LABELS_VI = {
    Phase.PLANNED: "Chuẩn bị",
    Phase.UNDERWAY: "Tiến hành",
    Phase.FINDINGS: "Kết quả, kết luận",
    Phase.DISCIPLINE: "Xem xét kỷ luật",
    Phase.FOLLOW_UP: "Theo dõi thực hiện",
    Phase.CLOSED: "Kết thúc",
}


class Role(StrEnum):
    ADMIN = "admin"  # quản trị
    CHAIR = "chair"  # chủ nhiệm UBKT
    MEMBER = "member"  # ủy viên UBKT
    INSPECTOR = "inspector"  # cán bộ kiểm tra
    VIEWER = "viewer"  # cấp ủy theo dõi (chỉ xem)


ROLE_LABELS_VI = {
    Role.ADMIN: "Quản trị",
    Role.CHAIR: "Chủ nhiệm UBKT",
    Role.MEMBER: "Ủy viên UBKT",
    Role.INSPECTOR: "Cán bộ kiểm tra",
    Role.VIEWER: "Cấp ủy (chỉ xem)",
}


class DefinitionError(ValueError):
    """A workflow definition is inconsistent; ``problems`` lists why."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class TransitionNotAllowed(Exception):
    """The event does not exist, or cannot fire from the case's current state."""


@dataclass(frozen=True)
class GuardContext:
    """What a guard may look at: facts about the case, never a database row."""

    state: str
    subject_type: str
    case_data: Mapping[str, Any]
    event_data: Mapping[str, Any]
    note: str
    today: date
    # e.g. {"status": "probationary", "positions": [...]} for a member subject
    subject_facts: Mapping[str, Any] = field(default_factory=dict)
    # Choice key -> label over the definition's fields, so a guard's reason can
    # name "Không vi phạm" rather than "no_violation" (filled in by check()).
    choice_labels: Mapping[str, str] = field(default_factory=dict)


GuardResult = tuple[bool, str]
Guard = Callable[[GuardContext], GuardResult]
# What an event works out from the facts once its checks pass (e.g. a vote's
# outcome): pure, JSON-ready values recorded with the event's own data.
Derive = Callable[[GuardContext], Mapping[str, Any]]

# Guards that judge the event's own input (its fields): asking "could this
# event fire here?" before the user filled the form must not evaluate them.
_INPUT_GUARDS: set[Guard] = set()


def input_guard(guard: Guard) -> Guard:
    """Mark a guard as judging the event's input rather than the case."""
    _INPUT_GUARDS.add(guard)
    return guard


@dataclass(frozen=True)
class FieldSpec:
    """A value an event needs in its ``data``: shown as a form field in the UI."""

    name: str
    type: str  # "text", "date", "choice", "integer"
    label: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 4000

    def validate(self, value: Any) -> Msg | None:
        """None when ``value`` is acceptable, otherwise the reason."""
        name = self.name
        if value is None or value == "":
            return msg("'{name}' là bắt buộc ({label})", name=name,
                       label=self.label) if self.required else None
        if self.type == "text":
            if not isinstance(value, str):
                return msg("'{name}' phải là chuỗi ký tự", name=name)
            if len(value) > self.max_length:
                return msg("'{name}' dài quá {max_length} ký tự", name=name,
                           max_length=self.max_length)
        elif self.type == "date":
            if not isinstance(value, str):
                return msg("'{name}' phải là ngày dạng YYYY-MM-DD", name=name)
            try:
                date.fromisoformat(value)
            except ValueError:
                return msg("'{name}' phải là ngày dạng YYYY-MM-DD", name=name)
        elif self.type == "choice":
            if not isinstance(value, str) or value not in {key for key, _ in self.choices}:
                # Keys, not labels: what an API client sends.
                allowed = ", ".join(key for key, _ in self.choices)
                return msg("'{name}' phải là một trong: {allowed}", name=name, allowed=allowed)
        elif self.type == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                return msg("'{name}' phải là số nguyên", name=name)
        return None


@dataclass(frozen=True)
class DeadlineRule:
    """A time limit that starts when a state is entered.

    ``amount``/``unit`` are the default; ``by_rule_set`` overrides them for the
    rule set in force on the anchor date (keys as in ``workflows.discipline``:
    "qd30", "qd22", "qd296"), since the texts changed some limits and units.
    """

    name: str
    label: str
    amount: int
    unit: Unit
    citation: str
    # A rule the sources do not confirm is a default a committee may change.
    is_confirmed: bool = False
    # An event field that, when given, overrides the computed due date
    # (procedures where the plan sets the time markers case by case).
    due_date_field: str | None = None
    # Whether the committee may stop the clock (and start it again later).
    can_pause: bool = False
    by_rule_set: Mapping[str, tuple[int, Unit]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False, compare=False
    )

    def terms(self, rule_set: str | None) -> tuple[int, Unit]:
        """Amount and unit under ``rule_set`` (the default when it has no override)."""
        if rule_set is not None and rule_set in self.by_rule_set:
            amount, unit = self.by_rule_set[rule_set]
            return amount, Unit(unit)
        return self.amount, self.unit


@dataclass(frozen=True)
class StateDef:
    name: str
    phase: Phase
    label: str
    deadlines: tuple[DeadlineRule, ...] = ()

    @property
    def is_final(self) -> bool:
        return self.phase is Phase.CLOSED


@dataclass(frozen=True)
class EventDef:
    name: str
    sources: tuple[str, ...]
    dest: str
    label: str
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    requires_note: bool = False
    # The kind of linked case the service opens after this transition (same
    # subject and owning organisation), e.g. supervision -> inspection.
    spawns: str | None = None
    # Values computed from the facts after the checks pass, recorded in the
    # audit event's data and the case's data beside the fields (``derived_data``).
    derive: Derive | None = None


@dataclass(frozen=True)
class EventCheck:
    """Whether one event may fire now, and if not, every reason why."""

    event: EventDef
    allowed: bool
    reasons: tuple[str, ...] = ()
    from_state_ok: bool = True
    role_ok: bool = True


@dataclass(frozen=True)
class SubjectKind:
    """Who a case of this definition may be about."""

    member: bool = True
    organisation: bool = True


@dataclass
class WorkflowDefinition:
    name: str
    version: int
    kind: str
    title: str
    initial: str
    states: Sequence[StateDef]
    events: Sequence[EventDef]
    subjects: SubjectKind = field(default_factory=SubjectKind)
    citation: str = ""
    # Roles that may open a case of this kind.
    opener_roles: frozenset[Role] = frozenset({Role.ADMIN, Role.CHAIR, Role.MEMBER, Role.INSPECTOR})
    # First day a new case may start under this version (None: no start date);
    # ``registry.for_kind(kind, on)`` picks the newest version in force on ``on``.
    in_force_from: date | None = None
    # The rule set the version was written against ("qd22", "qd296"; "" when
    # its rules are looked up by date at run time).
    rule_set: str = ""

    def __post_init__(self) -> None:
        validate_definition(self)
        self.state_map: Mapping[str, StateDef] = MappingProxyType({s.name: s for s in self.states})
        self.event_map: Mapping[str, EventDef] = MappingProxyType({e.name: e for e in self.events})
        self.choice_labels: Mapping[str, str] = MappingProxyType(
            {key: label for e in self.events for f in e.fields for key, label in f.choices}
        )
        self._machine = Machine(
            model=None,
            states=[s.name for s in self.states],
            transitions=[
                {"trigger": e.name, "source": list(e.sources), "dest": e.dest} for e in self.events
            ],
            initial=self.initial,
            auto_transitions=False,
            send_event=True,
        )

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.version)

    def state(self, name: str) -> StateDef:
        return self.state_map[name]

    def phase_of(self, state: str) -> Phase:
        return self.state_map[state].phase

    def events_from(self, state: str) -> list[EventDef]:
        """Events whose sources include ``state``, in declaration order."""
        triggers = set(self._machine.get_triggers(state))
        return [e for e in self.events if e.name in triggers]

    def check(
        self,
        event_name: str,
        context: GuardContext,
        roles: frozenset[Role] | set[Role],
        *,
        with_input: bool = True,
    ) -> EventCheck:
        """Can ``event_name`` fire from ``context.state`` for an actor holding ``roles``?

        ``with_input=False`` asks whether it could fire given the right input:
        the note, the event's fields and the guards marked ``input_guard`` are
        not checked; every other guard is.
        """
        event = self.event_map.get(event_name)
        if event is None:
            raise TransitionNotAllowed(self._no_such_event(event_name))
        reasons: list[str] = []
        from_state_ok = context.state in event.sources
        if not from_state_ok:
            current = self.state_map.get(context.state)
            reasons.append(msg("Không thể '{event}' khi hồ sơ đang ở bước '{state}'",
                               event=event.label,
                               state=current.label if current else context.state))
        role_ok = bool(set(roles) & event.roles)
        if not role_ok:
            needed = sorted(ROLE_LABELS_VI[r] for r in event.roles)
            reasons.append(msg("Cần vai trò: {roles}", roles=needed))
        if with_input and event.requires_note and not context.note.strip():
            reasons.append(msg("Cần ghi rõ lý do"))
        for spec in event.fields if with_input else ():
            problem = spec.validate(context.event_data.get(spec.name))
            if problem:
                reasons.append(problem)
        if not context.choice_labels:
            context = replace(context, choice_labels=self.choice_labels)
        for guard in event.guards:
            if not with_input and guard in _INPUT_GUARDS:
                continue
            ok, reason = guard(context)
            if not ok:
                reasons.append(reason)
        return EventCheck(event, not reasons, tuple(reasons), from_state_ok, role_ok)

    def derived_data(self, event_name: str, context: GuardContext) -> dict[str, Any]:
        """What ``event_name`` derives from ``context`` (empty when it derives nothing).

        Call it only once the event's check passed. A derived key may not
        shadow one of the event's fields: the input as given is recorded as is.
        """
        event = self.event_map.get(event_name)
        if event is None:
            raise TransitionNotAllowed(self._no_such_event(event_name))
        if event.derive is None:
            return {}
        derived = dict(event.derive(context))
        clash = sorted(set(derived) & {f.name for f in event.fields})
        if clash:
            raise ValueError(f"event '{event_name}' derives its own fields: {', '.join(clash)}")
        return derived

    def fire(self, event_name: str, state: str) -> str:
        """The state after ``event_name`` fires from ``state``; the machine decides."""
        proxy = _StateHolder(state)
        try:
            self._machine.events[event_name].trigger(proxy)
        except (MachineError, KeyError) as exc:
            raise TransitionNotAllowed(
                msg("Không thể thực hiện '{event}' từ bước '{state}'", event=event_name,
                    state=state)
            ) from exc
        return proxy.state

    def _no_such_event(self, event_name: str) -> Msg:
        return msg("Quy trình '{workflow}' không có sự kiện '{event}'", workflow=self.name,
                   event=event_name)

    def describe(self) -> dict[str, Any]:
        """A JSON-ready description (used by the API and the docs)."""
        return {
            "name": self.name,
            "version": self.version,
            "kind": self.kind,
            "title": self.title,
            "initial": self.initial,
            "citation": self.citation,
            "in_force_from": self.in_force_from.isoformat() if self.in_force_from else None,
            "rule_set": self.rule_set,
            "states": [
                {
                    "name": s.name,
                    "phase": s.phase.value,
                    "label": s.label,
                    "final": s.is_final,
                    "deadlines": [
                        {
                            "name": r.name,
                            "label": r.label,
                            "amount": r.amount,
                            "unit": r.unit.value,
                            "citation": r.citation,
                            "confirmed": r.is_confirmed,
                            "can_pause": r.can_pause,
                            "by_rule_set": {
                                key: {"amount": amount, "unit": Unit(unit).value}
                                for key, (amount, unit) in sorted(r.by_rule_set.items())
                            },
                        }
                        for r in s.deadlines
                    ],
                }
                for s in self.states
            ],
            "events": [
                {
                    "name": e.name,
                    "label": e.label,
                    "sources": list(e.sources),
                    "destination": e.dest,
                    "roles": sorted(r.value for r in e.roles),
                    "requires_note": e.requires_note,
                    "spawns": e.spawns,
                    "fields": [
                        {
                            "name": f.name,
                            "type": f.type,
                            "label": f.label,
                            "required": f.required,
                            "choices": [list(c) for c in f.choices],
                        }
                        for f in e.fields
                    ],
                }
                for e in self.events
            ],
        }


class _StateHolder:
    """The model ``transitions`` moves: one short-lived object per fire."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


def validate_definition(definition: WorkflowDefinition) -> None:
    """Reject duplicate names, unknown states and states no path reaches."""
    problems: list[str] = []
    state_names = [s.name for s in definition.states]
    event_names = [e.name for e in definition.events]
    for label, names in (("state", state_names), ("event", event_names)):
        seen: set[str] = set()
        for name in names:
            if name in seen:
                problems.append(f"duplicate {label} name '{name}'")
            seen.add(name)
    known = set(state_names)
    if definition.initial not in known:
        problems.append(f"initial state '{definition.initial}' is not declared")
    for event in definition.events:
        if event.dest not in known:
            problems.append(f"event '{event.name}' has unknown destination '{event.dest}'")
        for source in event.sources:
            if source not in known:
                problems.append(f"event '{event.name}' has unknown source '{source}'")
        if not event.sources:
            problems.append(f"event '{event.name}' has no source state")
        if not event.roles:
            problems.append(f"event '{event.name}' names no role allowed to fire it")
    for state in definition.states:
        if state.is_final and any(state.name in e.sources for e in definition.events):
            problems.append(f"final state '{state.name}' has outgoing events")
    if definition.initial in known:
        reachable = _reachable(definition.initial, definition.events)
        for name in state_names:
            if name not in reachable:
                problems.append(f"state '{name}' is unreachable from '{definition.initial}'")
        finals = {s.name for s in definition.states if s.is_final}
        if not reachable & finals:
            problems.append("no final (closed-phase) state is reachable")
    if problems:
        raise DefinitionError(problems)


def _reachable(initial: str, events: Sequence[EventDef]) -> set[str]:
    seen = {initial}
    queue = deque([initial])
    while queue:
        current = queue.popleft()
        for event in events:
            if current in event.sources and event.dest not in seen:
                seen.add(event.dest)
                queue.append(event.dest)
    return seen
