"""Issue 7 item 3: the transition API over HTTP.

gunicorn, configured as in production (``hgkiemtra/gunicorn_conf.py``, the
file the Dockerfile, docker-compose.yml and the systemd unit load: 2 workers,
gthread, 8 threads each, app preloaded), serves the app on a scratch
database; 4 and then 16 clients, each its own process (no shared GIL), each
with one keep-alive http.client connection, walk their own cases through
the inspection steps (POST /api/v1/cases/<id>/events with the version from
the previous answer). Every answer must be 200. (Named http_api, not http,
so it never shadows the standard library's http package.)
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import SECRET, STEPS, app_for, stop_process_group, summary, window
from hgkiemtra import gunicorn_conf

CONFIG = "python:hgkiemtra.gunicorn_conf"
WORKERS, THREADS = gunicorn_conf.workers, gunicorn_conf.threads
# (worker class, threads per worker); "sync" serves one request at a time per worker.
GTHREAD, SYNC = (gunicorn_conf.worker_class, THREADS), ("sync", 1)
WORKER = GTHREAD


def server_line(worker: tuple[str, int] = WORKER) -> str:
    kind, threads = worker
    return f"gunicorn --config {CONFIG} --workers {WORKERS} --worker-class {kind}" + (
        f" --threads {threads}" if kind == "gthread" else "")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str, n_cases: int) -> tuple[list[tuple[int, int]], dict[str, str]]:
    """``n_cases`` new cases (id, version) and API tokens for the chair and inspector."""
    from hgkiemtra.auth.tokens import create_token
    from hgkiemtra.core.db import db
    from tests import factories as f

    app = app_for(url)
    with app.app_context():
        w = f.world()
        made = [f.case(w, f"HTTP bench {i}") for i in range(n_cases)]
        tokens = {"chair": create_token(w.chair), "inspector": create_token(w.inspector)}
        db.session.commit()
        cases = [(c.id, c.version) for c in made]
        db.session.remove()
        db.engine.dispose()
    return cases, tokens


def start_server(url: str, log: Path, timeout: int = 30,
                 worker: tuple[str, int] = WORKER) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn on a free port; ``timeout``: its worker timeout (its default is 30 s)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HGKIEMTRA_")}
    env.update(HGKIEMTRA_ENV="testing", HGKIEMTRA_DATABASE_URL=url,
               HGKIEMTRA_SECRET_KEY=SECRET, HGKIEMTRA_INSTANCE_DIR=str(log.parent))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
            [str(gunicorn), "--config", CONFIG, "--workers", str(WORKERS),
             "--worker-class", worker[0],
             "--threads", str(worker[1]), "--timeout", str(timeout),
             "--bind", f"127.0.0.1:{port}", "--log-level",
             "warning", "hgkiemtra.wsgi:app"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                return server, port
        except OSError:
            pass  # not listening yet
        finally:
            probe.close()
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("gunicorn did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    stop_process_group(server)


def client(port: int, tokens: dict[str, str], cases: list[tuple[int, int]], barrier: Any,
           results: Any) -> None:
    """One client process: every step of every case, one request at a time."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, errors = [], []
    barrier.wait()
    start = time.time()
    for case_id, version in cases:
        for event, data in STEPS:
            token = tokens["chair" if event == "decide" else "inspector"]
            body = json.dumps({"event": event, "version": version, "data": data})
            t0 = time.perf_counter()
            connection.request("POST", f"/api/v1/cases/{case_id}/events", body=body,
                               headers={"Authorization": f"Bearer {token}",
                                        "Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
            latencies.append(time.perf_counter() - t0)
            if response.status != 200:
                errors.append(f"{response.status} {answer[:200]!r}")
                break
            version = json.loads(answer)["version"]
    end = time.time()
    connection.close()
    results.put((start, end, latencies, errors))


def run_clients(port: int, tokens: dict[str, str], cases: list[tuple[int, int]],
                clients: int) -> dict[str, Any]:
    ctx = multiprocessing.get_context("fork")  # clients use only the standard library
    barrier, results = ctx.Barrier(clients), ctx.Queue()
    processes = [ctx.Process(target=client, args=(port, tokens, cases[i::clients], barrier,
                                                  results)) for i in range(clients)]
    for process in processes:
        process.start()
    parts = [results.get(timeout=1800) for _ in processes]
    for process in processes:
        process.join()
    errors = [e for part in parts for e in part[3]]
    latencies, elapsed = window([(s, e, lat) for s, e, lat, _ in parts])
    return {"clients": clients, **summary(latencies, elapsed), "errors": len(errors),
            "first_errors": errors[:3]}


def measure(url: str, cases_per_client: int, levels: tuple[int, ...] = (4, 16),
            worker: tuple[str, int] = WORKER) -> dict[str, Any]:
    cases, tokens = prepare(url, cases_per_client * sum(levels))
    runs = []
    with tempfile.TemporaryDirectory(prefix="hgk-bench-") as tmp:
        server, port = start_server(url, Path(tmp) / "gunicorn.log", worker=worker)
        try:
            offset = 0
            for clients in levels:
                share = cases[offset:offset + clients * cases_per_client]
                offset += len(share)
                runs.append(run_clients(port, tokens, share, clients))
        finally:
            stop_server(server)
            log = (Path(tmp) / "gunicorn.log").read_text(errors="replace")
    if "Traceback" in log:
        raise RuntimeError(f"gunicorn logged an error:\n{log[-3000:]}")
    return {"server": server_line(worker), "runs": runs}
