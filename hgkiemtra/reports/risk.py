"""Risk ranking: which organisations to inspect next, by transparent signals.

For the active organisations of one level in the actor's scope (optionally
one subtree), four signals are counted in SQL over a window of years:

- **violations** — cases about the organisation, a lower organisation or one
  of their members whose finding was a violation: a conclusion with outcome
  ``violation_no_discipline``, ``discipline_warranted`` or ``dishonest``, or a
  combined track (the subject admitted the violation); cancelled cases do not
  count. Each counts ``violation_points``, and one found in the last 12 months
  ``recent_violation_points`` more (recency weighs more);
- **denunciations** received against the same (opened in the window), except
  letters not handled as denunciations (inadmissible, anonymous kept as
  information): ``denunciation_points`` each;
- **overdue follow-up actions** — open required actions past their due date
  on cases about the same: ``overdue_action_points`` each;
- **time since the last inspection** of the organisation itself (an
  inspection case, not cancelled, whose subject is that organisation):
  ``year_without_inspection_points`` per full year, at most
  ``max_years_without_inspection`` years; never inspected counts the maximum.

The score is the plain sum of the points; every figure is returned so that
the page can explain it. Only cases the actor may see are counted. Each
signal is one grouped query over subject organisations, rolled up to the
ranked ones by their tree path, so the cost does not grow with the number
of organisations ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from hgkiemtra.admin.access import require_site_admin
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.cases.service import LOCAL_TZ
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.core.replica import read_session
from hgkiemtra.followup.models import FollowUpAction
from hgkiemtra.people.models import Member, Organisation, OrgLevel
from hgkiemtra.reports import sqlfuncs
from hgkiemtra.reports.risk_models import RiskParameter
from workflows import registry
from workflows.text import msg

VIOLATION_OUTCOMES = ("violation_no_discipline", "discipline_warranted", "dishonest")
FINDING_EVENTS = ("conclude", "start_combined_track")
INSPECTION_KINDS = ("inspection_violation", "inspection_lower_work", "financial_inspection")
NOT_DENUNCIATIONS = ("not_handled", "kept_as_information", "filed", "grounded_inspection")
PLAN_KIND = "inspection_violation"
RECENT = timedelta(days=365)
DEFAULT_LEVEL = OrgLevel.GRASSROOTS.value
SIGNALS = ("violations", "denunciations", "overdue_actions", "since_inspection")


@dataclass(frozen=True)
class Weights:
    """The scoring parameters; defaults here, administrators' values in ``risk_parameters``."""

    window_years: int = 3
    violation_points: int = 10
    recent_violation_points: int = 10
    denunciation_points: int = 5
    overdue_action_points: int = 8
    year_without_inspection_points: int = 5
    max_years_without_inspection: int = 5


# name -> (Vietnamese label, smallest, largest)
WEIGHT_LABELS: dict[str, tuple[str, int, int]] = {
    "window_years": ("Khoảng thời gian xét (năm)", 1, 10),
    "violation_points": ("Điểm cho mỗi vụ vi phạm trong khoảng xét", 0, 1000),
    "recent_violation_points": ("Điểm cộng thêm cho mỗi vụ vi phạm trong 12 tháng qua", 0, 1000),
    "denunciation_points": ("Điểm cho mỗi đơn tố cáo được xem xét trong khoảng xét", 0, 1000),
    "overdue_action_points": ("Điểm cho mỗi việc thực hiện kết luận đã quá hạn", 0, 1000),
    "year_without_inspection_points": ("Điểm cho mỗi năm tròn chưa được kiểm tra", 0, 1000),
    "max_years_without_inspection": ("Số năm chưa kiểm tra được tính tối đa", 1, 50),
}
assert set(WEIGHT_LABELS) == {f.name for f in fields(Weights)}


@dataclass(frozen=True)
class Signal:
    key: str  # one of SIGNALS
    raw: int | None  # the count; years since the last inspection (None: never)
    points: int
    detail: dict[str, Any]  # what the explanation sentence needs


@dataclass(frozen=True)
class RiskRow:
    org: Organisation
    score: int
    signals: tuple[Signal, ...]
    plan_owner_id: int | None  # where the actor may open the inspection (None: choose)

    def signal(self, key: str) -> Signal:
        return next(s for s in self.signals if s.key == key)


@dataclass(frozen=True)
class Ranking:
    rows: list[RiskRow]
    weights: Weights
    level: str
    years: int
    window_start: date
    today: date


# --- weights ------------------------------------------------------------------------------


def load_weights() -> Weights:
    stored = {p.name: p.value for p in db.session.scalars(sa.select(RiskParameter))}
    return Weights(**{k: v for k, v in stored.items() if k in WEIGHT_LABELS})


