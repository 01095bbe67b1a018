"""What a notification mail says, in which language, and what it never says."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders.mail import Mail, Undeliverable, render, to_bytes, to_email

BASE = "https://hgkiemtra.example.vn"


def _mail_for(rows, user) -> Mail:
    message = db.session.scalars(
        db.select(OutboxMessage).where(
            OutboxMessage.case_id == rows.case_id, OutboxMessage.recipient_id == user.id
        )
    ).one()
    return render(message, BASE)


def _all_parts(mail: Mail) -> str:
    return "\n".join([mail.subject, mail.body_text, mail.body_html])


def test_vietnamese_by_default(rows):
    case = db.session.get(Case, rows.case_id)
    mail = _mail_for(rows, rows.world.inspector)
    assert mail.subject == (
        f"[{case.reference}] {case.title}: Đã có quyết định và kế hoạch kiểm tra"
    )
    assert mail.body_text.startswith(f"Kính gửi đồng chí {rows.world.inspector.full_name},")
    assert "Thao tác: Ban hành quyết định và kế hoạch kiểm tra" in mail.body_text
    assert "Bước trước: Đề xuất kiểm tra" in mail.body_text
    assert f"Xem hồ sơ: {BASE}/cases/{case.id}" in mail.body_text
    assert '<html lang="vi">' in mail.body_html
    assert mail.to_addr == rows.world.inspector.email


def test_english_for_a_user_who_chose_english(rows):
    rows.world.committee_member.locale = "en"
    db.session.flush()
    mail = _mail_for(rows, rows.world.committee_member)
    assert "(decided)" in mail.subject and 'now "' in mail.subject
    assert mail.body_text.startswith("Dear ")
    assert "Previous step: Đề xuất kiểm tra (proposed)" in mail.body_text
    assert '<html lang="en">' in mail.body_html
    assert "Open case" in mail.body_html


def test_an_unknown_locale_falls_back_to_vietnamese(rows):
    rows.world.inspector.locale = "fr"
    db.session.flush()
    assert _mail_for(rows, rows.world.inspector).body_text.startswith("Kính gửi")


def test_confidential_content_never_appears(rows):
    case = db.session.get(Case, rows.case_id)
    case.summary = "NỘI DUNG TÓM TẮT MẬT"
    case.data = {**case.data, "secret_finding": "KẾT LUẬN MẬT"}
    db.session.flush()
    text = _all_parts(_mail_for(rows, rows.world.inspector))
    for secret in ("NỘI DUNG TÓM TẮT MẬT", "KẾT LUẬN MẬT", case.subject_name,
                   case.data["decision_number"]):
        assert secret not in text


def test_a_denunciation_mail_withholds_even_the_title(rows):
    case = db.session.get(Case, rows.case_id)
    case.kind = "denunciation"  # rendering only: the title may name people
    case.title = "Tố cáo đồng chí Nguyễn Văn Bị Tố"
    db.session.flush()
    mail = _mail_for(rows, rows.world.inspector)
    assert "Bị Tố" not in _all_parts(mail)
    assert mail.subject.startswith(f"[{case.reference}]")


def test_the_html_part_escapes_what_users_typed(rows):
    case = db.session.get(Case, rows.case_id)
    case.title = 'Kiểm tra <script>alert("x")</script> & co'
    db.session.flush()
    mail = _mail_for(rows, rows.world.inspector)
    assert "<script>" not in mail.body_html
    assert "&lt;script&gt;" in mail.body_html and "&amp; co" in mail.body_html
    assert '<script>alert("x")</script> & co' in mail.body_text  # plain text stays plain


def test_a_kind_without_templates_is_undeliverable(rows):
    message = db.session.get(OutboxMessage, rows.message_ids[0])
    message.kind = "no_such_kind"
    with pytest.raises(Undeliverable):
        render(message, BASE)


def test_the_bytes_sent_are_the_email_message_written_faster(rows):
    mail = _mail_for(rows, rows.world.inspector)
    long_subject = Mail(mail.to_addr, "Nhắc hạn: " + "báo cáo kết quả kiểm tra " * 5,
                        mail.body_text, mail.body_html, mail.outbox_key)
    for one in (mail, long_subject):
        raw = to_bytes(one, "ubkt@example.vn")
        assert re.search(rb"(?<!\r)\n", raw) is None  # CRLF only, also in folded headers
        sent = email.message_from_bytes(raw, policy=email.policy.default)
        built = to_email(one, "ubkt@example.vn")
        for header in ("From", "To", "Subject", "Message-ID", "Auto-Submitted"):
            assert str(sent[header]) == str(built[header])
        for subtype in ("plain", "html"):
            assert sent.get_body((subtype,)).get_content() == \
                built.get_body((subtype,)).get_content()


def test_a_line_break_in_an_address_is_never_sent(rows):
    mail = _mail_for(rows, rows.world.inspector)
    with pytest.raises(Undeliverable):
        to_bytes(mail, "ubkt@example.vn\r\nBcc: x@example.vn")
