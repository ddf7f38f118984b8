# Quick start: `make run` opens the studio on the sample project; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test demo lint bench sample clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --only-binary=av -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) main.py

test: $(STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-logo
	$(PY) -m pytest -q

demo: $(STAMP)
	$(PY) main.py render resources/sample.marionette -o demo.mp4 --overwrite

lint: $(STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-logo

bench: $(STAMP)
	for script in benchmarks/*.py; do $(PY) $$script || exit 1; done

sample: $(STAMP)
	$(PY) resources/build_sample.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache demo.mp4
