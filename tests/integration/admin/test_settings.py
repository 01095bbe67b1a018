"""Calendar overrides, reminder policy, the outbox and the mail sink (site admins)."""

from __future__ import annotations

from datetime import date

from hgkiemtra.core.outbox import OutboxMessage, add_message
from hgkiemtra.deadlines.models import CalendarOverride
from hgkiemtra.reminders.models import ReminderPolicy, SinkMail
from tests.integration.ui.conftest import text


def test_declaring_and_removing_days(ui, w, session):
    ui.sign_in(w.admin)
    page = "/admin/calendar?year=2026"
    response = ui.post("/admin/calendar", {"day": "2026-09-10", "kind": "off",
                                           "reason": "Thông báo 99/TB thử nghiệm"}, form_page=page)
    assert response.status_code == 302
    ui.post("/admin/calendar", {"day": "2026-09-12", "kind": "working",
                                "reason": "Làm bù cho ngày 10/9"}, form_page=page)
    listing = text(ui.get(page))
    assert "10/09/2026" in listing and "Thông báo 99/TB thử nghiệm" in listing
    assert "12/09/2026" in listing
    rows = {r.day: r.is_working_day for r in session.query(CalendarOverride)}
    assert rows == {date(2026, 9, 10): False, date(2026, 9, 12): True}
    # National Day is a day off already; a second declaration of one day is refused.
    for day in ("2026-09-02", "2026-09-10"):
        refused = ui.post("/admin/calendar", {"day": day, "kind": "off", "reason": "x"},
                          form_page=page)
        assert refused.status_code == 422
    assert ui.post("/admin/calendar/2026-09-10/remove", form_page=page).status_code == 302
    session.expire_all()
    assert {r.day for r in session.query(CalendarOverride)} == {date(2026, 9, 12)}
    assert ui.post("/admin/calendar/2026-09-10/remove", form_page=page).status_code == 302
    assert "không có khai báo" in text(ui.get(page))


def test_changing_the_reminder_policy(ui, w, session):
    ui.sign_in(w.admin)
    page = text(ui.get("/admin/reminders"))
    for role in ("leader", "member", "directing", "chair"):
        assert f'id="policy-{role}"' in page
    response = ui.post("/admin/reminders/leader", {
        "leader-offsets_before": "5, 2", "leader-on_the_day": "y",
        "leader-escalate_after_days": "2", "leader-overdue_every_days": "7"},
        form_page="/admin/reminders")
    assert response.status_code == 302
    row = session.get(ReminderPolicy, "leader")
    assert (row.offsets_before, row.on_the_day, row.escalate_after_days,
            row.overdue_every_days) == ([5, 2], True, 2, 7)
    assert row.updated_by_id == w.admin.id
    bad = ui.post("/admin/reminders/leader", {
        "leader-offsets_before": "0, 99", "leader-escalate_after_days": "1",
        "leader-overdue_every_days": "3"}, form_page="/admin/reminders")
    assert bad.status_code == 422 and "từ 1 đến 60" in text(bad)
    assert ui.post("/admin/reminders/nobody", form_page="/admin/reminders").status_code == 404


def test_the_outbox_shows_errors_and_resends(ui, w, session):
    failed = add_message("test:failed:1", "case_transition", {}, recipient_id=w.chair.id)
    failed.status, failed.attempts = "failed", 8
    failed.last_error = "SMTPRecipientsRefused: 550 5.1.1 <chair@example.vn>: User unknown"
    add_message("test:pending:1", "case_transition", {}, recipient_id=w.chair.id)
    session.commit()
    ui.sign_in(w.admin)
    page = text(ui.get("/admin/outbox?status=failed"))
    assert "550 5.1.1" in page and f"/admin/outbox/{failed.id}/resend" in page
    assert "test:pending" not in page
    response = ui.post(f"/admin/outbox/{failed.id}/resend", form_page="/admin/outbox")
    assert response.status_code == 302
    session.expire_all()
    row = session.get(OutboxMessage, failed.id)
    assert (row.status, row.attempts) == ("pending", 0)
    # Only a failed row may be resent.
    ui.post(f"/admin/outbox/{failed.id}/resend", form_page="/admin/outbox")
    assert "thất bại" in text(ui.get("/admin/outbox"))
    assert "/admin/outbox" in text(ui.get("/admin/"))


def test_reading_the_mail_sink(ui, w, session):
    mail = SinkMail(outbox_key="k1", to_addr="can.bo@example.vn",
                    subject="[KT.2026.00001] Nhắc hạn",
                    body_text="Kính gửi đồng chí,\nHạn nộp báo cáo là 31/12/2026.",
                    body_html="<p style=\"color:red\">Kính gửi</p><script>alert(1)</script>")
    session.add(mail)
    session.add(SinkMail(outbox_key="k2", to_addr="khac@example.vn", subject="Thư khác",
                         body_text="x", body_html=""))
    session.commit()
    ui.sign_in(w.admin)
    listing = text(ui.get("/admin/mail"))
    assert "[KT.2026.00001] Nhắc hạn" in listing and "Thư khác" in listing
    only = text(ui.get("/admin/mail?to=can.bo@example.vn"))
    assert "Thư khác" not in only
    page = text(ui.get(f"/admin/mail/{mail.id}"))
    assert "Hạn nộp báo cáo là 31/12/2026." in page and "<script>alert" not in page
    html = ui.get(f"/admin/mail/{mail.id}/html")
    csp = html.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp and "script-src" not in csp
    assert ui.get("/admin/mail/999999").status_code == 404
