"""The demo's showcase: one of each thing a committee looks for, built through the
services with back-dated ``now=`` times, after the scenario cases and the
programme (``hgkiemtra.demo.load_demo``). Flushes only; the caller commits.

What is built, and whom to sign in as to see it, is listed in README.md
("The demo"). Each part has its own module: ``people`` (the commissions'
cells, users linked to member records, the vault's custodian), ``discipline``,
``findings`` (follow-up, re-check, linked cases, declarations),
``denunciations`` (the vault) and ``reports`` (issued reports).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hgkiemtra.demo_showcase.denunciations import build_denunciations
from hgkiemtra.demo_showcase.discipline import build_discipline
from hgkiemtra.demo_showcase.findings import build_findings
from hgkiemtra.demo_showcase.people import build_agency_cells, designate_custodian
from hgkiemtra.demo_showcase.reports import issue_reports
from hgkiemtra.demo_showcase.stage import Stage
from hgkiemtra.denunciations.vault import Vault
from hgkiemtra.people.models import Member, Organisation, User


def build_showcase(orgs: dict[str, Organisation], users: dict[str, User],
                   members: Sequence[Member], today: date, vault: Vault | None) -> None:
    stage = Stage(today, users, orgs, members, vault)
    build_agency_cells(stage)
    designate_custodian(stage)
    build_discipline(stage)
    build_findings(stage)
    build_denunciations(stage)
    issue_reports(stage)
