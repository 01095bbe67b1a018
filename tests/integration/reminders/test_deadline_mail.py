"""Reminder mails: both languages, plain and HTML, and nothing confidential."""

from __future__ import annotations

import pytest

from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from tests import factories as f

from .clock import clean, decided_case, local, tick


@pytest.fixture()
def w(session):
    clean()
    return f.world()


def test_english_mails_for_each_kind(w):
    for user in (w.inspector, w.chair):
        user.locale = "en"
    c = decided_case(w, local(2026, 2, 5, 9))
    ref = c.reference
    (before,) = [m for m in tick(local(2026, 2, 10, 8)) if m.to_addr == w.inspector.email]
    assert before.subject == (f"[{ref}] Reminder: Triển khai quyết định kiểm tra — due "
                              "26/02/2026 (7 working days left)")
    assert "You receive this as: team leader" in before.body_text
    assert f'href="https://hgkiemtra.example.vn/cases/{c.id}"' in before.body_html
    assert '<html lang="en">' in before.body_html
    (today,) = [m for m in tick(local(2026, 2, 26, 8)) if m.to_addr == w.inspector.email]
    assert today.subject.endswith("— due 26/02/2026 (due today)")
    late = {m.to_addr: m for m in tick(local(2026, 2, 27, 8))}
    assert late[w.inspector.email].subject.endswith("(1 day overdue)")
    escalation = late[w.chair.email]
    assert escalation.subject.startswith(f"[{ref}] Escalation: Triển khai quyết định kiểm tra")
    assert f"{w.inspector.full_name} (team leader)" in escalation.body_text
    assert f"<li>{w.committee_member.full_name} (directing member)</li>" in escalation.body_html
    vietnamese = late[w.committee_member.email]
    assert vietnamese.subject.startswith(f"[{ref}] Quá hạn:")
    assert "Ủy viên chỉ đạo" in vietnamese.body_text and '<html lang="vi">' in vietnamese.body_html


def test_confidential_kinds_leave_the_title_out(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    case = db.session.get(Case, c.id)
    case.kind = "denunciation"  # its title may name the denouncer or the accused
    case.title = f"Tố cáo đồng chí {w.subject.full_name}"
    case.summary = "Nội dung tố cáo mật"
    db.session.commit()
    mails = tick(local(2026, 2, 10, 8))
    assert len(mails) == 2
    for mail in mails:
        for secret in (w.subject.full_name, "Tố cáo", "Nội dung tố cáo mật"):
            assert secret not in mail.subject + mail.body_text + mail.body_html
        assert case.reference in mail.subject
