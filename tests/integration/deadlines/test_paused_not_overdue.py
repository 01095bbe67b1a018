"""A paused clock is not overdue anywhere: list filter, dashboard, calendar, API."""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from hgkiemtra.cases import dashboard, queries
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.deadlines.service import overdue_case_ids_clause
from tests import factories as f


def test_paused_deadline_is_not_overdue(session):
    w = f.world()
    c = f.advance(w, f.case(w), f.FULL_PATH[:3])
    deadline = db.session.execute(
        sa.select(Deadline).where(Deadline.case_id == c.id, Deadline.status == "open")
    ).scalars().first()
    today = date(2026, 11, 30)
    deadline.due_on = today - timedelta(days=3)
    db.session.flush()
    actor = w.actor(w.chair)
    phase = c.phase

    def late() -> int:
        return next(p.overdue for p in dashboard.phase_counts(actor, today) if p.phase == phase)

    assert queries.overdue_ids([c.id], today) == {c.id}
    assert late() == 1
    assert db.session.execute(sa.select(Case.id).where(overdue_case_ids_clause(today))).all()

    deadline.paused_since = datetime(2026, 11, 25, tzinfo=UTC)
    db.session.flush()
    assert queries.overdue_ids([c.id], today) == set()
    assert late() == 0
    assert not db.session.execute(sa.select(Case.id).where(overdue_case_ids_clause(today))).all()
