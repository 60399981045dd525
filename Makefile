# The two commands a new user needs:
#   make start   runs the bot when DISCORD_TOKEN is set (environment or .env), else the offline studio
#   make test    installs everything and runs lint, types and the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
THEME ?= a lighthouse keeper's last night on the rocks
OUT ?= sketch

.PHONY: setup start test lint types pytest bench clean

$(VENV)/.installed: pyproject.toml
	@scripts/install-system-packages
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

setup: $(VENV)/.installed

start: setup
	@if $(PY) -c "import sys; from bot.settings import load_settings; sys.exit(0 if load_settings().discord_token else 1)"; \
	then $(VENV)/bin/soundoff run; \
	else $(VENV)/bin/soundoff sketch "$(THEME)" --out $(OUT); fi

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: setup
	$(VENV)/bin/mypy bot

pytest: setup
	$(VENV)/bin/pytest

test: lint types pytest

bench: setup
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
