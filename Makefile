# Passerelles — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run install test quality bench messages screenshots

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## Set up everything and serve the demo on SQLite at http://127.0.0.1:8000, with the worker
## that sends e-mails and runs long jobs beside the server; Ctrl-C stops both.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo --if-empty
	$(PY) manage.py worker & trap 'kill $$! 2>/dev/null; wait' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

## The whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL)
# The settings module is forced: the DJANGO_SETTINGS_MODULE exported above for manage.py (dev)
# would otherwise win over pyproject's test settings in pytest-django.
test: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -p no:cacheprovider $(PYTEST_ARGS)

## Lint, formatting, the apps' layers and migrations in sync with the models
quality: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run --noinput
	$(PY) scripts/po.py check

## Benchmarks (results to paste into docs/benchmarks.md)
bench: install
	$(PY) -m bench

## Extract and compile the French/English message catalogues
messages: install
	cd passerelles && ../$(PY) ../manage.py makemessages -l en -l fr --no-obsolete
	@# French plurals take the French rule (0 and 1 singular) only once the catalogue has them;
	@# makemessages runs again to wrap the file the way it always does.
	$(PY) scripts/po.py french-plurals
	cd passerelles && ../$(PY) ../manage.py makemessages -l fr --no-obsolete && ../$(PY) ../manage.py compilemessages
	@# Lists English entries still to translate (scripts/po.py todo / apply fill them in).
	-@$(PY) scripts/po.py check

## PNGs of pages at 390px and 1280px into screenshots/, against a running `make run`
screenshots: install
	$(PY) scripts/screenshots.py --base-url $(or $(BASE_URL),http://127.0.0.1:8000) $(PAGES)
