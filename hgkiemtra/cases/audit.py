"""The tamper-evident audit trail: a SHA-256 hash chain per case.

Each event's hash covers its own content and the previous event's hash, so
changing, removing or inserting a row anywhere in a case's history breaks the
chain from that point on. The case row's ``event_count`` and ``state`` pin the
tail, so removing the newest event is caught too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db

GENESIS = "0" * 64


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
    fields = dict(
        case_id=case.id,
        seq=case.event_count,
        event=event,
        from_state=from_state,
        to_state=to_state,
        actor_id=actor_id,
        actor_label=actor_label,
        occurred_at=occurred_at,
        note=note,
        data=data,
        prev_hash=prev_hash,
    )
    row = CaseEvent(**fields, hash=event_hash(**fields))
    db.session.add(row)
    return row


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
    prev_hash = last_hash(case.id, case.event_count)
    case.event_count += 1
    case.updated_at = occurred_at
    return append_event(
        case, event=event, from_state=case.state, to_state=case.state, actor_id=actor_id,
        actor_label=actor_label, occurred_at=occurred_at, note=note, data=data,
        prev_hash=prev_hash,
    )


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
    return None


def iter_breaks(case_ids: list[int] | None = None, batch: int = 500) -> Iterator[Break]:
    """Every case whose chain does not verify, in case id order."""
    # populate_existing: verify what the database holds now, never the identity map.
    query = sa.select(Case).order_by(Case.id).execution_options(populate_existing=True)
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    last_id = 0
    while True:
        cases = db.session.execute(query.where(Case.id > last_id).limit(batch)).scalars().all()
        if not cases:
            return
        ids = [c.id for c in cases]
        rows = db.session.execute(
            sa.select(CaseEvent)
            .where(CaseEvent.case_id.in_(ids))
            .order_by(CaseEvent.case_id, CaseEvent.seq, CaseEvent.id)
            .execution_options(populate_existing=True)
        ).scalars().all()
        by_case: dict[int, list[CaseEvent]] = {i: [] for i in ids}
        for row in rows:
            by_case[row.case_id].append(row)
        for case in cases:
            problem = verify_case(case, by_case[case.id])
            if problem:
                yield problem
        last_id = ids[-1]
        db.session.expunge_all()


def orphan_events() -> list[Break]:
    """Events whose case row does not exist (inserted behind the app's back)."""
    rows = db.session.execute(
        sa.select(CaseEvent.id, CaseEvent.case_id, CaseEvent.seq)
        .outerjoin(Case, Case.id == CaseEvent.case_id)
        .where(Case.id.is_(None))
        .order_by(CaseEvent.id)
    ).all()
    return [Break(r.case_id, r.id, r.seq, "event belongs to no case") for r in rows]
