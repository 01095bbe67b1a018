"""The embedded mode (SQLite): the same scheduling, ON CONFLICT DO NOTHING included."""

from __future__ import annotations

import sqlalchemy as sa

from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage, add_message_once
from hgkiemtra.reminders import scheduler
from hgkiemtra.reminders.policy import set_reminder_mode
from tests import factories as f

from .clock import decided_case, local, tick


def test_reminders_and_digests_on_sqlite(sqlite_app):
    w = f.world()
    set_reminder_mode(w.committee_member.id, "digest")
    decided_case(w, local(2026, 2, 5, 9))
    assert add_message_once("k", "case_transition", {}) is True
    assert add_message_once("k", "case_transition", {}) is False
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.key == "k"))

    mails = tick(local(2026, 2, 10, 8))
    assert sorted(m.to_addr for m in mails) == sorted([w.inspector.email,
                                                        w.committee_member.email])
    assert tick(local(2026, 2, 10, 9)) == []
    assert scheduler.run(local(2026, 2, 10, 9)) == {"reminders": 0, "digests": 0}
    keys = db.session.scalars(sa.select(OutboxMessage.key)).all()
    assert len(keys) == len(set(keys)) == 2
    assert f"digest:{w.committee_member.id}:2026-02-10" in keys
