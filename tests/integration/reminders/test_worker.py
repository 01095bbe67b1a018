"""Real Celery workers in subprocesses: against Redis, and with the embedded broker."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery
from flask import Flask

from hgkiemtra.app import create_app
from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders.cli import worker_command_line
from tests.conftest import TEST_SECRET_KEY

from .conftest import Inbox, Transitioned, transition_with_outbox

TIMEOUT = 30.0
HGKIEMTRA = Path(sys.executable).with_name("hgkiemtra")


def _env(instance: Path, **settings: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HGKIEMTRA_")}
    env.update(HGKIEMTRA_ENV="testing", HGKIEMTRA_SECRET_KEY=TEST_SECRET_KEY,
               HGKIEMTRA_INSTANCE_DIR=str(instance))
    env.update({f"HGKIEMTRA_{k}": str(v) for k, v in settings.items()})
    return env


class Worker:
    """A worker subprocess in its own process group (beat included), logging to a file."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"worker: {what} did not happen\n--- worker log ---\n{self.output()[-4000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture()
def unique() -> str:
    return f"hgk-test-{uuid.uuid4().hex[:10]}"


@pytest.fixture()
def redis_keys_cleaned(redis_url: str, unique: str) -> Iterator[None]:
    yield
    client = redis.Redis.from_url(redis_url)
    try:
        for key in client.scan_iter(match=f"*{unique}*"):
            client.delete(key)
        for key in client.scan_iter(match="_kombu.binding.*pidbox*"):
            for member in client.smembers(key):
                if unique.encode() in member:
                    client.srem(key, member)
    finally:
        client.close()


def _statuses(ids: list[int]) -> list[str]:
    db.session.rollback()  # a fresh snapshot: the worker commits in another process
    return [db.session.get(OutboxMessage, i, populate_existing=True).status for i in ids]


def test_a_worker_on_redis_delivers_each_committed_row_once(
    committed: Flask, redis_url: str, redis_keys_cleaned: None, unique: str, inbox: Inbox,
    tmp_path: Path,
) -> None:
    made = transition_with_outbox()
    db.session.commit()
    env = _env(tmp_path, DATABASE_URL=committed.config["SETTINGS"].DATABASE_URL,
               REDIS_URL=redis_url, SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port,
               BASE_URL="https://hgkiemtra.example.vn")
    command = [str(HGKIEMTRA), "worker", "--pool=solo", "-Q", unique, "-n", f"{unique}@%h",
               "--without-mingle", "--without-gossip", "--without-heartbeat",
               "--loglevel=INFO"]
    worker = Worker(command, env, tmp_path / "worker.log")
    producer = Celery("hgk-test-producer", broker=redis_url, set_as_current=False)
    try:
        # Three more ways to the same two rows besides the worker's start-up tick.
        for message_id in made.message_ids:
            producer.send_task("hgkiemtra.reminders.tasks.deliver_message", (message_id,),
                               queue=unique)
        producer.send_task("hgkiemtra.reminders.tasks.tick", queue=unique)

        worker.wait_for(lambda: _statuses(made.message_ids) == ["sent", "sent"], "delivery")
        worker.wait_for(lambda: worker.output().count(" succeeded in ") >= 4, "all four tasks")
    finally:
        worker.stop()
        producer.close()
    assert inbox.count() == 2, worker.output()[-4000:]
    assert sorted(str(m["To"]) for m in inbox.messages) == sorted(
        [made.world.inspector.email, made.world.committee_member.email]
    )


@pytest.fixture()
def sqlite_instance(app: Flask, tmp_path: Path) -> Iterator[tuple[Path, Transitioned]]:
    """An embedded-mode instance (SQLite, no REDIS_URL) with two pending rows."""
    from flask_migrate import upgrade

    instance = tmp_path / "instance"
    local = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY, "REDIS_URL": "",
                        "INSTANCE_DIR": str(instance),
                        "DATABASE_URL": f"sqlite:///{instance / 'hgkiemtra.sqlite'}"})
    try:
        with local.app_context():
            upgrade()
            made = transition_with_outbox()
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        yield instance, made
    finally:
        app.extensions["celery"].set_default()  # create_app made the local one current


def _sqlite_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.slow
def test_the_embedded_worker_with_beat_needs_no_broker_server(
    sqlite_instance: tuple[Path, Transitioned], tmp_path: Path
) -> None:
    instance, made = sqlite_instance
    database = instance / "hgkiemtra.sqlite"
    worker = Worker(worker_command_line(["--without-heartbeat"]), _env(instance),
                    tmp_path / "worker.log")
    try:
        # The start-up tick travels through the SQLite broker and delivers to the sink.
        worker.wait_for(
            lambda: _sqlite_rows(database, "SELECT count(*) FROM sink_mails") == [(2,)],
            "delivery to the mail sink",
        )
        worker.wait_for(lambda: "beat: Starting..." in worker.output(), "beat start")
    finally:
        worker.stop()
    assert (instance / "celery-broker.sqlite").exists()
    assert _sqlite_rows(database, "SELECT status FROM outbox_messages") == [("sent",), ("sent",)]
    assert "sqla+sqlite:///" in worker.output()
