"""``hgkiemtra calendar ...`` (working-calendar overrides) and ``hgkiemtra rules ...``
(administrator values for deadline rules per rule set)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import click
from flask import Flask

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError


def register(app: Flask) -> None:
    app.cli.add_command(calendar_group)
    app.cli.add_command(rules_group)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date in YYYY-MM-DD form") from None


def _run(action: Callable[[], Any]) -> Any:
    """Call a service, commit once, and turn domain errors into a clean exit 1."""
    try:
        result = action()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    return result


@click.group("calendar", help="Extra days off and make-up working days on the calendar.")
def calendar_group() -> None:
    pass


@calendar_group.command("add-day-off")
@click.argument("day")
@click.option("--reason", required=True, help="Why (e.g. the announcing document).")
def calendar_add_day_off(day: str, reason: str) -> None:
    """Declare DAY (YYYY-MM-DD) a day off."""
    from hgkiemtra.deadlines import overrides

    row = _run(lambda: overrides.add_day_off(_day(day), reason))
    click.echo(f"calendar: {row.day.isoformat()} is now a day off ({row.reason})")


@calendar_group.command("add-working-day")
@click.argument("day")
@click.option("--reason", required=True, help="Why (e.g. the make-up Saturday's document).")
def calendar_add_working_day(day: str, reason: str) -> None:
    """Declare DAY (YYYY-MM-DD) a working day."""
    from hgkiemtra.deadlines import overrides

    row = _run(lambda: overrides.add_working_day(_day(day), reason))
    click.echo(f"calendar: {row.day.isoformat()} is now a working day ({row.reason})")


@calendar_group.command("remove")
@click.argument("day")
def calendar_remove(day: str) -> None:
    """Remove the override of DAY (YYYY-MM-DD)."""
    from hgkiemtra.deadlines import overrides

    row = _run(lambda: overrides.remove_override(_day(day)))
    click.echo(f"calendar: override of {row.day.isoformat()} removed")


@calendar_group.command("list")
@click.option("--year", type=int, help="Only this year.")
def calendar_list(year: int | None) -> None:
    """The overrides, by date."""
    from hgkiemtra.deadlines import overrides

    rows = overrides.list_overrides(year)
    if not rows:
        click.echo("calendar: no overrides")
    for row in rows:
        what = "working day" if row.is_working_day else "day off"
        click.echo(f"{row.day.isoformat()}  {what:<11}  {row.reason}")


@click.group("rules", help="Administrator values for deadline rules, per rule set.")
def rules_group() -> None:
    pass


@rules_group.command("list")
def rules_list() -> None:
    """Every deadline rule: its default, per-rule-set values and admin values."""
    from hgkiemtra.deadlines import rules
    from workflows import registry

    stored = {(p.workflow_name, p.rule, p.rule_set): p for p in rules.list_rule_parameters()}
    for definition in registry.all_definitions():
        for state in definition.states:
            for rule in state.deadlines:
                confirmed = "confirmed" if rule.is_confirmed else "UNCONFIRMED"
                click.echo(f"{definition.name} {rule.name}: {rule.amount} {rule.unit.value} "
                           f"({confirmed}; pause: {'yes' if rule.can_pause else 'no'})")
                for rule_set in rules.rule_sets():
                    param = stored.get((definition.name, rule.name, rule_set.key))
                    if param is not None:
                        click.echo(f"  {rule_set.key}: {param.amount} {param.unit} [admin] "
                                   f"{param.citation}")
                    elif rule_set.key in rule.by_rule_set:
                        amount, unit = rule.by_rule_set[rule_set.key]
                        click.echo(f"  {rule_set.key}: {amount} {unit.value} [definition]")


@rules_group.command("set")
@click.argument("workflow")
@click.argument("rule")
@click.option("--rule-set", "rule_set", required=True, help="qd30, qd22 or qd296")
@click.option("--amount", required=True, type=click.IntRange(0, 3650))
@click.option("--unit", required=True,
              type=click.Choice(["working_days", "calendar_days", "months"]))
@click.option("--citation", default="", help="The source of the value.")
@click.option("--confirmed/--unconfirmed", default=False, show_default=True)
def rules_set(workflow: str, rule: str, rule_set: str, amount: int, unit: str, citation: str,
              confirmed: bool) -> None:
    """Set WORKFLOW's RULE under one rule set (for deadlines planned from now on)."""
    from hgkiemtra.deadlines import rules

    _run(lambda: rules.set_rule_parameter(
        Actor.system(), workflow_name=workflow, rule=rule, rule_set=rule_set, amount=amount,
        unit=unit, citation=citation, is_confirmed=confirmed))
    click.echo(f"rules: {workflow} {rule} under {rule_set}: {amount} {unit}")


@rules_group.command("reset")
@click.argument("workflow")
@click.argument("rule")
@click.option("--rule-set", "rule_set", required=True)
def rules_reset(workflow: str, rule: str, rule_set: str) -> None:
    """Drop the admin value: the definition's value applies again."""
    from hgkiemtra.deadlines import rules

    _run(lambda: rules.remove_rule_parameter(Actor.system(), workflow_name=workflow, rule=rule,
                                             rule_set=rule_set))
    click.echo(f"rules: {workflow} {rule} under {rule_set}: back to the definition's value")
