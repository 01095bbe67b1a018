"""Celery bound to the Flask app (Flask's docs/patterns/celery.rst).

Broker: Redis when ``HGKIEMTRA_REDIS_URL`` is set; otherwise the embedded
broker, kombu's SQLAlchemy transport on a SQLite file in the instance folder,
so a single machine needs no broker server. No result backend: tasks write
what they did to the database. Messages are JSON and carry only ids.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.signals import after_setup_logger, worker_ready
from flask import Flask, current_app, has_app_context

from hgkiemtra.config import Settings

TICK_TASK = "hgkiemtra.reminders.tasks.tick"
TICK_SECONDS = 60.0  # the default of HGKIEMTRA_REMINDER_TICK_SECONDS
LOCKED_SCHEDULER = "hgkiemtra.reminders.beat_lock:LockedScheduler"
PROGRAMMES_TICK_TASK = "hgkiemtra.programmes.tasks.open_due_items"
PROGRAMMES_TICK_SECONDS = 300.0
EXPORTS_TICK_TASK = "hgkiemtra.exports.tasks.tick"
EXPORTS_TICK_SECONDS = 300.0


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: object, **kwargs: object) -> object:
            # A fresh context (its own session) of the calling application when
            # called in-process (a test, a CLI command), so its database and
            # storage are used, not those of the app Celery was last bound to.
            target = current_app._get_current_object() if has_app_context() else app
            with target.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_config(app.config["SETTINGS"]))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    # Register the tasks on this app (the worker imports nothing else).
    from hgkiemtra.exports import tasks as _export_tasks  # noqa: F401
    from hgkiemtra.programmes import tasks as _programme_tasks  # noqa: F401
    from hgkiemtra.reminders import dispatch, tasks  # noqa: F401

    if not app.testing:
        dispatch.enable(app)
    return celery_app


def broker_url(settings: Settings) -> str:
    if settings.REDIS_URL:
        return settings.REDIS_URL
    return f"sqla+sqlite:///{Path(settings.INSTANCE_DIR) / 'celery-broker.sqlite'}"


def tick_expiry(seconds: float) -> float:
    """A tick nobody ran before the next one was due is dropped: the next does its work."""
    return max(seconds - 5, seconds * 0.9)


def celery_config(settings: Settings) -> dict[str, Any]:
    from hgkiemtra.reminders.beat_lock import lock_ttl_ms

    tick = float(settings.REMINDER_TICK_SECONDS)
    return {
        "broker_url": broker_url(settings),
        "broker_connection_retry_on_startup": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "task_ignore_result": True,
        "result_backend": None,
        # A task is acknowledged when it has finished, one at a time, and
        # re-queued if the worker process dies: tasks are idempotent.
        "task_acks_late": True,
        "worker_prefetch_multiplier": 1,
        "task_reject_on_worker_lost": True,
        "timezone": "Asia/Ho_Chi_Minh",
        "enable_utc": True,
        "worker_hijack_root_logger": False,
        "beat_schedule": {
            "outbox-tick": {
                "task": TICK_TASK,
                "schedule": tick,
                "options": {"expires": tick_expiry(tick)},
            },
            # Export jobs: delete expired files, re-send jobs whose task was lost.
            "exports-tick": {
                "task": EXPORTS_TICK_TASK,
                "schedule": EXPORTS_TICK_SECONDS,
                "options": {"expires": EXPORTS_TICK_SECONDS - 5},
            },
            # Programme items open their case when their quarter starts.
            "programmes-tick": {
                "task": PROGRAMMES_TICK_TASK,
                "schedule": PROGRAMMES_TICK_SECONDS,
                "options": {"expires": PROGRAMMES_TICK_SECONDS - 5},
            },
        },
        "beat_schedule_filename": str(Path(settings.INSTANCE_DIR) / "celerybeat-schedule"),
        # With Redis, several beats may run: only the one holding the lock sends.
        **({"beat_scheduler": LOCKED_SCHEDULER} if settings.REDIS_URL else {}),
        # The lease of that lock: a standby takes over within a tick of the death.
        "hgkiemtra_beat_lock_ttl_ms": lock_ttl_ms(tick),
    }


@after_setup_logger.connect(weak=False)
def _one_log_handler(logger: Any = None, **_kwargs: Any) -> None:
    """Celery set up the root logger: our records go through it, in our format."""
    from hgkiemtra.core.logs import hand_over_to_celery

    if logger is not None:
        hand_over_to_celery(logger)


@worker_ready.connect(weak=False)
def _tick_on_start(sender: Any = None, **_kwargs: Any) -> None:
    """Deliver what piled up while no worker ran, without waiting a beat interval.

    Sent to the first queue this worker consumes, so it is this worker's tick.
    """
    celery_app = sender.app
    queues = list(celery_app.amqp.queues.consume_from or {})
    tick = celery_app.conf.beat_schedule["outbox-tick"]
    celery_app.send_task(
        TICK_TASK, queue=queues[0] if queues else None, expires=tick["options"]["expires"]
    )
