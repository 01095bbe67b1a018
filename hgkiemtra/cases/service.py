"""Opening cases and moving them: the one way a case's state changes.

Functions here flush but never commit: the request or the task that called
them commits once at its end, so a transition and everything it writes (the
audit event, the deadlines, the outbox rows) land together or not at all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit, conflicts, links, phase_counts
from hgkiemtra.cases.models import Case, CaseEvent, CaseTeamMember
from hgkiemtra.core import config_cache
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import (
    GuardFailed,
    NotFound,
    PermissionDenied,
    TransitionRejected,
    ValidationFailed,
    VersionConflict,
)
from hgkiemtra.core.outbox import add_message
from hgkiemtra.core.text import search_key
from hgkiemtra.deadlines import service as deadlines
from hgkiemtra.denunciations.service import refuse_assignment
from hgkiemtra.people.models import Member, Organisation, User
from hgkiemtra.reminders import planning as reminder_planning
from workflows import registry
from workflows.engine import (
    EventCheck,
    EventDef,
    GuardContext,
    TransitionNotAllowed,
    WorkflowDefinition,
)
from workflows.text import Msg, msg

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TEAM_ROLES = ("leader", "member", "directing")


def local_today(now: datetime | None = None) -> date:
    """The date in Vietnam: legal deadlines count local days, not UTC ones."""
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


@dataclass(frozen=True)
class TeamSeat:
    user_id: int
    team_role: str = "member"


def definition_of(case: Case) -> WorkflowDefinition:
    return registry.get(case.workflow_name, case.workflow_version)


# --- opening -------------------------------------------------------------


def open_case(
    actor: Actor,
    *,
    kind: str,
    title: str,
    org_id: int,
    subject_type: str,
    subject_id: int,
    summary: str = "",
    team: Sequence[TeamSeat] = (),
    now: datetime | None = None,
    anchor_on: date | None = None,
    origin: dict[str, Any] | None = None,
) -> Case:
    """Open a case under the definition in force on ``anchor_on`` (the date the
    letter was received or the matter decided; default today). ``origin``
    names the case whose transition spawned this one (recorded in the audit)."""
    now = now or utcnow()
    today = local_today(now)
    anchor_on = anchor_on or today
    if anchor_on > today:
        raise ValidationFailed(msg("Ngày căn cứ (anchor_on) không được sau ngày hôm nay"),
                               {"field": "anchor_on"})
    try:
        definition = registry.for_kind(kind, anchor_on)
    except registry.UnknownWorkflow:
        raise ValidationFailed(
            msg("Loại hồ sơ '{kind}' không tồn tại", kind=kind),
            {"kind": kind, "known": registry.kinds()},
        ) from None
    title = title.strip()
    if not title:
        raise ValidationFailed(msg("Tiêu đề hồ sơ là bắt buộc"), {"field": "title"})
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise ValidationFailed(
            msg("Không có tổ chức đảng mã số {org_id}", org_id=org_id), {"field": "org_id"}
        )
    if not actor.can_see(org.path):
        raise PermissionDenied(msg("Tổ chức này nằm ngoài phạm vi của bạn"))
    if not actor.roles_for(org.path) & definition.opener_roles:
        raise PermissionDenied(msg("Vai trò của bạn không được lập hồ sơ loại này"))
    if not org.is_active_on(today):
        raise ValidationFailed(
            msg("Tổ chức '{org}' đã thôi hoạt động từ {valid_to}; "
                "hãy lập hồ sơ tại tổ chức kế thừa", org=org.name, valid_to=org.valid_to),
            {"field": "org_id", "successor_id": org.successor_id},
        )
    subject_member, subject_org = _resolve_subject(definition, org, subject_type, subject_id)
    case = Case(
        kind=definition.kind,
        title=title,
        summary=summary,
        workflow_name=definition.name,
        workflow_version=definition.version,
        state=definition.initial,
        phase=definition.phase_of(definition.initial).value,
        event_count=1,
        subject_type=subject_type,
        subject_member=subject_member,
        subject_org=subject_org,
        organisation=org,
        data={},
        opened_on=today,
        created_by_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    case.search_text = search_key(title, subject_member.full_name if subject_member else None,
                                  subject_org.name if subject_org else None)
    db.session.add(case)
    _set_team(case, team)
    db.session.flush()
    audit.append_event(
        case,
        event="open",
        from_state=None,
        to_state=case.state,
        actor_id=actor.user_id,
        actor_label=actor.label,
        occurred_at=now,
        note="",
        data={"kind": kind, "title": title, "org_id": org.id,
              "subject": {"type": subject_type, "id": subject_id},
              "anchor_on": anchor_on.isoformat(), **({"origin": origin} if origin else {})},
        prev_hash=audit.GENESIS,
    )
    deadlines.plan_deadlines(case, definition.state(case.state), today, {}, now=now)
    db.session.flush()
    phase_counts.move(case.org_id, None, case.phase)  # the dashboard's counts
    return case


def _resolve_subject(
    definition: WorkflowDefinition, org: Organisation, subject_type: str, subject_id: int
) -> tuple[Member | None, Organisation | None]:
    if subject_type == "member":
        if not definition.subjects.member:
            raise ValidationFailed(msg("Loại hồ sơ này không áp dụng cho đảng viên"))
        member = db.session.get(Member, subject_id)
        if member is None:
            raise ValidationFailed(
                msg("Không có đảng viên mã số {subject_id}", subject_id=subject_id),
                {"field": "subject"},
            )
        if not member.organisation.path.startswith(org.path):
            raise ValidationFailed(
                msg("Đảng viên không thuộc tổ chức đảng quản lý hồ sơ hoặc cấp dưới"),
                {"field": "subject"},
            )
        return member, None
    if subject_type == "organisation":
        if not definition.subjects.organisation:
            raise ValidationFailed(msg("Loại hồ sơ này không áp dụng cho tổ chức đảng"))
        subject = db.session.get(Organisation, subject_id)
        if subject is None:
            raise ValidationFailed(
                msg("Không có tổ chức đảng mã số {subject_id}", subject_id=subject_id),
                {"field": "subject"},
            )
        if not subject.path.startswith(org.path):
            raise ValidationFailed(
                msg("Tổ chức là đối tượng phải thuộc tổ chức quản lý hồ sơ hoặc cấp dưới"),
                {"field": "subject"},
            )
        return None, subject
    raise ValidationFailed(msg("subject.type phải là 'member' hoặc 'organisation'"),
                           {"field": "subject"})


def _set_team(case: Case, team: Sequence[TeamSeat]) -> None:
    seen: set[int] = set()
    for seat in team:
        if seat.team_role not in TEAM_ROLES:
            raise ValidationFailed(
                msg("Vai trò trong đoàn không hợp lệ: {team_role}", team_role=seat.team_role)
            )
        if seat.user_id in seen:
            raise ValidationFailed(
                msg("Người dùng {user_id} có tên hai lần trong đoàn", user_id=seat.user_id)
            )
        user = db.session.get(User, seat.user_id)
        if user is None or not user.is_active:
            raise ValidationFailed(
                msg("Không có người dùng mã số {user_id}", user_id=seat.user_id), {"field": "team"}
            )
        refuse_assignment(case, [user.id])  # denunciations: never the accused's side
        conflicts.refuse_conflict(case, user)
        seen.add(seat.user_id)
        case.team.append(CaseTeamMember(user=user, team_role=seat.team_role))


# --- reading -------------------------------------------------------------


def get_case(actor: Actor, case_id: int) -> Case:
    """The case, or NotFound when it does not exist or lies outside the actor's scope."""
    case = db.session.get(Case, case_id)
    if case is None or not actor.can_see(case.organisation.path):
        raise NotFound(msg("Không tìm thấy hồ sơ {case_id}", case_id=case_id))
    return case


