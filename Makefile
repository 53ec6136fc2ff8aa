# Everything runs through .venv/bin, so a fresh machine needs only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := marketplace/translations
PYTEST_WORKERS ?= 2
PORT ?= 5000
export PORT

.DEFAULT_GOAL := help
.PHONY: help venv translations messages migrate seed run test lint fix bench

help:
	@echo "make venv          create .venv and install the project with its dev tools"
	@echo "make run           migrate, load demo data, start web + worker + cron (PORT=$(PORT))"
	@echo "make test          run the test suite (pytest -n $(PYTEST_WORKERS))"
	@echo "make lint | fix    check | fix style and types (ruff, mypy)"
	@echo "make migrate | seed | translations | bench"

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf -- "$(VENV)"; exit 1; }

# Reinstall only when the dependencies may have changed.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The .mo files are built, not committed; nothing to do before the first catalogue exists.
translations: venv
	@if find $(TRANSLATIONS) -name '*.po' 2>/dev/null | grep -q .; then \
		$(BIN)/pybabel compile -d $(TRANSLATIONS); \
	else \
		echo "No message catalogues in $(TRANSLATIONS); nothing to compile."; \
	fi

# After changing user-visible text: re-extract, merge into the catalogues, then translate vi.
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o $(TRANSLATIONS)/messages.pot \
		--no-location --sort-output --project marketplace .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
		--no-fuzzy-matching --ignore-obsolete

migrate: venv
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

# The demo needs the sandboxes (seed-demo registers their apps); off everywhere else.
run: export SANDBOX ?= 1
run: venv translations migrate seed
	$(BIN)/python -m workers.run

test: venv translations
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

fix: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv
	@set -e; ran=0; for script in bench/*.py; do \
		case "$${script##*/}" in _*|conftest.py) continue;; esac; \
		[ -f "$$script" ] || continue; \
		echo "== $$script"; \
		$(BIN)/python "$$script"; \
		ran=1; \
	done; \
	[ "$$ran" -eq 1 ] || echo "No benchmarks in bench/ yet."
