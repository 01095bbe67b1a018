"""Delivering outbox rows to the mail sink and by real SMTP, with failures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import ValidationFailed
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders import service
from hgkiemtra.reminders.mail import Mailer, SmtpTransport
from hgkiemtra.reminders.models import SinkMail
from hgkiemtra.reminders.service import Outcome

from .conftest import free_port


def _row(message_id: int) -> OutboxMessage:
    row = db.session.get(OutboxMessage, message_id, populate_existing=True)
    assert row is not None
    return row


def _sink() -> list[SinkMail]:
    return list(db.session.scalars(db.select(SinkMail).order_by(SinkMail.id)))


def test_deliver_to_the_mail_sink(rows, sink_mailer):
    outcomes = [service.deliver(i, sink_mailer) for i in rows.message_ids]

    assert outcomes == [Outcome.SENT, Outcome.SENT]
    kept = _sink()
    assert sorted(m.to_addr for m in kept) == sorted(
        [rows.world.inspector.email, rows.world.committee_member.email]
    )
    first = _row(rows.message_ids[0])
    assert (first.status, first.attempts, first.last_error) == ("sent", 1, "")
    assert first.sent_at is not None and first.claimed_at is not None
    assert {m.outbox_key for m in kept} == {_row(i).key for i in rows.message_ids}
    url = f"https://hgkiemtra.example.vn/cases/{rows.case_id}"
    assert all(url in m.body_text and f'href="{url}"' in m.body_html for m in kept)


def test_deliver_by_smtp(rows, smtp_mailer, inbox):
    for message_id in rows.message_ids:
        assert service.deliver(message_id, smtp_mailer) is Outcome.SENT

    assert inbox.count() == 2
    by_to = {str(m["To"]): m for m in inbox.messages}
    mail = by_to[rows.world.inspector.email]
    assert mail["From"] == "ubkt@example.vn"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert "Đã có quyết định và kế hoạch kiểm tra" in str(mail["Subject"])
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert f"/cases/{rows.case_id}" in text and f"/cases/{rows.case_id}" in html
    assert _sink() == []  # SMTP configured: nothing goes to the sink
    assert {_row(i).status for i in rows.message_ids} == {"sent"}


def test_the_message_id_is_stable_per_outbox_row(rows, smtp_mailer, inbox):
    from hgkiemtra.reminders.mail import render, to_email

    service.deliver(rows.message_ids[0], smtp_mailer)
    again = to_email(render(_row(rows.message_ids[0]), "https://x"), "ubkt@example.vn")
    assert inbox.messages[0]["Message-ID"] == again["Message-ID"]


def test_a_sent_row_is_never_sent_again(rows, smtp_mailer, inbox):
    message_id = rows.message_ids[0]
    assert service.deliver(message_id, smtp_mailer) is Outcome.SENT
    assert service.deliver(message_id, smtp_mailer) is Outcome.SKIPPED
    assert service.relay(smtp_mailer)["sent"] == 1  # only the other row

    assert inbox.count() == 2
    assert sorted(str(m["To"]) for m in inbox.messages) == sorted(
        [rows.world.inspector.email, rows.world.committee_member.email]
    )
    assert _row(message_id).attempts == 1


def test_the_sink_keeps_a_row_once(rows, sink_mailer):
    message_id = rows.message_ids[0]
    service.deliver(message_id, sink_mailer)
    service.deliver(message_id, sink_mailer)
    assert len(_sink()) == 1


def test_refusals_are_retried_with_backoff_then_failed_then_resent(rows, smtp_mailer, inbox):
    message_id = rows.message_ids[0]
    inbox.refuse_with = "451 4.3.0 Mailbox temporarily unavailable"

    before = utcnow()
    assert service.deliver(message_id, smtp_mailer) is Outcome.RETRY
    row = _row(message_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "451" in row.last_error and "SMTPRecipientsRefused" in row.last_error
    assert row.next_attempt_at is not None
    assert row.next_attempt_at >= before + service.backoff(1)
    # Not due yet: an immediate second try does nothing.
    assert service.deliver(message_id, smtp_mailer) is Outcome.SKIPPED

    outcome = Outcome.RETRY
    while outcome is Outcome.RETRY:
        outcome = service.deliver(message_id, smtp_mailer, now=_row(message_id).next_attempt_at)
    row = _row(message_id)
    assert (outcome, row.status, row.attempts) == (Outcome.FAILED, "failed", service.MAX_ATTEMPTS)
    assert service.deliver(message_id, smtp_mailer, now=utcnow() + timedelta(days=1)) \
        is Outcome.SKIPPED
    assert inbox.count() == 0

    service.resend(message_id)
    row = _row(message_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, None)
    inbox.refuse_with = None
    assert service.deliver(message_id, smtp_mailer) is Outcome.SENT
    assert inbox.count() == 1
    assert (_row(message_id).status, _row(message_id).last_error) == ("sent", "")


def test_a_permanent_refusal_fails_at_once(rows, smtp_mailer, inbox):
    inbox.refuse_with = "550 5.1.1 No such user"
    assert service.deliver(rows.message_ids[0], smtp_mailer) is Outcome.FAILED
    row = _row(rows.message_ids[0])
    assert (row.status, row.attempts) == ("failed", 1)
    assert "550" in row.last_error


def test_an_unreachable_server_is_a_transient_failure(rows):
    mailer = Mailer(SmtpTransport(host="127.0.0.1", port=free_port(), timeout=2), "https://x")
    assert service.deliver(rows.message_ids[0], mailer) is Outcome.RETRY
    assert "ConnectionRefusedError" in _row(rows.message_ids[0]).last_error


def test_an_inactive_recipient_fails_without_retrying(rows, sink_mailer):
    rows.world.inspector.is_active = False
    db.session.flush()
    outcomes = {service.deliver(i, sink_mailer) for i in rows.message_ids}
    assert outcomes == {Outcome.SENT, Outcome.FAILED}
    failed = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.status == "failed")
    ).one()
    assert failed.recipient_id == rows.world.inspector.id
    assert "inactive" in failed.last_error


def test_only_failed_rows_can_be_resent(rows, sink_mailer):
    service.deliver(rows.message_ids[0], sink_mailer)
    with pytest.raises(ValidationFailed):
        service.resend(rows.message_ids[0])
    with pytest.raises(ValidationFailed):
        service.resend(rows.message_ids[1])  # still pending
