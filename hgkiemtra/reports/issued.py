"""Issuing a quarterly or annual report: its figures are frozen as they stand.

An issued report is never updated. Its page recomputes the same report now
and lists every figure that differs ("changes since issued"), e.g. a step
recorded late and back-dated into the period. Chairs and admins over the
organisation issue; anyone who can see the organisation reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.queries import INT32_MAX
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.people.models import Organisation
from hgkiemtra.reports import snapshot
from hgkiemtra.reports.figures import Number, Report, figure_labels, json_number
from hgkiemtra.reports.models import IssuedReport
from hgkiemtra.reports.statistics import StatisticsFilter, build_report
from workflows.engine import Role
from workflows.text import msg

ISSUER_ROLES = frozenset({Role.CHAIR, Role.ADMIN})
MAX_REFERENCE, MAX_NOTE = 100, 4000


@dataclass(frozen=True)
class Change:
    key: str
    section: str
    row: str
    column: str
    frozen: Number | None
    now: Number | None


def issuing_org(actor: Actor, filters: StatisticsFilter) -> Organisation:
    """The organisation a report is issued for: the filter's, or the actor's only root."""
    if filters.org_id is not None:
        org = db.session.get(Organisation, filters.org_id)
    else:
        roots = actor.scope_paths()
        if len(roots) != 1:
            raise ValidationFailed(msg("Hãy chọn tổ chức đảng ban hành báo cáo"), {"field": "org"})
        org = db.session.execute(
            sa.select(Organisation).where(Organisation.path == roots[0])).scalar_one_or_none()
    if org is None or not actor.can_see(org.path):
        raise NotFound(msg("Không tìm thấy tổ chức đảng"))
    return org


def can_issue(actor: Actor, org: Organisation) -> bool:
    return bool(actor.roles_for(org.path) & ISSUER_ROLES)


def issue_report(actor: Actor, filters: StatisticsFilter, *, reference: str, note: str = "",
                 today: date, now: datetime | None = None) -> IssuedReport:
    """Freeze the report for ``filters``; flushes, the caller commits."""
    org = issuing_org(actor, filters)
    if not can_issue(actor, org):
        raise PermissionDenied(msg("Chỉ chủ nhiệm UBKT hoặc quản trị viên được ban hành báo cáo"))
    reference, note = reference.strip(), note.strip()
    if not reference:
        raise ValidationFailed(msg("Số, ký hiệu báo cáo là bắt buộc"), {"field": "reference"})
    if len(reference) > MAX_REFERENCE or len(note) > MAX_NOTE:
        raise ValidationFailed(msg("Số, ký hiệu hoặc ghi chú quá dài"), {"field": "reference"})
    if filters.period.last_day >= today:
        raise ValidationFailed(msg("Kỳ báo cáo chưa kết thúc: chỉ ban hành sau ngày cuối kỳ"),
                               {"field": "period"})
    filters = StatisticsFilter(filters.period, org.id, tuple(sorted(filters.kinds)))
    existing = _find(org.id, filters)
    if existing is not None:
        raise ValidationFailed(
            msg("Báo cáo kỳ này đã được ban hành"), {"issued_report_id": existing}
        )
    report = build_report(actor, filters, today, now)
    issued = IssuedReport(
        org_id=org.id, period_kind=filters.period.kind, period_start=filters.period.start,
        period_end=filters.period.last_day, kinds_key=",".join(filters.kinds),
        figures=report.figures(), snapshot=snapshot.to_dict(report), reference=reference,
        note=note, issued_by_id=actor.user_id, issued_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(issued)
            db.session.flush()
    except IntegrityError:
        raise ValidationFailed(msg("Báo cáo kỳ này vừa được ban hành"),
                               {"issued_report_id": _find(org.id, filters)}) from None
    return issued


def _find(org_id: int, filters: StatisticsFilter) -> int | None:
    return db.session.execute(sa.select(IssuedReport.id).where(
        IssuedReport.org_id == org_id, IssuedReport.period_kind == filters.period.kind,
        IssuedReport.period_start == filters.period.start,
        IssuedReport.period_end == filters.period.last_day,
        IssuedReport.kinds_key == ",".join(sorted(filters.kinds)))).scalar_one_or_none()


def list_issued(actor: Actor, org_id: int | None = None) -> list[IssuedReport]:
    stmt = sa.select(IssuedReport).where(actor.visible_org_filter(IssuedReport.org_id))
    if org_id is not None:
        stmt = stmt.where(IssuedReport.org_id == org_id)
    stmt = stmt.order_by(IssuedReport.period_start.desc(), IssuedReport.id.desc())
    return list(db.session.execute(stmt).scalars())


def get_issued(actor: Actor, issued_id: int) -> IssuedReport:
    issued = db.session.get(IssuedReport, issued_id) if 0 < issued_id <= INT32_MAX else None
    if issued is None or not actor.can_see(issued.organisation.path):
        raise NotFound(msg("Không tìm thấy báo cáo {issued_id}", issued_id=issued_id))
    return issued


def frozen_report(issued: IssuedReport) -> Report:
    return snapshot.from_dict(issued.snapshot)


def filters_of(issued: IssuedReport) -> StatisticsFilter:
    return StatisticsFilter(frozen_report(issued).period, issued.org_id, issued.kinds)


def changes_since(actor: Actor, issued: IssuedReport, today: date) -> tuple[Report, list[Change]]:
    """The report as it would be now, and every figure that differs from the frozen one."""
    current = build_report(actor, filters_of(issued), today)
    now_values = current.figures()
    labels = {**figure_labels(frozen_report(issued)), **figure_labels(current)}
    changes = []
    for key in sorted(set(issued.figures) | set(now_values), key=_order(current, issued)):
        frozen = json_number(issued.figures.get(key))
        value = now_values.get(key)
        if frozen != value:
            section, row, column = labels.get(key, (key, "", ""))
            changes.append(Change(key, section, row, column, frozen, value))
    return current, changes


def _order(current: Report, issued: IssuedReport) -> object:
    position = {key: i for i, key in enumerate([*current.figures(), *issued.figures])}
    return lambda key: position.get(key, len(position))