def guard_context(case: Case, event_data: dict[str, Any], note: str, today: date) -> GuardContext:
    facts: dict[str, Any] = {
        "owning_org_level": case.organisation.level,
        # The subject is the owning organisation itself (its UBKT's own committee).
        "is_owning_organisation": case.subject_org_id == case.org_id,
    }
    if case.subject_member is not None:
        facts |= {
            "status": case.subject_member.status,
            "positions": list(case.subject_member.positions or []),
        }
    if case.subject_org is not None:
        parent = case.subject_org.parent
        facts |= {"level": case.subject_org.level,
                  "parent_level": parent.level if parent is not None else None}
    return GuardContext(
        state=case.state,
        subject_type=case.subject_type,
        case_data=dict(case.data or {}),
        event_data=event_data,
        note=note,
        today=today,
        subject_facts=facts,
    )


def allowed_events(actor: Actor, case: Case, now: datetime | None = None) -> list[EventCheck]:
    """Every event leaving the current state, allowed or not, with the reasons.

    Required fields are not asked for here: the question is whether the actor
    could fire the event now given the right input, so field checks are left
    to the fire itself.
    """
    definition = definition_of(case)
    roles = actor.roles_for(case.organisation.path)
    ctx = guard_context(case, {}, "", local_today(now))
    return [
        _with_case_checks(case, definition, definition.check(event.name, ctx, roles,
                                                             with_input=False))
        for event in definition.events_from(case.state)
    ]


