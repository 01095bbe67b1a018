"""The tamper-evident audit trail: a SHA-256 hash chain per case, sealed.

Each event's hash covers its own content and the previous event's hash, so
changing, removing or inserting a row anywhere in a case's history breaks the
chain from that point on. A chain alone cannot protect its own end: someone
who writes to the database could cut the newest events (and fix the case
row's ``event_count`` and ``state``) or rewrite them with fresh hashes. So the
case row also carries a seal, an HMAC over (case id, event count, state,
newest hash) under a key kept outside the database (``HGKIEMTRA_AUDIT_KEY``,
or one derived from the secret key): without it a consistent new head cannot
be forged. What a seal cannot stop is putting back an older copy of a case
row together with its older events (a rollback); exporting the heads
(``hgkiemtra audit heads``) somewhere else catches that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db

GENESIS = "0" * 64
_SEAL_CONTEXT = b"hgkiemtra audit seal v1"
_seal_key: bytes | None = None


def configure_seal(audit_key: str, secret_key: str) -> None:
    """Set the seal key once at start: the audit key, or one derived from the secret key."""
    global _seal_key
    source = audit_key or secret_key
    _seal_key = hmac.new(source.encode("utf-8"), _SEAL_CONTEXT, hashlib.sha256).digest()


def seal_for(case_id: int, event_count: int, state: str, head_hash: str) -> str:
    if _seal_key is None:
        raise RuntimeError("audit seal key not configured (create_app configures it)")
    message = f"{case_id}|{event_count}|{state}|{head_hash}".encode()
    return hmac.new(_seal_key, message, hashlib.sha256).hexdigest()


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    case_id: int,
    seq: int,
    event: str,
    from_state: str | None,
    to_state: str,
    actor_id: int | None,
    actor_label: str,
    occurred_at: datetime,
    note: str,
    data: dict[str, Any],
    prev_hash: str,
) -> str:
    content = {
        "case_id": case_id,
        "seq": seq,
        "event": event,
        "from_state": from_state,
        "to_state": to_state,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "occurred_at": _timestamp(occurred_at),
        "note": note,
        "data": data,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of(row: CaseEvent) -> str:
    return event_hash(
        case_id=row.case_id,
        seq=row.seq,
        event=row.event,
        from_state=row.from_state,
        to_state=row.to_state,
        actor_id=row.actor_id,
        actor_label=row.actor_label,
        occurred_at=row.occurred_at,
        note=row.note,
        data=row.data or {},
        prev_hash=row.prev_hash,
    )


def append_event(
    case: Case,
    *,
    event: str,
    from_state: str | None,
    to_state: str,
    actor_id: int | None,
    actor_label: str,
    occurred_at: datetime,
    note: str,
    data: dict[str, Any],
    prev_hash: str,
) -> CaseEvent:
    """Add the next event of ``case`` (``case.event_count`` already advanced)."""
    row = CaseEvent(**_row_values(
        case, event=event, from_state=from_state, to_state=to_state, actor_id=actor_id,
        actor_label=actor_label, occurred_at=occurred_at, note=note, data=data,
        prev_hash=prev_hash))
    db.session.add(row)
    _seal(case, to_state, row.hash)
    return row


def chain_event(
    case: Case,
    *,
    event: str,
    from_state: str | None,
    to_state: str,
    actor_id: int | None,
    actor_label: str,
    occurred_at: datetime,
    note: str,
    data: dict[str, Any],
    prev_hash: str,
) -> dict[str, Any]:
    """``append_event`` for a transition, in two halves: the row's values
    (hash included) and the new seal and head on ``case`` now, the row itself
    later with ``insert_event``, a Core INSERT (no unit of work), once the
    case's own UPDATE has been flushed: the guarded UPDATE stays the first
    write, so two writers of one case still meet on its row first. Only for a
    case that already has events (not the opening one)."""
    fields = _row_values(
        case, event=event, from_state=from_state, to_state=to_state, actor_id=actor_id,
        actor_label=actor_label, occurred_at=occurred_at, note=note, data=data,
        prev_hash=prev_hash)
    _seal(case, to_state, fields["hash"])
    return fields


def _row_values(case: Case, **values: Any) -> dict[str, Any]:
    """The next event row of ``case``: its place in the chain, the values, the hash."""
    fields: dict[str, Any] = {"case_id": case.id, "seq": case.event_count, **values}
    return fields | {"hash": event_hash(**fields)}


def insert_event(row: dict[str, Any]) -> None:
    """Write a row made by ``chain_event`` (``deadlines.service.close_open_deadlines``
    writes it with the deadlines it closes, in one round trip)."""
    db.session.execute(_INSERT_EVENT, row)


_INSERT_EVENT = sa.insert(CaseEvent.__table__)


def event_insert(prefix: str) -> sa.Insert:
    """The INSERT of a ``chain_event`` row whose values are bound as ``prefix`` + column."""
    table = CaseEvent.__table__
    return sa.insert(table).values({
        name: sa.bindparam(prefix + name, type_=table.c[name].type)
        for name in ("case_id", "seq", "event", "from_state", "to_state", "actor_id",
                     "actor_label", "occurred_at", "note", "data", "prev_hash", "hash")
    })


def _seal(case: Case, to_state: str, head_hash: str) -> None:
    seal = seal_for(case.id, case.event_count, to_state, head_hash)
    if case.event_count == 1:
        # The opening event: the new row is already written and its version is 1;
        # sealing it must not count as a second change of the case.
        db.session.execute(sa.update(Case.__table__).where(Case.__table__.c.id == case.id)
                           .values(audit_seal=seal, head_hash=head_hash))
        set_committed_value(case, "audit_seal", seal)
        set_committed_value(case, "head_hash", head_hash)
    else:
        # Both ride on the UPDATE the event makes anyway.
        case.audit_seal, case.head_hash = seal, head_hash


def record_in_place(
    case: Case,
    *,
    event: str,
    actor_id: int | None,
    actor_label: str,
    occurred_at: datetime,
    note: str,
    data: dict[str, Any],
) -> CaseEvent:
    """An event that leaves the state as it is (a deadline extended or paused,
    the team changed): the case row's ``event_count`` advances with the chain,
    which also bumps its version, so a concurrent change is caught."""
    prev_hash = head_of(case)
    case.event_count += 1
    case.updated_at = occurred_at
    return append_event(
        case, event=event, from_state=case.state, to_state=case.state, actor_id=actor_id,
        actor_label=actor_label, occurred_at=occurred_at, note=note, data=data,
        prev_hash=prev_hash,
    )


def head_of(case: Case) -> str:
    """The hash the next event of ``case`` chains on: the one kept on the row,
    or, for a row without one, read from the events table."""
    if case.head_hash is not None:
        return case.head_hash
    return last_hash(case.id, case.event_count)


def last_hash(case_id: int, seq: int) -> str:
    if seq <= 0:
        return GENESIS
    found = db.session.execute(
        sa.select(CaseEvent.hash).where(CaseEvent.case_id == case_id, CaseEvent.seq == seq)
    ).scalar_one_or_none()
    if found is None:
        raise ChainBroken(case_id, seq, f"event {seq} of case {case_id} is missing")
    return found


class ChainBroken(Exception):
    def __init__(self, case_id: int, seq: int | None, reason: str) -> None:
        super().__init__(reason)
        self.case_id = case_id
        self.seq = seq
        self.reason = reason


@dataclass(frozen=True)
class Break:
    case_id: int
    event_id: int | None
    seq: int | None
    reason: str


def verify_case(case: Case, events: list[CaseEvent]) -> Break | None:
    """The first break in one case's chain, or None when it verifies."""
    prev = GENESIS
    for expected_seq, row in enumerate(events, start=1):
        if row.seq != expected_seq:
            reason = (
                f"event seq {row.seq} where {expected_seq} was expected "
                "(an event was removed or inserted)"
            )
            return Break(case.id, row.id, row.seq, reason)
        if row.prev_hash != prev:
            return Break(case.id, row.id, row.seq, "prev_hash does not match the previous event")
        if hash_of(row) != row.hash:
            return Break(case.id, row.id, row.seq, "content does not match its hash (row edited)")
        if expected_seq > 1 and row.from_state != events[expected_seq - 2].to_state:
            return Break(case.id, row.id, row.seq, "from_state differs from the previous to_state")
        prev = row.hash
    if len(events) != case.event_count:
        last = events[-1] if events else None
        return Break(
            case.id,
            last.id if last else None,
            last.seq if last else None,
            f"case records {case.event_count} events but {len(events)} are stored "
            "(the newest events were removed or added)",
        )
    if events and events[-1].to_state != case.state:
        return Break(
            case.id, events[-1].id, events[-1].seq,
            f"case state '{case.state}' differs from the last event's '{events[-1].to_state}'",
        )
    return _seal_break(case, events[-1] if events else None)


