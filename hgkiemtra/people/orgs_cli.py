"""``hgkiemtra orgs merge|split|dissolve|move|history|tree``: organisation changes.

Organisations are named by id or code. Each command commits once, at its
end; on an error nothing is written and the exit status is non-zero.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

import click
from flask.cli import AppGroup

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError
from hgkiemtra.people.change_models import OrganisationChange

if TYPE_CHECKING:
    from hgkiemtra.people.changes import Successor

orgs_group = AppGroup("orgs", help="Organisations: create; changes (merge, split, dissolve, "
                                      "move); history.")

ON = click.option("--on", "on", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
                  help="Effective date, YYYY-MM-DD (not after today; the closing "
                       "organisations' last day is the day before).")
NOTE = click.option("--note", default="", help="The decision it follows, e.g. 'QĐ 123-QĐ/TW'.")
BY = click.option("--by", "by_email", default=None,
                  help="Record the change as this user (who must be admin over every "
                       "organisation involved); default: the system.")
CARRY = click.option("--carry-roles", is_flag=True,
                     help="Also grant each role held over a closing organisation over its "
                          "successor (the old roles always stay, for the old cases).")


def _org_id(ref: str) -> int:
    from hgkiemtra.people.service import find_organisation

    org = find_organisation(ref.strip())
    if org is None:
        raise click.ClickException(f"no organisation with id or code '{ref}'")
    return org.id


def _actor(by_email: str | None) -> Actor:
    if by_email is None:
        return Actor.system()
    from hgkiemtra.people.service import find_user

    user = find_user(by_email)
    if user is None or not user.is_active:
        raise click.ClickException(f"no active user with email {by_email}")
    return Actor.for_user(user)


def _run(action: Callable[[], OrganisationChange]) -> OrganisationChange:
    try:
        change = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    return change


def _report(change: OrganisationChange) -> None:
    from hgkiemtra.people.org_history import summary

    counts = summary(change)
    click.echo(
        f"Change #{change.id} ({change.kind}, effective {change.effective_on}): "
        f"{counts['closed'] + counts['moved']} organisation(s) closed, "
        f"{counts['created'] + counts['moved']} created, {counts['case']} open case(s) and "
        f"{counts['member']} member(s) handed over, {counts['role']} role(s) granted.")
    for item in change.items:
        if item.item_type in ("closed", "moved") and item.from_org and item.to_org:
            click.echo(f"  {item.from_org.code} -> {item.to_org.code}")


def _day(value: datetime) -> date:
    return value.date()


@orgs_group.command("merge")
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "into", default=None, help="An existing organisation (id or code).")
@click.option("--new-code", default=None, help="Or a new organisation: its code ...")
@click.option("--new-name", default=None, help="... its name ...")
@click.option("--new-level", default=None,
              type=click.Choice(["province", "district", "grassroots", "cell"]),
              help="... its level (default: the first source's).")
@click.option("--new-parent", default=None, help="... its parent (default: the first source's).")
@ON
@NOTE
@CARRY
@BY
def merge_command(sources: tuple[str, ...], into: str | None, new_code: str | None,
                  new_name: str | None, new_level: str | None, new_parent: str | None,
                  on: datetime, note: str, carry_roles: bool, by_email: str | None) -> None:
    """Merge SOURCES into one organisation (sáp nhập).

    Example: hgkiemtra orgs merge HG --into CT --on 2025-07-01 --note "QĐ ...-QĐ/TW"
    """
    from hgkiemtra.people import changes

    if (into is None) == (new_code is None):
        raise click.UsageError("give either --into or --new-code with --new-name")
    target: changes.Successor
    if into is not None:
        target = _org_id(into)
    else:
        if not new_name:
            raise click.UsageError("--new-code needs --new-name")
        target = changes.NewOrg(new_code or "", new_name, new_level,
                                _org_id(new_parent) if new_parent else None)
    ids = [_org_id(s) for s in sources]
    actor = _actor(by_email)
    _report(_run(lambda: changes.merge(actor, ids, target, _day(on), note,
                                       carry_roles=carry_roles)))


def _successor_spec(value: str) -> tuple[str, Successor]:
    """'CODE' (existing) or 'CODE=Name' (new)."""
    from hgkiemtra.people import changes

    code, sep, name = value.partition("=")
    if sep:
        if not code.strip() or not name.strip():
            raise click.BadParameter(f"'{value}': write CODE=Name", param_hint="--into")
        return code.strip().upper(), changes.NewOrg(code.strip(), name.strip())
    org_id = _org_id(code)
    return changes.get_org(org_id).code, org_id


def _assignments(values: tuple[str, ...], codes: list[str]) -> dict[tuple[str, int], int]:
    found = {}
    for value in values:
        item, _, code = value.partition("=")
        kind, _, raw_id = item.partition(":")
        if kind not in ("case", "member", "org") or not raw_id.isdigit() or not code:
            raise click.BadParameter(f"'{value}': write case:ID=CODE, member:ID=CODE or "
                                     "org:ID=CODE", param_hint="--assign")
        if code.strip().upper() not in codes:
            raise click.BadParameter(f"'{code}' is not one of the --into successors",
                                     param_hint="--assign")
        found[(kind, int(raw_id))] = codes.index(code.strip().upper())
    return found


@orgs_group.command("split")
@click.argument("source")
@click.option("--into", "into", multiple=True, required=True,
              help="A successor: an existing CODE, or CODE=Name for a new one. Repeat; "
                   "the first takes everything not assigned.")
@click.option("--assign", "assign", multiple=True,
              help="case:ID=CODE, member:ID=CODE or org:ID=CODE (a child organisation).")
@ON
@NOTE
@CARRY
@BY
def split_command(source: str, into: tuple[str, ...], assign: tuple[str, ...], on: datetime,
                  note: str, carry_roles: bool, by_email: str | None) -> None:
    """Split SOURCE into several organisations (chia tách).

    Example: hgkiemtra orgs split HG.VT.P1.C1 --into "HG.VT.P1.C1A=Chi bộ Khu vực 1A"
    --into "HG.VT.P1.C1B=Chi bộ Khu vực 1B" --assign member:42=HG.VT.P1.C1B --on 2025-07-01
    """
    from hgkiemtra.people import changes

    source_id = _org_id(source)
    specs = [_successor_spec(v) for v in into]
    routes = _assignments(assign, [code for code, _ in specs])
    targets = [spec for _, spec in specs]
    actor = _actor(by_email)
    _report(_run(lambda: changes.split(actor, source_id, targets, _day(on), routes, note,
                                       carry_roles=carry_roles)))


@orgs_group.command("dissolve")
@click.argument("org")
@click.option("--successor", default=None,
              help="Who takes over its open work (default: its parent).")
@ON
@NOTE
@CARRY
@BY
def dissolve_command(org: str, successor: str | None, on: datetime, note: str,
                     carry_roles: bool, by_email: str | None) -> None:
    """Dissolve ORG (giải thể); its open cases, members and children go to the successor.

    Example: hgkiemtra orgs dissolve HG.VT --successor CT --on 2025-07-01
    """
    from hgkiemtra.people import changes

    org_id = _org_id(org)
    successor_id = _org_id(successor) if successor else None
    actor = _actor(by_email)
    _report(_run(lambda: changes.dissolve(actor, org_id, _day(on), successor_id, note,
                                          carry_roles=carry_roles)))


@orgs_group.command("move")
@click.argument("org")
@click.option("--under", required=True, help="The new parent (id or code).")
@ON
@NOTE
@BY
def move_command(org: str, under: str, on: datetime, note: str, by_email: str | None) -> None:
    """Put ORG and its subtree under another parent from --on (chuyển trực thuộc)."""
    from hgkiemtra.people import changes

    org_id, parent_id = _org_id(org), _org_id(under)
    actor = _actor(by_email)
    _report(_run(lambda: changes.move(actor, org_id, parent_id, _day(on), note)))


@orgs_group.command("history")
@click.argument("org", required=False)
def history_command(org: str | None) -> None:
    """Every change, newest first (with ORG: those that closed, created or moved it)."""
    from hgkiemtra.people.changes import get_org
    from hgkiemtra.people.org_history import history, summary

    changes = history(get_org(_org_id(org)) if org else None)
    if not changes:
        click.echo("no organisation changes recorded", err=True)
        return
    for change in changes:
        counts = summary(change)
        moves = ", ".join(f"{i.from_org.code}->{i.to_org.code}" for i in change.items
                          if i.item_type == "closed" and i.from_org and i.to_org)
        click.echo(f"#{change.id} {change.effective_on} {change.kind:<8} {moves}  "
                   f"(cases {counts['case']}, members {counts['member']}, "
                   f"re-established {counts['moved']}) by {change.actor_label}"
                   + (f" — {change.note}" if change.note else ""))


@orgs_group.command("tree")
@click.option("--on", "on", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Show the tree as it was on this date (default: today).")
def tree_command(on: datetime | None) -> None:
    """The organisation tree on a date, one organisation a line, indented."""
    import sqlalchemy as sa

    from hgkiemtra.cases.service import local_today
    from hgkiemtra.people.models import Organisation
    from hgkiemtra.people.org_history import tree_on

    day = on.date() if on else local_today()
    orgs = tree_on(db.session.scalars(sa.select(Organisation)), day)
    for org in orgs:
        click.echo(f"{'  ' * (org.path.count('/') - 2)}{org.code}  {org.name}")
    click.echo(f"{len(orgs)} organisation(s) active on {day}", err=True)


@orgs_group.command("create")
@click.argument("code")
@click.option("--name", required=True, help='Its name, e.g. "Đảng bộ thành phố Cần Thơ".')
@click.option("--level", required=True,
              type=click.Choice(["province", "district", "grassroots", "cell"]))
@click.option("--parent", default=None, help="The parent (id or code); omit for a top level.")
def create_command(code: str, name: str, level: str, parent: str | None) -> None:
    """Create organisation CODE: the first (top-level) one on a fresh installation,
    before its first admin can be created (`users create ... --org CODE`)."""
    from hgkiemtra.people.service import create_organisation, find_organisation

    code = code.strip()
    # All digits would read as an id wherever organisations are named by id or code.
    if not code or len(code) > 40 or code.isdigit() or find_organisation(code) is not None:
        raise click.ClickException(f"the code '{code}' is empty, too long, all digits "
                                   "or already used")
    parent_org = find_organisation(parent.strip()) if parent else None
    if parent and parent_org is None:
        raise click.ClickException(f"no organisation with id or code '{parent}'")
    try:
        org = create_organisation(code=code, name=name.strip(), level=level, parent=parent_org)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"organisation {org.id} {org.code} created: {org.name}")
