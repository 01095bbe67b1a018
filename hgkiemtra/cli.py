"""The ``hgkiemtra`` command: a Flask CLI group over the application factory."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import FlaskGroup

from hgkiemtra.core.db import db
from hgkiemtra.deadlines import cli as deadlines_cli
from hgkiemtra.denunciations import cli as denunciations_cli
from hgkiemtra.people import cli as people_cli
from hgkiemtra.programmes import cli as programmes_cli
from hgkiemtra.reminders import cli as reminders_cli


def register_commands(app: Flask) -> None:
    app.cli.add_command(audit_group)
    app.cli.add_command(deadline_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    reminders_cli.register(app)
    people_cli.register(app)
    deadlines_cli.register(app)
    denunciations_cli.register(app)
    programmes_cli.register(app)


@click.group("audit", help="Check the tamper-evident audit trail.")
def audit_group() -> None:
    pass


@audit_group.command("verify")
@click.option("--case", "case_ids", type=int, multiple=True, help="Only these case ids.")
@click.option("--heads", "heads_file", type=click.File("r", encoding="utf-8"),
              help="A file written earlier by `audit heads`: also catch cases rolled back.")
def audit_verify(case_ids: tuple[int, ...], heads_file: Any) -> None:
    """Recompute every case's hash chain and seal; exit 1 naming the first broken case."""
    from hgkiemtra.cases import audit

    breaks = list(audit.orphan_events()) + list(
        audit.iter_breaks(list(case_ids) if case_ids else None)
    )
    if heads_file is not None:
        breaks += audit.behind(_read_heads(heads_file))
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


def _read_heads(stream: Any) -> list[Any]:
    from hgkiemtra.cases.audit import Head

    heads = []
    for number, line in enumerate(stream, start=1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        try:
            case_id, count, head = int(parts[0]), int(parts[1]), parts[2]
        except (IndexError, ValueError):
            raise click.ClickException(f"heads file line {number}: expected "
                                       "'<case id> <event count> <hash>'") from None
        heads.append(Head(case_id, count, head))
    return heads


@audit_group.command("heads")
def audit_heads() -> None:
    """Print every case's newest hash ('<case id> <event count> <hash>'): keep the
    output outside the database, then `audit verify --heads FILE` catches rollbacks."""
    from hgkiemtra.cases import audit

    for head in audit.heads():
        click.echo(f"{head.case_id} {head.event_count} {head.head_hash}")


@audit_group.command("seal")
@click.option("--reseal", is_flag=True,
              help="Seal every case again (after changing HGKIEMTRA_AUDIT_KEY or the secret key).")
def audit_seal(reseal: bool) -> None:
    """Seal cases that have no seal yet (from before sealing); broken chains are not sealed."""
    from hgkiemtra.cases import audit

    sealed, refused = audit.seal_unsealed(reseal=reseal)
    db.session.commit()
    click.echo(f"audit: sealed {sealed} case(s)")
    for problem in refused:
        click.echo(f"audit: NOT sealed, chain broken: case {problem.case_id} "
                   f"(seq {problem.seq}): {problem.reason}", err=True)
    if refused:
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
    except sa.exc.DBAPIError:
        # No schema yet (before `db upgrade`): the national calendar alone.
        from workflows.calendar import WorkingCalendar

        db.session.rollback()
        calendar = WorkingCalendar()
    try:
        result = calendar.compute(anchor, amount, unit)
    except (ValueError, OverflowError) as exc:
        raise click.ClickException(f"cannot compute that deadline: {exc}") from None
    click.echo(result.due.isoformat())
    click.echo(result.explain())


@click.command("backup", help="Write the database and the documents to one .tar.gz archive.")
@click.argument("destination", type=click.Path(dir_okay=False))
def backup_command(destination: str) -> None:
    from flask import current_app

    from hgkiemtra.core.backup import BackupError, create_backup

    settings = current_app.config["SETTINGS"]
    try:
        result = create_backup(settings.DATABASE_URL, current_app.extensions["storage"],
                               destination)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    counts = ", ".join(f"{k}={v}" for k, v in result.manifest["counts"].items())
    click.echo(f"backup written to {result.path} ({counts})")


@click.command("restore", help="Restore a backup archive into an empty database, then verify it.")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def restore_command(archive: str) -> None:
    from flask import current_app

    from hgkiemtra.cases import audit
    from hgkiemtra.core.backup import BackupError, restore_backup

    settings = current_app.config["SETTINGS"]
    try:
        manifest = restore_backup(archive, settings.DATABASE_URL,
                                  current_app.extensions["storage"])
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.remove()
    broken = list(audit.iter_breaks())
    if broken:
        raise click.ClickException(f"restored, but {len(broken)} audit chain(s) do not verify")
    click.echo(f"restored backup of {manifest['created_at']} (revision {manifest['revision']}); "
               "every audit chain verifies")


def _create_app() -> Flask:
    from hgkiemtra.app import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, add_default_commands=True,
                  help="hgkiemtra — quản lý hồ sơ kiểm tra, giám sát, kỷ luật Đảng.")


if __name__ == "__main__":
    main()
