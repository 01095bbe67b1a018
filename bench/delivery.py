"""Issue 7 item 6: reminder delivery end to end.

Pending outbox rows (written by the reminder bench) are delivered by a real
Celery worker (prefork, 2 worker processes) on Redis (db 14, a queue of this
run's own): one ``deliver_messages`` task per ``BATCH`` rows, each claiming
its rows in one UPDATE, rendering the mails, sending them over one connection
to a local SMTP server (aiosmtpd) and marking them sent in bulk. The clock
runs from the first task enqueued to the last row marked sent.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg

from bench.common import SECRET, conninfo, stop_process_group

REDIS_URL = os.environ.get("HGKIEMTRA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PROCESSES = 2
BATCH = 50  # rows per deliver_messages task
TIMEOUT = 600.0


class Counter:
    """An SMTP handler that counts what it accepts (no parsing: the server must
    not be the bottleneck)."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.count += 1
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pending(url: str, limit: int) -> list[int]:
    with psycopg.connect(conninfo(url)) as conn:
        return [r[0] for r in conn.execute(
            "SELECT id FROM outbox_messages WHERE status = 'pending' ORDER BY id LIMIT %s",
            (limit,)).fetchall()]


def _sent(url: str, ids: list[int]) -> int:
    with psycopg.connect(conninfo(url)) as conn:
        row = conn.execute("SELECT count(*) FROM outbox_messages WHERE status = 'sent' "
                           "AND id = ANY(%s)", (ids,)).fetchone()
    return int(row[0]) if row else 0


def _start_worker(url: str, port: int, queue: str, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HGKIEMTRA_")}
    env.update(HGKIEMTRA_ENV="testing", HGKIEMTRA_SECRET_KEY=SECRET,
               HGKIEMTRA_INSTANCE_DIR=str(log.parent), HGKIEMTRA_DATABASE_URL=url,
               HGKIEMTRA_REDIS_URL=REDIS_URL, HGKIEMTRA_SMTP_HOST="127.0.0.1",
               HGKIEMTRA_SMTP_PORT=str(port), HGKIEMTRA_BASE_URL="https://hgkiemtra.example.vn")
    command = [sys.executable, "-m", "celery", "-A", "hgkiemtra.worker", "worker",
               "--pool=prefork", f"--concurrency={PROCESSES}", "-Q", queue,
               "-n", f"{queue}@%h", "--without-mingle", "--without-gossip",
               "--without-heartbeat", "--loglevel=INFO"]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,  # noqa: S603
                                start_new_session=True)


def _wait(condition: Any, what: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"delivery bench: {what} did not happen\n{log.read_text()[-3000:]}")


def _tick_finished(log: Path) -> bool:
    text = log.read_text(errors="replace")
    return any("tasks.tick[" in line and " succeeded in " in line for line in text.splitlines())


def _clean_redis(queue: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)
    finally:
        client.close()


def measure(url: str, n: int) -> dict[str, Any]:
    from aiosmtpd.controller import Controller
    from celery import Celery

    handler, port = Counter(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    queue = f"hgk-bench-{uuid.uuid4().hex[:8]}"
    producer = Celery("hgk-bench-producer", broker=REDIS_URL, set_as_current=False)
    with tempfile.TemporaryDirectory(prefix="hgk-bench-") as tmp:
        log = Path(tmp) / "worker.log"
        worker = _start_worker(url, port, queue, log)
        try:
            # The worker's start-up tick (it delivers up to 200 due rows) runs first;
            # the rows measured are claimed only after it, so they are not among them.
            _wait(lambda: _tick_finished(log), "the start-up tick", worker, log)
            ids = _pending(url, n)
            baseline = handler.count
            started = time.perf_counter()
            with producer.connection_for_write() as connection:
                for start in range(0, len(ids), BATCH):
                    producer.send_task("hgkiemtra.reminders.tasks.deliver_messages",
                                       (ids[start:start + BATCH],), queue=queue,
                                       connection=connection)
            _wait(lambda: _sent(url, ids) == len(ids), "delivery", worker, log)
            elapsed = time.perf_counter() - started
            received = handler.count - baseline
        finally:
            stop_process_group(worker)
            producer.close()
            controller.stop()
            _clean_redis(queue)
    return {"mails": len(ids), "smtp_received": received, "seconds": elapsed,
            "per_s": len(ids) / elapsed if elapsed else 0.0, "worker_processes": PROCESSES,
            "rows_per_task": BATCH,
            "pool": "prefork", "broker": REDIS_URL}
