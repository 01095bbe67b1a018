"""Property: any tampering with stored audit events is caught by `audit verify`.

Hypothesis draws mutations of a real, committed case history — an edit of any
field of any event (with or without a recomputed hash), a deletion, two
events swapped, a forged event inserted with a valid-looking hash, the tail
cut off, the case row's state or event count changed — applies each behind
the app's back (append-only trigger bypassed), asserts ``audit.iter_breaks``
reports that case (and, for a sample, that ``hgkiemtra audit verify`` exits
1), then restores the history. ``HGKIEMTRA_TEST_TAMPER_EXAMPLES`` sets the
number of examples (100 by default; the long run uses more).

Three attacks a bare hash chain cannot see are tested at the bottom: whoever
can write the database and also fixes the case row could cut or extend the
tail, or rewrite the newest event. The case row's audit seal (an HMAC under a
key the database does not hold) catches all three.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hgkiemtra.core.db import db
from hgkiemtra.people.models import User
from tests import factories as f
from tests.integration.security.tamper import Mutation, breaks_of, mutations, restore, snapshot

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
EXAMPLES = int(os.environ.get("HGKIEMTRA_TEST_TAMPER_EXAMPLES", "100"))
CLI_EVERY = 8  # one example in eight also runs the `audit verify` command


@pytest.fixture()
def histories(committed):
    """Two cases with real histories (8 and 3 events), committed."""
    w = f.world()
    conclude = ("conclude", {"outcome": "shortcomings", "conclusion": "Có khuyết điểm"},
                "chair")
    target = f.advance(w, f.case(w, "Hồ sơ bị sửa"), [*f.FULL_PATH, conclude])
    bystander = f.advance(w, f.case(w, "Hồ sơ bên cạnh"), f.FULL_PATH[:2])
    db.session.commit()
    users = [u.id for u in db.session.scalars(db.select(User))]
    return target.id, bystander.id, users


def test_every_mutation_is_detected(app, histories):
    target, bystander, users = histories
    original = snapshot(target)
    assert len(original.events) == 8 and not breaks_of([target, bystander])
    tried: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    cli_runs = 0

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        nonlocal cli_runs
        mutation: Mutation = data.draw(mutations(original, users), label="mutation")
        label = mutation.kind + (f".{mutation.detail['field']}" if mutation.kind == "edit"
                                 else "")
        tried[label] += 1
        try:
            mutation.apply(original)
            found = breaks_of([target, bystander])
            assert [b.case_id for b in found if b.case_id != target] == [], found  # no blame
            assert any(b.case_id == target for b in found), f"undetected: {mutation}"
            caught[label] += 1
            if sum(tried.values()) % CLI_EVERY == 1:
                cli_runs += 1
                result = app.test_cli_runner().invoke(args=["audit", "verify"])
                assert result.exit_code == 1, result.output
                assert f"case {target}" in result.output
        finally:
            restore(original)
        assert not breaks_of([target, bystander]), "the history was not restored"

    check()
    total = sum(tried.values())
    print(f"\ntamper properties: {total} mutations tried, {sum(caught.values())} detected, "
          f"{cli_runs} also through the CLI (audit verify); by class: "
          + ", ".join(f"{k} {caught[k]}/{v}" for k, v in sorted(tried.items())))
    assert caught == tried
    assert {k.split(".")[0] for k in tried} >= {"edit", "delete", "swap", "insert", "truncate",
                                                "case_row"} or total < 30


# --- what the chain cannot see (today) ---------------------------------------------------------


def _detected(mutation: Mutation, target: int) -> bool:
    original = snapshot(target)
    try:
        mutation.apply(original)
        return any(b.case_id == target for b in breaks_of([target]))
    finally:
        restore(original)


def test_cutting_the_tail_and_fixing_the_case_row_is_detected(histories):
    target = histories[0]
    assert _detected(Mutation("truncate", {"keep": 5, "fix_case": True}), target)


def test_a_forged_newest_event_with_the_case_row_fixed_is_detected(histories):
    target = histories[0]
    last = snapshot(target).events[-1]
    forged = {"event": "close", "to_state": last["to_state"], "actor_id": None,
              "actor_label": "kẻ giả mạo", "note": "", "occurred_at": last["occurred_at"],
              "data": {}}
    n = len(snapshot(target).events)
    assert _detected(Mutation("insert", {"position": n, "forged": forged, "fix_case": True}),
                     target)


def test_rewriting_the_newest_event_with_a_recomputed_hash_is_detected(histories):
    target = histories[0]
    n = len(snapshot(target).events)
    assert _detected(Mutation("edit", {"index": n - 1, "field": "note",
                                       "value": "ghi chú đã sửa", "recompute": True}), target)
