"""Custodians of the vault: who may approve reading a denouncer's identity.

An admin designates a user over an organisation in the admin's subtrees; the
user must already hold a role there (so they can open its cases). A custodian
approves reveals for the cases owned by that organisation and below, never
their own request. Revoking keeps the row (who, when) as the history.
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa

from hgkiemtra.admin.access import admin_roots, require_admin, require_covers
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.denunciations.models import VaultCustodian
from hgkiemtra.people.models import Organisation, User
from workflows.text import msg

log = logging.getLogger("hgkiemtra.vault")


def designate(actor: Actor, user_id: int, org_id: int,
              now: datetime | None = None) -> VaultCustodian:
    require_admin(actor)
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise ValidationFailed(
            msg("Không có tổ chức đảng mã số {org_id}", org_id=org_id), {"field": "org_id"}
        )
    require_covers(actor, org)
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise ValidationFailed(
            msg("Không có người dùng mã số {user_id}", user_id=user_id), {"field": "user_id"}
        )
    if not Actor.for_user(user).can_see(org.path):
        raise ValidationFailed(
            msg(
                "{user} không có vai trò nào tại {org}: hãy cấp vai trò trước "
                "khi chỉ định làm người giữ khóa",
                user=user.full_name,
                org=org.name,
            ),
            {"field": "user_id"},
        )
    if _active(user_id, org_id) is not None:
        raise ValidationFailed(
            msg("{user} đã là người giữ khóa tại {org}", user=user.full_name, org=org.name),
            {"field": "user_id"},
        )
    row = VaultCustodian(user_id=user.id, org_id=org.id, designated_by_id=actor.user_id,
                         designated_at=now or utcnow())
    db.session.add(row)
    db.session.flush()
    log.info("vault: user %s designated custodian over organisation %s by user %s",
             user.id, org.id, actor.user_id)
    return row


def revoke(actor: Actor, custodian_id: int, now: datetime | None = None) -> VaultCustodian:
    require_admin(actor)
    row = db.session.get(VaultCustodian, custodian_id)
    if row is None or row.revoked_at is not None:
        raise NotFound(
            msg("Không có người giữ khóa mã số {custodian_id}", custodian_id=custodian_id)
        )
    require_covers(actor, row.organisation)
    row.revoked_at = now or utcnow()
    row.revoked_by_id = actor.user_id
    db.session.flush()
    log.info("vault: custodian %s (user %s, organisation %s) revoked by user %s",
             row.id, row.user_id, row.org_id, actor.user_id)
    return row


def _active(user_id: int, org_id: int) -> VaultCustodian | None:
    return db.session.execute(
        sa.select(VaultCustodian).where(VaultCustodian.user_id == user_id,
                                        VaultCustodian.org_id == org_id,
                                        VaultCustodian.revoked_at.is_(None))
    ).scalars().first()


def active_in_admin_scope(actor: Actor) -> list[VaultCustodian]:
    roots = admin_roots(actor)
    if not roots:
        return []
    return list(db.session.scalars(
        sa.select(VaultCustodian)
        .join(Organisation, Organisation.id == VaultCustodian.org_id)
        .where(VaultCustodian.revoked_at.is_(None),
               sa.or_(*(Organisation.path.startswith(r, autoescape=True) for r in roots)))
        .order_by(Organisation.path, VaultCustodian.designated_at)
    ))


def custodian_paths(user_id: int | None) -> list[str]:
    """The organisation paths over which ``user_id`` is an active custodian."""
    if user_id is None:
        return []
    return list(db.session.scalars(
        sa.select(Organisation.path)
        .join(VaultCustodian, VaultCustodian.org_id == Organisation.id)
        .where(VaultCustodian.user_id == user_id, VaultCustodian.revoked_at.is_(None))
    ))


def is_custodian_for(user_id: int | None, case: Case) -> bool:
    return any(case.organisation.path.startswith(p) for p in custodian_paths(user_id))
