# Harbor: the two front-door commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export LMS_ENV ?= development

.PHONY: run test test-postgres test-browser bench lint install clean system-deps

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

# WeasyPrint needs Pango, and HarfBuzz's subsetter to embed fonts in ~50 ms rather than
# ~800 ms (fontTools fallback). Installed with apt when missing and we are root; else a warning.
SYSTEM_LIBS := libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
	libharfbuzz-subset.so.0:libharfbuzz-subset0
system-deps:
	@missing=""; for pair in $(SYSTEM_LIBS); do \
	  lib=$${pair%%:*}; pkg=$${pair##*:}; \
	  /sbin/ldconfig -p 2>/dev/null | grep -q "$$lib" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }; \
	  else echo "WARNING: install$$missing (apt-get install$$missing) for certificate PDFs"; fi; \
	fi

## make run: set up the embedded SQLite database, load content and demo accounts, serve on :5000
run: $(VENV)/.installed system-deps
	$(BIN)/lms db upgrade
	$(BIN)/lms content sync
	$(BIN)/lms demo seed
	$(BIN)/flask --app lms run --host 127.0.0.1 --port 5000

## make test: the whole suite (browser tests have their own target)
test: $(VENV)/.installed system-deps
	LMS_ENV=testing $(BIN)/python -m pytest -m "not browser" -q -n 2 $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed system-deps
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
