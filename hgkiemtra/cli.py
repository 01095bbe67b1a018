"""The ``hgkiemtra`` command: a Flask CLI group over the application factory."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask import Flask
from flask.cli import FlaskGroup

from hgkiemtra.core.db import db
from hgkiemtra.people import cli as people_cli
from hgkiemtra.reminders import cli as reminders_cli


def register_commands(app: Flask) -> None:
    app.cli.add_command(audit_group)
    app.cli.add_command(deadline_command)
    reminders_cli.register(app)
    people_cli.register(app)


@click.group("audit", help="Check the tamper-evident audit trail.")
def audit_group() -> None:
    pass


@audit_group.command("verify")
@click.option("--case", "case_ids", type=int, multiple=True, help="Only these case ids.")
def audit_verify(case_ids: tuple[int, ...]) -> None:
    """Recompute every case's hash chain; exit 1 naming the first broken case and event."""
    from hgkiemtra.cases import audit

    breaks = list(audit.orphan_events()) + list(
        audit.iter_breaks(list(case_ids) if case_ids else None)
    )
    if not breaks:
        click.echo("audit: every chain verifies")
        return
    first = breaks[0]
    click.echo(
        f"audit: BROKEN case {first.case_id} event {first.event_id} (seq {first.seq}): "
        f"{first.reason}",
        err=True,
    )
    for other in breaks[1:]:
        click.echo(
            f"audit: also broken: case {other.case_id} event {other.event_id} "
            f"(seq {other.seq}): {other.reason}",
            err=True,
        )
    click.echo(f"audit: {len(breaks)} broken chain(s)", err=True)
    sys.exit(1)


@click.command("deadline", help="Compute a deadline on the Vietnamese working calendar.")
@click.option("--from", "start", required=True, help="Anchor date, YYYY-MM-DD (not counted).")
@click.option("--amount", required=True, type=click.IntRange(0, 3650))
@click.option(
    "--unit",
    required=True,
    type=click.Choice(["working_days", "calendar_days", "months"]),
)
def deadline_command(start: str, amount: int, unit: str) -> None:
    from hgkiemtra.deadlines.service import working_calendar

    try:
        anchor = date.fromisoformat(start)
    except ValueError:
        raise click.BadParameter(f"'{start}' is not a date in YYYY-MM-DD form",
                                 param_hint="--from") from None
    try:
        calendar = working_calendar()
    except Exception:  # noqa: BLE001 - no schema yet: national calendar only
        from workflows.calendar import WorkingCalendar

        db.session.rollback()
        calendar = WorkingCalendar()
    result = calendar.compute(anchor, amount, unit)
    click.echo(result.due.isoformat())
    click.echo(result.explain())


def _create_app() -> Flask:
    from hgkiemtra.app import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, add_default_commands=True,
                  help="hgkiemtra — quản lý hồ sơ kiểm tra, giám sát, kỷ luật Đảng.")


if __name__ == "__main__":
    main()
