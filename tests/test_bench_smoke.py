"""The benchmarks keep working: a smoke run at tiny sizes (the real run is `make bench`)."""

from bench.run import main


def test_bench_smoke():
    result = main(["--smoke"])
    assert result["service_c1"]["transitions"] == 3 * 6
    assert result["ceiling_c1"]["transitions"] == 3 * 6
    assert result["ratio_c1"] > 0
