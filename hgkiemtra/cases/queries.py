"""Read-only case queries shared by the API, the web UI and the exports.

Every query starts from the actor's scope: a case outside it is never listed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, lazyload, selectinload

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.keyset import KeysetPage, decode_cursor, keyset_page, offset_page
from hgkiemtra.cases.models import Case, CaseTeamMember
from hgkiemtra.core.db import db
from hgkiemtra.core.text import search_key
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.deadlines.service import overdue_case_ids_clause
from hgkiemtra.people.models import Organisation

INT32_MAX = 2**31 - 1
# KT.2026.00042: kind code, year opened, id.
REFERENCE = re.compile(r"^[A-Za-z]+\.\d{4}\.(\d{1,9})$")

CASE_SORTS: dict[str, tuple[Any, ...]] = {
    "updated_at": (Case.updated_at.asc(), Case.id.asc()),
    "-updated_at": (Case.updated_at.desc(), Case.id.desc()),
    "opened_on": (Case.opened_on.asc(), Case.id.asc()),
    "-opened_on": (Case.opened_on.desc(), Case.id.desc()),
    "id": (Case.id.asc(),),
    "-id": (Case.id.desc(),),
    "title": (Case.title.asc(), Case.id.asc()),
    "-title": (Case.title.desc(), Case.id.desc()),
}
DEFAULT_SORT = "-updated_at"


@dataclass(frozen=True)
class CaseFilter:
    """What a case list is narrowed to; ``None`` means 'any'."""

    state: str | None = None
    phase: str | None = None
    kind: str | None = None
    org_id: int | None = None  # this organisation and its subtree
    overdue: bool | None = None
    q: str | None = None  # diacritics-insensitive text, an id or a reference
    year: int | None = None  # the year the case was opened
    team_user_id: int | None = None  # cases whose team includes this user
    sort: str = DEFAULT_SORT


def page_of(query: sa.Select[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """One page of ``query`` and the total number of rows it matches."""
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    return list(rows.scalars().unique()), total


def in_subtree(column: InstrumentedAttribute[int], org_id: int) -> sa.ColumnElement[bool]:
    """Rows whose organisation is ``org_id`` or lies below it (nothing if unknown)."""
    org = db.session.get(Organisation, org_id)
    if org is None:
        return sa.false()
    below = sa.select(Organisation.id).where(Organisation.path.startswith(org.path))
    return column.in_(below)


def case_query(actor: Actor, filters: CaseFilter, today: date) -> sa.Select[tuple[Case]]:
    """The cases in the actor's scope matching ``filters``, sorted."""
    return filtered_cases(actor, filters, today).order_by(*sort_order(filters.sort))


def sort_order(sort: str) -> tuple[Any, ...]:
    return CASE_SORTS.get(sort, CASE_SORTS[DEFAULT_SORT])


def filtered_cases(actor: Actor, filters: CaseFilter, today: date) -> sa.Select[tuple[Case]]:
    """The cases in the actor's scope matching ``filters``, in no order."""
    stmt = sa.select(Case).where(actor.visible_org_filter(Case.org_id))
    if filters.state:
        stmt = stmt.where(Case.state == filters.state)
    if filters.phase:
        stmt = stmt.where(Case.phase == filters.phase)
    if filters.kind:
        stmt = stmt.where(Case.kind == filters.kind)
    if filters.org_id is not None:
        stmt = stmt.where(in_subtree(Case.org_id, filters.org_id))
    if filters.overdue is not None:
        clause = overdue_case_ids_clause(today)
        stmt = stmt.where(clause if filters.overdue else sa.not_(clause))
    if filters.q and filters.q.strip():
        stmt = stmt.where(_case_text_filter(filters.q))
    if filters.year is not None:
        start, end = date(filters.year, 1, 1), date(filters.year + 1, 1, 1)
        stmt = stmt.where(Case.opened_on >= start, Case.opened_on < end)
    if filters.team_user_id is not None:
        stmt = stmt.where(on_team(filters.team_user_id))
    return stmt


def find_cases(
    actor: Actor, filters: CaseFilter, today: date, page: int = 1, per_page: int = 50
) -> tuple[list[Case], int]:
    return page_of(case_query(actor, filters, today), page, per_page)


def seek_cases(
    actor: Actor, filters: CaseFilter, today: date, cursor: str | None, per_page: int,
    page: int = 1, with_team: bool = False,
) -> KeysetPage:
    """The page of cases at ``cursor`` (else page ``page``, by OFFSET beyond the
    first), read by keyset; BadCursor if the cursor is not one handed out for this sort."""
    sort = filters.sort if filters.sort in CASE_SORTS else DEFAULT_SORT
    query = filtered_cases(actor, filters, today)
    if with_team:  # the API lists each case's team: one query for the page, not one per row
        query = query.options(selectinload(Case.team))
    if cursor is None and page > 1:
        return offset_page(query, sort_order(sort), sort, page, per_page)
    seek = None if cursor is None else decode_cursor(cursor, sort)
    return keyset_page(query, sort_order(sort), sort, seek, per_page)


