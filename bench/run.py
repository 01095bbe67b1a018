"""Benchmarks: `make bench` (full) or `python -m bench.run --smoke` (tiny sizes).

Issue 7, measured side by side in one run on scratch PostgreSQL databases
(copies of one migrated template), synchronous_commit as the server has it:

1-2. transitions through the full service vs the raw psycopg ceiling vs the
     SpiffWorkflow peer (bench/transitions.py, bench/peer.py);
3.   the transition API over HTTP through gunicorn (bench/http_api.py);
4.   the scale data set loaded with COPY (bench/scale.py);
5.   the reminder scan on it (bench/reminders.py);
6.   reminder delivery through Celery and SMTP (bench/delivery.py);
7.   pages and API at scale (bench/pages.py);
8.   `audit verify` over its events (bench/audit.py);
9.   transitions through the service on the embedded SQLite default (bench/sqlite.py).

Results go to bench/RESULTS.md and bench/results.json (not in a smoke run). A
partial run (`--only`) merges its sections into the results already there and
keeps the others, each labelled with the run it comes from.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from datetime import datetime
from typing import Any

from bench import audit, delivery, http_api, pages, reminders, scale, sqlite, transitions
from bench.common import HERE, STEPS, create_database, drop_database, machine, migrate
from bench.common import scratch_database as scratch
from bench.report import markdown

__all__ = ["STEPS", "main"]

FULL = {"cases": 300, "concurrency": (1, 8), "http_cases_per_client": 25, "http_levels": (4, 16),
        "scale_cases": 150_000, "incremental": 5000, "backlog": 200_000, "backlog_seconds": 300,
        "mails": 2000, "pages_requests": 2, "pages_clients": 16, "scale_processes": None,
        "sqlite_cases": 100}
SMOKE = {"cases": 4, "concurrency": (1,), "http_cases_per_client": 1, "http_levels": (2, 4),
         "scale_cases": 300, "incremental": 50, "backlog": 200, "backlog_seconds": 0,
         "mails": 10, "pages_requests": 1, "pages_clients": 4, "scale_processes": 0,
         "sqlite_cases": 2}
BENCHES = ("transitions", "http", "scale", "sqlite")
# The result keys each benchmark writes (scale: the data set and what is measured on it).
SECTIONS = {"transitions": ("transitions",), "http": ("http",),
            "scale": ("scale", "audit", "pages", "reminders", "delivery"), "sqlite": ("sqlite",)}
PARTIAL = HERE / "data" / "results.partial.json"


def _timed(results: dict[str, Any], name: str, job: Any) -> Any:
    t0 = time.perf_counter()
    results[name] = job()
    results.setdefault("wall_s", {})[name] = round(time.perf_counter() - t0, 1)
    print(f"bench: {name} done in {results['wall_s'][name]} s", flush=True)
    # What is measured so far survives a later benchmark failing (bench/data is not kept).
    PARTIAL.parent.mkdir(exist_ok=True)
    PARTIAL.write_text(json.dumps(results, indent=2, default=str))
    return results[name]


def _at_scale(template: str, sizes: dict[str, Any], results: dict[str, Any],
              keep: bool) -> None:
    with scratch(template, keep=keep) as url:
        loaded = _timed(results, "scale", lambda: scale.load(
            url, sizes["scale_cases"], processes=sizes["scale_processes"]))
        data_now = datetime.fromisoformat(loaded["now"])
        _timed(results, "audit", lambda: audit.measure(url))
        _timed(results, "pages", lambda: pages.measure(
            url, sizes["pages_requests"], sizes["pages_clients"]))
        _timed(results, "reminders", lambda: reminders.measure(
            url, data_now, sizes["incremental"], sizes["backlog"], sizes["backlog_seconds"]))
        _timed(results, "delivery", lambda: delivery.measure(url, sizes["mails"]))


def _postgres_service(results: dict[str, Any]) -> dict[str, Any] | None:
    """The one-process PostgreSQL service figure of this run, if it measured one."""
    return next((run["service"] for run in results.get("transitions", [])
                 if run["concurrency"] == 1), None)


def _earlier() -> dict[str, Any]:
    path = HERE / "results.json"
    try:
        found = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def merged(earlier: dict[str, Any], results: dict[str, Any], only: set[str]) -> dict[str, Any]:
    """This run's sections over the earlier results: the sections of benchmarks
    not run this time are kept, with the date of the run that measured them."""
    ran = {key for bench in only for key in SECTIONS[bench]}
    out = {key: value for key, value in earlier.items()
           if key in {k for keys in SECTIONS.values() for k in keys} - ran}
    measured_at = {key: when for key, when in earlier.get("measured_at", {}).items()
                   if key in out}
    for key in out:
        measured_at.setdefault(key, earlier.get("machine", {}).get("date", "an earlier run"))
    out.update(results)
    for key in ran & results.keys():
        measured_at[key] = results["machine"]["date"]
    out["measured_at"] = measured_at
    out["wall_s"] = {**earlier.get("wall_s", {}), **results.get("wall_s", {})}
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no RESULTS.md")
    parser.add_argument("--cases", type=int, help="cases for the transition benchmarks")
    parser.add_argument("--scale-cases", type=int, help="cases in the scale data set")
    parser.add_argument("--backlog", type=int, help="reminders due in the backlog run")
    parser.add_argument("--backlog-seconds", type=float,
                        help="stop the backlog run after this long (0: until done)")
    parser.add_argument("--mails", type=int, help="outbox rows in the delivery run")
    parser.add_argument("--sqlite-cases", type=int, help="cases for the SQLite benchmark")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHES)} "
                                       "(scale includes reminders, delivery, pages, audit)")
    parser.add_argument("--keep", action="store_true", help="keep the scale database")
    args = parser.parse_args(argv)
    sizes = dict(SMOKE if args.smoke else FULL)
    for key in ("cases", "scale_cases", "backlog", "backlog_seconds", "mails", "sqlite_cases"):
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    only = set(args.only.split(",")) if args.only else set(BENCHES)
    if only - set(BENCHES):
        parser.error(f"--only: unknown benchmark(s) {', '.join(sorted(only - set(BENCHES)))}")
    template = f"hgk_bench_tpl_{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    results: dict[str, Any] = {"sizes": {k: v for k, v in sizes.items()}}
    try:
        sync = migrate(create_database(template))
        results["machine"] = machine(sync)
        if "transitions" in only:
            with scratch(template) as url:
                _timed(results, "transitions", lambda: [
                    transitions.measure(url, sizes["cases"], c) for c in sizes["concurrency"]])
        if "http" in only:
            with scratch(template) as url:
                _timed(results, "http", lambda: http_api.measure(
                    url, sizes["http_cases_per_client"], sizes["http_levels"]))
        if "sqlite" in only:
            _timed(results, "sqlite", lambda: sqlite.measure(
                sizes["sqlite_cases"], _postgres_service(results)))
        if "scale" in only:
            _at_scale(template, sizes, results, args.keep)
    finally:
        drop_database(template)
    results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_s"] = round(time.perf_counter() - started, 1)
    if not args.smoke:
        saved = merged(_earlier(), results, only)
        (HERE / "results.json").write_text(json.dumps(saved, indent=2, default=str))
        (HERE / "RESULTS.md").write_text(markdown(saved))
    print(json.dumps(results, indent=2, default=str)[:20000])
    return results


if __name__ == "__main__":
    main()
