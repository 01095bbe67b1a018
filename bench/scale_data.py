"""Rows of the scale data set (bench/scale.py loads them with COPY).

Realistic rather than uniform: a province with districts, grassroots
organisations and cells; cases of every kind opened over three years, each
walked along its own definition's events (older cases further, most of them
closed); audit events with a valid hash chain (``audit.event_hash``, so
``hgkiemtra audit verify`` passes); open deadlines of the current state and
their reminders as the real planner (``workflows.reminders.plan``) makes them:
past slots already queued, future ones planned.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from bench.scale_hash import event_hasher, sorted_json, stamp
from hgkiemtra.cases.audit import GENESIS, seal_for
from hgkiemtra.core.text import search_key
from workflows import registry
from workflows.calendar import Unit, WorkingCalendar
from workflows.engine import WorkflowDefinition
from workflows.reminders import DEFAULT_POLICIES, LOCAL_TZ, Slot, plan

KINDS = {  # share of cases per kind
    "inspection_violation": 22, "supervision": 25, "inspection_lower_work": 14,
    "financial_inspection": 8, "asset_declaration": 7, "denunciation": 12,
    "discipline": 8, "discipline_complaint": 3, "suspension": 1,
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Thu", "Đức", "Hoài"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam",
         "Nga", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vân", "Yến"]
TOPICS = ["quản lý đất đai", "đầu tư công", "tài chính đảng", "kê khai tài sản",
          "thực hiện nghị quyết", "công tác cán bộ", "phòng chống tham nhũng",
          "quản lý ngân sách", "giải phóng mặt bằng", "đấu thầu mua sắm"]
MEMBERS_PER_CELL = 20
DISTRICTS, GRASSROOTS_PER_DISTRICT, CELLS_PER_GRASSROOTS = 10, 10, 10


NULL = "\\N"


def esc(value: Any) -> str:
    """One field in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


def line(*values: Any) -> str:
    return "\t".join(esc(v) for v in values) + "\n"


def name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


@dataclass
class Org:
    id: int
    level: str
    path: str
    cells: list[int] = field(default_factory=list)  # every cell at or below
    units: list[int] = field(default_factory=list)  # grassroots and cells below
    staff: dict[str, list[int]] = field(default_factory=dict)  # role -> user ids


@dataclass
class People:
    orgs: dict[int, Org]
    owners: list[int]  # organisations that own cases (province and districts)
    first_member: dict[int, int]  # cell id -> first member id (MEMBERS_PER_CELL in a row)
    names: dict[int, str]  # user id -> full name
    member_names: dict[int, str]


@cache
def definition_for(kind: str, opened_on: date) -> WorkflowDefinition:
    return registry.for_kind(kind, opened_on)


@cache
def _slots(due_on: date, role: str, now: datetime) -> tuple[Slot, ...]:
    return tuple(plan(due_on, DEFAULT_POLICIES[role], _calendar(), role=role, now=now))


@cache
def _calendar() -> WorkingCalendar:
    return WorkingCalendar()


def _walk(definition: WorkflowDefinition, rng: random.Random, finish: bool,
          max_steps: int) -> list[tuple[str, str, str]]:
    """A random path of (event, from, to) along the definition from its initial
    state: mostly onward to states not visited yet; an early end (dropped,
    closed without findings) now and then; open cases stop somewhere midway."""
    state, path, seen = definition.initial, [], {definition.initial}
    for _ in range(max_steps):
        choices = _onward_events(definition.name, definition.version, state)
        if not choices:
            break
        if not finish and rng.random() < 0.12:
            break
        closers = [e for e in choices if _is_final(definition.name, definition.version, e.dest)]
        onward = [e for e in choices if e not in closers and e.dest not in seen]
        onward = onward or [e for e in choices if e not in closers]
        if onward and (rng.random() > 0.08 or not closers):
            event = rng.choice(onward)
        elif finish or not onward:
            if not finish:
                break
            event = rng.choice(closers)
        else:
            event = rng.choice(onward)
        path.append((event.name, state, event.dest))
        state = event.dest
        seen.add(state)
    return path


@cache
def _onward_events(name: str, version: int, state: str) -> tuple[Any, ...]:
    """Events leaving ``state`` for another state (none from a final state)."""
    definition = registry.get(name, version)
    if definition.state(state).is_final:
        return ()
    return tuple(e for e in definition.events_from(state) if e.dest != state)


@cache
def _rule_for(name: str, version: int, state: str) -> Any:
    """The time limit an open case in ``state`` runs against: the state's own,
    else the procedure's first (every open case has a plan with a time limit)."""
    definition = registry.get(name, version)
    own = definition.state(state).deadlines
    every = [rule for s in definition.states for rule in s.deadlines]
    return own[0] if own else (every[0] if every else None)