def _seal_break(case: Case, head: CaseEvent | None) -> Break | None:
    at = (head.id, head.seq) if head else (None, None)
    if case.audit_seal is None:
        return Break(case.id, *at, "the case row has no audit seal "
                     "(run `hgkiemtra audit seal` once after upgrading)")
    expected = seal_for(case.id, case.event_count, case.state, head.hash if head else GENESIS)
    if not hmac.compare_digest(case.audit_seal, expected):
        return Break(case.id, *at, "the audit seal does not match the newest events "
                     "(events at the end were removed, added or rewritten, or the case row "
                     "was edited)")
    return None


def seal_unsealed(batch: int = 500, *, reseal: bool = False) -> tuple[int, list[Break]]:
    """Seal every case that has no seal yet (rows from before sealing existed),
    after checking its chain; a broken chain is reported, never sealed. With
    ``reseal`` every case is sealed again (after a change of key): only do that
    once the chains have been checked under the old key."""
    sealed, refused = 0, []
    unsealed = sa.true() if reseal else Case.audit_seal.is_(None)
    last_id = 0
    while True:
        cases = db.session.execute(
            sa.select(Case).where(unsealed, Case.id > last_id)
            .order_by(Case.id).limit(batch)).scalars().all()
        if not cases:
            return sealed, refused
        for case in cases:
            events = list(db.session.execute(
                sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                .order_by(CaseEvent.seq, CaseEvent.id)).scalars())
            problem = verify_case(case, events)
            if problem is not None and not _seal_only(problem, reseal):
                refused.append(problem)
                continue
            case.audit_seal = seal_for(case.id, case.event_count, case.state,
                                       events[-1].hash if events else GENESIS)
            sealed += 1
        db.session.flush()
        last_id = cases[-1].id


