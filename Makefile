# make demo   - create .venv, install glasstorch, run lab 01's cells on glasstorch
# make test   - create .venv, install the test extras (torch 2.13 included), run the whole suite
# make bench  - glasstorch against torch, side by side, printed as ratios
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JOBS ?= 2

.PHONY: demo test test-fast bench clean

$(VENV)/.base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(PY) -m pip install -q -e '.[test]'
	touch $@

demo: $(VENV)/.base
	$(PY) -m glasstorch demo

test: $(VENV)/.test
	$(PY) -m pytest -q -n $(JOBS) -p no:cacheprovider tests

test-fast: $(VENV)/.test
	$(PY) -m pytest -q -n $(JOBS) -x -p no:cacheprovider tests --hypothesis-profile=fast

bench: $(VENV)/.test
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
