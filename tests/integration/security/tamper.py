"""Tampering with a case's stored audit trail behind the app's back, and undoing it.

Every change runs with ``session_replication_role = replica``, which switches
the append-only trigger off the way a database superuser could. A snapshot of
the case's events and row is taken first and written back afterwards, so one
committed history serves many Hypothesis examples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st

from hgkiemtra.cases import audit
from hgkiemtra.core.db import db

COLUMNS = ("id", "case_id", "seq", "event", "from_state", "to_state", "actor_id",
           "actor_label", "occurred_at", "note", "data", "prev_hash", "hash")
CONTENT = ("event", "from_state", "to_state", "actor_id", "actor_label", "occurred_at", "note",
           "data")
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=30)
HEX = st.text("0123456789abcdef", min_size=64, max_size=64)
SCALAR = st.one_of(TEXT, st.integers(-10**9, 10**9), st.booleans(), st.none())


@dataclass(frozen=True)
class Snapshot:
    case_id: int
    events: list[dict[str, Any]]
    state: str
    event_count: int


def superuser(*statements: tuple[str, dict[str, Any]]) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for sql, params in statements:
            conn.execute(sa.text(sql), params)


def snapshot(case_id: int) -> Snapshot:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT {', '.join(COLUMNS)} FROM case_events "
                                    "WHERE case_id = :c ORDER BY seq"), {"c": case_id})
        events = [dict(r._mapping) for r in rows]
        state, count = conn.execute(sa.text("SELECT state, event_count FROM cases WHERE id = :c"),
                                    {"c": case_id}).one()
    return Snapshot(case_id, events, state, count)


def _insert(row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    names = [c for c in COLUMNS if c in row]
    values = ", ".join("CAST(:data AS JSON)" if c == "data" else f":{c}" for c in names)
    return (f"INSERT INTO case_events ({', '.join(names)}) VALUES ({values})",
            {**row, "data": json.dumps(row["data"])})


def restore(snap: Snapshot) -> None:
    superuser(("DELETE FROM case_events WHERE case_id = :c", {"c": snap.case_id}),
              *(_insert(row) for row in snap.events),
              ("UPDATE cases SET state = :s, event_count = :n WHERE id = :c",
               {"s": snap.state, "n": snap.event_count, "c": snap.case_id}))


def rehash(row: dict[str, Any]) -> str:
    return audit.event_hash(**{k: row[k] for k in ("case_id", "seq", "prev_hash", *CONTENT)})


# --- the mutations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    kind: str
    detail: dict[str, Any]

    def apply(self, snap: Snapshot) -> None:
        getattr(self, f"_{self.kind}")(snap, **self.detail)

    def _edit(self, snap: Snapshot, index: int, field: str, value: Any, recompute: bool) -> None:
        row = {**snap.events[index], field: value}
        sets = {field: value}
        if recompute and field not in ("hash", "seq"):
            sets["hash"] = rehash(row)
        assign = ", ".join("data = CAST(:data AS JSON)" if k == "data" else f"{k} = :{k}"
                           for k in sets)
        params = {**sets, "id": row["id"]}
        if "data" in sets:
            params["data"] = json.dumps(value)
        superuser((f"UPDATE case_events SET {assign} WHERE id = :id", params))

    def _delete(self, snap: Snapshot, index: int) -> None:
        superuser(("DELETE FROM case_events WHERE id = :id", {"id": snap.events[index]["id"]}))

    def _swap(self, snap: Snapshot, first: int, second: int) -> None:
        a, b = snap.events[first], snap.events[second]
        move = "UPDATE case_events SET seq = :s WHERE id = :id"
        superuser((move, {"s": -1, "id": a["id"]}), (move, {"s": a["seq"], "id": b["id"]}),
                  (move, {"s": b["seq"], "id": a["id"]}))

    def _insert(self, snap: Snapshot, position: int, forged: dict[str, Any],
                fix_case: bool) -> None:
        previous = snap.events[position - 1] if position else None
        row = {**forged, "case_id": snap.case_id, "seq": position + 1,
               "prev_hash": previous["hash"] if previous else audit.GENESIS,
               "from_state": previous["to_state"] if previous else None}
        row["hash"] = rehash(row)  # a valid-looking hash over the forged content
        shift = "UPDATE case_events SET seq = seq + :d WHERE case_id = :c AND seq > :p"
        statements = [(shift, {"d": 100000, "c": snap.case_id, "p": position}),
                      (shift, {"d": -99999, "c": snap.case_id, "p": 100000}), _insert(row)]
        if fix_case:
            statements.append(("UPDATE cases SET event_count = event_count + 1 WHERE id = :c",
                               {"c": snap.case_id}))
        superuser(*statements)

    def _truncate(self, snap: Snapshot, keep: int, fix_case: bool) -> None:
        statements = [("DELETE FROM case_events WHERE case_id = :c AND seq > :k",
                       {"c": snap.case_id, "k": keep})]
        if fix_case:
            state = snap.events[keep - 1]["to_state"] if keep else snap.state
            statements.append(("UPDATE cases SET event_count = :k, state = :s WHERE id = :c",
                               {"k": keep, "s": state, "c": snap.case_id}))
        superuser(*statements)

    def _case_row(self, snap: Snapshot, state: str | None, count_delta: int) -> None:
        superuser(("UPDATE cases SET state = COALESCE(:s, state), event_count = event_count + :d"
                   " WHERE id = :c", {"s": state, "d": count_delta, "c": snap.case_id}))


def _new_value(draw: st.DrawFn, row: dict[str, Any], field: str, user_ids: list[int]) -> Any:
    old = row[field]
    if field == "actor_id":
        choices = [u for u in [None, *user_ids] if u != old]
        return draw(st.sampled_from(choices))
    if field == "occurred_at":
        shift = draw(st.integers(-10**12, 10**12).filter(bool))
        return old + timedelta(microseconds=shift)
    if field == "data":
        key = draw(st.one_of(st.sampled_from(sorted(old) or ["k"]), TEXT))
        changed = {**old, key: draw(SCALAR)} if draw(st.booleans()) or key not in old else {
            k: v for k, v in old.items() if k != key}
        return draw(st.just(changed).filter(lambda d: d != old))
    if field in ("hash", "prev_hash"):
        return draw(HEX.filter(lambda h: h != old))
    if field == "seq":
        return draw(st.integers(-5, 10**6).filter(lambda s: s < 1 or s > 1000))  # no clash
    limit = 60 if field in ("event", "from_state", "to_state") else 255
    return draw(TEXT.map(lambda t: t[:limit]).filter(lambda t: t != (old or "")))


@st.composite
def mutations(draw: st.DrawFn, snap: Snapshot, user_ids: list[int]) -> Mutation:
    """Every tampering the chain and the case row's seal must catch."""
    n = len(snap.events)
    # Edits weigh most: twelve fields to cover against one way to delete or swap.
    kind = draw(st.sampled_from(["edit"] * 5 + ["delete", "swap", "insert", "truncate",
                                                "case_row"]))
    if kind == "edit":
        index = draw(st.integers(0, n - 1))
        field = draw(st.sampled_from([*CONTENT, "hash", "prev_hash", "seq"]))
        recompute = draw(st.booleans())
        value = _new_value(draw, snap.events[index], field, user_ids)
        return Mutation("edit", {"index": index, "field": field, "value": value,
                                 "recompute": recompute})
    if kind == "delete":
        return Mutation("delete", {"index": draw(st.integers(0, n - 1))})
    if kind == "swap":
        first = draw(st.integers(0, n - 2))
        return Mutation("swap", {"first": first, "second": draw(st.integers(first + 1, n - 1))})
    if kind == "insert":
        position = draw(st.integers(0, n))
        forged = {"event": draw(st.sampled_from([e["event"] for e in snap.events])),
                  "to_state": draw(st.sampled_from([e["to_state"] for e in snap.events])),
                  "actor_id": None, "actor_label": draw(TEXT), "note": draw(TEXT),
                  "occurred_at": snap.events[min(position, n - 1)]["occurred_at"],
                  "data": draw(st.dictionaries(TEXT, SCALAR, max_size=3))}
        # Even at the tail with the case row fixed to match: the seal gives it away.
        fix_case = draw(st.booleans())
        return Mutation("insert", {"position": position, "forged": forged, "fix_case": fix_case})
    if kind == "truncate":
        return Mutation("truncate", {"keep": draw(st.integers(0, n - 1)),
                                     "fix_case": draw(st.booleans())})
    states = sorted({e["to_state"] for e in snap.events} | {"closed", "x"})
    state = draw(st.one_of(st.none(), st.sampled_from(states).filter(lambda s: s != snap.state)))
    delta = draw(st.integers(-n, 5).filter(lambda d: d != 0) if state is None
                 else st.integers(-n, 5))
    return Mutation("case_row", {"state": state, "count_delta": delta})


def breaks_of(case_ids: list[int]) -> list[audit.Break]:
    db.session.rollback()
    return list(audit.iter_breaks(case_ids)) + audit.orphan_events()

