"""``hgkiemtra vault``: make a key, check that every identity decrypts, rotate keys.

None of these commands prints an identity: they count rows and name case ids.
"""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask import Flask, current_app

from hgkiemtra.core.db import db
from hgkiemtra.denunciations.models import DenouncerIdentity
from hgkiemtra.denunciations.vault import Vault, VaultKeyMismatch, VaultUnavailable, generate_key


def register(app: Flask) -> None:
    app.cli.add_command(vault_group)


@click.group("vault", help="The denouncers' identity vault (HGKIEMTRA_VAULT_KEY).")
def vault_group() -> None:
    pass


@vault_group.command("generate-key")
def generate_key_command() -> None:
    """Print a new random Fernet key for HGKIEMTRA_VAULT_KEY."""
    click.echo(generate_key())


def _vault() -> Vault:
    vault = Vault.from_settings(current_app.config["SETTINGS"])
    if not vault.is_configured:
        click.echo("vault: HGKIEMTRA_VAULT_KEY is not set", err=True)
        sys.exit(2)
    return vault


@vault_group.command("check")
def check_command() -> None:
    """Decrypt every stored identity in memory; exit 1 naming the cases that do not."""
    vault = _vault()
    failed = []
    rows = db.session.scalars(sa.select(DenouncerIdentity).order_by(DenouncerIdentity.case_id))
    count = 0
    for row in rows:
        count += 1
        try:
            vault.decrypt(row.ciphertext)
        except (VaultKeyMismatch, VaultUnavailable):
            failed.append(row.case_id)
    if failed:
        click.echo(f"vault: {len(failed)} of {count} identities do not decrypt with the "
                   f"configured keys (case ids: {', '.join(map(str, failed))})", err=True)
        sys.exit(1)
    click.echo(f"vault: all {count} identities decrypt")


@vault_group.command("rotate")
def rotate_command() -> None:
    """Re-encrypt every identity under the first key of HGKIEMTRA_VAULT_KEY (one commit)."""
    vault = _vault()
    rows = list(db.session.scalars(sa.select(DenouncerIdentity).order_by(DenouncerIdentity.id)))
    try:
        for row in rows:
            row.ciphertext = vault.rotate(row.ciphertext)
    except VaultKeyMismatch:
        db.session.rollback()
        click.echo(f"vault: case {row.case_id} does not decrypt with any configured key; "
                   "nothing was changed", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"vault: {len(rows)} identities re-encrypted under the first key; the old "
               "keys can now be removed from HGKIEMTRA_VAULT_KEY")
