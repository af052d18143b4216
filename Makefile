# Two commands to start: `make demo` and `make test`. Both create .venv if needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CASE   ?= ad-click-prediction

.PHONY: demo test check bench install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install when pyproject.toml changes; the stamp records what was installed.
# Both install the distributed extra, so `mlsd train --engine dask` runs in the demo and CI.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[distributed]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,distributed]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/mlsd list
	$(BIN)/mlsd compare-models $(CASE)
	$(BIN)/mlsd drift $(CASE) --scenario concept
	$(BIN)/mlsd redeploy $(CASE)
	$(BIN)/mlsd serve $(CASE)
	$(BIN)/mlsd compress $(CASE)
	$(BIN)/mlsd train $(CASE) --engine dask --workers 2
	$(BIN)/mlsd diagram $(CASE)

test: install-dev
	$(BIN)/python -m pytest -q

check: install-dev
	$(BIN)/ruff check mlsd tests bench
	$(BIN)/ruff format --check mlsd tests bench
	$(BIN)/mypy
	$(BIN)/mlsd validate
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/cases.py
	$(BIN)/python bench/production.py
	$(BIN)/python bench/serving.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
