"""The benchmarks keep working: a smoke run at tiny sizes (the real run is `make bench`)."""

import json

import pytest

from bench import report
from bench import run as bench_run
from bench.run import STEPS, main

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_bench_smoke():
    result = main(["--smoke"])
    for run in result["transitions"]:
        for path in ("service", "ceiling", "spiff"):
            assert run[path]["transitions"] == 4 * len(STEPS), path
        assert run["ratio"] > 0 and run["ratio_spiff"] > 0
    for run in result["http"]["runs"]:
        assert run["errors"] == 0, run["first_errors"]
        assert run["transitions"] == run["clients"] * len(STEPS)
    assert result["scale"]["rows"]["cases"] == 300
    assert result["audit"]["output"] == "audit: every chain verifies"
    assert result["audit"]["events"] == result["scale"]["rows"]["case_events"]
    assert result["pages"]["errors"] == 0, result["pages"]["first_errors"]
    reminders = result["reminders"]
    assert reminders["selection_next_24h"]["explain"]
    assert reminders["incremental_tick"]["reminders_handled"] > 0
    assert reminders["backlog"]["outbox_rows_written"] > 0
    delivery = result["delivery"]
    assert delivery["mails"] > 0 and delivery["smtp_received"] == delivery["mails"]
    sqlite = result["sqlite"]
    assert (sqlite["journal_mode"], sqlite["synchronous"]) == ("WAL", "FULL")
    assert sqlite["service"]["transitions"] == 2 * len(STEPS)
    assert sqlite["ratio_to_postgres"] > 0
    text = report.markdown({**result, "measured_at": {}, "total_s": 1.0})
    for heading in ("## 1-2.", "## 3.", "## 4.", "## 5.", "## 6.", "## 7.", "## 8.", "## 9."):
        assert heading in text


def test_partial_run_keeps_other_sections_and_notes(tmp_path, monkeypatch):
    """`--only sqlite` replaces the SQLite section and keeps every other one,
    labelled with its own run, and the hand-written notes below the marker."""
    monkeypatch.setattr(bench_run, "HERE", tmp_path)
    monkeypatch.setattr(report, "HERE", tmp_path)
    earlier = {"machine": {"date": "2026-11-01 10:00 UTC"}, "transitions": ["old"],
               "sqlite": {"old": True}, "wall_s": {"transitions": 5.0}}
    (tmp_path / "results.json").write_text(json.dumps(earlier))
    (tmp_path / "RESULTS.md").write_text(f"old figures\n{report.NOTES_MARKER}\nhand notes\n")
    monkeypatch.setattr(bench_run, "markdown", lambda r: "figures\n" + report._kept_notes())
    result = main(["--only", "sqlite", "--sqlite-cases", "1"])
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["transitions"] == ["old"]
    assert saved["sqlite"] == json.loads(json.dumps(result["sqlite"], default=str))
    assert saved["measured_at"] == {"transitions": "2026-11-01 10:00 UTC",
                                    "sqlite": result["machine"]["date"]}
    assert saved["wall_s"]["transitions"] == 5.0 and "sqlite" in saved["wall_s"]
    assert (tmp_path / "RESULTS.md").read_text().endswith(f"{report.NOTES_MARKER}\nhand notes\n")


def test_report_labels_sections_from_earlier_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "HERE", tmp_path)
    rate = {"transitions": 12, "per_s": 40.0, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0}
    machine = {"node": "vm", "cores": 2, "python": "3.11", "synchronous_commit": "on",
               "loadavg_start": [1], "loadavg_end": [1], "date": "2026-11-28 16:00 UTC"}
    sqlite = {"cases": 2, "processes": 1, "journal_mode": "WAL", "synchronous": "FULL",
              "service": rate, "postgres_service": {**rate, "per_s": 80.0},
              "ratio_to_postgres": 0.5}
    text = report.markdown({"machine": machine, "total_s": 3.0, "sizes": {}, "sqlite": sqlite,
                            "measured_at": {"sqlite": "2026-11-01 10:00 UTC"}})
    assert "Kept from earlier runs (not measured in this one): sqlite (2026-11-01 10:00 UTC)" \
        in text
    assert "SQLite / PostgreSQL: **0.50**" in text and "`PRAGMA synchronous` = FULL" in text
    assert text.endswith(report.NOTES_MARKER + "\n")


SCHEMA = """
SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' '
    || pg_get_constraintdef(oid) || ' ' || convalidated FROM pg_constraint
UNION ALL SELECT 'table ' || relname || ' ' || relpersistence::text FROM pg_class
    WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace
ORDER BY 1
"""


def test_scale_load_leaves_the_migrated_schema_and_valid_chains():
    """The loader drops secondary indexes and foreign keys for the COPY: after
    it every index and constraint is back (validated) and the tables are logged."""
    import psycopg

    from bench import audit, scale
    from bench.common import conninfo, migrate, scratch_database
    from bench.scale_hash import event_hasher, fast_hash

    assert event_hasher() is fast_hash  # else the app's hash changed: update scale_hash
    with scratch_database() as url:
        migrate(url)
        with psycopg.connect(conninfo(url)) as conn:
            before = conn.execute(SCHEMA).fetchall()
        loaded = scale.load(url, 40, processes=0)
        with psycopg.connect(conninfo(url)) as conn:
            assert conn.execute(SCHEMA).fetchall() == before
        assert loaded["rows"]["cases"] == 40 and loaded["phases_s"]["indexes"] >= 0
        assert audit.measure(url)["output"] == "audit: every chain verifies"
