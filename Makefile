# Tradefloor: `make run` serves the demo on the embedded default; `make test` runs the suite.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run serve demo migrate test test-fast test-faults bench cluster cluster-check lint format messages check-deploy clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# The pages' browser libraries (htmx, uPlot) from the npm registry, pinned by package-lock.json;
# Django serves them from node_modules (settings.STATICFILES_DIRS): no CDN at run time.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the pages' libraries (apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(PY) manage.py migrate --noinput

# The search index is the database's own on the embedded default: rebuilt here, so that tenders
# made before it existed are found too (new ones are indexed through the domain events).
demo: migrate
	$(PY) manage.py search_index --rebuild --database-only
	$(PY) manage.py load_demo --port $(PORT)

# Daphne serves the site; the auction scheduler (which starts, advances and closes lots) and the
# demo's bidder bots (which wait for Daphne, then bid over the websocket) run beside it and stop
# with it.
run: demo
	@echo "Serving Tradefloor on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	@export TASKS_IN_BACKGROUND=1; \
	$(PY) manage.py run_scheduler --interval 0.5 & scheduler=$$!; \
	$(PY) manage.py run_demo_bots --port $(PORT) & bots=$$!; \
	trap 'kill $$scheduler $$bots 2>/dev/null' EXIT INT TERM; \
	$(BIN)/daphne -b $(HOST) -p $(PORT) marketplace.asgi:application

# The suite on throwaway servers (infra/testenv.py): PostgreSQL, Redis and localstripe, the fake
# Stripe API the tests marked `stripe` use; a missing one skips its tests (REQUIRE_SERVICES=1: fails).
test: install
	$(PY) infra/testsuite.py $(PYTEST_ARGS)

# The fault-injection suite alone (also part of `make test`): processes killed, database sessions
# cut, Redis restarted, under load (tests marked `faults`; docs/operations.md).
test-faults: install
	REQUIRE_SERVICES=1 $(PY) infra/testenv.py -- $(PY) -m pytest -m faults $(PYTEST_ARGS)

# The real stack (Daphne, PostgreSQL, the Redis channel layer) against this machine's baselines
# (pgbench, a plain websockets relay), on throwaway servers; ~5 minutes, not part of `make test`.
# BENCH_SCENARIOS=hot,spread,fanout,idle,outbox,contention,crowd,storm,survive and BENCH_SECONDS=10 pick parts: see docs/benchmarks.md.
bench: install
	$(PY) -m infra.bench

# Production's processes on this machine (docs/cluster.md): HAProxy on :8080 over 3 Daphnes (2 bid
# workers), 2 schedulers, Celery worker and beat, on throwaway PostgreSQL and Redis (or on the
# servers of DATABASE_URL/REDIS_URL); in the foreground until Ctrl-C, which stops every process.
cluster: install
	$(PY) -m infra.cluster

# The scripted auction on the embedded default and on that cluster, each bidder on another Daphne:
# the two protocols must agree and both hash chains verify (exit status 0/1; ~2-3 minutes).
cluster-check: install
	$(PY) -m infra.cluster check

# The suite on the embedded default only (SQLite, in-memory layer), no servers started.
test-fast: install
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff, then mypy with the Django and DRF plugins over the domain packages ([tool.mypy] in
# pyproject.toml names them; its cache is var/mypy-cache). tests/core/test_lint.py runs both too.
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Refresh the .po catalogues from the sources and compile them (needs GNU gettext:
# apt-get install gettext). The compiled .mo files are committed, so `make run` needs neither.
messages: install
	$(PY) manage.py makemessages -l ru -l uk -l en --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'infra/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) var db.sqlite3 node_modules test-artifacts
