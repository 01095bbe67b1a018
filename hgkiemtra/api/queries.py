"""Read-only queries behind the list endpoints, always limited to the actor's scope."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from hgkiemtra.api.schemas import INT32_MAX, CaseListQuery, MemberListQuery, OrganisationListQuery
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.core.text import search_key
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.deadlines.service import overdue_case_ids_clause
from hgkiemtra.people.models import Member, Organisation

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


def find_cases(actor: Actor, query: CaseListQuery, today: date) -> tuple[list[Case], int]:
    stmt = sa.select(Case).where(actor.visible_org_filter(Case.org_id))
    if query.state:
        stmt = stmt.where(Case.state == query.state)
    if query.phase:
        stmt = stmt.where(Case.phase == query.phase)
    if query.kind:
        stmt = stmt.where(Case.kind == query.kind)
    if query.org_id is not None:
        stmt = stmt.where(in_subtree(Case.org_id, query.org_id))
    if query.overdue is not None:
        clause = overdue_case_ids_clause(today)
        stmt = stmt.where(clause if query.overdue else sa.not_(clause))
    if query.q and query.q.strip():
        stmt = stmt.where(_case_text_filter(query.q))
    stmt = stmt.order_by(*CASE_SORTS[query.sort])
    return page_of(stmt, query.page, query.per_page)


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
        .where(Deadline.case_id.in_(case_ids), Deadline.status == "open", Deadline.due_on < today)
        .distinct()
    )
    return set(rows.scalars())


def case_deadlines(case_id: int) -> list[Deadline]:
    """Every deadline of the case, open or closed, oldest first."""
    return list(
        db.session.execute(
            sa.select(Deadline)
            .where(Deadline.case_id == case_id)
            .order_by(Deadline.created_at, Deadline.id)
        ).scalars()
    )


def find_organisations(
    actor: Actor, query: OrganisationListQuery
) -> tuple[list[Organisation], int]:
    """Organisations in scope. The name match runs in Python: Vietnamese accents
    are folded by ``search_key``, which the database cannot do portably, and one
    province's tree is a few thousand rows at most."""
    stmt = sa.select(Organisation).where(actor.visible_org_filter(Organisation.id))
    if query.level:
        stmt = stmt.where(Organisation.level == query.level)
    stmt = stmt.order_by(Organisation.path, Organisation.id)
    if not (query.q and search_key(query.q)):
        return page_of(stmt, query.page, query.per_page)
    key = search_key(query.q)
    found = [
        org
        for org in db.session.execute(stmt).scalars()
        if key in search_key(org.name) or key == org.code.lower()
    ]
    start = (query.page - 1) * query.per_page
    return found[start : start + query.per_page], len(found)


def find_members(actor: Actor, query: MemberListQuery) -> tuple[list[Member], int]:
    stmt = (
        sa.select(Member)
        .options(joinedload(Member.organisation))
        .where(actor.visible_org_filter(Member.org_id))
    )
    if query.org_id is not None:
        stmt = stmt.where(in_subtree(Member.org_id, query.org_id))
    if query.q and search_key(query.q):
        stmt = stmt.where(Member.search_name.contains(search_key(query.q), autoescape=True))
    stmt = stmt.order_by(Member.search_name, Member.id)
    return page_of(stmt, query.page, query.per_page)
