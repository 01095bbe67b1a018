"""``hgkiemtra serve | worker | beat | outbox ...``: running the web UI, the
Celery worker and beat, and operating the outbox by hand."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from typing import Any, NoReturn

import click
from flask import Flask, current_app

from hgkiemtra.core.db import db

log = logging.getLogger(__name__)
PASS_THROUGH: dict[str, Any] = {"ignore_unknown_options": True, "allow_extra_args": True}
WORKER_STOP_SECONDS = 15


def register(app: Flask) -> None:
    for command in (serve_command, worker_command, beat_command, outbox_group):
        app.cli.add_command(command)


# --- processes -----------------------------------------------------------


@click.command("serve", help="Run the web UI (werkzeug) and, unless --no-worker, an "
                             "embedded Celery worker with beat as a child process.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not start the worker (run it elsewhere).")
def serve_command(host: str, port: int, no_worker: bool) -> None:
    from werkzeug.serving import run_simple

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    worker = None if no_worker else start_worker_process(app)
    signal.signal(signal.SIGTERM, _exit_on_signal)  # so the finally below runs
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    finally:
        if worker is not None:
            stop_worker_process(worker)


def _exit_on_signal(signum: int, _frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


def worker_command_line(extra: tuple[str, ...] = ()) -> list[str]:
    """The embedded worker: one process, beat inside, no broker chatter."""
    return [
        sys.executable, "-m", "celery", "-A", "hgkiemtra.worker", "worker", "-B",
        "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip",
        *extra,
    ]


def start_worker_process(app: Flask) -> subprocess.Popen[bytes]:
    env = dict(os.environ, HGKIEMTRA_INSTANCE_DIR=app.config["SETTINGS"].INSTANCE_DIR)
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        worker_command_line(), env=env, start_new_session=True, preexec_fn=_die_with_parent
    )
    click.echo(f"hgkiemtra: worker with beat started (pid {process.pid})")
    return process


def _die_with_parent() -> None:
    """Linux: the worker gets SIGTERM if serve is killed without cleaning up."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_worker_process(process: subprocess.Popen[bytes]) -> None:
    """Warm shutdown of the worker's process group (worker and embedded beat)."""
    if process.poll() is not None:
        return
    click.echo(f"hgkiemtra: stopping the worker (pid {process.pid})")
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


@click.command("worker", context_settings=PASS_THROUGH,
               help="Run the Celery worker in this process; arguments go to `celery worker` "
                    "(e.g. -B for embedded beat, --pool=solo, -Q queue).")
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker_command(celery_args: tuple[str, ...]) -> None:
    current_app.extensions["celery"].worker_main(["worker", *celery_args])


@click.command("beat", context_settings=PASS_THROUGH,
               help="Run Celery beat (the schedule file lives in the instance folder); "
                    "arguments go to `celery beat`. Run exactly one.")
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def beat_command(celery_args: tuple[str, ...]) -> None:
    sys.exit(current_app.extensions["celery"].start(["beat", *celery_args]) or 0)


# --- the outbox by hand --------------------------------------------------


@click.group("outbox", help="Inspect and relay the outbox (mail waiting to be sent).")
def outbox_group() -> None:
    pass


@outbox_group.command("relay", help="Deliver every due row now, synchronously (one pass).")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1))
def outbox_relay(limit: int) -> None:
    from hgkiemtra.reminders import service
    from hgkiemtra.reminders.mail import mailer_from_settings

    outcomes = service.relay(mailer_from_settings(current_app.config["SETTINGS"]), limit)
    db.session.commit()
    click.echo("outbox relay: " + ", ".join(
        f"{name} {outcomes.get(name, 0)}" for name in ("sent", "retry", "failed", "requeued")
    ))


@outbox_group.command("list", help="The most recent rows, newest first.")
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed"]))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
def outbox_list(status: str | None, limit: int) -> None:
    from hgkiemtra.core.outbox import OutboxMessage

    query = db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    for row in db.session.scalars(query):
        error = f"  {row.last_error[:80]}" if row.last_error else ""
        click.echo(f"{row.id:>7} {row.status:<8} {row.attempts:>2} {row.kind:<18} "
                   f"{row.key}{error}")


@outbox_group.command("resend", help="Make failed rows pending again (attempts reset).")
@click.argument("message_ids", nargs=-1, type=int, required=True)
def outbox_resend(message_ids: tuple[int, ...]) -> None:
    from hgkiemtra.core.errors import DomainError
    from hgkiemtra.reminders import service

    try:
        for message_id in message_ids:
            service.resend(message_id)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.message} ({message_id})") from None
    db.session.commit()
    click.echo(f"outbox: {len(message_ids)} row(s) pending again")