def iter_breaks(case_ids: list[int] | None = None) -> Iterator[Break]:
    """Every case whose chain does not verify, in case id order (the fast verifier:
    column tuples, split across processes at scale; see ``audit_verify``)."""
    from hgkiemtra.cases.audit_verify import iter_breaks as verify_all

    return verify_all(case_ids)


def _seal_only(problem: Break, reseal: bool) -> bool:
    """The chain itself verifies; only the seal is missing (or, resealing, differs)."""
    return "no audit seal" in problem.reason or (reseal and "audit seal does not" in problem.reason)


@dataclass(frozen=True)
class Head:
    case_id: int
    event_count: int
    head_hash: str


def heads() -> Iterator[Head]:
    """The newest hash of every case, to keep outside the database: comparing a
    later database with it catches a case rolled back to an older, sealed state."""
    rows = db.session.execute(
        sa.select(Case.id, Case.event_count, CaseEvent.hash)
        .outerjoin(CaseEvent, sa.and_(CaseEvent.case_id == Case.id,
                                      CaseEvent.seq == Case.event_count))
        .order_by(Case.id))
    for case_id, event_count, head_hash in rows:
        yield Head(case_id, event_count, head_hash or GENESIS)


def behind(saved: list[Head]) -> list[Break]:
    """Cases now holding fewer events than a saved head list said (or missing)."""
    now = {h.case_id: h for h in heads()}
    found = []
    for old in saved:
        current = now.get(old.case_id)
        if current is None:
            found.append(Break(old.case_id, None, None, "case row is gone"))
        elif current.event_count < old.event_count:
            found.append(Break(old.case_id, None, current.event_count,
                               f"case has {current.event_count} events, fewer than the "
                               f"{old.event_count} saved earlier (rolled back)"))
        elif current.event_count == old.event_count and current.head_hash != old.head_hash:
            found.append(Break(old.case_id, None, current.event_count,
                               "newest event differs from the saved head"))
    return found


def orphan_events() -> list[Break]:
    """Events whose case row does not exist (inserted behind the app's back). The case ids
    are matched first (index-only scans rather than a pass over every event row), then the
    events of the missing ones read; a NULL case id (constraint dropped) counts too."""
    ids = sa.select(CaseEvent.case_id).distinct().subquery()
    missing = sa.select(ids.c.case_id).outerjoin(Case, Case.id == ids.c.case_id).where(
        Case.id.is_(None))
    columns = (CaseEvent.id, CaseEvent.case_id, CaseEvent.seq)
    rows = db.session.execute(sa.union_all(
        sa.select(*columns).where(CaseEvent.case_id.in_(missing)),
        sa.select(*columns).where(CaseEvent.case_id.is_(None)),
    ).order_by("id")).all()
    return [Break(r.case_id, r.id, r.seq, "event belongs to no case") for r in rows]
