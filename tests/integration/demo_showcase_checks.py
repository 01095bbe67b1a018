"""What the demo's showcase (``hgkiemtra.demo_showcase``) must contain, checked on a
loaded demo by tests/integration/test_demo.py: counts by kind and state, the
links, the vote awaiting the committee, follow-up actions, the vault, team
declarations and the conflict check, and the issued reports."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from flask import Flask

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases import votes
from hgkiemtra.cases.models import Case, CaseEvent, CaseLink, TeamDeclaration
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import PermissionDenied, ValidationFailed
from hgkiemtra.demo_showcase.denunciations import DENOUNCERS
from hgkiemtra.demo_showcase.findings import RECOVER_VND
from hgkiemtra.denunciations import reveals
from hgkiemtra.denunciations.models import DenouncerIdentity, RevealRequest, VaultCustodian
from hgkiemtra.denunciations.vault import Vault
from hgkiemtra.followup.models import FollowUpAction
from hgkiemtra.people.models import Member, User
from hgkiemtra.people.service import find_organisation, find_user
from hgkiemtra.reports.models import IssuedReport
from hgkiemtra.reports.periods import current_quarter
from tests.integration.ui.conftest import Ui, UiClient

# (kind, state): at least this many cases.
EXPECTED = {
    ("discipline", "concluded"): 2, ("discipline", "in_effect"): 1,
    ("discipline", "under_complaint"): 1, ("discipline", "deferred"): 1,
    ("discipline_complaint", "reviewing"): 1, ("denunciation", "resolving"): 1,
    ("denunciation", "result_sent"): 1, ("financial_inspection", "follow_up"): 1,
    ("supervision", "spawned_inspection"): 1,
}
LINKS = {"complaint_about": 1, "member_case": 1, "recheck_of": 1, "spawned_inspection": 2}


def user(local: str) -> User:
    found = find_user(f"{local}@hgkiemtra.vn")
    assert found is not None
    return found


def check_showcase(app: Flask) -> None:
    found = Counter(tuple(row) for row in db.session.execute(sa.select(Case.kind, Case.state)))
    assert all(found[key] >= n for key, n in EXPECTED.items()), found
    links = Counter(db.session.scalars(sa.select(CaseLink.kind)))
    assert links == LINKS
    _check_votes(app)
    _check_followup()
    _check_vault(app)
    _check_teams()
    _check_reports()


def _check_votes(app: Flask) -> None:
    member = Actor.for_user(user("uy.vien"))
    waiting = votes.cases_awaiting_vote(member)
    assert waiting and all(c.kind == "discipline" and c.state == "concluded" for c in waiting)
    assert votes.cases_awaiting_vote(Actor.for_user(user("uy.vien.vithanh")))
    decided = db.session.scalars(sa.select(Case).where(Case.state == "in_effect")).one()
    vote = db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == decided.id, CaseEvent.event == "vote")).one()
    summary = votes.summarise(vote.data)
    assert summary is not None and summary.adopted == decided.data["form"] == "warning"
    ui = _ui(app, "uy.vien")
    page = ui.get(f"/cases/{waiting[0].id}/vote")
    assert page.status_code == 200 and "f_votes_warning" in page.get_data(as_text=True)


def _check_followup() -> None:
    today = cases.local_today()
    actions = {a.kind: a for a in db.session.scalars(sa.select(FollowUpAction))}
    assert set(actions) == {"self_criticism", "remedy", "recovery"}
    assert actions["self_criticism"].status == "done"
    assert actions["remedy"].is_overdue(today)
    recovery = actions["recovery"]
    assert recovery.status == "open" and not recovery.is_overdue(today)
    assert recovery.amount_vnd == RECOVER_VND
    case = db.session.get(Case, recovery.case_id)
    assert case is not None and case.data["amount_to_recover"] == RECOVER_VND


def _check_vault(app: Flask) -> None:
    """The names are only in the vault's ciphertext; reading one takes the custodian."""
    assert db.session.scalar(sa.select(sa.func.count(DenouncerIdentity.id))) == 2
    custodian = db.session.scalars(sa.select(VaultCustodian)).one()
    assert custodian.user.email == "chu.nhiem@hgkiemtra.vn"
    trail = [f"{note} {data}" for note, data in db.session.execute(
        sa.select(CaseEvent.note, CaseEvent.data)).all()]
    for denouncer in DENOUNCERS:
        name = denouncer.full_name
        assert not db.session.scalar(sa.select(sa.func.count(DenouncerIdentity.id)).where(
            DenouncerIdentity.ciphertext.contains(name)))
        assert not db.session.scalar(sa.select(sa.func.count(Case.id)).where(sa.or_(
            Case.title.contains(name), Case.summary.contains(name))))
        assert not any(name in line for line in trail)
    pending = db.session.scalars(
        sa.select(RevealRequest).where(RevealRequest.status == "pending")).one()
    inspector, chair = Actor.for_user(user("can.bo")), Actor.for_user(user("chu.nhiem"))
    assert [r.id for r in reveals.pending_for(chair)] == [pending.id]
    vault = Vault.from_settings(app.config["SETTINGS"])
    with pytest.raises(PermissionDenied):
        reveals.reveal(inspector, pending.case_id, pending.id, vault)
    reveals.decide(chair, pending.case_id, pending.id, approve=True, reason="Đồng ý")
    shown = reveals.reveal(inspector, pending.case_id, pending.id, vault)
    assert shown.full_name == DENOUNCERS[0].full_name
    db.session.rollback()


def _check_teams() -> None:
    """Declarations exist, one declares a conflict, and linked users meet the check."""
    declared = db.session.scalars(sa.select(TeamDeclaration)).all()
    assert len(declared) >= 4 and [d.has_conflict for d in declared].count(True) == 1
    linked = db.session.scalars(sa.select(User).where(User.member_id.is_not(None))).all()
    assert {u.email.split("@")[0] for u in linked} >= {"chu.nhiem", "uy.vien", "can.bo"}
    cell = find_organisation("HG.UBKT")
    colleague = db.session.scalars(sa.select(Member).where(
        Member.org_id == cell.id, Member.id.not_in([u.member_id for u in linked]))).first()
    assert colleague is not None
    with pytest.raises(ValidationFailed) as refused:
        cases.open_case(Actor.for_user(user("chu.nhiem")), kind="asset_declaration",
                        title="Kiểm tra kê khai tài sản", org_id=find_organisation("HG").id,
                        subject_type="member", subject_id=colleague.id,
                        team=[cases.TeamSeat(user("uy.vien").id, "leader")])
    assert refused.value.details["rule"] == "conflict_of_interest"
    db.session.rollback()


def _check_reports() -> None:
    last = current_quarter(cases.local_today()).previous()
    issued = {(r.organisation.code, r.period_start) for r in
              db.session.scalars(sa.select(IssuedReport))}
    assert ("HG.VT", last.start) in issued and ("HG", last.previous().start) in issued


def _ui(app: Flask, local: str) -> Ui:
    previous = app.test_client_class
    app.test_client_class = UiClient
    try:
        ui = Ui(app.test_client())
    finally:
        app.test_client_class = previous
    ui.sign_in(user(local))
    return ui
