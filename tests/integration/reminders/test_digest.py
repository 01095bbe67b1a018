"""Digest users get one mail a day at 07:30 listing their items; the others one per item."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders.policy import set_reminder_mode
from tests import factories as f

from .clock import clean, decided_case, local, tick


@pytest.fixture()
def w(session):
    clean()
    world = f.world()
    set_reminder_mode(world.inspector.id, "digest")
    return world


def test_one_digest_per_user_per_day(w):
    first = decided_case(w, local(2026, 2, 5, 9))
    second = decided_case(w, local(2026, 2, 5, 10))  # same deadline day: 26/2

    assert tick(local(2026, 2, 10, 7, 29)) == []
    morning = tick(local(2026, 2, 10, 7, 30))
    assert [m.to_addr for m in morning] == [w.inspector.email]
    digest = morning[0]
    assert digest.subject == (f"Tổng hợp nhắc hạn ngày 10/02/2026: 2 việc "
                              f"({first.reference}, {second.reference})")
    for case in (first, second):
        assert f"[{case.reference}] Triển khai quyết định kiểm tra — hạn 26/02/2026: " \
               "còn 7 ngày làm việc" in digest.body_text
        assert f"/cases/{case.id}" in digest.body_html
    assert digest.outbox_key == f"digest:{w.inspector.id}:2026-02-10"

    at_eight = tick(local(2026, 2, 10, 8, 0))  # the immediate user: one mail per item
    assert sorted(m.to_addr for m in at_eight) == [w.committee_member.email] * 2
    assert tick(local(2026, 2, 10, 9, 0)) == []
    assert tick(local(2026, 2, 11, 7, 30)) == []  # nothing due that day

    # The overdue day: one digest with both cases, the chair (immediate) two escalations.
    overdue = tick(local(2026, 2, 27, 7, 30))
    digests = [m for m in overdue if m.to_addr == w.inspector.email]
    assert len(digests) == 1 and "2 quá hạn" in digests[0].subject
    keys = db.session.scalars(sa.select(OutboxMessage.key).where(
        OutboxMessage.kind == "daily_digest")).all()
    assert len(keys) == len(set(keys))


def test_a_digest_after_downtime_lists_each_deadline_once(w):
    decided_case(w, local(2026, 2, 5, 9))
    mails = tick(local(2026, 2, 27, 12, 0))  # nothing ran since 5/2
    digest = next(m for m in mails if m.to_addr == w.inspector.email)
    assert "1 việc, 1 quá hạn" in digest.subject
    assert digest.body_text.count("Triển khai quyết định kiểm tra") == 1


def test_english_digest(w):
    w.inspector.locale = "en"
    decided_case(w, local(2026, 2, 5, 9))
    (digest,) = [m for m in tick(local(2026, 2, 10, 7, 45)) if m.to_addr == w.inspector.email]
    assert digest.subject.startswith("Deadline digest for 10/02/2026: 1 item (KT.2026.")
    assert "7 working days left" in digest.body_text
