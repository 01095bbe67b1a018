"""Of N concurrent fires on the same case and version, exactly one wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import VersionConflict
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.deadlines.models import Deadline
from tests import factories as f

WORKERS = 8


def _race(app, case_id: int, version: int, attempts: list[tuple[Actor, str, dict, str]]):
    barrier = threading.Barrier(len(attempts))

    def attempt(args):
        actor, event, data, note = args
        with app.app_context():
            try:
                db.session.get(Case, case_id)  # load before the barrier: a real read-then-write
                barrier.wait(timeout=10)
                cases.fire_event(actor, case_id, event, expected_version=version, data=data,
                                 note=note)
                db.session.commit()
                return "ok", event
            except VersionConflict:
                db.session.rollback()
                return "conflict", event
            finally:
                db.session.remove()

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


@pytest.fixture()
def decided_case(committed):
    w = f.world()
    c = f.advance(w, f.case(w), f.FULL_PATH[:1])
    db.session.commit()
    return w, c.id, c.version


def test_same_event_many_times_exactly_one_wins(app, decided_case):
    w, case_id, version = decided_case
    actor = Actor.for_user(w.inspector)
    results = _race(app, case_id, version, [(actor, "launch", {}, "")] * WORKERS)
    assert sorted(r for r, _ in results) == ["conflict"] * (WORKERS - 1) + ["ok"]
    _assert_consistent(case_id, expected_events=3, expected_state="launched")


def test_conflicting_events_one_wins_nothing_half_written(app, decided_case):
    w, case_id, version = decided_case
    launch = (Actor.for_user(w.inspector), "launch", {}, "")
    cancel = (Actor.for_user(w.chair), "cancel", {}, "Đối tượng đã chuyển công tác")
    transfer = (Actor.for_user(w.chair), "transfer", {"transferred_to": "UBKT Tỉnh ủy"},
                "Thuộc thẩm quyền cấp trên")
    results = _race(app, case_id, version, [launch, cancel, transfer] * 3)
    winners = [event for r, event in results if r == "ok"]
    assert len(winners) == 1
    state = {"launch": "launched", "cancel": "cancelled", "transfer": "transferred"}[winners[0]]
    _assert_consistent(case_id, expected_events=3, expected_state=state)


def _assert_consistent(case_id: int, expected_events: int, expected_state: str) -> None:
    db.session.remove()
    case = db.session.get(Case, case_id)
    assert case.state == expected_state
    assert case.event_count == expected_events
    events = db.session.execute(
        sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
    ).scalars().all()
    assert len(events) == expected_events
    assert audit.verify_case(case, list(events)) is None
    outbox = db.session.execute(
        sa.select(sa.func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.case_id == case_id, OutboxMessage.payload["seq"].as_integer() == 3)
    ).scalar_one()
    assert outbox >= 1  # the winner's notifications only: keys are unique per seq/recipient
    open_count = db.session.execute(
        sa.select(sa.func.count()).select_from(Deadline)
        .where(Deadline.case_id == case_id, Deadline.status == "open")
    ).scalar_one()
    assert open_count <= 1
