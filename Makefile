# The two commands a new user needs:
#   make start   runs the bot when DISCORD_TOKEN is set (environment or .env), else the playground in a browser
#   make test    installs everything and runs lint, types and the test suite
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup start test lint types pytest bench clean

# The lock pins every package, the synthesiser (the audio extra) included; --no-deps keeps PyAudio out (see
# scripts/lock).
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	@scripts/install-system-packages
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

setup: $(VENV)/.installed

start: setup
	@$(VENV)/bin/soundoff start $(if $(PORT),--port $(PORT)) $(if $(OPEN),--open)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: setup
	$(VENV)/bin/mypy bot

# In CI the property-based tests use a fixed seed: a submission is judged on the examples it was tried with, and
# a new random example found there would fail an unrelated change. Locally they keep exploring.
PYTEST_ARGS ?= $(if $(CI),--hypothesis-seed=0)

pytest: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The whole suite with its services (Chromium, a throwaway PostgreSQL): what CI runs.
test: setup
	@scripts/with-test-services $(MAKE) --no-print-directory lint types pytest

bench: setup
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
