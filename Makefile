# The two commands a newcomer needs: `make run` and `make test`. Both build .venv first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: run serve worker test install install-dev lint check pytest hubspot-app-test messages bench clean

$(PY):
	@python=$$(sh scripts/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)

$(VENV)/.installed: $(PY) requirements.txt
	$(PIP) install -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: set up, migrate, start the HubSpot sandbox with demo data and serve the app.
run: install
	@bash scripts/run-dev

## make serve: the production shape on one machine: gunicorn (threads, 2+ processes) and the worker, DJANGO_DEBUG=0.
## Needs the required variables and REDIS_URL exported (README, "Serving it"); refuses naming what is missing.
serve: install
	@bash scripts/serve

## make worker: the background worker alone (make run starts one beside the app).
worker: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py worker

## make test: set up, then lint (ruff, import contracts), Django's checks, migrations check, the whole suite,
## and the HubSpot app card's own tests (hubspot-app/: npm ci && npm test) where node and npm are installed.
test: install-dev lint check pytest hubspot-app-test

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

check: install-dev
	$(PY) manage.py check --settings=config.test_settings
	$(PY) manage.py makemigrations --check --dry-run --settings=config.test_settings

pytest: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# Without Node this says so and succeeds: the card is checked wherever Node is (CI), the Python app everywhere.
hubspot-app-test:
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		cd hubspot-app && npm ci --no-audit --no-fund && npm test; \
	else \
		echo "hubspot-app: node/npm not found, skipped the card's tests (npm ci && npm test in hubspot-app/)"; \
	fi

## make bench: every benchmark, one table (name value target ok|MISS); non-zero exit on a miss. Needs PostgreSQL
## (DATABASE server postgres://postgres@127.0.0.1:5432) and Redis (127.0.0.1:6379), as CI has; under ten minutes.
bench: install-dev
	$(PY) benchmarks/bench.py

## make messages: refresh the German catalogue after changing translatable strings.
messages: install-dev
	$(PY) manage.py makemessages --settings=config.test_settings -l de -l en \
		--ignore=.venv --ignore=staticfiles --ignore=hubspot_sandbox --ignore=tests --ignore=benchmarks
	$(PY) manage.py compilemessages --settings=config.test_settings --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
