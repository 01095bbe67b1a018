"""Issued quarterly reports, so the "issued reports" page has something to show.

Vị Thanh's chair issued the city's report for the last complete quarter; the
province chair issued the province's for the quarter before it (the last
complete quarter of the province is left for the chair to issue). Each was
issued ten days after its quarter ended, or today if that day has not come.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from hgkiemtra.cases.service import LOCAL_TZ
from hgkiemtra.core.db import utcnow
from hgkiemtra.demo_showcase.stage import Stage
from hgkiemtra.reports.issued import issue_report
from hgkiemtra.reports.periods import Period, current_quarter
from hgkiemtra.reports.statistics import StatisticsFilter

ISSUE_AFTER = timedelta(days=10)


def issue_reports(stage: Stage) -> None:
    last = current_quarter(stage.today).previous()
    _issue(stage, "chu.nhiem.vithanh", "HG.VT", last, "35-BC/UBKTTU")
    _issue(stage, "chu.nhiem", "HG", last.previous(), "112-BC/UBKTTU")


def _issue(stage: Stage, who: str, code: str, period: Period, reference: str) -> None:
    day = period.end + ISSUE_AFTER
    while not stage.calendar.is_working_day(day):
        day += timedelta(days=1)
    now = datetime.combine(day, time(15, 0), LOCAL_TZ)
    if day >= stage.today:
        day, now = stage.today, min(now, utcnow())
    issue_report(stage.actor(who), StatisticsFilter(period, stage.orgs[code].id),
                 reference=reference, today=day, now=now,
                 note=f"Báo cáo kết quả công tác kiểm tra, giám sát quý {period.code}.")
