"""The confidentiality canary, on the broker: a denunciation's life publishes real
Celery messages to Redis (a dedicated database, no worker consuming it), and the
denouncer's marker name is in none of them, raw or decoded.

The suite's app never publishes (``app.testing``: no after-commit dispatch, export
jobs left to the test). This test builds a private app on the same database with a
Redis broker, switches publishing on for that app only, and puts Celery's default
app back afterwards.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
from celery import _state as celery_state
from flask import Flask

from hgkiemtra.app import create_app
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.exports.models import ExportJob
from hgkiemtra.extensions import limiter
from hgkiemtra.reminders import dispatch, scheduler
from tests import factories as f
from tests.conftest import TEST_SECRET_KEY, TEST_VAULT_KEY
from tests.integration.api.conftest import Api
from tests.integration.denunciations.conftest import make_custodian
from tests.integration.ui.conftest import Ui, UiClient

MARKER = f"Broker{uuid.uuid4().hex[:12]}"
CANARY_REDIS_DB = 13  # nothing else in the suite uses it (15: tests, 14: benchmarks)
DELIVER = "hgkiemtra.reminders.tasks.deliver_message"
EXPORT = "hgkiemtra.exports.tasks.run_export"


def forms_of(marker: str) -> list[bytes]:
    """The marker as it could sit in a message: plain, lower-cased, JSON-escaped,
    and base64-encoded at each of the three alignments (kombu base64s bodies)."""
    forms = {marker, marker.lower(), json.dumps(f"Nguyễn {marker}")[1:-1]}
    found = [s.encode() for s in forms]
    for text in (marker, marker.lower()):
        for pad in range(3):
            encoded = base64.b64encode(b"\0" * pad + text.encode())
            # Drop the characters that mix in the padding or what follows.
            found.append(encoded[4 if pad else 0:-4])
    return found


@dataclass
class Broker:
    client: redis.Redis
    queue: str
    raw: list[bytes] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)

    def read(self) -> None:
        """Every value of every key of the database, and the queue's messages decoded."""
        for key in self.client.scan_iter():
            kind = self.client.type(key)
            self.raw.append(key)
            if kind == b"list":
                self.raw.extend(self.client.lrange(key, 0, -1))
            elif kind == b"hash":
                for k, v in self.client.hgetall(key).items():
                    self.raw.extend((k, v))
            elif kind == b"set":
                self.raw.extend(self.client.smembers(key))
            elif kind == b"zset":
                self.raw.extend(self.client.zrange(key, 0, -1))
            elif kind == b"string":
                self.raw.append(self.client.get(key) or b"")
        for item in self.client.lrange(self.queue, 0, -1):
            envelope = json.loads(item)
            assert envelope["properties"]["body_encoding"] == "base64"
            body = base64.b64decode(envelope["body"])
            self.raw.append(body)
            self.messages.append({"task": envelope["headers"]["task"],
                                  "args": json.loads(body)[0], "envelope": envelope})


@pytest.fixture()
def broker(redis_url: str) -> Iterator[Broker]:
    url = urlsplit(redis_url)._replace(path=f"/{CANARY_REDIS_DB}").geturl()
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield Broker(client, f"hgk-canary-{uuid.uuid4().hex[:8]}")
    finally:
        client.flushdb()
        client.close()


@pytest.fixture()
def publishing_app(committed: Flask, broker: Broker, tmp_path: Any) -> Iterator[Flask]:
    """A private app on the test database that really publishes to ``broker``."""
    previous = celery_state.default_app
    settings = committed.config["SETTINGS"]
    url = broker.client.connection_pool.connection_kwargs
    app = create_app({
        "ENV": "testing", "DATABASE_URL": settings.DATABASE_URL, "SECRET_KEY": TEST_SECRET_KEY,
        "VAULT_KEY": TEST_VAULT_KEY, "INSTANCE_DIR": str(tmp_path),
        "REDIS_URL": f"redis://{url['host']}:{url['port']}/{CANARY_REDIS_DB}",
    })
    app.testing = False  # export jobs are enqueued only outside tests
    app.test_client_class = UiClient
    app.extensions["celery"].conf.task_default_queue = broker.queue
    dispatch.enable(app)
    limiter.reset()
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        limiter.reset()
        app.extensions["celery"].close()  # its pool of broker connections
        celery_state._set_current_app(previous)


