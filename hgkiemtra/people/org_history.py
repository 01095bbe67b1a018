"""Reading the organisation tree's history: the tree on a date, how each
closed organisation ended, and the list of changes.

Organisation rows keep their parent and path for ever (``people.changes``),
so the tree on a past date is the set of rows active on that date, each
under its own parent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hgkiemtra.core.db import db
from hgkiemtra.people.change_models import ItemType, OrganisationChange, OrganisationChangeItem
from hgkiemtra.people.models import Organisation


@dataclass(frozen=True)
class Ending:
    """How an organisation closed: by which change, and who took over."""

    kind: str  # merge | split | dissolve | move ("move": re-established elsewhere)
    on: date
    successors: tuple[Organisation, ...]
    change_id: int


def tree_on(orgs: Iterable[Organisation], day: date) -> list[Organisation]:
    """The organisations active on ``day`` whose ancestors in ``orgs`` were too
    (a child cannot outlive the parent it is drawn under)."""
    ordered = sorted(orgs, key=lambda o: o.path)
    kept: dict[int, Organisation] = {}
    known = {o.id for o in ordered}
    for org in ordered:
        if not org.is_active_on(day):
            continue
        if org.parent_id in known and org.parent_id not in kept:
            continue
        kept[org.id] = org
    return list(kept.values())


def endings(org_ids: Sequence[int]) -> dict[int, Ending]:
    """For each closed organisation among ``org_ids``, the change that closed it."""
    if not org_ids:
        return {}
    rows = db.session.execute(
        sa.select(OrganisationChangeItem, OrganisationChange)
        .join(OrganisationChange, OrganisationChange.id == OrganisationChangeItem.change_id)
        .where(OrganisationChangeItem.from_org_id.in_(list(org_ids)),
               OrganisationChangeItem.item_type.in_([ItemType.CLOSED.value,
                                                     ItemType.MOVED.value]))
        .order_by(OrganisationChangeItem.id)
    ).all()
    found: dict[int, Ending] = {}
    for item, change in rows:
        assert item.from_org_id is not None and item.to_org is not None
        kind = "move" if item.item_type == ItemType.MOVED.value else change.kind
        before = found.get(item.from_org_id)
        successors = (before.successors if before else ()) + (item.to_org,)
        found[item.from_org_id] = Ending(kind, change.effective_on, successors, change.id)
    return found


def history(org: Organisation | None = None, limit: int = 200) -> list[OrganisationChange]:
    """Changes, newest first; with ``org``, those that closed, created or moved it."""
    query = (sa.select(OrganisationChange)
             .options(selectinload(OrganisationChange.items))
             .order_by(OrganisationChange.effective_on.desc(), OrganisationChange.id.desc())
             .limit(limit))
    if org is not None:
        touching = sa.select(OrganisationChangeItem.change_id).where(
            OrganisationChangeItem.item_type.in_(
                [ItemType.CLOSED.value, ItemType.CREATED.value, ItemType.MOVED.value]),
            sa.or_(OrganisationChangeItem.from_org_id == org.id,
                   OrganisationChangeItem.to_org_id == org.id))
        query = query.where(OrganisationChange.id.in_(touching))
    return list(db.session.scalars(query))


def predecessors(org: Organisation) -> list[Organisation]:
    """The organisations whose work ``org`` took over."""
    return list(db.session.scalars(
        sa.select(Organisation).where(Organisation.successor_id == org.id)
        .order_by(Organisation.path)))


def summary(change: OrganisationChange) -> dict[str, int]:
    """How many organisations closed, were created or moved; cases, members, roles handed over."""
    counts = {t.value: 0 for t in ItemType}
    for item in change.items:
        counts[item.item_type] += 1
    return counts
