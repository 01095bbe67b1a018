"""The processes of the one-machine cluster: each in its own process group, so
SIGKILL of the group is a host dying; each logs to a file; each can be started
again on the same port with the same command.

nginx is Debian's (``apt-get install nginx``), run in the foreground with a
configuration of ours: every path (pid, logs, temp files) under the test's
folder, one loopback port, the two web nodes as one upstream.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HGKIEMTRA = Path(sys.executable).with_name("hgkiemtra")
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_TIMEOUT = 60.0


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


class Node:
    """One process group started from a fixed command line."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> Node:
        self.starts += 1
        with self.log.open("ab") as out:
            out.write(f"\n=== start {self.starts} of {self.name} ===\n".encode())
            out.flush()
            self.process = subprocess.Popen(  # noqa: S603 - our own command lines
                self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL to the whole group: no clean shutdown, nothing released."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(10)

    def terminate(self) -> None:
        if self.is_running():
            assert self.process is not None
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 15.0) -> None:
        if not self.is_running():
            return
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass

    def wait_for(self, condition: Callable[[], bool], what: str,
                 timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if not self.is_running():
                break
            time.sleep(0.1)
        raise AssertionError(f"{self.name}: {what} did not happen\n--- log ---\n"
                             f"{self.output()[-4000:]}")


def answers(port: int, path: str = "/healthz") -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def web_node(name: str, port: int, env: dict[str, str], folder: Path) -> Node:
    # --preload: the app is loaded before the port is bound, so a node that is
    # starting again refuses connections (nginx tries the other) instead of
    # holding them in the listen queue until its workers have booted.
    command = [str(GUNICORN), "--preload", "--workers", "2", "--worker-class", "gthread",
               "--threads", "4", "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5",
               "--log-level", "warning", "hgkiemtra.wsgi:app"]
    return Node(name, command, env, folder / f"{name}.log")


def worker_node(name: str, env: dict[str, str], folder: Path) -> Node:
    command = [str(HGKIEMTRA), "worker", "--pool=solo", "--loglevel=INFO", "-n",
               f"{name}@%h", "--without-mingle", "--without-gossip"]
    return Node(name, command, env, folder / f"{name}.log")


def beat_node(name: str, env: dict[str, str], folder: Path) -> Node:
    return Node(name, [str(HGKIEMTRA), "beat", "--loglevel=INFO"], env,
                folder / f"{name}.log")


NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {folder}/nginx-body;
    proxy_temp_path {folder}/nginx-proxy;
    fastcgi_temp_path {folder}/nginx-fastcgi;
    uwsgi_temp_path {folder}/nginx-uwsgi;
    scgi_temp_path {folder}/nginx-scgi;
    log_format upstreams '$request_id $status $upstream_addr $upstream_status '
                         '"$request" $request_time';
    access_log {folder}/nginx-access.log upstreams;
    upstream hgkiemtra {{
        server 127.0.0.1:{web_a} max_fails=1 fail_timeout=3s;
        server 127.0.0.1:{web_b} max_fails=1 fail_timeout=3s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;
        location / {{
            proxy_pass http://hgkiemtra;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Request-ID $request_id;
            # A node that refuses or drops the connection: the next one gets the
            # request -- GET and HEAD always, POST only if it never reached the
            # dead node (nginx does not repeat a non-idempotent request).
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_node(port: int, web_ports: tuple[int, int], folder: Path) -> Node:
    binary = nginx_binary()
    assert binary is not None
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach our 0700 folder
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, folder=folder, port=port,
                                      web_a=web_ports[0], web_b=web_ports[1]))
    command = [binary, "-p", str(folder), "-e", str(folder / "nginx-error.log"),
               "-c", str(conf)]
    return Node("nginx", command, dict(os.environ), folder / "nginx.log")
