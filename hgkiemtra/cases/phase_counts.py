"""Cases per organisation and phase, kept as the cases move (table case_phase_counts).

The dashboard's "open cases by phase" over a scope sums a few rows per
organisation instead of counting hundreds of thousands of cases. The service
adds a case to its phase when it opens it and moves it when an event changes
its phase: one statement each, in the event's transaction. ``recount`` rebuilds
the table from the cases (after rows were loaded behind the app's back).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hgkiemtra.cases.models import CasePhaseCount
from hgkiemtra.core.db import db

COUNTS = CasePhaseCount.__table__
# Every count from the cases (bench/scale.py runs it after its COPY, too).
RECOUNT_SQL = ("INSERT INTO case_phase_counts (org_id, phase, cases) "
               "SELECT org_id, phase, count(*) FROM cases GROUP BY org_id, phase")


def move(org_id: int, from_phase: str | None, to_phase: str) -> None:
    """One case of ``org_id`` leaves ``from_phase`` (None: a new case) for ``to_phase``."""
    if from_phase == to_phase:
        return
    deltas = {to_phase: 1} | ({from_phase: -1} if from_phase is not None else {})
    # Rows in a fixed order: two events moving cases of one organisation
    # between the same phases lock the count rows in the same order.
    _add([{"org_id": org_id, "phase": phase, "cases": delta}
          for phase, delta in sorted(deltas.items())])


def transfer(phase: str, from_org_id: int, to_org_id: int) -> None:
    """A case in ``phase`` changes owner (open work handed to a successor organisation)."""
    if from_org_id == to_org_id:
        return
    _add([{"org_id": org_id, "phase": phase, "cases": delta}
          for org_id, delta in sorted({from_org_id: -1, to_org_id: 1}.items())])


def _add(rows: list[dict[str, object]]) -> None:
    """Add each row's ``cases`` to its count (one upsert; rows in key order)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(COUNTS).values(rows)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[COUNTS.c.org_id, COUNTS.c.phase],
        set_={"cases": COUNTS.c.cases + stmt.excluded.cases},
    ))


def recount() -> None:
    """Rebuild every count from the cases (locks the table while it does)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("LOCK TABLE case_phase_counts IN EXCLUSIVE MODE"))
    db.session.execute(sa.delete(COUNTS))
    db.session.execute(sa.text(RECOUNT_SQL))
