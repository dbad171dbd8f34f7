# SEND Workforce — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Set to a postgresql:// URL to run the suite on PostgreSQL as well (CI does).
TEST_POSTGRES_URL ?=
PYTEST_ARGS ?=
PYTEST := $(BIN)/python -m pytest
# Suites that start their own `workforce serve` (browser journeys, load, crash tests): run by their own targets.
E2E_SUITES := tests/browser tests/load tests/durability
# axe-core for the accessibility checks, downloaded from npm and checked against its pins by scripts/vendor-axe.
AXE := tests/browser/vendor/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-packages run test test-sqlite test-postgres test-browser test-load test-durability audit \
	assets lock bench clean help

help:
	@echo "make run    set up, migrate an SQLite database, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole test suite (SQLite; PostgreSQL too when TEST_POSTGRES_URL is set):"
	@echo "            unit, integration and security tests, browser journeys and accessibility, load and crash"
	@echo "            tests, dependency audits"
	@echo "make test-browser | test-load | test-durability | audit   one part of it (docs/testing.md)"
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

test: install system-packages test-sqlite test-postgres test-browser test-load test-durability audit

# $(call on-postgres,WHAT,PYTEST ARGUMENTS): run on PostgreSQL when TEST_POSTGRES_URL is set (CI must set it).
define on-postgres
	@if [ -z "$(TEST_POSTGRES_URL)" ]; then \
		if [ -n "$$CI" ]; then echo "CI must run the PostgreSQL suite: set TEST_POSTGRES_URL" >&2; exit 1; fi; \
		echo "=== $(1) NOT run on PostgreSQL: set TEST_POSTGRES_URL=postgresql://user@host:5432/db to run it ==="; \
	else \
		echo "=== $(1) on PostgreSQL ==="; \
		TEST_ENGINE=postgres TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(PYTEST) $(2) $(PYTEST_ARGS); \
	fi
endef

# $(call on-engines,WHAT,PYTEST ARGUMENTS): SQLite, then PostgreSQL.
define on-engines
	@echo "=== $(1) on SQLite ==="
	TEST_ENGINE=sqlite TEST_DATABASE_URL= $(PYTEST) $(2) $(PYTEST_ARGS)
	$(call on-postgres,$(1),$(2))
endef

test-sqlite: install
	@echo "=== test suite on SQLite ==="
	TEST_ENGINE=sqlite TEST_DATABASE_URL= $(PYTEST) $(E2E_SUITES:%=--ignore=%) $(PYTEST_ARGS)

test-postgres: install
	$(call on-postgres,test suite,$(E2E_SUITES:%=--ignore=%))

test-browser: install system-packages $(AXE)
	$(call on-engines,browser journeys and accessibility,tests/browser)

test-load: install
	$(call on-engines,load test,tests/load)

test-durability: install
	$(call on-engines,crash and durability tests,tests/durability)

audit: install
	$(BIN)/python scripts/audit-dependencies

$(AXE): tests/browser/vendor/axe-core.json scripts/vendor-axe
	$(PYTHON) scripts/vendor-axe

assets:
	scripts/vendor-assets

lock:
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras --extra test -o requirements.lock pyproject.toml

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache test-results $(AXE)
