"""The beat's programme tick: open the cases whose quarter has started.

A thin wrapper: the work and its idempotency live in ``programmes.opening``.
"""

from __future__ import annotations

import logging

from celery import shared_task

from hgkiemtra.core.db import db
from hgkiemtra.programmes.opening import open_due

OPEN_DUE_TASK = "hgkiemtra.programmes.tasks.open_due_items"
log = logging.getLogger(__name__)


@shared_task(name=OPEN_DUE_TASK, ignore_result=True)
def open_due_items() -> dict[str, int]:
    report = open_due()
    db.session.commit()
    for item_id, reason in report.failed:
        log.warning("programmes: item %s not opened: %s", item_id, reason)
    return {"opened": len(report.opened), "failed": len(report.failed)}