@cache
def _is_final(name: str, version: int, state: str) -> bool:
    return registry.get(name, version).state(state).is_final


def _due_on(anchor: date, amount: int, unit: Unit) -> date:
    if unit == Unit.MONTHS:
        return anchor + timedelta(days=30 * amount)
    if unit == Unit.WORKING_DAYS:
        return anchor + timedelta(days=amount * 7 // 5)
    return anchor + timedelta(days=amount)


@dataclass
class Chunk:
    cases: list[str] = field(default_factory=list)
    team: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)


def cases_chunk(seed: int, people: People, first_case_id: int, count: int,
                now: datetime) -> Chunk:
    """Cases ``first_case_id`` .. ``+ count - 1``, independent of other chunks
    (so chunks can be made in parallel): team, event and reminder ids come from
    their sequences, and a case has at most one open deadline, with the case's id."""
    rng, out = random.Random(seed), Chunk()
    kinds, weights = list(KINDS), list(KINDS.values())
    for offset, kind in enumerate(rng.choices(kinds, weights, k=count)):
        _one_case(rng, people, first_case_id + offset, kind, now, out)
    return out


def _one_case(rng: random.Random, people: People, case_id: int, kind: str, now: datetime,
              out: Chunk) -> None:
    age = rng.randint(1, 3 * 365)
    opened_at = now - timedelta(days=age, hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
    opened_on = opened_at.astimezone(LOCAL_TZ).date()
    definition = definition_for(kind, opened_on)
    org = people.orgs[rng.choice(people.owners)]
    leader = rng.choice(org.staff["inspector"])
    directing = rng.choice(org.staff["member"])
    use_member = definition.subjects.member and (
        not definition.subjects.organisation or rng.random() < 0.8)
    if use_member:
        subject_member = people.first_member[rng.choice(org.cells)] + rng.randrange(
            MEMBERS_PER_CELL)
        subject_org, subject_name = None, people.member_names[subject_member]
        subject = {"type": "member", "id": subject_member}
    else:
        subject_member, subject_org = None, rng.choice(org.units)
        subject_name, subject = f"Tổ chức đảng {subject_org}", {"type": "organisation",
                                                                   "id": subject_org}
    topic = rng.choice(TOPICS)
    title = f"{definition.title}: {topic} — {subject_name}"
    finish = rng.random() < (0.9 if age > 400 else 0.25)
    path = _walk(definition, rng, finish=finish, max_steps=24)
    gap = min(timedelta(days=12), (now - opened_at) / (len(path) + 1))
    label = people.names[leader]
    prev, at = GENESIS, opened_at
    events = [("open", None, definition.initial)] + path
    first_data = sorted_json({"kind": kind, "title": title, "org_id": org.id,
                               "subject": subject, "anchor_on": opened_on.isoformat()})
    hash_event = event_hasher()
    for seq, (event, from_state, to_state) in enumerate(events, start=1):
        if seq > 1:
            at = at + gap * rng.uniform(0.3, 1.0)
        data = first_data if seq == 1 else "{}"
        at_text = stamp(at)
        digest = hash_event(case_id, seq, event, from_state, to_state, leader, label, at,
                            at_text, data, prev)
        # Hot loop: every field is tab-, newline- and backslash-free by construction.
        out.events.append(f"{case_id}\t{seq}\t{event}\t{from_state or NULL}\t"
                          f"{to_state}\t{leader}\t{label}\t{at_text}\t\t{data}\t{prev}\t"
                          f"{digest}\n")
        prev = digest
    state = events[-1][2]
    state_def = definition.state(state)
    closed_on = at.astimezone(LOCAL_TZ).date() if state_def.is_final else NULL
    out.cases.append(
        f"{case_id}\t{kind}\t{title}\t\t{_search(definition.title, topic, subject_name)}\t"
        f"{definition.name}\t{definition.version}\t{state}\t{state_def.phase.value}\t"
        f"{len(events)}\t{len(events)}\t{subject['type']}\t{subject_member or NULL}\t"
        f"{subject_org or NULL}\t{org.id}\t{{}}\t{opened_on}\t{closed_on}\t{leader}\t"
        f"{stamp(opened_at)}\t{stamp(at)}\t{seal_for(case_id, len(events), state, prev)}\n")
    out.team += (f"{case_id}\t{leader}\tleader\n", f"{case_id}\t{directing}\tdirecting\n")
    if not state_def.is_final:
        recipients = [(leader, "leader"), (directing, "directing"),
                      (org.staff["chair"][0], "chair")]
        rule = _rule_for(definition.name, definition.version, state)
        if rule is not None:
            _deadline(rng, case_id, state, rule, at.astimezone(LOCAL_TZ).date(),
                      recipients, now, out)


def _search(definition_title: str, topic: str, subject_name: str) -> str:
    """``search_key(title, subject_name)`` from cached parts: the key of text
    joined by a space is the keys of the parts joined by a space."""
    name_key = _key(subject_name)
    return f"{_key(f'{definition_title}: {topic} —')} {name_key} {name_key}"


@cache
def _key(text: str) -> str:
    return search_key(text)


def _deadline(rng: random.Random, case_id: int, state: str, rule: Any,
              anchor: date, recipients: list[tuple[int, str]], now: datetime,
              out: Chunk) -> None:
    amount, unit = rule.terms(None)
    due_on = _due_on(anchor, amount, unit)
    paused = rng.random() < 0.03
    deadline_id = case_id
    out.deadlines.append(line(
        deadline_id, case_id, rule.name, str(rule.label), state, anchor, due_on, amount,
        unit.value, rule.citation, f"{amount} {unit.value} từ {anchor.isoformat()}", "open",
        None, now, None, anchor if paused else None, 0))
    if paused:
        return  # a stopped clock has no reminders planned
    stamp_now = stamp(now)
    for user_id, role in recipients:
        for kind, offset, at, planned in _slot_fields(due_on, role, now):
            if planned:
                out.reminders.append(
                    f"{deadline_id}\t{case_id}\t{user_id}\t{role}\t{kind}\t{offset}\t"
                    f"{due_on}\t{at}\tplanned\t\t\\N\t\\N\t{stamp_now}\n")
            else:
                out.reminders.append(
                    f"{deadline_id}\t{case_id}\t{user_id}\t{role}\t{kind}\t{offset}\t"
                    f"{due_on}\t{at}\tqueued\t\treminder:{case_id}:{deadline_id}:{kind}:"
                    f"{offset}:{user_id}:{due_on}\t{at}\t{stamp_now}\n")


@cache
def _slot_fields(due_on: date, role: str, now: datetime) -> tuple[tuple[str, int, str, bool],
                                                                  ...]:
    """(kind, offset, due_at as text, still planned) of each reminder slot."""
    return tuple((slot.kind.value, slot.offset, stamp(slot.at.astimezone(UTC)), slot.at > now)
                 for slot in _slots(due_on, role, now))


def org_rows(first_id: int, rng: random.Random, now: datetime) -> tuple[list[Org], list[str]]:
    """1 province, DISTRICTS districts, 10 grassroots each, 10 cells each."""
    orgs: list[Org] = []
    rows: list[str] = []
    next_id = first_id

    def add(level: str, label: str, parent: Org | None) -> Org:
        nonlocal next_id
        org = Org(next_id, level, f"{parent.path if parent else '/'}{next_id}/")
        rows.append(line(org.id, f"BENCH-{org.id}", label, level, parent.id if parent else None,
                         org.path, date(2015, 1, 1), None, None, now))
        orgs.append(org)
        next_id += 1
        return org

    province = add("province", "Tỉnh ủy Thử Nghiệm", None)
    for d in range(1, DISTRICTS + 1):
        district = add("district", f"Huyện ủy số {d}", province)
        for g in range(1, GRASSROOTS_PER_DISTRICT + 1):
            grassroots = add("grassroots", f"Đảng ủy xã {d}.{g}", district)
            for c in range(1, CELLS_PER_GRASSROOTS + 1):
                cell = add("cell", f"Chi bộ ấp {d}.{g}.{c}", grassroots)
                for owner in (province, district, grassroots):
                    owner.cells.append(cell.id)
                    owner.units.append(cell.id)
            province.units.append(grassroots.id)
            district.units.append(grassroots.id)
    return orgs, rows


def member_rows(first_id: int, cells: list[int], rng: random.Random,
                now: datetime) -> Iterator[tuple[int, int, str, str]]:
    """(member id, cell id, name, COPY line) for MEMBERS_PER_CELL members per cell."""
    member_id = first_id
    for cell in cells:
        for _ in range(MEMBERS_PER_CELL):
            full = name(rng)
            yield member_id, cell, full, line(
                member_id, full, search_key(full), rng.choice(["full"] * 9 + ["probationary"]),
                cell, rng.randint(1960, 2000), date(rng.randint(1985, 2020), 1, 1), "[]", now)
            member_id += 1


STAFF = {"province": {"admin": 1, "chair": 1, "member": 3, "inspector": 8, "viewer": 1},
         "district": {"chair": 1, "member": 2, "inspector": 4, "viewer": 1}}


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
