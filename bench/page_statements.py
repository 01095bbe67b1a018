"""SQL statements and milliseconds per page, one client, in process.

    python -m bench.page_statements postgresql+psycopg://127.0.0.1/h3_scale [rounds]

Signs in as the province's chair (as bench/pages.py does), requests each page
once untimed, then ``rounds`` times, counting the statements each request sends
(a ``before_cursor_execute`` listener) and its median wall time. A deterministic
companion to the 16-client p95 figures of bench/pages.py.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
from typing import Any

import sqlalchemy as sa

from bench.common import app_for
from bench.pages import _targets
from bench.scale import BENCH_PASSWORD

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def measure(url: str, rounds: int = 5) -> dict[str, Any]:
    from hgkiemtra.core.db import db

    email, targets = _targets(url, random.Random(3))
    app = app_for(url)
    seen: list[str] = []
    results: dict[str, Any] = {}
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute",
                        lambda *args: seen.append(args[2]))
        token = _api_token(email)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    found = CSRF.search(page)
    client.post("/login", data={"email": email, "password": BENCH_PASSWORD,
                                "csrf_token": found.group(1) if found else ""})
    headers = {"Authorization": f"Bearer {token}"}
    for name, paths in targets.items():
        path = paths[0]
        kw = {"headers": headers} if path.startswith("/api/") else {}
        status = client.get(path, **kw).status_code
        times, counts = [], []
        for _ in range(rounds):
            seen.clear()
            t0 = time.perf_counter()
            client.get(path, **kw)
            times.append((time.perf_counter() - t0) * 1000)
            counts.append(len(seen))
        results[name] = {"path": path, "status": status, "statements": max(counts),
                         "median_ms": round(statistics.median(times), 1)}
    return results


def _api_token(email: str) -> str:
    from hgkiemtra.auth.tokens import create_token
    from hgkiemtra.core.db import db
    from hgkiemtra.people.models import User

    token = create_token(db.session.scalars(sa.select(User).where(User.email == email)).one())
    db.session.commit()
    return token


if __name__ == "__main__":
    out = measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
    for name, row in out.items():
        print(f"{name:16} {row['status']} {row['statements']:3d} stmts "
              f"{row['median_ms']:8.1f} ms  {row['path'][:70]}")