def history(actor: Actor, case_id: int) -> list[CaseEvent]:
    case = get_case(actor, case_id)
    return list(
        db.session.execute(
            sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
        ).scalars()
    )


# --- firing --------------------------------------------------------------


def fire_event(
    actor: Actor,
    case_id: int,
    event: str,
    *,
    expected_version: int,
    note: str = "",
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Case:
    """Move a case by one event: version check, scope and role, guards, state,
    audit event, deadlines, outbox. Raises a typed DomainError otherwise."""
    now = now or utcnow()
    today = local_today(now)
    data = dict(data or {})
    case, config_token, chairs = _load_for_fire(case_id)
    if case is None:
        raise NotFound(msg("Không tìm thấy hồ sơ {case_id}", case_id=case_id))
    if not actor.can_see(case.organisation.path):
        raise PermissionDenied(msg("Hồ sơ nằm ngoài phạm vi của bạn"))
    if case.version != expected_version:
        raise _conflict(case)
    with config_cache.using(config_token):
        return _advance(actor, case, event, expected_version=expected_version, note=note,
                        data=data, now=now, today=today, chairs=chairs)


def _advance(actor: Actor, case: Case, event: str, *, expected_version: int, note: str,
             data: dict[str, Any], now: datetime, today: date, chairs: list[int]) -> Case:
    definition = definition_of(case)
    check = _check_event(actor, case, definition, event, data, note, today)
    if not check.allowed:
        raise GuardFailed(msg("Chưa đủ điều kiện thực hiện"), list(check.reasons))
    # What the event works out (a vote's outcome) is recorded with its data: hashed, kept.
    data |= _derived(case, definition, event, data, note, today)
    spawns = check.event.spawns
    if spawns:
        links.check_spawn(actor, case, spawns, today)
    try:
        new_state = definition.fire(event, case.state)
    except TransitionNotAllowed as exc:
        raise TransitionRejected(reason_of(exc)) from None
    from_state, from_phase = case.state, case.phase
    prev_hash = audit.head_of(case)
    state_def = definition.state(new_state)
    try:
        # Autoflush may send the guarded UPDATE early: keep it inside the try.
        case.state = new_state
        case.phase = state_def.phase.value
        case.data = {**(case.data or {}), **data}
        case.event_count += 1
        case.updated_at = now
        if state_def.is_final:
            case.closed_on = today
        row = audit.chain_event(
            case,
            event=event,
            from_state=from_state,
            to_state=new_state,
            actor_id=actor.user_id,
            actor_label=actor.label,
            occurred_at=now,
            note=note,
            data=data,
            prev_hash=prev_hash,
        )
        db.session.flush()  # the guarded UPDATE of the case first, then Core writes
        deadlines.close_open_deadlines(case, now, "met", event_row=row)  # writes the event
        deadlines.plan_deadlines(case, state_def, today, data, now=now, chairs=chairs)
        _notify_team(case, actor, event, from_state)
        db.session.flush()
        phase_counts.move(case.org_id, from_phase, case.phase)  # no statement if unchanged
        if spawns:
            links.spawn(actor, case, spawns, event=event, note=note, data=data, now=now,
                        opener=open_case)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise VersionConflict(
            msg("Hồ sơ vừa được người khác cập nhật; hãy tải lại và thử lại"),
            {"expected_version": expected_version},
        ) from None
    return case


def _load_for_fire(case_id: int) -> tuple[Case | None, int | None, list[int]]:
    """The case as the database holds it now, with its organisation, subject
    and team (and the team's users, without their roles), the settings token
    (``core.config_cache``) and the chairs its reminders go to, in one query."""
    loaded = db.session.identity_map.get(identity_key(Case, case_id))
    if loaded is not None:
        # Reread the row (not populate_existing: that would also reset the
        # roles of team members already loaded, e.g. the actor's own).
        db.session.flush()
        db.session.expire(loaded)
    row = db.session.execute(_fire_query(), {"case_id": case_id}).unique().first()
    if row is None:
        return None, None, []
    return row[0], row[1], reminder_planning.nearest_chairs(row[2])


@functools.cache
def _fire_query() -> sa.Select[Case, Any, Any]:
    """The statement ``_load_for_fire`` runs, built once: building it (aliases,
    subqueries, loader options) cost more than running it."""
    return (
        sa.select(Case, config_cache.token_column(), reminder_planning.chairs_column(Case.org_id))
        .where(Case.id == sa.bindparam("case_id"))
        .options(joinedload(Case.team).joinedload(CaseTeamMember.user).lazyload(User.roles))
    )


def preview_event(
    actor: Actor, case: Case, event: str, *, data: dict[str, Any], note: str = "",
    now: datetime | None = None,
) -> tuple[EventCheck, dict[str, Any]]:
    """What firing ``event`` would check and derive now, changing nothing.

    Raises like ``fire_event`` for an unknown event or field, a wrong state or
    role; the derived values are empty while the check fails.
    """
    today = local_today(now)
    definition = definition_of(case)
    check = _check_event(actor, case, definition, event, dict(data), note, today)
    if not check.allowed:
        return check, {}
    return check, _derived(case, definition, event, data, note, today)


def _derived(case: Case, definition: WorkflowDefinition, event: str, data: dict[str, Any],
             note: str, today: date) -> dict[str, Any]:
    try:
        return definition.derived_data(event, guard_context(case, data, note, today))
    except ValueError as exc:
        raise ValidationFailed(reason_of(exc), {"event": event}) from None


def reason_of(exc: Exception) -> str:
    """An exception's message; a workflows Msg stays one, so the UI can translate it."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, Msg) else str(exc)


def _conflict(case: Case) -> VersionConflict:
    return VersionConflict(
        msg("Hồ sơ đã được người khác cập nhật (phiên bản đã thay đổi); hãy tải lại"),
        {"current_version": case.version, "state": case.state},
    )


def _check_event(
    actor: Actor,
    case: Case,
    definition: WorkflowDefinition,
    event: str,
    data: dict[str, Any],
    note: str,
    today: date,
) -> EventCheck:
    event_def = definition.event_map.get(event)
    if event_def is None:
        raise TransitionRejected(
            msg("Quy trình không có sự kiện '{event}'", event=event),
            {"event": event, "known": [e.name for e in definition.events]},
        )
    known_fields = {f.name for f in event_def.fields}
    unknown = sorted(set(data) - known_fields)
    if unknown:
        raise ValidationFailed(
            msg(
                "Trường không hợp lệ cho sự kiện '{event}': {fields}",
                event=event,
                fields=", ".join(unknown),
            ),
            {"unknown_fields": unknown, "fields": sorted(known_fields)},
        )
    ctx = guard_context(case, data, note, today)
    check = definition.check(event, ctx, actor.roles_for(case.organisation.path))
    if not check.from_state_ok:
        raise TransitionRejected(check.reasons[0], {"state": case.state, "event": event})
    if not check.role_ok:
        raise PermissionDenied(msg("Vai trò của bạn không được thực hiện bước này"),
                               {"reasons": list(check.reasons)})
    for rule in definition.state(event_def.dest).deadlines:
        value = data.get(rule.due_date_field) if rule.due_date_field else None
        if isinstance(value, str) and _is_iso_date(value) and date.fromisoformat(value) < today:
            raise ValidationFailed(
                msg("Hạn '{label}' không được trước ngày hôm nay", label=rule.label),
                {"field": rule.due_date_field},
            )
    return _with_case_checks(case, definition, check)


# Checks other areas add to every event on top of the workflow's own guards
# (e.g. open follow-up actions keep a case from closing): each returns the
# reasons the event is refused now, so fire_event and allowed_events agree.
CaseCheck = Callable[[Case, WorkflowDefinition, EventDef], list[str]]
_case_checks: list[CaseCheck] = []


def add_case_check(check: CaseCheck) -> CaseCheck:
    """Apply ``check`` to every event from now on (once, however often added)."""
    if check not in _case_checks:
        _case_checks.append(check)
    return check


def _with_case_checks(case: Case, definition: WorkflowDefinition, check: EventCheck
                      ) -> EventCheck:
    extra = [reason for rule in _case_checks for reason in rule(case, definition, check.event)]
    if not extra:
        return check
    return replace(check, allowed=False, reasons=(*check.reasons, *extra))


def _is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _notify_team(case: Case, actor: Actor, event: str, from_state: str) -> None:
    for seat in case.team:
        if seat.user_id == actor.user_id:
            continue
        add_message(
            key=f"transition:{case.id}:{case.event_count}:{seat.user_id}",
            kind="case_transition",
            recipient_id=seat.user_id,
            case_id=case.id,
            payload={
                "case_id": case.id,
                "seq": case.event_count,
                "event": event,
                "from_state": from_state,
                "to_state": case.state,
            },
        )
