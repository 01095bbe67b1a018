"""The fast `audit verify`: every case's chain and seal, from plain column tuples.

``audit.verify_case`` checks one case from ORM objects, which costs ~0.5 ms
per event at scale (ORM materialisation ~60 %, then ``json.dumps`` and
``strftime``). Here one query streams (case, event) tuples ordered by
(case id, seq) through a server-side cursor, fetched in batches; PostgreSQL
hands the UTC timestamps over as ISO text (its plain output, far cheaper than
``to_char``; ``utc_text`` pads the fraction) and the JSON as text (``{}``,
most events' data, needs no parsing). The checks and the order of the checks are those of
``verify_case``, and each hash is rebuilt byte for byte in the writer's
canonical form (``audit.event_hash``; tests/unit/test_audit_canonical.py
holds the two together). Over many events the case-id range is split into
slices verified by forked processes, each on its own connection.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC
from json.encoder import encode_basestring
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases import audit
from hgkiemtra.cases.audit import GENESIS, Break
from hgkiemtra.cases.models import CaseEvent
from hgkiemtra.core.db import db

_sha256 = hashlib.sha256
PARALLEL_FROM = 200_000  # events: below this, forking costs more than it saves
SLICES_PER_PROCESS = 4
FETCH = 5_000
_TS = "(e.occurred_at AT TIME ZONE 'UTC')::text"  # DateStyle ISO: see _stream
_PG_SQL = (
    "SELECT c.id, c.event_count, c.state, c.audit_seal, e.id, e.seq, e.event, e.from_state,"
    f" e.to_state, e.actor_id, e.actor_label, {_TS}, e.note, e.data::text, e.prev_hash, e.hash"
    " FROM cases c LEFT JOIN case_events e ON e.case_id = c.id WHERE {where}"
    " ORDER BY c.id, e.seq, e.id"
)

# One row: case id, event count, state, seal, then the event's id, seq, event, from_state,
# to_state, actor_id, actor_label, occurred_at (PostgreSQL's UTC text), note, data (canonical JSON),
# prev_hash, hash — the event part None when the case has no event.
Row = Sequence[Any]


def canonical_data(text: str | None) -> str:
    """The JSON column's text as ``event_hash`` serialises ``row.data or {}``."""
    if text is None or text == "{}":
        return "{}"
    value = json.loads(text) or {}
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def utc_text(text: str) -> str:
    """PostgreSQL's ISO text of a UTC timestamp ('YYYY-MM-DD HH:MM:SS[.fff]', trailing zeros
    of the fraction dropped) in ``audit._timestamp``'s form ('YYYY-MM-DDTHH:MM:SS.ffffffZ')."""
    if len(text) == 26:
        return f"{text[:10]}T{text[11:]}Z"
    day, _, clock = text.partition(" ")
    whole, _, fraction = clock.partition(".")
    return f"{day}T{whole}.{fraction:0<6}Z"


def fast_hash(case_id: int, seq: int, event: str, from_state: str | None, to_state: str,
              actor_id: int | None, actor_label: str, occurred_at: str, note: str,
              data_json: str, prev_hash: str) -> str:
    """``audit.event_hash`` spelled out: the same keys in sorted order, same separators."""
    enc = encode_basestring  # the columns other than from_state and actor_id are NOT NULL
    canonical = (  # the ids and seq are ints (integer columns): formatted as json.dumps does
        f'{{"actor_id":{"null" if actor_id is None else actor_id},'
        f'"actor_label":{enc(actor_label)},"case_id":{case_id},"data":{data_json},'
        f'"event":{enc(event)},"from_state":{"null" if from_state is None else enc(from_state)},'
        f'"note":{enc(note)},"occurred_at":"{occurred_at}","prev_hash":{enc(prev_hash)},'
        f'"seq":{seq},"to_state":{enc(to_state)}}}'
    )
    return _sha256(canonical.encode()).hexdigest()


def check_case(case: Row, events: list[Row], seal_key: bytes) -> Break | None:
    """``audit.verify_case`` over tuples (``case`` is the first four columns)."""
    case_id, event_count, state, seal = case[0], case[1], case[2], case[3]
    prev, prev_to = GENESIS, None
    for expected_seq, e in enumerate(events, start=1):
        (_, _, _, _, eid, seq, event, from_state, to_state, actor_id, actor_label, occurred,
         note, data, prev_hash, hash_) = e
        if seq != expected_seq:
            return Break(case_id, eid, seq, f"event seq {seq} where {expected_seq} was expected "
                         "(an event was removed or inserted)")
        if prev_hash != prev:
            return Break(case_id, eid, seq, "prev_hash does not match the previous event")
        if fast_hash(case_id, seq, event, from_state, to_state, actor_id, actor_label,
                     utc_text(occurred), note, "{}" if data == "{}" else canonical_data(data),
                     prev_hash) != hash_:
            return Break(case_id, eid, seq, "content does not match its hash (row edited)")
        if expected_seq > 1 and from_state != prev_to:
            return Break(case_id, eid, seq, "from_state differs from the previous to_state")
        prev, prev_to = hash_, to_state
    last = events[-1] if events else None
    at_id, at_seq = (last[4], last[5]) if last else (None, None)
    if len(events) != event_count:
        return Break(case_id, at_id, at_seq, f"case records {event_count} events but "
                     f"{len(events)} are stored (the newest events were removed or added)")
    if last is not None and last[8] != state:
        return Break(case_id, at_id, at_seq, f"case state '{state}' differs from the last event's "
                     f"'{last[8]}'")
    return _seal_break(case_id, event_count, state, seal, last[15] if last else GENESIS,
                       (at_id, at_seq), seal_key)


