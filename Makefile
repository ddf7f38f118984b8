# Quick start: `make run` opens the studio on the sample project; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)
TARBALL := dist/marionette-studio-$(VERSION)-linux-$(shell uname -m).tar.gz
DIST_STAMP := $(VENV)/.dist-stamp
BUNDLE_SOURCES := $(shell git ls-files studio plugins resources packaging main.py pyproject.toml 2>/dev/null)

.PHONY: run test demo lint bench sample clean dist test-dist

$(STAMP): pyproject.toml setup.py studio/engine/fomm/_winograd_native.c
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

# The self-contained one-folder app, packed as $(TARBALL) (docs/packaging.md).
dist: $(TARBALL)

$(DIST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,dist]'
	@touch $(DIST_STAMP)

$(TARBALL): $(DIST_STAMP) $(BUNDLE_SOURCES)
	$(PY) packaging/build.py

# Extract the bundle into an empty folder and run self-test and a render there with a clean environment.
test-dist: $(TARBALL)
	MARIONETTE_TEST_DIST=1 MARIONETTE_DIST_TARBALL=$(TARBALL) $(PY) -m pytest -q -m dist tests/packaging

sample: $(STAMP)
	$(PY) resources/build_sample.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache demo.mp4 build dist
