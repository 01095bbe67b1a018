"""Views' side of the reports replica (core/replica.py): which database a
statistics page reads, and how it tells the reader.

Only the read-only pages and API routes (statistics, its XLSX/CSV, the risk
ranking) go through ``read_report``; issuing a report and export jobs read and
write the primary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, current_app

from hgkiemtra.core.replica import ReadStatus, ReportsDatabase, read_on_replica

T = TypeVar("T")


def reports_database() -> ReportsDatabase | None:
    found: ReportsDatabase | None = current_app.extensions.get("reports_database")
    return found


def read_report(fn: Callable[[], T]) -> tuple[T, ReadStatus]:
    """``fn()`` with its aggregates on the replica when one is configured and up."""
    return read_on_replica(reports_database(), fn)


def mark_source(response: Response, status: ReadStatus) -> Response:
    """Tell an API client where the figures came from and how late they may be."""
    response.headers["X-Reports-Source"] = status.source
    if status.in_use:
        response.headers["X-Reports-Lag-Seconds"] = str(int(status.lag_seconds))
    return response