def set_weight(actor: Actor, name: str, value: int) -> RiskParameter:
    """An administrator's value for one weight (site admins only); flushes."""
    require_site_admin(actor)
    if name not in WEIGHT_LABELS:
        raise ValidationFailed(msg("Không có tham số '{name}'", name=name), {"field": "name"})
    _, low, high = WEIGHT_LABELS[name]
    if not low <= value <= high:
        raise ValidationFailed(
            msg("Giá trị của '{name}' phải từ {low} đến {high}", name=name, low=low, high=high),
            {"field": name},
        )
    row = db.session.get(RiskParameter, name) or RiskParameter(name=name)
    row.value, row.updated_by_id, row.updated_at = value, actor.user_id, utcnow()
    db.session.add(row)
    db.session.flush()
    return row


def reset_weights(actor: Actor) -> None:
    require_site_admin(actor)
    db.session.execute(sa.delete(RiskParameter))
    db.session.flush()


# --- ranking ------------------------------------------------------------------------------


def rank(actor: Actor, today: date, level: str = DEFAULT_LEVEL, org_id: int | None = None,
         years: int | None = None, now: datetime | None = None) -> Ranking:
    """The organisations of ``level`` in scope (below ``org_id``), highest score first."""
    if level not in {lv.value for lv in OrgLevel}:
        raise ValidationFailed(
            msg("Cấp tổ chức không hợp lệ: {level}", level=level), {"field": "level"}
        )
    weights = load_weights()
    years = weights.window_years if years is None else years
    if not 1 <= years <= 10:
        raise ValidationFailed(msg("Khoảng thời gian xét phải từ 1 đến 10 năm"), {"field": "years"})
    now = now or utcnow()
    start = _years_before(today, years)
    targets = _targets(actor, today, level, org_id)
    if not targets:
        return Ranking([], weights, level, years, start, today)
    target_ids = sa.select(Organisation.id).where(Organisation.id.in_([o.id for o in targets]))
    sqlfuncs.without_jit(read_session())
    visible = actor.visible_org_filter(Case.org_id)
    found = _violations(target_ids, visible, _start_of(start), now - RECENT)
    denounced = _rolled_up(target_ids, _denunciations(visible, start))
    overdue = _rolled_up(target_ids, _overdue_actions(visible, today))
    last = _last_inspections(target_ids, visible)
    rows = [
        _row(actor, org, weights, years, today, found.get(org.id, (0, 0)),
             denounced.get(org.id, 0), overdue.get(org.id, 0), last.get(org.id))
        for org in targets
    ]
    rows.sort(key=lambda r: (-r.score, r.org.name, r.org.id))
    return Ranking(rows, weights, level, years, start, today)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _start_of(day: date) -> datetime:
    """The window opens at local midnight (Vietnam time)."""
    return datetime.combine(day, datetime.min.time(), LOCAL_TZ)


def _targets(actor: Actor, today: date, level: str, org_id: int | None) -> list[Organisation]:
    stmt = sa.select(Organisation).where(
        actor.visible_org_filter(Organisation.id), Organisation.level == level,
        sa.or_(Organisation.valid_from.is_(None), Organisation.valid_from <= today),
        sa.or_(Organisation.valid_to.is_(None), Organisation.valid_to >= today),
    )
    if org_id is not None:
        root = db.session.get(Organisation, org_id) if 0 < org_id < 2**31 else None
        if root is None or not actor.can_see(root.path):
            raise NotFound(
                msg("Không có tổ chức đảng mã số {org_id} trong phạm vi của bạn", org_id=org_id)
            )
        stmt = stmt.where(Organisation.path.startswith(root.path, autoescape=True))
    return list(db.session.scalars(stmt.order_by(Organisation.path)))


def _subject_org() -> tuple[Any, Any]:
    """The subject's organisation (a member's own) as a joinable alias."""
    subject = aliased(Organisation)
    on = subject.id == sa.func.coalesce(Case.subject_org_id, Member.org_id)
    return subject, on


def _rolled_up(target_ids: sa.Select[Any], per_path: sa.Subquery) -> dict[int, int]:
    """Sum per-subject-organisation counts into each ranked organisation above them."""
    target = aliased(Organisation)
    rows = read_session().execute(
        sa.select(target.id, sa.func.sum(per_path.c.n))
        .join(per_path, per_path.c.path.startswith(target.path))
        .where(target.id.in_(target_ids)).group_by(target.id)
    )
    return {org_id: int(n or 0) for org_id, n in rows}


