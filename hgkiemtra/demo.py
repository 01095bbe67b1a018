"""A realistic, fictional demo: the Hậu Giang organisation tree, members, users
for every role, and inspection cases walked to every state of their workflow;
then the programme (``programmes.demo``) and the showcase (``demo_showcase``):
one of each thing a committee looks for, listed in README.md ("The demo").

Everything goes through the services (``people.service``, ``cases.service``)
with back-dated ``now=`` timestamps, so the history, the audit chains and the
deadlines are the ones real use would have produced. Nothing is committed
here: the caller (``hgkiemtra demo``) commits once. Every demo user's
password is ``demo-hgkiemtra-2026`` (``DEMO_PASSWORD``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from hgkiemtra import demo_data
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.deadlines.service import overdue_case_ids_clause
from hgkiemtra.demo_data import DEMO_PASSWORD, District, Grassroots
from hgkiemtra.demo_showcase import build_showcase
from hgkiemtra.denunciations.models import DenouncerIdentity
from hgkiemtra.denunciations.vault import Vault
from hgkiemtra.people import service as people
from hgkiemtra.people.models import Member, MemberStatus, Organisation, User
from hgkiemtra.programmes.demo import build_demo_programme
from hgkiemtra.reminders import dispatch
from hgkiemtra.reminders import planning as reminder_planning
from workflows.calendar import WorkingCalendar
from workflows.guards import forms_for

SEED = 2017  # the year of Directive 29-CT/TU
KIND = "inspection_violation"


@dataclass
class DemoSummary:
    organisations: int
    members: int
    users: list[tuple[str, str]]  # email, "role@CODE, ..."
    cases: int
    events: int
    states: dict[str, int]
    overdue_cases: int
    kinds: dict[str, int] = field(default_factory=dict)
    identities: int = 0  # denouncers' identities in the vault
    password: str = DEMO_PASSWORD


@dataclass(frozen=True)
class _Cell:
    org: Organisation
    district: District
    grassroots: Grassroots
    label: str


@dataclass
class _Desk:
    """An inspection commission working cases: its actors and who it may inspect."""

    org: Organisation
    chair: Actor
    committee: tuple[Actor, ...]
    inspector: Actor
    team: tuple[cases.TeamSeat, ...]
    members: list[Member]
    organisations: list[Organisation]
    transfer_to: str
    number: int
    used: set[tuple[str, int]] = field(default_factory=set)


def demo_loaded() -> bool:
    return people.find_user(demo_data.DEMO_MARKER_EMAIL) is not None


def database_is_empty() -> bool:
    return not any(
        db.session.execute(sa.select(sa.literal(1)).select_from(model).limit(1)).first()
        for model in (Organisation, User, Member, Case)
    )


def clear_all_data() -> None:
    """Empty every table; the schema and its Alembic revision stay.

    PostgreSQL gets TRUNCATE: the append-only trigger on case_events rejects
    DELETE, and wiping a whole development database is what --reset is for.
    """
    connection = db.session.connection()
    tables = sa.MetaData()
    tables.reflect(bind=connection)
    names = [t.name for t in reversed(tables.sorted_tables) if t.name != "alembic_version"]
    if connection.dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in names)
        db.session.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for name in names:
            db.session.execute(tables.tables[name].delete())
    db.session.expire_all()


def load_demo(today: date | None = None, vault: Vault | None = None) -> DemoSummary:
    """Build the demo in the current session (flushed, not committed).

    ``vault`` encrypts the showcase's denouncers; without a configured one
    those identities (and the reveal requests) are left out."""
    today = today or cases.local_today()
    rng = random.Random(SEED)
    orgs, cells = _build_organisations()
    members = _build_members(rng, cells, today)
    users = _build_users(orgs)
    desks = _desks(orgs, users, members)
    _build_cases(rng, desks, today)
    build_demo_programme(orgs, users, members, today)
    build_showcase(orgs, users, members, today, vault)
    # Back-dated transitions are history, not news: relaying their
    # notifications would mail months-old news to fictional addresses. The
    # database was empty before the demo, so every message is one of those.
    db.session.execute(sa.delete(OutboxMessage))
    dispatch.forget_pending(db.session())
    # Likewise for reminders whose time passed during the back-dated history;
    # those still ahead (and the next overdue notices) stay planned.
    moment = datetime.combine(today, datetime.now(cases.LOCAL_TZ).timetz())
    reminder_planning.replan_open_deadlines(moment, drop_past=True)
    db.session.flush()
    return summarise(today)


def summarise(today: date) -> DemoSummary:
    count = db.session.scalar
    states = db.session.execute(sa.select(Case.state, sa.func.count())
                                .where(Case.kind == KIND).group_by(Case.state)).all()
    kinds = db.session.execute(sa.select(Case.kind, sa.func.count()).group_by(Case.kind)).all()
    return DemoSummary(
        organisations=count(sa.select(sa.func.count(Organisation.id))) or 0,
        members=count(sa.select(sa.func.count(Member.id))) or 0,
        users=[(f"{local}@{demo_data.DEMO_DOMAIN}", ", ".join(f"{r}@{c}" for r, c in roles))
               for local, _, roles in demo_data.DEMO_USERS],
        cases=count(sa.select(sa.func.count(Case.id))) or 0,
        events=count(sa.select(sa.func.count(CaseEvent.id))) or 0,
        states={state: n for state, n in states},
        overdue_cases=count(
            sa.select(sa.func.count(Case.id)).where(overdue_case_ids_clause(today))
        ) or 0,
        kinds={kind: n for kind, n in kinds},
        identities=count(sa.select(sa.func.count(DenouncerIdentity.id))) or 0,
    )


# --- organisations and users ---------------------------------------------------


def _build_organisations() -> tuple[dict[str, Organisation], list[_Cell]]:
    province = people.create_organisation(code="HG", name="Đảng bộ tỉnh Hậu Giang",
                                          level="province", valid_from=demo_data.PROVINCE_FROM)
    # The merged city's Party committee; moving the Hậu Giang tree under it is
    # the merger feature's job, so both roots stay active here.
    successor = people.create_organisation(code="CT", name="Đảng bộ thành phố Cần Thơ",
                                           level="province", valid_from=demo_data.SUCCESSOR_FROM)
    orgs = {"HG": province, "CT": successor}
    cells: list[_Cell] = []
    for district in demo_data.DISTRICTS:
        d_org = people.create_organisation(
            code=f"HG.{district.code}", name=district.name, level="district",
            parent=province, valid_from=district.valid_from,
        )
        orgs[d_org.code] = d_org
        for grassroots in district.grassroots:
            since = grassroots.valid_from or district.valid_from
            g_org = people.create_organisation(
                code=f"{d_org.code}.{grassroots.code}", name=grassroots.name,
                level="grassroots", parent=d_org, valid_from=since,
            )
            orgs[g_org.code] = g_org
            for number, label in enumerate(grassroots.cells, start=1):
                cell = people.create_organisation(
                    code=f"{g_org.code}.C{number}", name=f"Chi bộ {label}", level="cell",
                    parent=g_org,
                    valid_from=demo_data.POLICE_CELL_FROM if label.startswith("Công an") else since,
                )
                orgs[cell.code] = cell
                cells.append(_Cell(cell, district, grassroots, label))
    return orgs, cells


def _build_members(rng: random.Random, cells: Sequence[_Cell], today: date) -> list[Member]:
    seeds = demo_data.member_seeds(rng, [(c.district, c.grassroots, c.label) for c in cells], today)
    members = []
    for seed in seeds:
        member = Member(
            full_name=seed.full_name, search_name="", organisation=cells[seed.cell].org,
            status=(MemberStatus.PROBATIONARY if seed.probationary else MemberStatus.FULL).value,
            birth_year=seed.birth_year, joined_on=seed.joined_on, positions=list(seed.positions),
        )
        people.index_member(member)
        members.append(member)
    db.session.add_all(members)
    db.session.flush()
    return members


def _build_users(orgs: dict[str, Organisation]) -> dict[str, User]:
    users = {}
    for local, name, roles in demo_data.DEMO_USERS:
        users[local] = people.create_user(
            email=f"{local}@{demo_data.DEMO_DOMAIN}", full_name=name, password=DEMO_PASSWORD,
            roles=[(role, orgs[code].id) for role, code in roles],
        )
    return users


def _desks(
    orgs: dict[str, Organisation], users: dict[str, User], members: Sequence[Member]
) -> dict[str, _Desk]:
    def actor(local: str) -> Actor:
        return Actor.for_user(users[local])

    def seat(local: str, role: str) -> cases.TeamSeat:
        return cases.TeamSeat(users[local].id, role)

    def within(code: str) -> tuple[list[Member], list[Organisation]]:
        root = orgs[code]
        inside = [m for m in members if m.organisation.path.startswith(root.path)]
        below = [o for o in orgs.values() if o.path.startswith(root.path) and o is not root]
        return inside, below

    city_codes = ("HG.VT", "HG.NB")
    province_members = [m for m in members if not m.organisation.code.startswith(city_codes)]
    province_orgs = [o for o in orgs.values() if o.level in ("district", "grassroots")
                     and not o.code.startswith(city_codes)]
    higher = "Ủy ban Kiểm tra Tỉnh ủy Hậu Giang"
    return {
        "HG": _Desk(
            orgs["HG"], actor("chu.nhiem"), (actor("chu.nhiem"), actor("uy.vien")),
            actor("can.bo"), (seat("can.bo", "leader"), seat("uy.vien", "directing")),
            province_members, province_orgs, "Ủy ban Kiểm tra Trung ương", 112,
        ),
        "VT": _Desk(
            orgs["HG.VT"], actor("chu.nhiem.vithanh"),
            (actor("chu.nhiem.vithanh"), actor("uy.vien.vithanh")), actor("can.bo.vithanh"),
            (seat("can.bo.vithanh", "leader"), seat("uy.vien.vithanh", "directing")),
            *within("HG.VT"), higher, 41,
        ),
        "NB": _Desk(
            orgs["HG.NB"], actor("chu.nhiem.ngabay"), (actor("chu.nhiem.ngabay"),),
            actor("can.bo.ngabay"),
            (seat("can.bo.ngabay", "leader"), seat("chu.nhiem.ngabay", "directing")),
            *within("HG.NB"), higher, 27,
        ),
    }


# --- cases -----------------------------------------------------------------------


def _build_cases(rng: random.Random, desks: dict[str, _Desk], today: date) -> list[int]:
    calendar = WorkingCalendar()
    ids = []
    for path_name, age, desk_code in demo_data.SCENARIOS:
        desk = desks[desk_code]
        steps = demo_data.PATHS[path_name]
        times = _timeline(rng, calendar, today, age, steps)
        ids.append(_walk_case(rng, desk, steps, times))
    return ids


def _timeline(
    rng: random.Random, calendar: WorkingCalendar, today: date, age: int, steps: Sequence[str]
) -> list[datetime]:
    """Open time then one time per step, on working days, the last ``age`` working days ago."""
    gaps = [demo_data.STEPS[s.split(":")[0]][1] for s in steps]  # each step's wait
    days = [_working_days_before(calendar, today, age)]
    for low, high in reversed(gaps):
        days.append(_working_days_before(calendar, days[-1], rng.randint(low, high)))
    days.reverse()
    return [
        datetime.combine(d, time(rng.randint(7, 16), rng.choice((0, 15, 30, 45))),
                         cases.LOCAL_TZ)
        for d in days
    ]


def _working_days_before(calendar: WorkingCalendar, day: date, amount: int) -> date:
    while amount > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            amount -= 1
    return day


def _walk_case(
    rng: random.Random, desk: _Desk, steps: Sequence[str], times: Sequence[datetime]
) -> int:
    subject_type, subject = _pick_subject(rng, desk)
    content = rng.choice(demo_data.CONTENTS)
    case = cases.open_case(
        desk.inspector, kind=KIND, title=_title(subject, content), org_id=desk.org.id,
        subject_type=subject_type, subject_id=subject.id, summary=rng.choice(demo_data.SOURCES),
        team=desk.team, now=times[0],
    )
    for step, when in zip(steps, times[1:], strict=True):
        event, _, outcome = step.partition(":")
        who = demo_data.STEPS[event][0]
        actor = {"chair": desk.chair, "inspector": desk.inspector}.get(who) or rng.choice(
            desk.committee
        )
        data = _event_data(rng, desk, case, event, outcome, when, subject, content)
        case = cases.fire_event(actor, case.id, event, expected_version=case.version,
                                note=demo_data.NOTES.get(event, ""), data=data, now=when)
    return case.id


def _pick_subject(rng: random.Random, desk: _Desk) -> tuple[str, Member | Organisation]:
    if rng.random() < 0.35:
        pool: list[Member] | list[Organisation] = desk.organisations
        kind = "organisation"
    else:
        with_posts = [m for m in desk.members if m.positions]
        pool = with_posts if with_posts and rng.random() < 0.8 else desk.members
        kind = "member"
    free = [x for x in pool if (kind, x.id) not in desk.used] or list(pool)
    chosen = rng.choice(free)
    desk.used.add((kind, chosen.id))
    return kind, chosen


def _title(subject: Member | Organisation, content: str) -> str:
    if isinstance(subject, Member):
        cell = subject.organisation
        post = subject.positions[-1] if subject.positions else (
            f"đảng viên {cell.name} ({cell.parent.name if cell.parent else ''})"
        )
        who = f"đồng chí {subject.full_name}, {post},"
    else:
        who = subject.name
    return f"Kiểm tra khi có dấu hiệu vi phạm đối với {who} {content}"


def _event_data(
    rng: random.Random, desk: _Desk, case: Case, event: str, outcome: str, when: datetime,
    subject: Member | Organisation, content: str,
) -> dict[str, object]:
    day = when.date()
    if event == "decide":
        data: dict[str, object] = {"decision_number": _number(desk),
                                   "decision_date": day.isoformat()}
        if rng.random() < 0.5:
            data["launch_by"] = (day + timedelta(days=14)).isoformat()
        return data
    if event == "request_explanation" and rng.random() < 0.5:
        return {"explanation_due": (day + timedelta(days=15)).isoformat()}
    if event == "conclude":
        name = f"đồng chí {subject.full_name}" if isinstance(subject, Member) else subject.name
        text = demo_data.CONCLUSIONS[outcome].format(subject=name, content=content)
        return {"outcome": outcome, "conclusion": text[0].upper() + text[1:]}
    if event in ("decide_discipline", "start_combined_track", "propose_discipline"):
        return _discipline_data(rng, desk, case, event, subject, content)
    if event == "hear_subject":
        return {"heard_on": day.isoformat(), "attendance": "present"}
    if event == "transfer":
        return {"transferred_to": desk.transfer_to}
    return {}


def _discipline_data(
    rng: random.Random, desk: _Desk, case: Case, event: str, subject: Member | Organisation,
    content: str,
) -> dict[str, object]:
    """The form decided (or admitted, or proposed); the combined track's decision also
    carries the inspection's conclusion."""
    facts: dict[str, object] = {}
    if isinstance(subject, Member):
        facts = {"status": subject.status, "positions": list(subject.positions)}
    forms = [f for f in forms_for(case.subject_type, facts)
             if f in ("reprimand", "warning", "removal")]
    form = str(case.data.get("proposed_form") or rng.choice(forms))
    if event == "start_combined_track":
        return {"admission": f"Tự nhận vi phạm {content}", "proposed_form": form}
    if event == "propose_discipline":
        return {"proposed_form": form, "proposed_to": desk.transfer_to}
    data: dict[str, object] = {"form": form, "decision_number": _number(desk)}
    if "conclusion" not in case.data:
        name = f"đồng chí {subject.full_name}" if isinstance(subject, Member) else subject.name
        text = demo_data.CONCLUSIONS["discipline_warranted"].format(subject=name,
                                                                    content=content)
        data["conclusion"] = text[0].upper() + text[1:]
    return data


def _number(desk: _Desk) -> str:
    desk.number += 1 + desk.number % 3  # other decisions take the numbers in between
    return f"{desk.number}-QĐ/UBKTTU"
