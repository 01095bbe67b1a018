"""Median days spent in each phase, for the statistics.

A case's time in a phase is the sum of its stays there (a case sent back
re-enters a phase); only cases no longer in the phase count, and the day
they last left it places them in a period. The database keeps that sum and
that day per case and phase as the case moves (``stat_phase_stays``, see
``reports/summary.py``), so a period's medians are one percentile over the
rows whose last leaving falls in it, read by the ``last_left_at`` index.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from hgkiemtra.core.replica import read_session
from hgkiemtra.reports import sqlfuncs
from hgkiemtra.reports.models import PhaseStay
from hgkiemtra.reports.periods import Period
from hgkiemtra.reports.summary import adapt
from workflows.engine import Phase


def phases(conditions: list[sa.ColumnElement[bool]], period: Period,
           ) -> dict[str, tuple[float | None, int]]:
    """phase -> (median days, cases counted)."""
    start, end = period.utc_bounds()
    stays = PhaseStay.__table__
    where = (stays.c.last_left_at >= start, stays.c.last_left_at < end,
             sa.not_(stays.c.is_current), *adapt(conditions, stays))
    if sqlfuncs.is_postgresql(read_session().get_bind()):
        # One pass, each phase's percentile sorting only its own rows (a GROUP BY
        # would sort every row by phase first).
        days = sa.cast(stays.c.micros, sa.Float) / 86_400_000_000.0
        columns = []
        for phase in Phase:
            of_phase = stays.c.phase == phase.value
            columns += [sa.func.percentile_cont(0.5).within_group(days).filter(of_phase),
                        sa.func.count().filter(of_phase)]
        row = read_session().execute(sa.select(*columns).where(*where)).one()
        return {phase.value: (float(med) if med is not None else None, int(n))
                for phase, med, n in zip(Phase, row[::2], row[1::2], strict=True) if n}
    values: dict[str, list[float]] = defaultdict(list)
    for phase, micros in read_session().execute(
            sa.select(stays.c.phase, stays.c.micros).where(*where)):
        values[phase].append(micros / 86_400_000_000)
    return {phase: (sqlfuncs.python_median(v), len(v)) for phase, v in values.items()}
