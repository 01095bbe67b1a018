"""Record the SQL a block of code sends, for tests that pin statement counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from hgkiemtra.core.db import db


@contextmanager
def recorded(*, selects_only: bool = False) -> Iterator[list[str]]:
    """Every statement the app's engine sends inside the block (only SELECTs if asked)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not selects_only or statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
