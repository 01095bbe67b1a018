"""Read-only queries behind the list endpoints, always limited to the actor's scope.

Case lists are built by ``cases.queries`` (shared with the web UI and exports).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from hgkiemtra.api.schemas import CaseListQuery, MemberListQuery, OrganisationListQuery
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import queries as case_queries
from hgkiemtra.cases.keyset import KeysetPage
from hgkiemtra.cases.queries import (  # noqa: F401 - the API's names for the shared queries
    CaseFilter,
    case_deadlines,
    in_subtree,
    overdue_ids,
    page_of,
)
from hgkiemtra.core.db import db
from hgkiemtra.core.text import search_key
from hgkiemtra.people.models import Member, Organisation


def find_cases(actor: Actor, query: CaseListQuery, today: date) -> KeysetPage:
    """The page asked for: by ``cursor`` (keyset), else by ``page`` (compatibility)."""
    filters = CaseFilter(
        state=query.state,
        phase=query.phase,
        kind=query.kind,
        org_id=query.org_id,
        overdue=query.overdue,
        q=query.q,
        sort=query.sort,
    )
    return case_queries.seek_cases(actor, filters, today, query.cursor, query.per_page,
                                   query.page, with_team=True)


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
