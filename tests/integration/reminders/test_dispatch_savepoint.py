"""After-commit dispatch waits for the real commit: a released SAVEPOINT (e.g. a
programme's or a report's unique insert) is not one; and a caller that deleted
the rows it wrote (the demo) can drop their ids."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders import dispatch

from .conftest import transition_with_outbox


@pytest.fixture()
def dispatching(app, session, monkeypatch):
    published: list[int] = []
    monkeypatch.setattr(dispatch, "_publish", published.extend)
    monkeypatch.setitem(app.extensions, dispatch.EXTENSION, True)
    dispatch.enable(app)  # listens on this test's db.session
    return published


def test_a_released_savepoint_enqueues_nothing_until_the_commit(dispatching):
    made = transition_with_outbox()
    with db.session.begin_nested():
        db.session.flush()
    assert dispatching == []
    db.session.commit()
    assert sorted(dispatching) == made.message_ids


def test_forgotten_rows_are_not_enqueued(dispatching):
    transition_with_outbox()
    db.session.execute(sa.delete(OutboxMessage))
    dispatch.forget_pending(db.session())
    db.session.commit()
    assert dispatching == []
