"""The benchmarks keep working: a smoke run at tiny sizes (the real run is `make bench`)."""

import pytest

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
