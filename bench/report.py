"""bench/RESULTS.md from the results of one run (the figures; the analysis
paragraphs after the tables are written by hand and kept below the marker)."""

from __future__ import annotations

import re
from typing import Any

from bench.common import HERE, STEPS

NOTES_MARKER = "<!-- notes: kept across runs -->"


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def _rate_row(name: str, d: dict[str, Any]) -> str:
    return (f"| {name} | {d['transitions']} | {d['per_s']:.0f} | {d['p50_ms']:.2f} | "
            f"{d['p95_ms']:.2f} | {d['p99_ms']:.2f} |")


def _transitions(runs: list[dict[str, Any]]) -> list[str]:
    lines = ["## 1-2. Transitions: service vs raw psycopg ceiling vs SpiffWorkflow", "",
             f"Each case advanced {len(STEPS)} steps (decide ... submit_report). Targets: "
             "service/ceiling >= 0.6, >= 1,000/s at 8 processes; service >= 5x SpiffWorkflow.",
             ""]
    for run in runs:
        lines += [f"### {run['concurrency']} worker process(es)", "",
                  "| path | transitions | per s | p50 ms | p95 ms | p99 ms |",
                  "|---|---|---|---|---|---|",
                  _rate_row("service (scope, guards, audit chain, deadlines, outbox)",
                            run["service"]),
                  _rate_row("ceiling (raw psycopg UPDATE + INSERT)", run["ceiling"]),
                  _rate_row("SpiffWorkflow (load, deserialize, step, serialize, store)",
                            run["spiff"]), "",
                  f"Service / ceiling: **{run['ratio']:.2f}** ({_met(run['ratio'] >= 0.6)}); "
                  f"service / SpiffWorkflow: **{run['ratio_spiff']:.2f}x** "
                  f"({_met(run['ratio_spiff'] >= 5)}).", ""]
    return lines


def _http(r: dict[str, Any]) -> list[str]:
    lines = ["## 3. Transition API over HTTP", "",
             f"Server: `{r['server']}`. Target at 16 clients: >= 500 transitions/s, "
             "p99 <= 50 ms.", "",
             "| clients | transitions | per s | p50 ms | p95 ms | p99 ms | errors |",
             "|---|---|---|---|---|---|---|"]
    for run in r["runs"]:
        lines.append(f"| {run['clients']} | {run['transitions']} | {run['per_s']:.0f} | "
                     f"{run['p50_ms']:.1f} | {run['p95_ms']:.1f} | {run['p99_ms']:.1f} | "
                     f"{run['errors']} |")
    last = r["runs"][-1]
    lines += ["", f"At {last['clients']} clients: rate "
              f"{_met(last['per_s'] >= 500)}, p99 {_met(last['p99_ms'] <= 50)}.", ""]
    return lines


def _scale(r: dict[str, Any]) -> list[str]:
    rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
    phases = r.get("phases_s", {})
    split = (f" (generate + COPY {phases['copy']:.0f} s, indexes and foreign keys rebuilt "
             f"{phases['indexes']:.0f} s)" if {"copy", "indexes"} <= phases.keys() else "")
    per_million = r["load_s"] * 1_000_000 / r["cases"]
    estimate = "" if r["cases"] >= 1_000_000 else (
        f" At this rate 1,000,000 cases would load in ~{per_million / 60:.0f} min "
        "(an extrapolation, not a measurement).")
    return ["## 4. Scale data set (COPY)", "",
            f"{r['cases']:,} cases; {r['total_rows']:,} rows ({rows}) loaded in "
            f"{r['load_s']:.0f} s{split} = **{r['rows_per_s']:,.0f} rows/s** with "
            f"{r.get('processes', '?')} generating processes, then VACUUM ANALYZE "
            f"{r['vacuum_analyze_s']:.0f} s. Target: 1,000,000 cases in minutes, not hours: "
            f"{_met(per_million <= 1800)}{' (extrapolated)' if estimate else ''}.{estimate}",
            "", "Slowest index and constraint rebuilds: " + "; ".join(
                f"{_object_name(statement)} {seconds:.0f} s"
                for statement, seconds in r.get("slowest_rebuilds", [])) + ".", ""]


def _object_name(statement: str) -> str:
    """The index or constraint a rebuild statement makes."""
    found = re.search(r'(?:INDEX|CONSTRAINT) "?(\w+)', statement)
    return found.group(1) if found else statement[:60]


def _sqlite(r: dict[str, Any]) -> list[str]:
    lines = ["## 9. SQLite embedded default", "",
             f"The service path of 1-2 on a SQLite file set up by the app's own engine "
             f"(`PRAGMA journal_mode` = {r['journal_mode']}, `PRAGMA synchronous` = "
             f"{r['synchronous']}, read back in the run), {r['cases']} cases, "
             f"{r['processes']} process (SQLite has one writer at a time).", "",
             "| database | transitions | per s | p50 ms | p95 ms | p99 ms |",
             "|---|---|---|---|---|---|",
             _rate_row("SQLite (WAL, synchronous=FULL)", r["service"])]
    if "postgres_service" in r:
        lines += [_rate_row("PostgreSQL, same run, 1 process", r["postgres_service"]), "",
                  f"SQLite / PostgreSQL: **{r['ratio_to_postgres']:.2f}**."]
    else:
        lines += ["", "(No PostgreSQL service figure in this run to set beside it.)"]
    return lines + [""]


