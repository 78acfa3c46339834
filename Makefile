# The README's two commands: `make demo` (set up + run the main job on the embedded
# local workspace) and `make test`. Everything installs into .venv from PyPI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sentinel-deploy render --out .sentinel-deploy/rendered
	$(BIN)/sentinel-deploy validate
	$(BIN)/sentinel-deploy test
	$(BIN)/sentinel-deploy deploy --env local

test: $(STAMP)
	$(BIN)/ruff check sentinel_deploy tests scripts benchmarks
	$(BIN)/pytest -q

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .sentinel-deploy .pytest_cache
