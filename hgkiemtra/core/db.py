"""The SQLAlchemy handle, the constraint naming convention and shared column types."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


log = logging.getLogger(__name__)


class AppSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose end-of-request clean-up survives a lost database.

    The response is already made when the session is removed; if the server
    died meanwhile, the rollback on return fails. Raising then would turn an
    answered request (a 503 or even a committed 200) into a 500, so the error
    is logged, the session dropped, and the broken connection left to the
    pool, which has invalidated it."""

    def _teardown_session(self, exc: BaseException | None) -> None:
        try:
            self.session.remove()
        except sa.exc.DBAPIError as error:
            log.warning("database connection lost while ending the request: %s",
                        type(error.orig).__name__)
            self.session.registry.clear()


db = AppSQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
