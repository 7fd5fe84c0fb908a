# Harbor: the two front-door commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export LMS_ENV ?= development

.PHONY: run test test-postgres test-browser bench lint install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(VENV)/.installed-browser: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,browser]'
	touch $@

install: $(VENV)/.installed

## make run: set up the embedded SQLite database, load content and demo accounts, serve on :5000
run: $(VENV)/.installed
	$(BIN)/lms db upgrade
	$(BIN)/lms content sync
	$(BIN)/lms demo seed
	$(BIN)/flask --app lms run --host 127.0.0.1 --port 5000

## make test: the whole suite (browser tests have their own target)
test: $(VENV)/.installed
	LMS_ENV=testing $(BIN)/python -m pytest -m "not browser" -q -n 2 $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed
	LMS_ENV=testing LMS_TEST_DATABASE_URL=$${LMS_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest -m "not browser" -q -p no:xdist $(PYTEST_ARGS)

## make test-browser: Playwright + axe-core in Debian's Chromium (apt-get install chromium)
test-browser: $(VENV)/.installed-browser
	LMS_ENV=testing LMS_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m browser -q tests/browser $(PYTEST_ARGS)

bench: $(VENV)/.installed
	$(BIN)/python bench/pages.py

lint: $(VENV)/.installed
	$(BIN)/ruff check lms tests bench
	$(BIN)/ruff format --check lms tests bench

clean:
	rm -rf $(VENV) instance .pytest_cache
