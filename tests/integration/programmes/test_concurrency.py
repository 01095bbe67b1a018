"""Two ticks at once (two beats, or a beat and the CLI) never open an item twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from flask import Flask

from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.programmes import opening
from hgkiemtra.programmes.models import ProgrammeItem
from tests import factories as f
from tests.integration.programmes.conftest import build_plan, local

WORKERS = 4


def _committed_plan() -> None:
    build_plan(f.world())
    db.session.commit()


def test_a_tick_holding_the_items_makes_the_other_skip_them(app: Flask,
                                                            committed: Flask) -> None:
    _committed_plan()
    locked, release = threading.Event(), threading.Event()

    def slow_tick() -> int:
        with app.app_context():
            try:
                report = opening.open_due(local(2026, 12, 1))
                locked.set()
                release.wait(timeout=10)  # hold the row locks, uncommitted
                db.session.commit()
                return len(report.opened)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(slow_tick)
        assert locked.wait(timeout=10)
        with app.app_context():  # a second session while the first holds the rows
            try:
                assert opening.open_due(local(2026, 12, 1)).opened == []
                db.session.commit()
            finally:
                db.session.remove()
        release.set()
        assert first.result() == 4
    assert opening.open_due(local(2026, 12, 1)).opened == []
    _assert_each_item_one_case()


def test_many_ticks_racing_open_each_item_once(app: Flask, committed: Flask) -> None:
    _committed_plan()
    barrier = threading.Barrier(WORKERS)

    def tick(_: int) -> int:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                report = opening.open_due(local(2026, 12, 1))
                db.session.commit()
                return len(report.opened)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(WORKERS) as pool:
        opened = list(pool.map(tick, range(WORKERS)))
    assert sum(opened) == 4
    _assert_each_item_one_case()


def _assert_each_item_one_case() -> None:
    db.session.remove()
    items = db.session.scalars(sa.select(ProgrammeItem)).all()
    assert len(items) == 4 and all(i.case_id for i in items)
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 4
