# One Makefile for everything a developer or an IT officer runs. See README.md.
SHELL := /bin/bash
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin

# The first interpreter that really runs and is 3.12+ (pyenv shims for an
# inactive version exist but fail, so each candidate is actually executed).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p || echo $$p; } && break; done)

.PHONY: run worker serve restore-drill loadtest test test-fast lint format migrations-check bench clean

$(BIN)/.installed-%: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is required (tried python3.13, python3.12, python3)." >&2; exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --group $*
	@touch $@

run: $(BIN)/.installed-run
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py seed_demo --if-empty
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The background task worker (large Excel exports); run it beside `make run` in a second terminal.
worker: $(BIN)/.installed-run
	DEBUG=true $(BIN)/python manage.py db_worker

# Production: deploy checks, refuses pending migrations, collectstatic, gunicorn on 127.0.0.1:8001
# (PORT; scripts/serve; settings from .env and the environment, see docs/operations.md).
serve: $(BIN)/.installed-run
	scripts/serve

# Backup/restore drill on the configured PostgreSQL database (DATABASE_URL): pg_dump -Fc, restore
# into a fresh <name>_restored, compare row counts and report totals (scripts/restore_drill).
restore-drill: $(BIN)/.installed-run
	scripts/restore_drill

# By hand, never in CI: load tests against `make serve` on a copy of the province data whose name
# ends with _load (tests/load/run.py; docs/operations.md, "Load tests"). LOADTEST_ARGS e.g. --minutes 5.
loadtest: $(BIN)/.installed-load
	$(BIN)/python -m tests.load.run $(LOADTEST_ARGS)

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(BIN)/.installed-dev
	SECRET_KEY=check DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run

# The whole suite: lint, migrations, unit and browser tests. Browser tests are
# skipped with a notice when /usr/bin/chromium is missing (never under CI=true).
test: lint migrations-check
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: $(BIN)/.installed-dev
	$(BIN)/pytest -m "not browser" -x -q $(PYTEST_ARGS)

# Prints one figure a line (see docs/operations.md for what each means). BENCH_SCALE=10 measures
# on ten times a province (about a million people; its data is built once and kept, like 1x's).
bench: $(BIN)/.installed-dev
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/python -m tests.bench --scale $(or $(BENCH_SCALE),1)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
