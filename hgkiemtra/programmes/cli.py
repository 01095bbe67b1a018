"""``hgkiemtra programmes open-due [--today YYYY-MM-DD]``: what the beat does, by hand."""

from __future__ import annotations

from datetime import date, datetime, time

import click
from flask import Flask

from hgkiemtra.cases.service import LOCAL_TZ, local_today
from hgkiemtra.core.db import db, utcnow


def register(app: Flask) -> None:
    app.cli.add_command(programmes_group)


@click.group("programmes", help="Annual inspection and supervision programmes.")
def programmes_group() -> None:
    pass


@programmes_group.command("open-due")
@click.option("--today", "today_text", default=None,
              help="Act as on this local date, YYYY-MM-DD, at 08:00 (default: now).")
def open_due_command(today_text: str | None) -> None:
    """Open the cases of approved programme items whose quarter has started."""
    from hgkiemtra.programmes.opening import open_due

    report = open_due(_moment(today_text))
    db.session.commit()
    for item_id, case_id in report.opened:
        click.echo(f"programmes: item {item_id} opened case {case_id}")
    for item_id, reason in report.failed:
        click.echo(f"programmes: item {item_id} NOT opened: {reason}", err=True)
    click.echo(f"programmes: {len(report.opened)} opened, {len(report.failed)} failed")
    if report.failed:
        raise SystemExit(1)


def _moment(today_text: str | None) -> datetime:
    if today_text is None:
        return utcnow()
    try:
        day = date.fromisoformat(today_text)
    except ValueError:
        raise click.BadParameter(f"'{today_text}' is not a date in YYYY-MM-DD form",
                                 param_hint="--today") from None
    if day == local_today():
        return utcnow()
    return datetime.combine(day, time(8, 0), LOCAL_TZ)
