# SEND Workforce — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Set to a postgresql:// URL to run the suite on PostgreSQL as well (CI does).
TEST_POSTGRES_URL ?=
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-packages run test test-sqlite test-postgres assets lock bench clean help

help:
	@echo "make run    set up, migrate an SQLite database, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole test suite (SQLite; PostgreSQL too when TEST_POSTGRES_URL is set)"
	@echo "make assets refresh the vendored GOV.UK Frontend and htmx assets from npm"
	@echo "make lock   re-pin requirements.lock from pyproject.toml"

$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(INSTALLED)

system-packages:
	@scripts/install-system-packages

run: install system-packages
	$(BIN)/workforce migrate
	$(BIN)/workforce seed demo
	$(BIN)/workforce seed logins
	$(BIN)/workforce serve --host $(HOST) --port $(PORT)

test: install system-packages test-sqlite test-postgres

test-sqlite: install
	@echo "=== test suite on SQLite ==="
	TEST_ENGINE=sqlite TEST_DATABASE_URL= $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install
	@if [ -z "$(TEST_POSTGRES_URL)" ]; then \
		if [ -n "$$CI" ]; then echo "CI must run the PostgreSQL suite: set TEST_POSTGRES_URL" >&2; exit 1; fi; \
		echo "=== PostgreSQL suite NOT run: set TEST_POSTGRES_URL=postgresql://user@host:5432/db to run it ==="; \
	else \
		echo "=== test suite on PostgreSQL ==="; \
		TEST_ENGINE=postgres TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/python -m pytest $(PYTEST_ARGS); \
	fi

assets:
	scripts/vendor-assets

lock:
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras --extra test -o requirements.lock pyproject.toml

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache
