"""Celery tasks: thin wrappers taking ids; the delivery service does the work.

No long ETA or countdown tasks: the ``reminders`` rows (``due_at``) and the
outbox rows (status, ``next_attempt_at``) are the schedule, and ``tick``
(every minute, from beat) picks up whatever is due. Each task ends with a
commit, its last commit point.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from hgkiemtra.core.db import db, utcnow
from hgkiemtra.reminders import scheduler, service
from hgkiemtra.reminders.mail import Mailer, mailer_from_settings

TICK_BATCH = 200
log = logging.getLogger(__name__)


def _mailer() -> Mailer:
    return mailer_from_settings(current_app.config["SETTINGS"])


def claim_timeout() -> timedelta:
    """How old a 'sending' claim must be before its deliverer is taken for dead."""
    return timedelta(seconds=current_app.config["SETTINGS"].OUTBOX_CLAIM_TIMEOUT_SECONDS)


@shared_task(name="hgkiemtra.reminders.tasks.tick", ignore_result=True)
def tick() -> dict[str, int]:
    """Turn due reminders into outbox rows (and digests), then deliver what is due."""
    try:
        result = scheduler.run(utcnow())
    except Exception:  # noqa: BLE001 - delivery must go on; the next tick retries
        db.session.rollback()
        log.exception("reminders: the scheduling step failed; delivering anyway")
        result = {}
    outcomes = service.relay(_mailer(), limit=TICK_BATCH, stale_after=claim_timeout())
    db.session.commit()
    return {**result, **outcomes}


# Only the database failing is retried by the task itself (briefly); mail
# failures are recorded on the row and retried by tick after the row's backoff.
RETRY_ON_DATABASE: dict[str, Any] = {
    "autoretry_for": (OperationalError,), "retry_backoff": 2, "retry_backoff_max": 60,
    "retry_jitter": True, "max_retries": 5,
}


@shared_task(name="hgkiemtra.reminders.tasks.deliver_message", ignore_result=True,
             **RETRY_ON_DATABASE)
def deliver_message(message_id: int) -> str:
    outcome = service.deliver(int(message_id), _mailer())
    db.session.commit()
    return outcome.value


@shared_task(name="hgkiemtra.reminders.tasks.deliver_messages", ignore_result=True,
             **RETRY_ON_DATABASE)
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """A batch of rows over one SMTP connection (bulk producers: one task per
    few dozen rows instead of one per row)."""
    outcomes = service.deliver_many([int(i) for i in message_ids], _mailer())
    db.session.commit()
    return dict(outcomes)
