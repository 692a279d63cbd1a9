# carecoop: `make demo` to try it, `make test` to check everything. Needs only Python 3.11+, make and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/carecoop
PYTEST_ARGS ?=

.PHONY: setup demo test lint typecheck checks pytest pytest-postgres bench bench-federation bench-throughput screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed
	$(BIN)/python manage.py translations_compile

demo: setup
	$(BIN)/python manage.py migrate --noinput
	# Loading is not debugged: no copy of each of its 150,000 queries is kept for the debug page.
	DEBUG=false $(BIN)/python manage.py demo_load
	@echo "carecoop is starting on http://127.0.0.1:8000 (stop it with Ctrl-C)."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The two database passes run side by side (each is one process); each prints when it ends.
test: setup lint typecheck checks
	@$(MAKE) --no-print-directory -j2 --output-sync=target pytest pytest-postgres

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy carecoop config --exclude '/(tests|migrations)/|(conftest|testing|sqlcheck)\.py$$'

checks:
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=carecoop.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

# The tests of Redis (the API's shared throttle) run in this pass only, when Redis answers.
pytest:
	@echo "== pytest on SQLite (the PostgreSQL-only tests run in the next pass) =="
	@if $(BIN)/python -c "import redis; redis.Redis(host='127.0.0.1', port=6379, socket_connect_timeout=3).ping()" 2>/dev/null; then \
		marks="not postgres"; \
	elif [ -n "$$CI" ]; then \
		echo "Redis is not reachable at 127.0.0.1:6379, and CI must test on it."; exit 1; \
	else \
		echo "Redis is not reachable at 127.0.0.1:6379: its tests are left out."; marks="not postgres and not redis"; \
	fi; \
	env -u DATABASE_URL $(BIN)/pytest -q -m "$$marks" $(PYTEST_ARGS)

# The browser tests drive pages, not the database: they run in the SQLite pass only.
pytest-postgres:
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== pytest on PostgreSQL =="; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not sqlite and not redis and not browser" $(PYTEST_ARGS); \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL), and CI must test on it."; exit 1; \
	else \
		echo "PostgreSQL is not reachable at $(PG_URL): the PostgreSQL pass is skipped."; \
	fi

# The federation of 300 cooperatives and 1.5 million members runs on PostgreSQL only (its database
# is built once, in minutes, and kept: a later run migrates and counts it again).
BENCHES_POSTGRES := bench/federation.py
BENCHES := bench/growth.py bench/members.py bench/imports.py bench/surveys.py bench/care.py bench/staffing.py bench/governance.py bench/sustainability.py bench/billing.py bench/directory.py bench/load.py

# Every script runs on SQLite, then on PostgreSQL when it is reachable; all results are printed
# before the exit status says whether any budget failed.
bench: setup
	@failed=0; summary=""; \
	run() { started=$$(date +%s); "$$@"; code=$$?; \
		summary="$$summary\n  $$(printf '%-28s %-10s' "$$script" "$$db") exit $$code, $$(( $$(date +%s) - started )) s, load $$(cut -d' ' -f1-3 /proc/loadavg)"; \
		[ $$code -eq 0 ] || failed=1; }; \
	for script in $(BENCHES); do db=SQLite; run env -u DATABASE_URL $(BIN)/python $$script; done; \
	if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		for script in $(BENCHES) $(BENCHES_POSTGRES); do db=PostgreSQL; run env DATABASE_URL=$(PG_URL) $(BIN)/python $$script; done; \
	elif [ -n "$$CI" ]; then \
		summary="$$summary\n  PostgreSQL is not reachable at $(PG_URL), and CI must measure on it."; failed=1; \
	fi; \
	printf "\n== make bench: every script ==$$summary\n"; \
	if [ $$failed -ne 0 ]; then echo "Some budgets failed (see above)."; exit 1; fi

# The federation benchmark alone (also part of `make bench`): BENCH_FEDERATION_SCALE=0.1 builds a
# tenth of it, BENCH_FEDERATION_REBUILD=1 builds again, BENCH_EXPLAIN=1 prints the slowest
# queries' plans.
bench-federation: setup
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(BIN)/python bench/federation.py; \
	else \
		echo "PostgreSQL is not reachable at $(PG_URL): the federation benchmark needs it."; exit 1; \
	fi

# Pages against a minimal signed-in view on gunicorn (PostgreSQL; not yet part of `make bench`).
bench-throughput: setup
	DATABASE_URL=$(PG_URL) $(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) var build staticfiles