def on_team(user_id: int) -> sa.ColumnElement[bool]:
    return sa.exists().where(CaseTeamMember.case_id == Case.id, CaseTeamMember.user_id == user_id)


def _case_text_filter(q: str) -> sa.ColumnElement[bool]:
    """Diacritics-insensitive text, or the case's id, or its reference."""
    conditions = []
    key = search_key(q)
    if key:
        conditions.append(Case.search_text.contains(key, autoescape=True))
    text = q.strip().lstrip("#")
    match = REFERENCE.match(text)
    number = match.group(1) if match else text
    if number.isdigit() and len(number) <= 10 and 0 < int(number) <= INT32_MAX:
        conditions.append(Case.id == int(number))
    return sa.or_(*conditions) if conditions else sa.true()


def overdue_ids(case_ids: Sequence[int], today: date) -> set[int]:
    if not case_ids:
        return set()
    rows = db.session.execute(
        sa.select(Deadline.case_id)
        .where(Deadline.case_id.in_(case_ids), Deadline.status == "open",
               Deadline.paused_since.is_(None), Deadline.due_on < today)
        .distinct()
    )
    return set(rows.scalars())


def next_deadlines(case_ids: Sequence[int]) -> dict[int, Deadline]:
    """The earliest open deadline of each case that has one."""
    if not case_ids:
        return {}
    rows = db.session.execute(
        sa.select(Deadline)
        .where(Deadline.case_id.in_(case_ids), Deadline.status == "open")
        .order_by(Deadline.due_on, Deadline.id)
    ).scalars()
    found: dict[int, Deadline] = {}
    for deadline in rows:
        found.setdefault(deadline.case_id, deadline)
    return found


def deadline_marks(case_ids: Sequence[int], today: date) -> tuple[set[int], dict[int, Deadline]]:
    """``overdue_ids`` and ``next_deadlines`` of a page of cases from one query:
    both read the open deadlines, and the list shows neither extensions nor pauses."""
    if not case_ids:
        return set(), {}
    rows = db.session.execute(
        sa.select(Deadline)
        .where(Deadline.case_id.in_(case_ids), Deadline.status == "open")
        .order_by(Deadline.due_on, Deadline.id)
        .options(lazyload(Deadline.extensions), lazyload(Deadline.pauses))
    ).scalars()
    late: set[int] = set()
    found: dict[int, Deadline] = {}
    for deadline in rows:
        found.setdefault(deadline.case_id, deadline)
        if deadline.paused_since is None and deadline.due_on < today:
            late.add(deadline.case_id)
    return late, found


def case_deadlines(case_id: int, with_changes: bool = True) -> list[Deadline]:
    """Every deadline of the case, open or closed, oldest first; with_changes=False
    leaves each one's extensions and pauses unread until asked for (the case page)."""
    stmt = sa.select(Deadline).where(Deadline.case_id == case_id)
    if not with_changes:
        stmt = stmt.options(lazyload(Deadline.extensions), lazyload(Deadline.pauses))
    return list(db.session.execute(stmt.order_by(Deadline.created_at, Deadline.id)).scalars())


def opened_years(actor: Actor) -> list[int]:
    """The years in which cases in scope were opened, newest first.

    Read from the two ends of the opened_on index and one EXISTS probe per
    year between them, not by a DISTINCT over every case in scope."""
    in_scope = actor.visible_org_filter(Case.org_id)
    # ORDER BY ... LIMIT 1, not min()/max(): PostgreSQL then reads one end of
    # the opened_on index instead of scanning every case in scope.
    ends = [sa.select(Case.opened_on).where(in_scope).order_by(order).limit(1).scalar_subquery()
            for order in (Case.opened_on.asc(), Case.opened_on.desc())]
    first, last = db.session.execute(sa.select(*ends)).one()
    if first is None or last is None:
        return []
    probes = [
        sa.select(sa.literal(year, sa.Integer).label("year")).where(
            sa.exists().where(in_scope, Case.opened_on >= date(year, 1, 1),
                              Case.opened_on < date(year + 1, 1, 1)))
        for year in range(first.year, last.year + 1)
    ]
    found = db.session.execute(sa.union_all(*probes)).scalars()
    return sorted((int(y) for y in found), reverse=True)
