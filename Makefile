# PEP Portal: `make run` serves the portal with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON_BOOT ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run install demo-data serve worker test check format codes benchmarks clean

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo-data: install
	mkdir -p var/mail
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_schools data/gias/edubase_leeds383_2023-07_subset_cp1252_DERIVED.csv
	$(PY) manage.py import_ssda903 data/ssda903/header.csv data/ssda903/episodes.csv data/ssda903/oc2.csv
	$(PY) manage.py seed_demo
	$(PY) manage.py refresh_reporting

run: demo-data
	PORT=$(PORT) bin/run-portal

test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -q

# Lint, then the security scans: bandit over the portal's code, pip-audit over the
# installed dependencies, and Django's deployment checks under production settings.
# pip-audit asks PyPI's JSON API about each installed version; a package it cannot
# look up is listed as skipped. Set PIP_AUDIT_FLAGS=--strict to fail on that too.
PIP_AUDIT_FLAGS ?=

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -c pyproject.toml -r . -q
	$(VENV)/bin/pip-audit --progress-spinner off --local --skip-editable $(PIP_AUDIT_FLAGS)
	env -u PEP_PORTAL_INSECURE_LOCAL_HTTP -u DEBUG -u DJANGO_ALLOW_ASYNC_UNSAFE \
	  PEP_PORTAL_ENV=production \
	  ALLOWED_HOSTS=pep.example.org \
	  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

codes:
	@$(PY) manage.py latest_codes

clean:
	rm -rf var
