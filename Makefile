# hgkiemtra — two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HGK := $(VENV)/bin/hgkiemtra
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test lint format bench clean e2e-deps

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
test: install e2e-deps
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

lint: install
	$(VENV)/bin/ruff check hgkiemtra workflows tests bench
	$(VENV)/bin/mypy workflows

format: install
	$(VENV)/bin/ruff check --fix hgkiemtra workflows tests bench

bench: install
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
