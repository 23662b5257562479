# cheeseshop: `make run` serves the site locally, `make test` runs every test.
# Both set themselves up on a fresh machine and are safe to repeat.

VENV      := .venv
PY        := $(VENV)/bin/python
PORT      ?= 8000
MOTO_PORT ?= 5000
LOCAL_DIR ?= .local
OUT       ?= dist
STAMP     := $(VENV)/.installed

export PORT MOTO_PORT LOCAL_DIR

.PHONY: run test unit functional e2e lint package browser clean translations admin

$(PY):
	@PYTHON=$$(scripts/find-python312) && echo "Creating $(VENV) with $$PYTHON" && $$PYTHON -m venv $(VENV)

$(STAMP): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet --upgrade "pip<26.3"  # chalice 1.34 requires it
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

# pdm, for the client tests, in a venv of its own: its locked install pins versions
# (httpx, hishel) that the rest of the tools do not share. It lives outside the project:
# pdm writes into its own venv while it runs, and `chalice local` restarts on any change here.
PDM_VERSION := 2.29.3
TEST_TOOLS ?= $(HOME)/.cache/cheeseshop-test-tools
PDM := $(TEST_TOOLS)/pdm/.installed-$(PDM_VERSION)
export TEST_TOOLS

$(PDM): | $(PY)
	rm -rf $(TEST_TOOLS)/pdm
	$(PY) -m venv $(TEST_TOOLS)/pdm
	$(TEST_TOOLS)/pdm/bin/python -m pip install --quiet "pdm[locked]==$(PDM_VERSION)"
	@touch $@

# poetry, for the private-index tests, likewise in a venv of its own.
POETRY_VERSION := 2.5.1
POETRY := $(TEST_TOOLS)/poetry/.installed-$(POETRY_VERSION)

$(POETRY): | $(PY)
	rm -rf $(TEST_TOOLS)/poetry
	$(PY) -m venv $(TEST_TOOLS)/poetry
	$(TEST_TOOLS)/poetry/bin/python -m pip install --quiet "poetry==$(POETRY_VERSION)"
	@touch $@

# Catalogs: the .po files are the source (in the repository); the .mo files the site reads
# are compiled from them by every target that serves or ships the site.
LOCALES := chalicelib/i18n/locale
CATALOGS := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po))

$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel -q compile -i $< -o $@

# Extracts every marked string into the template and merges it into each language's catalog.
translations: $(STAMP)
	$(VENV)/bin/pybabel -q extract -F chalicelib/i18n/babel.cfg -k N_plural:1,2 --no-location \
		--sort-output --project=cheeseshop -o chalicelib/i18n/messages.pot .
	$(VENV)/bin/pybabel -q update -i chalicelib/i18n/messages.pot -d $(LOCALES) --no-wrap --ignore-obsolete

run: $(STAMP) $(CATALOGS)
	$(PY) scripts/run_local.py

# Makes an existing user an administrator on the stack `make run` serves (same MOTO_PORT).
admin: $(STAMP)
	@test "$(origin USER)" = "command line" || { echo "usage: make admin USER=<name>" >&2; exit 2; }
	@$(PY) scripts/make_admin.py "$(USER)"

# Debian's Chromium: Playwright's own browser download cannot be used on every machine.
browser:
	@command -v chromium >/dev/null 2>&1 || scripts/install-debian chromium

# axe-core, injected into pages by the accessibility tests.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || scripts/install-debian nodejs npm
	npm ci --no-audit --no-fund --silent
	@touch $(AXE)

test: $(STAMP) $(CATALOGS) browser $(AXE) $(PDM) $(POETRY) lint
	$(PY) -m pytest tests

e2e: $(PDM) $(POETRY) browser $(AXE)
unit functional e2e: $(STAMP) $(CATALOGS)
	$(PY) -m pytest tests/$@

lint: $(STAMP)
	$(VENV)/bin/ruff check app.py chalicelib tests bench scripts client
	$(VENV)/bin/mypy --disallow-untyped-defs chalicelib

package: $(STAMP) $(CATALOGS)
	$(PY) scripts/package.py $(OUT)

clean:
	rm -rf $(VENV) $(LOCAL_DIR) vendor dist node_modules
