# Two commands on a fresh machine: `make run` (the dashboard on the bundled data, offline)
# and `make test` (lint and types, then every test, browser and real-Nominatim tiers included).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test build check bench lint clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements-cluster.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m streamlit run dashboard.py --server.address 127.0.0.1 --server.port $${PORT:-8501}

build: $(VENV)/.runtime
	$(PY) -m geo build

check: $(VENV)/.runtime
	$(PY) -m geo build --check --offline --quiet

test: lint
	bash .ci/nominatim-server.sh
	bash .ci/browser-setup.sh
	$(PY) -m geo build --check --offline --quiet
	$(PY) -m pytest

# Lint, format and types (settings in pyproject.toml): the first step of `make test`, and so
# of CI. `ruff format .` fixes what `ruff format --check` reports.
lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

bench: $(VENV)/.dev
	$(PY) tests/benchmarks/bench_geoparse.py
	$(PY) tests/benchmarks/bench_dates.py

clean:
	rm -rf $(VENV) data/.index data/geocache.sqlite*