def _reminders(r: dict[str, Any]) -> list[str]:
    s, inc, big = r["selection_next_24h"], r["incremental_tick"], r["backlog"]
    backlog_ok = big["seconds"] <= 10 and big["due"] >= 190_000 and not big["cut_by_budget"]
    return [
        "## 5. Reminder scan", "",
        "| step | due | handled | outbox rows | time | target |", "|---|---|---|---|---|---|",
        f"| selection query, next 24 h (batch of {s['batch_rows']}) | {s['due_in_window']:,} "
        f"| - | - | median {s['median_ms']:.1f} ms | <= 20 ms: {_met(s['median_ms'] <= 20)}; "
        f"index used: {s['index_used']} |",
        f"| incremental tick | {inc['due']:,} | {inc['reminders_handled']:,} | "
        f"{inc['outbox_rows_written']:,} | {inc['ms']:.0f} ms | <= 250 ms: "
        f"{_met(inc['ms'] <= 250)} |",
        f"| backlog after downtime | {big['due']:,} | {big['reminders_handled']:,} | "
        f"{big['outbox_rows_written']:,} | {big['seconds']:.1f} s"
        f"{' (stopped by the time budget)' if big['cut_by_budget'] else ''} | "
        f"~200,000 in <= 10 s: {_met(backlog_ok)} |",
        "", f"Backlog rate: {big['reminders_per_s']:.0f} reminders/s.", "",
        "EXPLAIN (ANALYZE, BUFFERS) of the selection:", "", "```", *s["explain"], "```", ""]


def _delivery(r: dict[str, Any]) -> list[str]:
    return ["## 6. Reminder delivery (claim -> Celery -> SMTP -> sent)", "",
            f"{r['mails']:,} mails, {r['worker_processes']} worker processes ({r['pool']}), "
            f"broker {r['broker']}: {r['seconds']:.1f} s = **{r['per_s']:.0f} mails/s** "
            f"(target >= 500: {_met(r['per_s'] >= 500)}); the SMTP server received "
            f"{r['smtp_received']:,}.", ""]


def _pages(r: dict[str, Any]) -> list[str]:
    targets = {"list_filtered": 40, "list_search": 40, "list_deep_page": 40, "case_page": 40,
               "dashboard": 100, "statistics": 500, "api_list": 40, "api_case": 40}
    lines = ["## 7. Pages and API at scale", "",
             f"{r['clients']} concurrent clients on one page at a time (all start it together); "
             f"errors: {r['errors']}.", "",
             "| page | requests | p50 ms | p95 ms | target p95 |", "|---|---|---|---|---|"]
    for page, d in r["pages"].items():
        target = targets.get(page)
        verdict = f"<= {target} ms: {_met(d['p95_ms'] <= target)}" if target else "-"
        lines.append(f"| {page} | {d['requests']} | {d['p50_ms']:.0f} | {d['p95_ms']:.0f} | "
                     f"{verdict} |")
    lines += ["", f"RSS of the gunicorn workers after the run: {r['worker_rss_mib']} MiB.", ""]
    if r["errors"]:
        lines += [f"Errors ({r['errors']}), first ones: {r['first_errors']}.", ""]
    return lines


def _audit(r: dict[str, Any]) -> list[str]:
    enough = r["events"] >= 1_000_000
    note = "" if enough else (
        f" (measured on fewer events; at the measured rate 1,000,000 would take "
        f"~{1_000_000 / r['events_per_s']:.0f} s — an estimate, not a measurement)")
    return ["## 8. audit verify", "",
            f"{r['events']:,} events of {r['cases']:,} cases verified in {r['seconds']:.1f} s "
            f"= **{r['events_per_s']:,.0f} events/s** ({r['output']}). Target: 1,000,000 "
            f"events in <= 5 s: {_met(enough and r['seconds'] * 1e6 / r['events'] <= 5)}"
            f"{note}.", ""]


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = ["# Benchmark results", "",
             f"Machine: {m['node']}, {m['cores']} cores, Python {m['python']}, "
             f"synchronous_commit={m['synchronous_commit']}. Run {m['date']}, "
             f"{r['total_s']:.0f} s. Load average at start {m['loadavg_start']}, at end "
             f"{m['loadavg_end']} (the machine is shared: absolute figures drift, the "
             "side-by-side ratios less so).", "",
             f"Sizes: {r['sizes']}.", ""]
    earlier = {key: when for key, when in r.get("measured_at", {}).items()
               if when != m["date"] and key in r}
    if earlier:
        lines += ["Kept from earlier runs (not measured in this one): " + ", ".join(
            f"{key} ({when})" for key, when in earlier.items()) + ".", ""]
    for key, part in (("transitions", _transitions), ("http", _http), ("scale", _scale),
                      ("reminders", _reminders), ("delivery", _delivery), ("pages", _pages),
                      ("audit", _audit), ("sqlite", _sqlite)):
        if key in r:
            lines += part(r[key])
            if key in earlier:
                lines += [f"_(From the run of {earlier[key]}.)_", ""]
    return "\n".join(lines) + "\n" + _kept_notes()


def _kept_notes() -> str:
    path = HERE / "RESULTS.md"
    text = path.read_text() if path.exists() else ""
    return text[text.index(NOTES_MARKER):] if NOTES_MARKER in text else NOTES_MARKER + "\n"
