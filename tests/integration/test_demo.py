"""``hgkiemtra demo``: the demo loads through the services, covers the whole
workflow, verifies, and loads only once."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from hgkiemtra.auth.passwords import verify_password
from hgkiemtra.cases import audit
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.demo import clear_all_data
from hgkiemtra.demo_data import DEMO_PASSWORD, DISTRICTS, member_seeds
from hgkiemtra.people.models import Member, Organisation, RoleAssignment, User
from hgkiemtra.people.service import find_organisation, find_user
from tests import factories as f
from tests.integration.demo_showcase_checks import check_showcase
from workflows import registry
from workflows.engine import Role


def count(model: type[db.Model]) -> int:  # type: ignore[name-defined]
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def totals() -> dict[str, int]:
    return {m.__name__: count(m) for m in (Organisation, Member, User, Case, CaseEvent)}


def fingerprint() -> list[tuple[str, str, str, int]]:
    rows = db.session.execute(sa.select(Case.kind, Case.state, Case.title, Case.event_count))
    return sorted(tuple(row) for row in rows)


def test_demo_covers_the_workflow_verifies_and_loads_once(committed: Flask) -> None:
    runner = committed.test_cli_runner()
    # Sequences are not rolled back with the tests before this one: start the ids
    # from 1 as `demo --reset` will, so both loads number their cases alike.
    clear_all_data()
    db.session.commit()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.stdout and "admin@hgkiemtra.vn" in result.stdout

    definition = registry.for_kind("inspection_violation")
    inspections = Case.kind == "inspection_violation"
    states = set(db.session.scalars(sa.select(Case.state).where(inspections).distinct()))
    assert states == {s.name for s in definition.states}
    events = set(db.session.scalars(
        sa.select(CaseEvent.event).join(Case, Case.id == CaseEvent.case_id).where(inspections)
        .distinct()))
    assert {e.name for e in definition.events} | {"open"} <= events  # send_back included
    closings = set(db.session.scalars(
        sa.select(CaseEvent.event).where(CaseEvent.to_state == "closed")
    ))
    assert {"close_no_violation", "close"} <= closings
    assert count(OutboxMessage) == 0  # back-dated history mails nobody

    roles = set(db.session.scalars(sa.select(RoleAssignment.role).distinct()))
    assert roles == {r.value for r in Role}
    chair = find_user("chu.nhiem@hgkiemtra.vn")
    assert chair is not None and verify_password(chair.password_hash, DEMO_PASSWORD)

    hau_giang, can_tho = find_organisation("HG"), find_organisation("CT")
    assert hau_giang.valid_to is None and can_tho.valid_from == date(2025, 7, 1)
    # Eight districts and cities, and the province commission's own cell.
    assert len(hau_giang.children) == 9 and not can_tho.children
    sizes = totals()
    # The scenarios' cases, those the demo programme opened (up to 5), the showcase's.
    assert 150 <= sizes["Member"] <= 300 and 55 <= sizes["Case"] <= 75
    assert count(Member) > db.session.scalar(
        sa.select(sa.func.count()).where(Member.status == "probationary")
    ) > 0

    first, last = db.session.execute(
        sa.select(sa.func.min(CaseEvent.occurred_at), sa.func.max(CaseEvent.occurred_at))
    ).one()
    assert first < utcnow() - timedelta(days=90) and last < utcnow()
    overdue = db.session.scalar(sa.select(sa.func.count(Deadline.id)).where(
        Deadline.status == "open", Deadline.due_on < local_today()
    ))
    assert overdue and overdue >= 1
    assert list(audit.iter_breaks()) == [] and audit.orphan_events() == []
    contents = fingerprint()
    check_showcase(committed)  # changes nothing it does not roll back
    assert totals() == sizes and fingerprint() == contents

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already loaded" in again.stdout
    assert totals() == sizes

    reset = runner.invoke(args=["demo", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert totals() == sizes and list(audit.iter_breaks()) == []
    assert fingerprint() == contents  # seeded: the same demo again


def test_demo_refuses_a_database_holding_other_data(committed: Flask) -> None:
    f.org("Đảng bộ tỉnh Hậu Giang", "province", code="HG")
    db.session.commit()
    result = committed.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0 and "already holds data" in result.stderr
    assert count(Organisation) == 1 and count(User) == 0


@pytest.mark.parametrize("args", [["demo"], ["demo", "--reset"]])
def test_demo_is_refused_in_production(
    committed: Flask, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    f.org("Đảng bộ tỉnh Hậu Giang", "province", code="HG")
    db.session.commit()
    settings = replace(committed.config["SETTINGS"], ENV="production")
    monkeypatch.setitem(committed.config, "SETTINGS", settings)
    result = committed.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and "production" in result.stderr
    assert count(Organisation) == 1


def test_member_seeds_are_deterministic_and_plausible() -> None:
    cells = [(d, g, label) for d in DISTRICTS for g in d.grassroots for label in g.cells]
    today = date(2026, 11, 28)
    seeds = member_seeds(random.Random(2017), cells, today)
    assert seeds == member_seeds(random.Random(2017), cells, today)
    assert 150 <= len(seeds) <= 300
    assert len({s.full_name for s in seeds}) == len(seeds)
    probationary = [s for s in seeds if s.probationary]
    assert probationary and all(
        not s.positions and today - s.joined_on < timedelta(days=365) for s in probationary
    )
    posts = [p for s in seeds for p in s.positions]
    assert "Bí thư Đảng ủy xã Hỏa Lựu" in posts
    assert any(p.startswith("Phó Chủ tịch UBND") for p in posts)