def _violations(target_ids: sa.Select[Any], visible: Any, start: datetime,
                recent_from: datetime) -> dict[int, tuple[int, int]]:
    subject, on = _subject_org()
    outcome = CaseEvent.data["outcome"].as_string()
    per_path = (
        sa.select(subject.path.label("path"),
                  sa.func.count(sa.distinct(Case.id)).label("n"),
                  sa.func.count(sa.distinct(sa.case(
                      (CaseEvent.occurred_at >= recent_from, Case.id)))).label("recent"))
        .select_from(CaseEvent).join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(Member, Member.id == Case.subject_member_id).join(subject, on)
        .where(visible, Case.state != "cancelled", CaseEvent.occurred_at >= start,
               CaseEvent.event.in_(FINDING_EVENTS),
               sa.or_(CaseEvent.event == "start_combined_track",
                      outcome.in_(VIOLATION_OUTCOMES)))
        .group_by(subject.path).subquery()
    )
    target = aliased(Organisation)
    rows = read_session().execute(
        sa.select(target.id, sa.func.sum(per_path.c.n), sa.func.sum(per_path.c.recent))
        .join(per_path, per_path.c.path.startswith(target.path))
        .where(target.id.in_(target_ids)).group_by(target.id)
    )
    return {org_id: (int(n or 0), int(recent or 0)) for org_id, n, recent in rows}


def _denunciations(visible: Any, start: date) -> sa.Subquery:
    subject, on = _subject_org()
    return (
        sa.select(subject.path.label("path"), sa.func.count(Case.id).label("n"))
        .select_from(Case).outerjoin(Member, Member.id == Case.subject_member_id)
        .join(subject, on)
        .where(visible, Case.kind == "denunciation", Case.opened_on >= start,
               Case.state.not_in(NOT_DENUNCIATIONS))
        .group_by(subject.path).subquery()
    )


def _overdue_actions(visible: Any, today: date) -> sa.Subquery:
    subject, on = _subject_org()
    return (
        sa.select(subject.path.label("path"), sa.func.count(FollowUpAction.id).label("n"))
        .select_from(FollowUpAction).join(Case, Case.id == FollowUpAction.case_id)
        .outerjoin(Member, Member.id == Case.subject_member_id).join(subject, on)
        .where(visible, FollowUpAction.status == "open", FollowUpAction.due_on < today)
        .group_by(subject.path).subquery()
    )


def _last_inspections(target_ids: sa.Select[Any], visible: Any) -> dict[int, date]:
    rows = read_session().execute(
        sa.select(Case.subject_org_id, sa.func.max(Case.opened_on))
        .where(visible, Case.subject_org_id.in_(target_ids), Case.kind.in_(INSPECTION_KINDS),
               Case.state != "cancelled")
        .group_by(Case.subject_org_id)
    )
    return {org_id: last for org_id, last in rows if last is not None}


def _row(actor: Actor, org: Organisation, w: Weights, years: int, today: date,
         violations: tuple[int, int], denunciations: int, overdue: int,
         last: date | None) -> RiskRow:
    total, recent = violations
    signals = (
        Signal("violations", total, total * w.violation_points
               + recent * w.recent_violation_points,
               {"recent": recent, "years": years, "per": w.violation_points,
                "bonus": w.recent_violation_points}),
        Signal("denunciations", denunciations, denunciations * w.denunciation_points,
               {"years": years, "per": w.denunciation_points}),
        Signal("overdue_actions", overdue, overdue * w.overdue_action_points,
               {"per": w.overdue_action_points}),
        _since_inspection(w, today, last),
    )
    return RiskRow(org, sum(s.points for s in signals), signals, plan_owner(actor, org))


def _since_inspection(w: Weights, today: date, last: date | None) -> Signal:
    cap = w.max_years_without_inspection
    if last is None:
        return Signal("since_inspection", None, cap * w.year_without_inspection_points,
                      {"last": None, "cap": cap, "per": w.year_without_inspection_points})
    full = today.year - last.year - ((today.month, today.day) < (last.month, last.day))
    counted = max(0, min(full, cap))
    return Signal("since_inspection", full, counted * w.year_without_inspection_points,
                  {"last": last, "cap": cap, "counted": counted,
                   "per": w.year_without_inspection_points})


def plan_owner(actor: Actor, org: Organisation) -> int | None:
    """The nearest organisation above ``org`` where the actor may open an inspection."""
    openers = registry.for_kind(PLAN_KIND).opener_roles
    ids = [int(part) for part in org.path.strip("/").split("/") if part]
    for depth in range(len(ids) - 1, 0, -1):
        path = "/" + "/".join(str(i) for i in ids[:depth]) + "/"
        if actor.roles_for(path) & openers:
            return ids[depth - 1]
    return None
