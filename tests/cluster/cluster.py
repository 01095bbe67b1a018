"""Starting and stopping the one-machine cluster (see test_cluster.py).

Every node gets the environment an operator would put in
/etc/hgkiemtra/env (docs/deploy.md): production mode, the shared secret key,
the database, Redis, SMTP, one proxy hop, JSON logs; each node has its own
instance folder, as on its own host. The scheduler ticks every ``TICK``
seconds instead of 60 so that fail-over is seen within the run.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from hgkiemtra.reminders.beat_lock import LOCK_KEY
from tests.cluster import nodes
from tests.conftest import TEST_SECRET_KEY, TEST_VAULT_KEY
from tests.integration.reminders.conftest import free_port

TICK = 3  # HGKIEMTRA_REMINDER_TICK_SECONDS
CLAIM_TIMEOUT = 8  # HGKIEMTRA_OUTBOX_CLAIM_TIMEOUT_SECONDS
MAIL_FROM = "ubkt@cluster.example.vn"
# One key shared by every node, as production requires: a session signed by one
# node is good on the other.
SECRET_KEY = secrets.token_urlsafe(48)


@dataclass
class Cluster:
    folder: Path
    port: int  # nginx
    redis_url: str
    nginx: nodes.Node
    web: list[nodes.Node]
    web_ports: list[int]
    workers: list[nodes.Node]
    beats: list[nodes.Node]
    data: dict[str, Any] = field(default_factory=dict)
    smtp: Any = None

    def all(self) -> list[nodes.Node]:
        return [self.nginx, *self.web, *self.workers, *self.beats]

    def stop(self) -> None:
        """SIGTERM to every node at once, then wait for each (SIGKILL after 15 s)."""
        for node in self.all():
            node.terminate()
        for node in self.all():
            node.stop()

    def lock_holder_pid(self) -> int | None:
        with redis.Redis.from_url(self.redis_url, socket_timeout=2) as client:
            holder = client.get(LOCK_KEY)
        return int(holder.decode().split(":")[1]) if holder else None

    def active_beat(self) -> nodes.Node | None:
        pid = self.lock_holder_pid()
        return next((b for b in self.beats if b.is_running() and b.pid == pid), None)


def node_env(folder: Path, name: str, settings: dict[str, object]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HGKIEMTRA_")}
    instance = folder / name
    instance.mkdir(exist_ok=True)
    env.update({f"HGKIEMTRA_{k}": str(v) for k, v in settings.items()})
    env["HGKIEMTRA_INSTANCE_DIR"] = str(instance)
    return env


def settings_for(folder: Path, port: int, database_url: str, redis_url: str,
                 smtp_port: int) -> dict[str, object]:
    return {
        "ENV": "production", "SECRET_KEY": SECRET_KEY, "VAULT_KEY": TEST_VAULT_KEY,
        # The test process (its own secret key, no audit key) seals the cases it
        # makes and verifies every chain afterwards: one seal key for all.
        "AUDIT_KEY": TEST_SECRET_KEY,
        "DATABASE_URL": database_url, "REDIS_URL": redis_url,
        "BASE_URL": f"http://127.0.0.1:{port}", "PROXY_HOPS": 1, "LOG_FORMAT": "json",
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "MAIL_FROM": MAIL_FROM,
        "STORAGE_DIR": folder / "storage", "REMINDER_TICK_SECONDS": TICK,
        "OUTBOX_CLAIM_TIMEOUT_SECONDS": CLAIM_TIMEOUT,
    }


def start_cluster(folder: Path, database_url: str, redis_url: str, smtp_port: int) -> Cluster:
    port = free_port()
    settings = settings_for(folder, port, database_url, redis_url, smtp_port)
    web_ports = [free_port(), free_port()]
    web = [nodes.web_node(f"web{n}", p, node_env(folder, f"web{n}", settings), folder)
           for n, p in enumerate(web_ports)]
    workers = [nodes.worker_node(f"worker{n}", node_env(folder, f"worker{n}", settings),
                                 folder) for n in range(3)]
    beats = [nodes.beat_node(f"beat{n}", node_env(folder, f"beat{n}", settings), folder)
             for n in range(2)]
    nginx = nodes.nginx_node(port, (web_ports[0], web_ports[1]), folder)
    cluster = Cluster(folder, port, redis_url, nginx, web, web_ports, workers, beats)
    try:
        for node in cluster.all():
            node.start()
        wait_ready(cluster)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def wait_ready(cluster: Cluster) -> None:
    for node, port in zip(cluster.web, cluster.web_ports, strict=True):
        node.wait_for(lambda p=port: nodes.answers(p), "/healthz")
    cluster.nginx.wait_for(lambda: nodes.answers(cluster.port, "/readyz"), "/readyz via nginx")
    for worker in cluster.workers:
        worker.wait_for(lambda w=worker: " ready." in w.output(), "worker ready")
    cluster.beats[0].wait_for(lambda: cluster.active_beat() is not None, "a beat holds the lock")


def wait_until(condition: Any, timeout: float, step: float = 0.05) -> float | None:
    """Seconds until ``condition()`` held, or None after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(step)
    return None
