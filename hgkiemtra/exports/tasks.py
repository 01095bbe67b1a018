"""Celery tasks for export jobs: thin wrappers taking ids (JSON), as in reminders.

``run_export`` is the job's body; ``tick`` (from beat, every few minutes)
deletes expired files and re-sends jobs whose task was lost (broker down when
the job was created, or a worker that died mid-way).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from flask import current_app, has_app_context

from hgkiemtra.core.db import db, utcnow
from hgkiemtra.exports import service
from hgkiemtra.web.storage import current_storage

log = logging.getLogger(__name__)
RUN_TASK = "hgkiemtra.exports.tasks.run_export"
TICK_TASK = "hgkiemtra.exports.tasks.tick"
TICK_SECONDS = 300.0
PUBLISH_TIMEOUT = 1.0  # seconds: a broker that is down must not hold up the request


def _settings() -> Any:
    return current_app.config["SETTINGS"]


@shared_task(name=RUN_TASK, ignore_result=True)
def run_export(job_id: int) -> str:
    settings = _settings()
    return service.run_job(int(job_id), current_storage(),
                           timedelta(hours=settings.EXPORT_KEEP_HOURS))


@shared_task(name=TICK_TASK, ignore_result=True)
def tick() -> dict[str, int]:
    now = utcnow()
    purged = service.purge_expired(current_storage(), now)
    db.session.commit()
    stuck = service.stuck_job_ids(now)
    for job_id in stuck:
        run_export.apply_async((job_id,))
    return {"purged": purged, "resent": len(stuck)}


def enqueue(job_id: int) -> bool:
    """Send the job's task after the commit that created it; one short try.

    When the broker is down the job stays queued and the tick re-sends it. In
    tests (``app.testing``) nothing is sent: the tests run the task themselves.
    """
    if not has_app_context() or current_app.testing:
        return False
    celery_app = current_app.extensions["celery"]
    try:
        with celery_app.connection_for_write(
            connect_timeout=PUBLISH_TIMEOUT, transport_options={"max_retries": 0}
        ) as connection:
            run_export.apply_async((job_id,), connection=connection, retry=False)
    except Exception as exc:  # noqa: BLE001 - the tick re-sends queued jobs
        log.warning("exports: could not enqueue job %s (%s); the tick will", job_id, exc)
        return False
    return True
