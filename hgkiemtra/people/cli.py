"""``hgkiemtra users ...`` (accounts and API tokens) and ``hgkiemtra demo``.

Each command commits once, at its end; on an error nothing is written.
"""

from __future__ import annotations

import secrets
import sys
import time
from typing import TYPE_CHECKING

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from hgkiemtra.auth.passwords import MIN_PASSWORD_LENGTH
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError
from hgkiemtra.people.models import User
from workflows.engine import Role

if TYPE_CHECKING:
    from hgkiemtra.demo import DemoSummary


def register(app: Flask) -> None:
    from hgkiemtra.people.orgs_cli import orgs_group

    app.cli.add_command(users_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(orgs_group)


def roles_label(user: User) -> str:
    """'chair@HG, inspector@HG.VT'."""
    return ", ".join(f"{r.role}@{r.organisation.code}" for r in user.roles)


users_group = AppGroup("users", help="Create and list user accounts; issue API tokens.")


@users_group.command("create")
@click.argument("email")
@click.option("--name", "full_name", required=True, help='Full name, e.g. "Nguyễn Văn An".')
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]),
              help="A role; repeat, pairing each --role with the --org at the same position.")
@click.option("--org", "orgs", multiple=True, required=True,
              help="Organisation id or code the matching --role is held over (and below).")
@click.option("--password", default=None,
              help=f"At least {MIN_PASSWORD_LENGTH} characters; omit to generate one.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@click.option("--locale", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def create_user_command(
    email: str,
    full_name: str,
    roles: tuple[str, ...],
    orgs: tuple[str, ...],
    password: str | None,
    password_stdin: bool,
    locale: str,
) -> None:
    """Create a user holding each --role over the --org given at the same position.

    Example: hgkiemtra users create a@hg.vn --name "Lê Văn A" --role chair --org HG.VT
    """
    from hgkiemtra.people.service import create_user, find_organisation

    if len(roles) != len(orgs):
        raise click.UsageError(
            f"give one --org for each --role ({len(roles)} --role, {len(orgs)} --org)"
        )
    password, generated = _password(password, password_stdin)
    pairs = []
    for role, ref in zip(roles, orgs, strict=True):
        org = find_organisation(ref.strip())
        if org is None:
            raise click.ClickException(f"no organisation with id or code '{ref}'")
        pairs.append((role, org.id))
    try:
        user = create_user(email=email, full_name=full_name, password=password, roles=pairs,
                           locale=locale)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"Created user {user.email} (id {user.id}): {roles_label(user)}")
    if generated:
        click.echo(f"Generated password (shown only this once): {password}")


def _password(given: str | None, from_stdin: bool) -> tuple[str, bool]:
    """The password to set, and whether it was generated."""
    if given is not None and from_stdin:
        raise click.UsageError("use --password or --password-stdin, not both")
    if from_stdin:
        given = sys.stdin.readline().rstrip("\r\n")
    if given is None:
        return secrets.token_urlsafe(15), True
    if len(given) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    return given, False


@users_group.command("token")
@click.argument("email")
@click.option("--name", default="", help="A label to tell the user's tokens apart, e.g. 'CI'.")
def token_command(email: str, name: str) -> None:
    """Print a new API token for EMAIL alone on the first line of standard output.

    Example: TOKEN=$(hgkiemtra users token a@hg.vn | head -1)
    """
    from hgkiemtra.auth.tokens import create_token
    from hgkiemtra.people.service import find_user

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    if not user.is_active:
        raise click.ClickException(f"user {user.email} is deactivated")
    if len(name) > 100:
        raise click.ClickException("--name is longer than 100 characters")
    token = create_token(user, name)
    db.session.commit()
    click.echo(token)
    click.echo(
        f"API token for {user.email} created; it is shown only this once. "
        "Send it as the header 'Authorization: Bearer <token>'.",
        err=True,
    )


@users_group.command("list")
def list_users_command() -> None:
    """Every user: email, full name, roles as role@organisation-code."""
    users = db.session.execute(sa.select(User).order_by(User.email)).scalars().all()
    if not users:
        click.echo("no users yet; create one with 'hgkiemtra users create'", err=True)
        return
    email_width = max(len(u.email) for u in users)
    name_width = max(len(u.full_name) for u in users)
    for user in users:
        inactive = "" if user.is_active else "  (deactivated)"
        click.echo(f"{user.email:<{email_width}}  {user.full_name:<{name_width}}  "
                   f"{roles_label(user)}{inactive}")


@click.command("demo")
@click.option("--reset", is_flag=True,
              help="Empty every table first, then load the demo again.")
@with_appcontext
def demo_command(reset: bool) -> None:
    """Load the fictional Hậu Giang demo: organisations, members, users, cases.

    Every demo user's password is demo-hgkiemtra-2026. Refused when ENV is
    production (the demo users share a published password).
    """
    from hgkiemtra import demo
    from hgkiemtra.denunciations.vault import Vault

    if current_app.config["SETTINGS"].is_production:
        raise click.ClickException("refusing to load the demo: ENV is production")
    if reset:
        demo.clear_all_data()
    elif demo.demo_loaded():
        click.echo("The demo is already loaded; nothing to do (--reset loads it afresh).")
        return
    elif not demo.database_is_empty():
        raise click.ClickException(
            "the database already holds data; the demo loads only into an empty database "
            "(--reset empties it first)"
        )
    started = time.perf_counter()
    try:
        # Development makes instance/vault.key when no key is set (denunciations.vault).
        summary = demo.load_demo(vault=Vault.from_settings(current_app.config["SETTINGS"]))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    _print_summary(summary, time.perf_counter() - started)


def _print_summary(summary: DemoSummary, seconds: float) -> None:
    from hgkiemtra.demo import KIND
    from workflows import registry

    order = [s.name for s in registry.for_kind(KIND).states]
    states = ", ".join(f"{name} {summary.states[name]}" for name in order
                       if name in summary.states)
    click.echo(
        f"Demo loaded in {seconds:.1f} s: {summary.organisations} organisations, "
        f"{summary.members} members, {len(summary.users)} users, {summary.cases} cases "
        f"({summary.events} events), {summary.overdue_cases} with an overdue deadline."
    )
    click.echo(f"Inspection cases by state: {states}")
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(summary.kinds.items()))
    click.echo(f"Cases by kind: {kinds}; {summary.identities} denouncers' identities in the "
               "vault (README, \"The demo\", says whom to sign in as to see each thing).")
    click.echo(f"Sign in as any of these users; the password is {summary.password}")
    width = max(len(email) for email, _ in summary.users)
    for email, roles in summary.users:
        click.echo(f"  {email:<{width}}  {roles}")
