"""Fixtures for delivery tests: a real SMTP server on loopback, mailers, rows."""

from __future__ import annotations

import email
import email.policy
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask

from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders.mail import Mailer, SinkTransport, SmtpTransport
from hgkiemtra.reminders.models import SinkMail
from tests import factories as f


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what it accepts, or refuses recipients."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "451 4.3.0 Try again later"
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


@pytest.fixture()
def inbox() -> Iterator[Inbox]:
    box = Inbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture()
def sink_mailer() -> Mailer:
    return Mailer(transport=SinkTransport(), base_url="https://hgkiemtra.example.vn/")


@pytest.fixture()
def smtp_mailer(inbox: Inbox) -> Mailer:
    transport = SmtpTransport(host="127.0.0.1", port=inbox.port, mail_from="ubkt@example.vn",
                              timeout=5)
    return Mailer(transport=transport, base_url="https://hgkiemtra.example.vn")


@dataclass
class Transitioned:
    world: f.World
    case_id: int
    message_ids: list[int]


def transition_with_outbox() -> Transitioned:
    """A case decided by the chair: its two team members each get one outbox row.

    Rows other tests left behind are removed first (in the test's transaction),
    since a relay or a worker's tick delivers every pending row it sees.
    """
    db.session.execute(sa.delete(OutboxMessage))
    db.session.execute(sa.delete(SinkMail))
    w = f.world()
    case = f.advance(w, f.case(w), f.FULL_PATH[:1])
    ids = list(
        db.session.scalars(
            db.select(OutboxMessage.id).where(OutboxMessage.case_id == case.id)
            .order_by(OutboxMessage.id)
        )
    )
    assert len(ids) == 2
    return Transitioned(world=w, case_id=case.id, message_ids=ids)


@pytest.fixture()
def rows(session: Any) -> Transitioned:
    return transition_with_outbox()


@pytest.fixture()
def settings(app: Flask) -> Any:
    return app.config["SETTINGS"]


class RedisServer:
    """A redis-server of our own on a free port (the shared one is never stopped),
    in the foreground so we hold its pid: stopped and started again at will."""

    def __init__(self, directory: Any) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with redis.Redis(port=self.port, socket_timeout=1) as client:
                    if client.ping():
                        return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@pytest.fixture()
def own_redis(tmp_path: Any) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
