"""Issue 7 item 7: pages and API on the scale data set, 16 concurrent clients.

gunicorn as in bench/http_api.py; each client process signs in as the
province's chair (who sees every case), then requests each page in turn:
the dashboard, the case list (a filter, a search, and page 200 reached by its
keyset cursor), a case page, the statistics, and the API's list and
case. One client requests every page once first (untimed warm-up). p95 per
page; the RSS of each gunicorn worker after the run.
"""

from __future__ import annotations

import http.client
import multiprocessing
import random
import re
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import psycopg

from bench.common import conninfo, pick
from bench.http_api import start_server, stop_server
from bench.scale import BENCH_PASSWORD

CLIENTS = 16
# Above gunicorn's default of 30 s: at scale some pages queue for longer under 16
# clients, and a worker killed mid-request would turn a slow page into an error.
TIMEOUT = 600
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _token(url: str, email: str) -> str:
    """An API token of the signed-in user (the API takes bearer tokens, not cookies)."""
    import sqlalchemy as sa

    from bench.common import app_for
    from hgkiemtra.auth.tokens import create_token
    from hgkiemtra.core.db import db
    from hgkiemtra.people.models import User

    app = app_for(url)
    with app.app_context():
        token = create_token(db.session.scalars(sa.select(User).where(User.email == email)).one())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return token


def _targets(url: str, rng: random.Random) -> tuple[str, dict[str, list[str]]]:
    with psycopg.connect(conninfo(url)) as conn:
        email = conn.execute(
            "SELECT u.email FROM users u JOIN role_assignments r ON r.user_id = u.id "
            "JOIN organisations o ON o.id = r.org_id WHERE r.role = 'chair' "
            "AND o.level = 'province' ORDER BY u.id LIMIT 1").fetchone()[0]
        bounds = conn.execute("SELECT min(id), max(id) FROM cases").fetchone()
        name = conn.execute("SELECT full_name FROM members ORDER BY id LIMIT 1").fetchone()[0]
        deep = _deep_cursor(conn)
    ids = [rng.randint(bounds[0], bounds[1]) for _ in range(200)]
    search = urllib.parse.quote(name.split()[-1])
    return email, {
        "dashboard": ["/"],
        "list_filtered": ["/cases?phase=underway", "/cases?kind=supervision&phase=findings"],
        "list_search": [f"/cases?q={search}"],
        "list_deep_page": [f"/cases?cursor={deep}"],
        "case_page": [f"/cases/{i}" for i in ids],
        "statistics": ["/reports/statistics"],
        "api_list": ["/api/v1/cases?phase=underway"],
        "api_case": [f"/api/v1/cases/{i}" for i in ids],
    }


def _deep_cursor(conn: psycopg.Connection[Any], rows_before: int = 199 * 25) -> str:
    """The "next" link of page 199 of the default list (page 200 starts after it):
    the list pages by keyset, so a deep page is reached by its cursor."""
    from hgkiemtra.cases.keyset import NEXT, Cursor

    row = conn.execute("SELECT updated_at, id FROM cases ORDER BY updated_at DESC, id DESC "
                       "OFFSET %s LIMIT 1", (rows_before - 1,)).fetchone()
    if row is None:  # a smoke-sized data set: the first page stands in
        return ""
    return Cursor("-updated_at", NEXT, row[0], row[1], rows_before + 1).encode()


def _login(connection: http.client.HTTPConnection, email: str) -> str:
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    found = CSRF.search(page)
    body = urllib.parse.urlencode({"email": email, "password": BENCH_PASSWORD,
                                   "csrf_token": found.group(1) if found else ""})
    connection.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"pages bench: sign-in answered {response.status}")
    return response.getheader("Set-Cookie", cookie).split(";")[0]


def _get(connection: http.client.HTTPConnection, path: str, auth: tuple[str, str]) -> int:
    """GET ``path`` with the session cookie, or the bearer token for the API."""
    cookie, token = auth
    headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {
        "Cookie": cookie}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def warm_up(port: int, email: str, token: str, targets: dict[str, list[str]]) -> None:
    """Every page once per worker thread, untimed (templates compiled, caches filled)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        auth = (_login(connection, email), token)
        for paths in targets.values():
            _get(connection, paths[0], auth)
    finally:
        connection.close()


def client(port: int, who: tuple[str, str], targets: dict[str, list[str]], requests: int,
           seed: int, barrier: Any, results: Any) -> None:
    """Sign in, then page by page: all clients start a page together (the barrier)
    and ask for it ``requests`` times, so each page's p95 is its own at 16
    concurrent clients, not the queue behind a slower page. A dropped connection
    (gunicorn killed a worker past its timeout) is an error; the client reconnects."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    email, token = who
    timings: dict[str, list[float]] = {page: [] for page in targets}
    errors: list[str] = []
    try:
        who = (_login(connection, email), token)
    except Exception as exc:  # noqa: BLE001 - reported, never hangs the run
        for _ in targets:  # keep the other clients' barriers whole
            barrier.wait()
        results.put((timings, [f"sign-in: {exc!r}"]))
        return
    for page, paths in targets.items():
        barrier.wait()
        # gunicorn closes a keep-alive connection idle while the others finished
        # the previous page: start each page on a fresh one (the session cookie stays).
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for _ in range(requests):
            path = rng.choice(paths)
            t0 = time.perf_counter()
            try:
                status = _get(connection, path, who)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{path}: {exc!r} after {time.perf_counter() - t0:.0f} s")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                continue
            timings[page].append(time.perf_counter() - t0)
            if status != 200:
                errors.append(f"{path}: {status}")
    connection.close()
    results.put((timings, errors))


def _worker_rss(master: int) -> list[int]:
    """RSS in MiB of the gunicorn master's children."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) // 1024)
    return sorted(sizes)


def measure(url: str, requests: int, clients: int = CLIENTS) -> dict[str, Any]:
    email, targets = _targets(url, random.Random(3))
    who = (email, _token(url, email))
    t0 = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="hgk-bench-") as tmp:
        server, port = start_server(url, Path(tmp) / "gunicorn.log", timeout=TIMEOUT)
        try:
            warm_up(port, email, who[1], targets)
            warmed = time.perf_counter()
            barrier, results = ctx.Barrier(clients), ctx.Queue()
            processes = [ctx.Process(target=client, args=(port, who, targets, requests, n,
                                                          barrier, results))
                         for n in range(clients)]
            started = time.perf_counter()
            for process in processes:
                process.start()
            parts = [results.get(timeout=7200) for _ in processes]
            elapsed = time.perf_counter() - started
            for process in processes:
                process.join()
            rss = _worker_rss(server.pid)
        finally:
            stop_server(server)
            log = (Path(tmp) / "gunicorn.log").read_text(errors="replace").splitlines()
    pages: dict[str, Any] = {}
    for page in targets:
        ordered = sorted(t for timings, _ in parts for t in timings[page])
        pages[page] = {"requests": len(ordered), "p50_ms": pick(ordered, 0.5) * 1000,
                       "p95_ms": pick(ordered, 0.95) * 1000,
                       "max_ms": ordered[-1] * 1000 if ordered else 0.0}
    errors = [e for _, part in parts for e in part]
    return {"clients": clients, "gunicorn_timeout_s": TIMEOUT, "pages": pages,
            "errors": len(errors), "warm_up_s": warmed - t0,
            "first_errors": errors[:5], "worker_rss_mib": rss,
            # Why answers were 500 or connections dropped: the server's own words.
            "server_log_tail": [line for line in log if line.strip()][-40:] if errors else [],
            "seconds": elapsed}
