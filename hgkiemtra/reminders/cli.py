"""``hgkiemtra serve | worker | beat | outbox ... | reminders ...``: running the
web UI, the Celery worker and beat, operating the outbox by hand, and the
reminder policy."""

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
    for command in (serve_command, worker_command, beat_command, outbox_group, reminders_group):
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
               help="Run Celery beat; arguments go to `celery beat`. With Redis several "
                    "may run (on several hosts): a Redis lock keeps exactly one active.")
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
    from hgkiemtra.reminders.tasks import claim_timeout

    outcomes = service.relay(mailer_from_settings(current_app.config["SETTINGS"]), limit,
                             stale_after=claim_timeout())
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


# --- reminders -----------------------------------------------------------


@click.group("reminders", help="Deadline reminders: policy per role, user modes, re-planning.")
def reminders_group() -> None:
    pass


@reminders_group.group("policy", help="Which reminders each recipient role gets.")
def policy_group() -> None:
    pass


@policy_group.command("show")
def policy_show() -> None:
    """Every role's policy (stored, or the default)."""
    from hgkiemtra.reminders.policy import current_policies

    for role, policy in current_policies().items():
        offsets = ",".join(str(n) for n in policy.offsets_before) or "-"
        click.echo(f"{role:<10} before: {offsets:<8} on the day: "
                   f"{'yes' if policy.on_the_day else 'no':<4} overdue after: "
                   f"{policy.escalate_after_days} day(s), then every "
                   f"{policy.overdue_every_days} day(s)")


@policy_group.command("set")
@click.argument("role", type=click.Choice(["leader", "member", "directing", "chair"]))
@click.option("--offsets", help="Working days before the deadline, e.g. 7,3,1 (empty: none).")
@click.option("--on-the-day/--not-on-the-day", default=None)
@click.option("--overdue-every", type=click.IntRange(0, 365),
              help="Repeat overdue mails every N days (0: once).")
@click.option("--escalate-after", type=click.IntRange(0, 365),
              help="First overdue mail N days after the deadline (0: none).")
def policy_set(role: str, offsets: str | None, on_the_day: bool | None,
               overdue_every: int | None, escalate_after: int | None) -> None:
    """Change ROLE's policy and re-plan the reminders of every open deadline."""
    from hgkiemtra.auth.permissions import Actor
    from hgkiemtra.core.errors import DomainError
    from hgkiemtra.reminders.policy import set_policy

    parsed = None
    if offsets is not None:
        try:
            parsed = [int(n) for n in offsets.split(",") if n.strip()]
        except ValueError:
            raise click.BadParameter("a comma-separated list of whole numbers",
                                     param_hint="--offsets") from None
    try:
        set_policy(Actor.system(), role, offsets_before=parsed, on_the_day=on_the_day,
                   overdue_every_days=overdue_every, escalate_after_days=escalate_after)
    except DomainError as exc:
        db.session.rollback()
        reasons = "; ".join((exc.details or {}).get("reasons", []))
        raise click.ClickException(f"{exc.message}{': ' + reasons if reasons else ''}") from None
    db.session.commit()
    click.echo(f"reminders: policy of {role} changed; open deadlines re-planned")


@reminders_group.command("mode")
@click.argument("email")
@click.argument("mode", type=click.Choice(["immediate", "digest"]))
def reminders_mode(email: str, mode: str) -> None:
    """One mail per reminder (immediate) or one a day at 07:30 (digest)."""
    from hgkiemtra.people.service import find_user
    from hgkiemtra.reminders.policy import set_reminder_mode

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user {email}")
    set_reminder_mode(user.id, mode)
    db.session.commit()
    click.echo(f"reminders: {email} now gets {mode} reminders")


@reminders_group.command("replan")
def reminders_replan() -> None:
    """Re-plan the reminders of every open deadline (e.g. after upgrading)."""
    from hgkiemtra.core.db import utcnow
    from hgkiemtra.reminders.planning import replan_open_deadlines

    count = replan_open_deadlines(utcnow())
    db.session.commit()
    click.echo(f"reminders: {count} open deadline(s) re-planned")
