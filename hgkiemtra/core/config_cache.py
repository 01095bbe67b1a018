"""Rarely changed settings kept per process between transitions.

Calendar overrides, rule parameters and reminder policies are read by every
transition that plans a deadline, yet change a few times a year. Every write
to those tables, whoever makes it (the app, a CLI, psql), gives the one row
of ``config_state`` a new ``token`` (database triggers, migration
a1f3c5e70b11; PostgreSQL draws it from a sequence, so a rolled-back write
never hands its token to another). A transition reads the token in the query
that loads its case, at no extra round trip, and inside ``using(token)`` the
readers serve what was loaded under that same token. Outside ``using``, or
when the row is missing (the table emptied by hand), they read the tables.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hgkiemtra.core.db import db

T = TypeVar("T")
_MAX_ENTRIES = 64

_current: ContextVar[tuple[str, int] | None] = ContextVar("config_token", default=None)
_cache: dict[tuple[str, int, str], Any] = {}


class ConfigState(db.Model):
    """One row whose token changes with every write to the cached settings."""

    __tablename__ = "config_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[int] = mapped_column(sa.BigInteger)


def token_column() -> sa.ScalarSelect[Any]:
    """The current token, as a column to add to a query that runs anyway."""
    return sa.select(ConfigState.token).where(ConfigState.id == 1).scalar_subquery()


def _database() -> str:
    bind = db.session.get_bind()
    engine: Any = getattr(bind, "engine", bind)
    name = _names.get(engine)
    if name is None:  # rendering the URL cost more than the rest of ``using``
        name = _names[engine] = str(engine.url)
    return name


_names: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


@contextmanager
def using(token: int | None) -> Iterator[None]:
    """Serve the cached settings of ``token`` (None: read the tables) inside."""
    if token is None:
        yield
        return
    reset = _current.set((_database(), token))
    try:
        yield
    finally:
        _current.reset(reset)


def cached(name: str, load: Callable[[], T]) -> T:
    """``load()``, or what it returned before under the current token."""
    current = _current.get()
    if current is None:
        return load()
    key = (*current, name)
    if key not in _cache:
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()  # old tokens are never asked for again
        _cache[key] = load()
    return _cache[key]  # type: ignore[no-any-return]
