"""The audit hash of generated events, written fast (bench/scale_data.py makes
~7 events per case): ``audit.event_hash`` builds a dict and sorts it into JSON
for every event; here the canonical JSON is one format string. It is checked
against the app's own hash on sample events at first use, and the app's is
used instead if they differ, so the chains stay valid if the format changes.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, datetime
from functools import cache
from typing import Any

from hgkiemtra.cases.audit import GENESIS, event_hash


def stamp(at: datetime) -> str:
    """A UTC datetime as the audit hash writes it (PostgreSQL reads it as well)."""
    return at.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def sorted_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@cache
def _label_json(label: str) -> str:
    return json.dumps(label, ensure_ascii=False)


def fast_hash(case_id: int, seq: int, event: str, from_state: str | None, to_state: str,
              actor_id: int, label: str, at: datetime, at_text: str, data: str,
              prev: str) -> str:
    """``audit.event_hash`` with the canonical JSON written directly:
    event and state names are identifiers, ``data`` is already sorted JSON."""
    from_json = f'"{from_state}"' if from_state else "null"
    return hashlib.sha256(
        f'{{"actor_id":{actor_id},"actor_label":{_label_json(label)},"case_id":{case_id},'
        f'"data":{data},"event":"{event}","from_state":{from_json},"note":"",'
        f'"occurred_at":"{at_text}","prev_hash":"{prev}","seq":{seq},"to_state":"{to_state}"}}'
        .encode()).hexdigest()


def slow_hash(case_id: int, seq: int, event: str, from_state: str | None, to_state: str,
              actor_id: int, label: str, at: datetime, at_text: str, data: str,
              prev: str) -> str:
    return event_hash(case_id=case_id, seq=seq, event=event, from_state=from_state,
                      to_state=to_state, actor_id=actor_id, actor_label=label, occurred_at=at,
                      note="", data=json.loads(data), prev_hash=prev)


@cache
def event_hasher() -> Any:
    """The fast hash when it agrees with the app's on sample events, else the
    app's own (slower, but the chains stay valid if the hash format changes)."""
    at = datetime(2025, 3, 4, 5, 6, 7, 89, tzinfo=UTC)
    samples = [(1, 1, "open", None, "proposed", 3, "Lê Thị Hà", at, stamp(at),
                sorted_json({"title": "Kiểm tra — “x”", "org_id": 2}), GENESIS),
               (9, 2, "decide", "proposed", "decided", 4, "Võ Văn An", at, stamp(at), "{}",
                "a" * 64)]
    if all(fast_hash(*s) == slow_hash(*s) for s in samples):
        return fast_hash
    print("bench.scale: audit.event_hash changed; using it directly (slower)",
          file=sys.stderr)
    return slow_hash
