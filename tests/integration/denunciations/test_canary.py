"""The confidentiality canary: a denouncer with a unique marker name goes in through
the API and the UI; the marker must then appear in no log record (every logger at
DEBUG, SQL included), no mail, no outbox row (what Celery tasks are given: ids of
these rows), no export, no API response, no page, no error page and no database
row — except in the one custodian-approved reveal, the only place it is decrypted.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from hgkiemtra.core.db import db, utcnow
from hgkiemtra.reminders import scheduler
from hgkiemtra.reminders import service as relay_service
from hgkiemtra.reminders.mail import Mailer, SinkTransport
from hgkiemtra.reminders.models import SinkMail
from tests.integration.denunciations.conftest import make_custodian
from tests.integration.ui.conftest import text

MARKER = f"Canary{uuid.uuid4().hex[:12]}"
FORMATTER = logging.Formatter()


@pytest.fixture()
def debug_logs() -> Iterator[list[logging.LogRecord]]:
    """Every record of every logger at DEBUG (requested before the database session,
    so SQLAlchemy's engine logs statements, parameters and rows too)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    loggers = [logging.getLogger()] + [
        lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    loggers.append(logging.getLogger("sqlalchemy.engine"))
    levels = {lg: lg.level for lg in loggers}
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        if lg is logging.getLogger() or not lg.propagate:
            lg.addHandler(handler)
    try:
        yield records
    finally:
        for lg, level in levels.items():
            lg.setLevel(level)
            lg.removeHandler(handler)


def log_text(records: list[logging.LogRecord]) -> str:
    parts = []
    for record in records:
        try:
            parts.append(record.getMessage())
        except Exception:  # noqa: BLE001 - a bad format string still shows its parts
            parts.append(f"{record.msg!r} {record.args!r}")
        if record.exc_info:
            parts.append(FORMATTER.formatException(record.exc_info))
    return "\n".join(parts)


def database_text() -> str:
    """Every row of every table, as text."""
    dump = []
    for table in db.metadata.sorted_tables:
        dump.extend(repr(tuple(row)) for row in db.session.execute(sa.select(table)))
    return "\n".join(dump)


def denouncer(suffix: str = "") -> dict[str, str]:
    return {"full_name": f"Nguyễn {MARKER}{suffix}", "address": f"Số 7 hẻm {MARKER}",
            "email": f"{MARKER.lower()}@example.vn", "notes": f"Ghi chú {MARKER}"}


def test_the_denouncer_marker_leaks_nowhere(debug_logs, app, api, ui, other_ui, w, session):
    seen: list[tuple[str, str]] = []  # (where, body) of everything answered

    def keep(where: str, response: Any) -> Any:
        seen.append((where, response.get_data(as_text=True)))
        return response

    # Intake through the API, with a team to notify.
    opened = keep("POST /cases", api.post("/cases", w.inspector, {
        "kind": "denunciation", "title": "Tố cáo vi phạm quản lý đất đai", "org_id": w.district.id,
        "subject": {"type": "member", "id": w.subject.id},
        "team": [{"user_id": w.inspector.id, "role": "leader"},
                 {"user_id": w.committee_member.id, "role": "directing"}],
        "denouncer": denouncer()}))
    assert opened.status_code == 201
    case_id = opened.json["id"]

    # Intake through the UI, once failing (the form is shown again) and once for real.
    ui.sign_in(w.inspector)
    query = {"kind": "denunciation", "org_id": w.district.id, "subject_type": "member",
             "subject_q": "ngoc"}
    form = {**query, "subject_id": w.subject.id, "leader_id": w.inspector.id,
            **{f"denouncer-{k}": v for k, v in denouncer("ui").items()}}
    form_page = "/cases/new?" + urlencode(query)
    failed = keep("UI failed form", ui.post("/cases/new", {**form, "title": ""},
                                            form_page=form_page))
    assert failed.status_code == 422
    made = ui.post("/cases/new", {**form, "title": "Tố cáo qua biểu mẫu"}, form_page=form_page)
    assert made.status_code == 302
    ui_case = made.headers["Location"]

    # Deliberately bad requests carrying the marker.
    keep("API wrong kind", api.post("/cases", w.inspector, {
        "kind": "supervision", "title": "x", "org_id": w.district.id,
        "subject": {"type": "member", "id": w.subject.id}, "denouncer": denouncer()}))
    keep("API bad field", api.post(f"/cases/{case_id}/denouncer", w.inspector,
                                   {**denouncer(), "phone": MARKER * 5, "nickname": MARKER}))
    keep("API twice", api.post(f"/cases/{case_id}/denouncer", w.inspector, denouncer()))
    keep("API broken JSON", api.client.post(
        f"/api/v1/cases/{case_id}/denouncer", data='{"full_name": "' + MARKER,
        headers={**api.headers(w.inspector), "Content-Type": "application/json"}))
    keep("UI no CSRF", ui.client.post("/cases/new", data=form))

    # The case moves: the team is notified; reminders and mail are ticked and relayed.
    keep("fire", api.fire(case_id, w.chair, "screen", opened.json["version"], data={
        "received_on": utcnow().date().isoformat(), "managed_by_level": "district"}))
    mailer = Mailer(transport=SinkTransport(), base_url="https://hgkiemtra.example.vn")
    for when in (utcnow(), utcnow() + timedelta(days=200)):
        scheduler.run(when)
        relay_service.relay(mailer, now=when)
        session.commit()
    assert session.query(SinkMail).count() >= 2

    # Everything anyone can read about the case.
    other_ui.sign_in(w.admin)
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/history", f"/cases/{case_id}/denouncer",
                 "/cases", "/cases?kind=denunciation&per_page=200"):
        keep(f"API {path}", api.get(path, w.inspector))
    for path in (f"/cases/{case_id}", ui_case, f"/cases/{case_id}/denouncer", "/", "/cases",
                 "/cases/export.csv", "/cases/export.csv?kind=denunciation", "/vault/requests",
                 f"/cases/{case_id}/denouncer/requests/1/reveal", "/cases/999999/denouncer"):
        keep(f"UI {path}", ui.get(path))
    for path in ("/admin/outbox", "/admin/mail"):
        keep(f"admin {path}", other_ui.get(path))
    for mail in session.query(SinkMail).all():
        keep("admin mail", other_ui.get(f"/admin/mail/{mail.id}"))

    # The one allowed decryption: a custodian-approved reveal.
    make_custodian(w)
    session.commit()
    base = f"/cases/{case_id}/denouncer/reveal-requests"
    asked = keep("request", api.post(base, w.inspector, {"reason": "Gặp để làm rõ"}))
    keep("approve", api.post(f"{base}/{asked.json['id']}/approve", w.chair,
                             {"reason": "Cần thiết"}))
    revealed = api.post(f"{base}/{asked.json['id']}/reveal", w.inspector,
                                  {"keep_secret": True})
    assert revealed.status_code == 200 and MARKER in revealed.get_data(as_text=True)
    keep("history after reveal", api.get(f"/cases/{case_id}/history", w.inspector))
    keep("API reveal again", api.post(f"{base}/{asked.json['id']}/reveal", w.inspector,
                                  {"keep_secret": True}))

    leaks = [where for where, body in seen if MARKER in body or MARKER.lower() in body]
    assert leaks == []
    stored = database_text()
    assert MARKER not in stored and MARKER.lower() not in stored
    logged = log_text(debug_logs)
    assert "denouncer_identities" in logged  # the SQL was logged (as ciphertext)
    assert MARKER not in logged and MARKER.lower() not in logged

    # Searching for the marker finds nothing (the search box echoes what was typed).
    found = api.get(f"/cases?q={MARKER}", w.inspector)
    assert found.json["total"] == 0 and MARKER not in found.get_data(as_text=True)
    page = text(ui.get(f"/cases?q={MARKER}"))
    assert opened.json["reference"] not in page