def denouncer() -> dict[str, str]:
    return {"full_name": f"Nguyễn {MARKER}", "address": f"Số 7 hẻm {MARKER}",
            "email": f"{MARKER.lower()}@example.vn", "notes": f"Ghi chú {MARKER}"}


def live_a_denunciation(app: Flask) -> int:
    """Intake with a team, a transition, reminders falling due, exports, a reveal."""
    w = f.world()
    make_custodian(w)
    db.session.commit()
    api = Api(app.test_client(), db.session)
    opened = api.post("/cases", w.inspector, {
        "kind": "denunciation", "title": "Tố cáo vi phạm quản lý đất đai", "org_id": w.district.id,
        "subject": {"type": "member", "id": w.subject.id},
        "team": [{"user_id": w.inspector.id, "role": "leader"},
                 {"user_id": w.committee_member.id, "role": "directing"}],
        "denouncer": denouncer()})
    assert opened.status_code == 201, opened.json
    case_id = opened.json["id"]
    fired = api.fire(case_id, w.chair, "screen", opened.json["version"], data={
        "received_on": utcnow().date().isoformat(), "managed_by_level": "district"})
    assert fired.status_code == 200, fired.json

    for when in (utcnow(), utcnow() + timedelta(days=200)):
        scheduler.run(when)
        db.session.commit()

    ui = Ui(app.test_client())
    ui.sign_in(w.inspector)
    for query in ("", f"?q={MARKER}", "?kind=denunciation"):
        made = ui.post(f"/exports/cases{query}", {"format": "csv"}, form_page="/exports")
        assert made.status_code == 302

    base = f"/cases/{case_id}/denouncer/reveal-requests"
    asked = api.post(base, w.inspector, {"reason": "Gặp để làm rõ"})
    api.post(f"{base}/{asked.json['id']}/approve", w.chair, {"reason": "Cần thiết"})
    revealed = api.post(f"{base}/{asked.json['id']}/reveal", w.inspector, {"keep_secret": True})
    assert revealed.status_code == 200 and MARKER in revealed.get_data(as_text=True)
    return case_id


def test_no_celery_message_carries_the_denouncer(publishing_app, broker, capsys):
    live_a_denunciation(publishing_app)
    broker.read()

    by_task: dict[str, int] = {}
    for message in broker.messages:
        by_task[message["task"]] = by_task.get(message["task"], 0) + 1
        assert all(isinstance(a, int) for a in message["args"]), message["args"]
    # The messages are really there: the check below could fail.
    assert by_task.get(DELIVER, 0) >= 2 and by_task.get(EXPORT, 0) == 3, by_task
    # They are the flows' own: each names an outbox row or export job just written.
    sent_ids = {m["task"]: sorted(a for x in broker.messages if x["task"] == m["task"]
                                  for a in x["args"]) for m in broker.messages}
    db.session.rollback()
    outbox_ids = {i for (i,) in db.session.query(OutboxMessage.id)}
    assert set(sent_ids[DELIVER]) == outbox_ids
    assert sent_ids[EXPORT] == sorted(i for (i,) in db.session.query(ExportJob.id))
    raw = b"\n".join(broker.raw)
    assert raw.count(b'"task": "' + DELIVER.encode()) == by_task[DELIVER]

    leaks = [form for form in forms_of(MARKER) if form in raw]
    assert leaks == []
    with capsys.disabled():
        print(f"\ncanary on the broker: {len(broker.messages)} Celery messages "
              f"({dict(sorted(by_task.items()))}; {len(outbox_ids)} outbox rows in all), "
              f"{len(broker.raw)} Redis values and {len(raw)} bytes read; "
              f"marker forms searched {len(forms_of(MARKER))}, found 0")


def test_the_search_would_see_a_marker_in_a_message(broker):
    """The search itself works: a message that does carry the marker is found."""
    body = base64.b64encode(json.dumps([[f"Nguyễn {MARKER}"], {}, {}]).encode())
    broker.client.rpush(broker.queue, json.dumps({
        "body": body.decode(), "headers": {"task": DELIVER},
        "properties": {"body_encoding": "base64"}}))
    encoded_only = json.dumps({"body": body.decode()}).encode()
    broker.read()
    assert len(broker.messages) == 1
    assert any(form in encoded_only for form in forms_of(MARKER))
    assert any(form in b"\n".join(broker.raw) for form in forms_of(MARKER))