def _seal_break(case_id: int, event_count: int, state: str, seal: str | None, head: str,
                at: tuple[Any, Any], key: bytes) -> Break | None:
    if seal is None:
        return Break(case_id, at[0], at[1], "the case row has no audit seal "
                     "(run `hgkiemtra audit seal` once after upgrading)")
    message = f"{case_id}|{event_count}|{state}|{head}".encode()
    if not hmac.compare_digest(seal, hmac.new(key, message, hashlib.sha256).hexdigest()):
        return Break(case_id, at[0], at[1], "the audit seal does not match the newest events "
                     "(events at the end were removed, added or rewritten, or the case row "
                     "was edited)")
    return None


def check_rows(rows: Iterable[Row], seal_key: bytes) -> Iterator[Break]:
    """Group rows ordered by case id into cases and check each."""
    current: Row | None = None
    events: list[Row] = []
    for row in rows:
        if current is None or row[0] != current[0]:
            if current is not None:
                found = check_case(current, events, seal_key)
                if found:
                    yield found
            current, events = row, []
        if row[4] is not None:
            events.append(row)
    if current is not None:
        found = check_case(current, events, seal_key)
        if found:
            yield found


def _seal_key() -> bytes:
    audit.seal_for(0, 0, "", GENESIS)  # raises when the key was never configured
    assert audit._seal_key is not None
    return audit._seal_key


def iter_breaks(case_ids: list[int] | None = None) -> Iterator[Break]:
    """Every case whose chain or seal does not verify, in case id order."""
    key = _seal_key()
    if db.session.get_bind().dialect.name != "postgresql":
        yield from check_rows(_portable_rows(case_ids), key)
        return
    if case_ids is None and _event_estimate() >= PARALLEL_FROM:
        yield from _parallel(key)
        return
    raw = db.session.connection().connection.driver_connection  # this session's transaction
    where, params = ("c.id = ANY(%s)", [list(case_ids)]) if case_ids is not None else ("true", [])
    yield from check_rows(_stream(raw, where, params), key)


def _stream(conn: Any, where: str, params: list[Any]) -> Iterator[Row]:
    conn.execute("SET LOCAL DateStyle = 'ISO'")  # the timestamp text utc_text expects
    with conn.cursor(name="audit_verify") as cursor:
        cursor.execute(_PG_SQL.format(where=where), params)
        while rows := cursor.fetchmany(FETCH):  # a list per batch: cheaper than row by row
            yield from rows


def _portable_rows(case_ids: list[int] | None) -> Iterator[Row]:
    """The same rows through SQLAlchemy Core (SQLite): types decoded, then canonicalised."""
    c, e = sa.table("cases", *map(sa.column, ("id", "event_count", "state", "audit_seal"))), \
        CaseEvent.__table__
    stmt = (sa.select(c.c.id, c.c.event_count, c.c.state, c.c.audit_seal, e.c.id, e.c.seq,
                      e.c.event, e.c.from_state, e.c.to_state, e.c.actor_id, e.c.actor_label,
                      e.c.occurred_at, e.c.note, e.c.data, e.c.prev_hash, e.c.hash)
            .select_from(c.outerjoin(e, e.c.case_id == c.c.id))
            .order_by(c.c.id, e.c.seq, e.c.id))
    if case_ids is not None:
        stmt = stmt.where(c.c.id.in_(case_ids))
    for row in db.session.execute(stmt.execution_options(yield_per=FETCH)):
        if row[4] is None:
            yield row
        else:
            yield (*row[:11], _timestamp_text(row[11]), row[12],
                   None if not row[13] else json.dumps(row[13]), *row[14:])


def _timestamp_text(value: Any) -> str:
    """An aware datetime as PostgreSQL's UTC text (what utc_text reads on the PostgreSQL path)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _event_estimate() -> int:
    found = db.session.execute(sa.text(
        "SELECT reltuples FROM pg_class WHERE oid = 'case_events'::regclass")).scalar()
    return int(found or 0)


def process_count() -> int:
    """Processes of the sliced path: one per core (the database shares them)."""
    return max(1, min(multiprocessing.cpu_count(), 8))


def _parallel(key: bytes) -> Iterator[Break]:
    """Case-id slices verified by forked processes (each connects anew: committed data)."""
    low, high = db.session.execute(sa.text("SELECT min(id), max(id) FROM cases")).one()
    if low is None:
        return
    processes = process_count()
    count = processes * SLICES_PER_PROCESS
    step = (high - low) // count + 1
    slices = [(low + i * step, low + (i + 1) * step) for i in range(count)]
    conninfo = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    jobs = [(conninfo, lo, hi, key) for lo, hi in slices]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for found in pool.imap(_verify_slice, jobs):
            yield from found


def _verify_slice(job: tuple[str, int, int, bytes]) -> list[Break]:
    import psycopg

    conninfo, lo, hi, key = job
    with psycopg.connect(conninfo) as conn:
        return list(check_rows(_stream(conn, "c.id >= %s AND c.id < %s", [lo, hi]), key))
