"""The statistics report: inspection, supervision and discipline work of a period.

``build_report(actor, filters, today)`` counts only cases in the actor's
scope, narrowed to an organisation's subtree and to some case kinds, over a
period and the one before it, and returns a typed ``Report`` (domain.md §7).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.queries import INT32_MAX, in_subtree
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.people.models import Organisation
from hgkiemtra.reports import sections
from hgkiemtra.reports.figures import Report, Scope, Section
from hgkiemtra.reports.measures import Measures, measure
from hgkiemtra.reports.periods import Period, parse_period
from workflows import registry
from workflows.text import msg


@dataclass(frozen=True)
class StatisticsFilter:
    period: Period
    org_id: int | None = None  # this organisation and its subtree; None: the whole scope
    kinds: tuple[str, ...] = ()  # empty: every kind


def parse_filter(actor: Actor, today: date, *, period: str | None = None,
                 start: str | None = None, end: str | None = None,
                 org: str | int | None = None, kinds: Iterable[str] = ()) -> StatisticsFilter:
    """Read the filters as given by a form or a query string; bad values are a
    ValidationFailed, an organisation outside the actor's scope a NotFound."""
    return StatisticsFilter(parse_period(period, today, start, end), _org_id(actor, org),
                            check_kinds(kinds))


def _org_id(actor: Actor, org: str | int | None) -> int | None:
    if org is None or org == "":
        return None
    if isinstance(org, str):
        if not org.strip().isdigit() or len(org.strip()) > 10:
            raise ValidationFailed(msg("Tổ chức đảng phải là mã số"), {"field": "org"})
        org = int(org.strip())
    if not 0 < org <= INT32_MAX:
        raise NotFound(msg("Không tìm thấy tổ chức đảng {org}", org=org))
    found = db.session.get(Organisation, org)
    if found is None or not actor.can_see(found.path):
        raise NotFound(msg("Không tìm thấy tổ chức đảng {org}", org=org))
    return org


def check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(k for k in kinds if k))
    unknown = [k for k in chosen if k not in registry.kinds()]
    if unknown:
        raise ValidationFailed(
            msg("Loại hồ sơ không tồn tại: {fields}", fields=", ".join(unknown)[:100]),
            {"field": "kind", "known": registry.kinds()},
        )
    return chosen


def case_conditions(actor: Actor, filters: StatisticsFilter) -> list[sa.ColumnElement[bool]]:
    """The WHERE clauses every figure shares: scope, subtree, kinds."""
    conditions = [actor.visible_org_filter(Case.org_id)]
    if filters.org_id is not None:
        conditions.append(in_subtree(Case.org_id, filters.org_id))
    if filters.kinds:
        conditions.append(Case.kind.in_(filters.kinds))
    return conditions


def build_report(actor: Actor, filters: StatisticsFilter, today: date,
                 now: datetime | None = None) -> Report:
    conditions = case_conditions(actor, filters)
    previous = filters.period.previous()
    current, before = measure(conditions, filters.period, today), measure(conditions, previous,
                                                                            today)
    return Report(
        period=filters.period,
        previous_period=previous,
        scope=_scope(actor, filters),
        sections=tuple(lay_out(current, before, filters.kinds)),
        generated_at=now or utcnow(),
        as_of=today,
    )


def lay_out(now: Measures, before: Measures, kinds: tuple[str, ...]) -> list[Section]:
    """The sections for the chosen kinds (all of them when none is chosen)."""
    wanted = set(kinds or registry.kinds())
    found: list[Section] = []
    if wanted & {"inspection_violation", "inspection_lower_work", "financial_inspection",
                 "asset_declaration", "supervision"}:
        found.append(sections.coverage(now, before))
    if "inspection_violation" in wanted:
        found.append(sections.inspection("violation", "inspection_violation",
                                         _("Kiểm tra khi có dấu hiệu vi phạm"),
                                         sections.by_subject(), now, before))
    if "inspection_lower_work" in wanted:
        found.append(sections.lower_work(now, before))
    if "financial_inspection" in wanted:
        found.append(sections.inspection("financial", "financial_inspection",
                                         _("Kiểm tra tài chính đảng"), sections.total_only(),
                                         now, before, amounts=True))
    if "asset_declaration" in wanted:
        found.append(sections.inspection("assets", "asset_declaration",
                                         _("Kiểm tra việc kê khai tài sản, thu nhập"),
                                         sections.total_only(), now, before))
    if "denunciation" in wanted:
        found.append(sections.denunciations(now, before))
    if "discipline_complaint" in wanted:
        found.append(sections.complaints(now, before))
    if wanted & {"discipline", "inspection_violation", "financial_inspection",
                 "asset_declaration"}:
        found += [sections.discipline_by_form(now, before),
                  sections.discipline_by_level(now, before)]
    ordered = tuple(k for k in registry.kinds() if k in wanted)
    found += [sections.timeliness(now, before, ordered), sections.phase_times(now, before)]
    return found


def _scope(actor: Actor, filters: StatisticsFilter) -> Scope:
    if filters.org_id is not None:
        name = db.session.get(Organisation, filters.org_id).name  # type: ignore[union-attr]
    else:
        roots = actor.scope_paths()
        names = db.session.execute(
            sa.select(Organisation.name).where(Organisation.path.in_(roots))
            .order_by(Organisation.path)
        ).scalars().all()
        name = ", ".join(names) if names else _("Toàn bộ")
    return Scope(filters.org_id, name, filters.kinds)


def kind_title(kind: str) -> str:
    return _(registry.for_kind(kind).title)
