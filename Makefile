# hgkiemtra — two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HGK := $(VENV)/bin/hgkiemtra
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test reliability lint format bench clean e2e-deps cluster-deps audit-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Embedded default: SQLite in instance/, no broker server, mail to the local sink.
run: install
	$(HGK) db upgrade
	$(HGK) demo
	$(HGK) serve --host $(HOST) --port $(PORT)

# The whole suite against PostgreSQL and Redis (HGKIEMTRA_TEST_DATABASE_URL,
# HGKIEMTRA_TEST_REDIS_URL; default: the local servers).
test: install e2e-deps cluster-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# The browser tests (tests/e2e) drive Debian's Chromium, never a downloaded
# browser; without it they are skipped.
e2e-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "make: browser tests skipped until Chromium is installed: sudo apt-get install chromium"; \
	  fi; }

# The cluster test (tests/cluster) runs Debian's nginx in front of two gunicorn
# nodes; without it that test is skipped.
cluster-deps:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
	  else \
	    echo "make: the cluster test is skipped until nginx is installed: sudo apt-get install nginx"; \
	  fi; }

# The long variants of the reliability tests (RELIABILITY.md lists each and its figures);
# `make test` runs the same tests with short defaults.
RELIABILITY_TESTS := tests/integration/test_stateful.py tests/integration/fuzz \
	tests/integration/test_concurrency.py tests/integration/faults \
	tests/integration/reminders/test_faults.py tests/integration/security \
	tests/integration/test_audit_tamper.py tests/integration/denunciations/test_canary.py \
	tests/integration/test_backup.py
reliability: install
	HGKIEMTRA_TEST_LOAD_SECONDS=60 HGKIEMTRA_TEST_FUZZ_EXAMPLES=200 \
	HGKIEMTRA_TEST_STATEFUL_EXAMPLES=100 HGKIEMTRA_TEST_TAMPER_EXAMPLES=2000 \
	$(PY) -m pytest -s -p no:cacheprovider $(RELIABILITY_TESTS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check hgkiemtra workflows tests bench
	$(VENV)/bin/mypy workflows

format: install
	$(VENV)/bin/ruff check --fix hgkiemtra workflows tests bench

# Known vulnerabilities of the installed dependencies (pip-audit; .ci/audit_deps.py).
# Fails on one not accepted in .ci/audit-ignore; exits 3 with "not run: <reason>"
# when no vulnerability service answers (AUDIT_ARGS=--allow-unreachable: exit 0).
audit-deps: install
	$(PY) .ci/audit_deps.py $(AUDIT_ARGS)

# Every issue-7 benchmark; figures to bench/RESULTS.md and bench/results.json.
bench: install
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
