"""API bearer tokens: shown once when created, stored only as a SHA-256.

A token carries 256 random bits, so a plain SHA-256 (one lookup by the
unique digest) is as safe as a slow password hash and costs microseconds
per request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from hgkiemtra.auth.models import ApiToken
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.people.models import User

TOKEN_PREFIX = "hgk_"
# "Last used" is shown to the minute. Writing it on every request would add an
# UPDATE to each one and make concurrent requests with one token queue on its row.
LAST_USED_PRECISION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str = "") -> str:
    """A new token for ``user``; the plaintext is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=_digest(token), prefix=token[:10]))
    db.session.flush()
    return token


def user_for_token(token: str, now: datetime | None = None) -> User | None:
    """The active owner of a live token, with their roles loaded: one query."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = db.session.execute(
        sa.select(ApiToken)
        .options(joinedload(ApiToken.user).joinedload(User.roles))
        .where(ApiToken.token_hash == _digest(token))
    ).unique().scalar_one_or_none()
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    _touch(row, now or utcnow())
    return row.user


def _touch(row: ApiToken, now: datetime) -> None:
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        row.last_used_at = now


def revoke_token(token_id: int, user: User) -> bool:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True
