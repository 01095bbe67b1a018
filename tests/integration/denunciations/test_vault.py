"""The vault: encryption at rest, keys, pseudonyms, and the reveal flow's rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import CaseEvent
from hgkiemtra.config import Settings
from hgkiemtra.core.db import utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from hgkiemtra.denunciations import reveals, service
from hgkiemtra.denunciations.models import DenouncerIdentity
from hgkiemtra.denunciations.vault import (
    Identity,
    Vault,
    VaultKeyMismatch,
    VaultUnavailable,
    generate_key,
)
from tests import factories as f
from tests.integration.denunciations.conftest import (
    MARKER_NAME,
    identity,
    make_custodian,
    vault_of,
    with_denouncer,
)


def test_the_identity_is_stored_encrypted_apart_from_the_case(app, session, w):
    case = with_denouncer(app, w)
    raw = session.execute(sa.text(
        "SELECT ciphertext, pseudonym FROM denouncer_identities WHERE case_id = :id"),
        {"id": case.id}).one()
    assert MARKER_NAME not in raw.ciphertext and raw.ciphertext.startswith("gAAAA")
    assert vault_of(app).decrypt(raw.ciphertext) == identity()
    assert MARKER_NAME not in f"{case.title}{case.summary}{case.data}{case.search_text}"
    events = session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert [e.event for e in events] == ["open", "denouncer_recorded"]
    assert events[-1].data == {"pseudonym": raw.pseudonym}
    assert MARKER_NAME not in repr(identity()) + repr(session.get(DenouncerIdentity, 1) or "")


def test_pseudonym_is_shown_instead_of_the_name(app, w):
    case = with_denouncer(app, w)
    label = service.pseudonym_of(case)
    assert label is not None and label.startswith("Người tố cáo #") and len(label) == 18
    assert set(label[-4:]) <= set(service.PSEUDONYM_ALPHABET)


def test_a_wrong_key_is_a_clear_error_and_rotation_keeps_old_identities(app, w):
    case = with_denouncer(app, w)
    token = service.identity_row(case.id).ciphertext
    with pytest.raises(VaultKeyMismatch, match="HGKIEMTRA_VAULT_KEY"):
        Vault((generate_key().encode(),)).decrypt(token)
    new_key = generate_key()
    both = Vault((new_key.encode(), *vault_of(app).keys))
    assert both.decrypt(token).full_name == MARKER_NAME
    rotated = both.rotate(token)
    assert Vault((new_key.encode(),)).decrypt(rotated).full_name == MARKER_NAME


def test_without_a_key_identities_are_refused(app, w, tmp_path):
    settings: Settings = app.config["SETTINGS"]
    unkeyed = Vault.from_settings(replace(settings, VAULT_KEY=""))
    case = cases.get_case(Actor.for_user(w.inspector), with_denouncer(app, w).id)
    other = f.case(w, kind="denunciation")
    with pytest.raises(VaultUnavailable, match="HGKIEMTRA_VAULT_KEY"):
        service.record_identity(Actor.for_user(w.inspector), other, identity(), unkeyed)
    with pytest.raises(VaultUnavailable):
        unkeyed.decrypt(service.identity_row(case.id).ciphertext)
    # Development only: a key file is made in the instance folder, and reused.
    dev = replace(settings, VAULT_KEY="", ENV="development", INSTANCE_DIR=str(tmp_path))
    assert Vault.from_settings(dev).keys == Vault.from_settings(dev).keys
    assert (tmp_path / "vault.key").stat().st_mode & 0o077 == 0


def test_record_rules(app, w):
    vault = vault_of(app)
    inspection = f.case(w)
    with pytest.raises(ValidationFailed, match="Chỉ hồ sơ tố cáo"):
        service.record_identity(Actor.for_user(w.inspector), inspection, identity(), vault)
    case = with_denouncer(app, w)
    with pytest.raises(VersionConflict):
        service.record_identity(Actor.for_user(w.inspector), case, identity(), vault)
    with pytest.raises(NotFound):
        service.record_identity(Actor.for_user(w.outsider), case, identity(), vault)
    other = f.case(w, kind="denunciation")
    with pytest.raises(PermissionDenied):
        service.record_identity(Actor.for_user(w.viewer), other, identity(), vault)
    with pytest.raises(ValidationFailed) as blank:
        service.record_identity(Actor.for_user(w.inspector), other, Identity("  "), vault)
    too_long = Identity(MARKER_NAME, phone="9" * 41)
    with pytest.raises(ValidationFailed) as long:
        service.record_identity(Actor.for_user(w.inspector), other, too_long, vault)
    assert MARKER_NAME not in blank.value.message + long.value.message + str(long.value.details)


def test_reveal_needs_an_approval_by_another_custodian(app, session, w):
    case = with_denouncer(app, w)
    make_custodian(w)
    inspector, chair = Actor.for_user(w.inspector), Actor.for_user(w.chair)
    asked = reveals.request_reveal(inspector, case.id, "Cần gặp người tố cáo để làm rõ nội dung")
    with pytest.raises(PermissionDenied, match="chưa được người giữ khóa duyệt"):
        reveals.reveal(inspector, case.id, asked.id, vault_of(app))
    with pytest.raises(PermissionDenied, match="người giữ khóa"):
        reveals.decide(Actor.for_user(w.committee_member), case.id, asked.id, approve=True,
                       reason="Đồng ý")
    own = reveals.request_reveal(chair, case.id, "Người giữ khóa cũng phải được duyệt")
    with pytest.raises(PermissionDenied, match="tự duyệt"):
        reveals.decide(chair, case.id, own.id, approve=True, reason="Tự duyệt")
    with pytest.raises(ValidationFailed, match="lý do"):
        reveals.decide(chair, case.id, asked.id, approve=True, reason="  ")
    reveals.decide(chair, case.id, asked.id, approve=True, reason="Cần thiết, có bảo vệ")
    with pytest.raises(PermissionDenied, match="Chỉ người đã đề nghị"):
        reveals.reveal(chair, case.id, asked.id, vault_of(app))
    shown = reveals.reveal(inspector, case.id, asked.id, vault_of(app))
    assert shown == identity()
    with pytest.raises(ValidationFailed, match="một lần"):
        reveals.reveal(inspector, case.id, asked.id, vault_of(app))
    events = session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                             .order_by(CaseEvent.seq)).all()
    assert [e.event for e in events] == ["open", "denouncer_recorded", "reveal_requested",
                                         "reveal_requested", "reveal_approved",
                                         "denouncer_revealed"]
    assert events[4].note == "Cần thiết, có bảo vệ"
    assert events[4].data == {"request_id": asked.id, "requested_by": w.inspector.id}
    assert all(MARKER_NAME not in f"{e.note}{e.data}{e.actor_label}" for e in events)


def test_a_refusal_or_an_old_approval_reveals_nothing(app, w):
    case = with_denouncer(app, w)
    make_custodian(w)
    inspector, chair = Actor.for_user(w.inspector), Actor.for_user(w.chair)
    refused = reveals.request_reveal(inspector, case.id, "Lý do thứ nhất")
    reveals.decide(chair, case.id, refused.id, approve=False, reason="Chưa cần thiết")
    with pytest.raises(PermissionDenied):
        reveals.reveal(inspector, case.id, refused.id, vault_of(app))
    with pytest.raises(ValidationFailed, match="đã được xử lý"):
        reveals.decide(chair, case.id, refused.id, approve=True, reason="Đổi ý")
    later = reveals.request_reveal(inspector, case.id, "Lý do thứ hai")
    with pytest.raises(ValidationFailed, match="đang chờ"):
        reveals.request_reveal(inspector, case.id, "Lý do thứ ba")
    reveals.decide(chair, case.id, later.id, approve=True, reason="Đồng ý")
    too_late = utcnow() + reveals.REVEAL_WINDOW + timedelta(minutes=1)
    assert reveals.shown_status(later, too_late) == "expired"
    with pytest.raises(ValidationFailed, match="hết hiệu lực"):
        reveals.reveal(inspector, case.id, later.id, vault_of(app), now=too_late)


def test_out_of_scope_users_see_nothing(app, w):
    case = with_denouncer(app, w)
    make_custodian(w)
    outsider = Actor.for_user(w.outsider)
    asked = reveals.request_reveal(Actor.for_user(w.inspector), case.id, "Cần gặp")
    with pytest.raises(NotFound):
        reveals.request_reveal(outsider, case.id, "Tò mò")
    with pytest.raises(NotFound):
        reveals.decide(outsider, case.id, asked.id, approve=True, reason="x")
    with pytest.raises(NotFound):
        reveals.reveal(outsider, case.id, asked.id, vault_of(app))
    with pytest.raises(PermissionDenied):
        reveals.request_reveal(Actor.for_user(w.viewer), case.id, "Xem thử")
    assert reveals.pending_for(Actor.for_user(w.chair)) == [asked]
    assert reveals.pending_for(outsider) == []


def test_the_accused_side_may_neither_ask_nor_approve(app, w):
    case = with_denouncer(app, w)
    make_custodian(w)
    w.inspector.member_id = f.member(w.cell, "Đồng nghiệp cùng chi bộ").id
    with pytest.raises(PermissionDenied, match="tổ chức của người bị tố cáo"):
        reveals.request_reveal(Actor.for_user(w.inspector), case.id, "Muốn biết ai tố cáo")
