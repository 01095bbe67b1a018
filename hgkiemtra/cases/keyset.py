"""Keyset ("seek") pages of the case list, and a count that stops early.

A page is the rows after (or before) the sort key and id of a row the reader
has seen, read from an index in the sort order: the cost of page 10,000 is the
cost of page 1, where OFFSET would read and throw away every row before it.
The cursor handed to the reader is opaque (base64 of a small JSON object) and
checked field by field when it comes back: a cursor edited by hand can only
point at another place in the reader's own scope, and a malformed one is a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError
from workflows.text import msg

# Counting stops here: a longer list reads "more than 1,000". Counting reads
# every matching row up to the limit; at 10,000 a common search word cost
# ~110 ms at 150k cases (a scan of ~45k rows), at 1,000 about a tenth of that.
COUNT_LIMIT = 1_000
NEXT, PREV = "next", "prev"
MAX_ROW_NUMBER = 10**9


BAD = msg("Con trỏ trang không hợp lệ")


class BadCursor(DomainError):
    code = "bad_cursor"
    http_status = 400


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (NEXT) or before (PREV) the row (key, id)."""

    sort: str
    direction: str
    key: Any
    id: int
    row_number: int  # of the first row of the page it leads to, for display only

    def encode(self) -> str:
        key = self.key.isoformat() if isinstance(self.key, date) else self.key
        raw = json.dumps({"s": self.sort, "d": self.direction, "k": key, "i": self.id,
                          "n": self.row_number}, separators=(",", ":"), ensure_ascii=False)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Case]
    total: int  # exact when ``total_exact``, else COUNT_LIMIT + 1
    total_exact: bool
    first_row: int  # 1-based position of rows[0] in the whole list
    next_cursor: str | None
    prev_cursor: str | None


def sort_column(sort: str) -> Any:
    """The column a sort orders by before the id, or None for the id sorts."""
    name = sort.lstrip("-")
    return None if name == "id" else getattr(Case, name)


def decode_cursor(text: str, sort: str) -> Cursor:
    """The cursor, or BadCursor if it is not one this list handed out for ``sort``."""
    try:
        padded = text + "=" * (-len(text) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise BadCursor(BAD) from None
    if not isinstance(data, dict) or data.get("s") != sort or data.get("d") not in (NEXT, PREV):
        raise BadCursor(BAD)
    row_id, number = data.get("i"), data.get("n")
    if not _is_int(row_id, 1, 2**31 - 1) or not _is_int(number, 1, MAX_ROW_NUMBER):
        raise BadCursor(BAD)
    return Cursor(sort, data["d"], _parse_key(sort, data.get("k")), row_id, number)


def _is_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _parse_key(sort: str, key: Any) -> Any:
    name = sort.lstrip("-")
    try:
        if name == "id":
            return None
        if name == "title" and isinstance(key, str) and len(key) <= 500:
            return key
        if name == "opened_on" and isinstance(key, str):
            return date.fromisoformat(key)
        if name == "updated_at" and isinstance(key, str):
            moment = datetime.fromisoformat(key)
            if moment.tzinfo is not None:
                return moment
    except ValueError:
        pass
    raise BadCursor(BAD)


def _seek(sort: str, cursor: Cursor, forward: bool) -> sa.ColumnElement[bool]:
    """Rows past the cursor's row in the direction read; a row comparison, so
    PostgreSQL turns it into an index range on (column, id)."""
    column = sort_column(sort)
    after = forward != sort.startswith("-")
    if column is None:
        return Case.id > cursor.id if after else Case.id < cursor.id
    left = sa.tuple_(column, Case.id)
    right = sa.tuple_(sa.literal(cursor.key, column.type), sa.literal(cursor.id, Case.id.type))
    return left > right if after else left < right


def _reversed(order: tuple[Any, ...]) -> list[Any]:
    return [
        clause.element.desc() if clause.modifier is sa.sql.operators.asc_op
        else clause.element.asc()
        for clause in order
    ]


def keyset_page(
    query: sa.Select[tuple[Case]], order: tuple[Any, ...], sort: str,
    cursor: Cursor | None, per_page: int,
) -> KeysetPage:
    """One page of ``query`` (already filtered, not yet ordered) at ``cursor``."""
    forward = cursor is None or cursor.direction == NEXT
    stmt = query if cursor is None else query.where(_seek(sort, cursor, forward))
    stmt = stmt.order_by(*(order if forward else _reversed(order))).limit(per_page + 1)
    rows = list(db.session.execute(stmt).scalars())
    more = len(rows) > per_page
    rows = rows[:per_page] if forward else list(reversed(rows[:per_page]))
    first = 1 if cursor is None or (not forward and not more) else cursor.row_number
    has_next, has_prev = (more, cursor is not None) if forward else (True, more)
    total, exact = count_upto(query)
    return KeysetPage(
        rows=rows, total=total, total_exact=exact, first_row=first,
        next_cursor=_cursor(sort, NEXT, rows[-1], first + len(rows)) if has_next and rows
        else None,
        prev_cursor=_cursor(sort, PREV, rows[0], max(1, first - per_page)) if has_prev and rows
        else None,
    )


def offset_page(
    query: sa.Select[tuple[Case]], order: tuple[Any, ...], sort: str, page: int, per_page: int,
) -> KeysetPage:
    """Page ``page`` by OFFSET, kept for API clients that number pages; its
    cursors lead on by keyset."""
    skipped = (page - 1) * per_page
    stmt = query.order_by(*order).limit(per_page + 1).offset(skipped)
    rows = list(db.session.execute(stmt).scalars())
    more, rows = len(rows) > per_page, rows[:per_page]
    total, exact = count_upto(query)
    first = skipped + 1
    return KeysetPage(
        rows=rows, total=total, total_exact=exact, first_row=first,
        next_cursor=_cursor(sort, NEXT, rows[-1], first + len(rows)) if more else None,
        prev_cursor=_cursor(sort, PREV, rows[0], max(1, first - per_page)) if rows and page > 1
        else None,
    )


def _cursor(sort: str, direction: str, row: Case, number: int) -> str:
    column = sort_column(sort)
    key = None if column is None else getattr(row, column.key)
    return Cursor(sort, direction, key, row.id, number).encode()


def count_upto(query: sa.Select[Any], limit: int | None = None) -> tuple[int, bool]:
    """How many rows ``query`` matches, reading at most ``limit + 1`` of them
    (default COUNT_LIMIT): (count, True) when exact, (limit + 1, False) when there are more."""
    limit = COUNT_LIMIT if limit is None else limit
    ids = query.with_only_columns(Case.id).order_by(None).limit(limit + 1).subquery()
    found = int(db.session.execute(sa.select(sa.func.count()).select_from(ids)).scalar_one())
    return found, found <= limit
