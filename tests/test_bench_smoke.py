"""The benchmarks keep working: a smoke run at tiny sizes (the real run is `make bench`)."""

from bench.run import STEPS, main


def test_bench_smoke():
    result = main(["--smoke"])
    for run in result["transitions"]:
        assert run["service"]["transitions"] == 4 * len(STEPS)
        assert run["ceiling"]["transitions"] == 4 * len(STEPS)
        assert run["ratio"] > 0
