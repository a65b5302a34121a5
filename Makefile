# make demo       - create .venv, install glasstorch with the labs extra, run lab 01 on glasstorch as a code-along
# make test       - create .venv, install the test and labs extras (torch 2.13 included) and the browser the
#                   site test drives, run the whole suite (every lab on torch and on glasstorch included)
# make test-fast  - the same, stopping at the first failure, with fewer hypothesis examples
# make fuzz       - the suite on fresh random draws (CI's draws are fixed; this hunts new cases)
# make labs       - check every lab on both backends (glasstorch lab check)
# make site       - build the labs' website into build/site (MkDocs Material)
# make bench      - glasstorch against torch, side by side, printed as ratios
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JOBS ?= 2

.PHONY: demo test test-fast fuzz labs site bench clean system-deps

$(VENV)/.base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.labs: $(VENV)/.base
	$(PY) -m pip install -q -e '.[labs]'
	touch $@

$(VENV)/.test: $(VENV)/.labs
	$(PY) -m pip install -q -e '.[test,labs]'
	touch $@

# graphviz draws lab 02's graphs; chromium and its driver open the built site in tests/test_site.py
system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi

demo: $(VENV)/.labs
	$(PY) -m glasstorch demo

test: $(VENV)/.test system-deps
	$(PY) -m pytest -q -n $(JOBS) -p no:cacheprovider tests

test-fast: $(VENV)/.test system-deps
	$(PY) -m pytest -q -n $(JOBS) -x -p no:cacheprovider tests --hypothesis-profile=fast

fuzz: $(VENV)/.test system-deps
	$(PY) -m pytest -q -n $(JOBS) -p no:cacheprovider tests --hypothesis-profile=explore

labs: $(VENV)/.labs
	$(PY) -m glasstorch lab check

site: $(VENV)/.labs
	$(PY) -m glasstorch lab site

bench: $(VENV)/.test
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
