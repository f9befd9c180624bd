# The README's commands. Each target creates .venv when it is missing and installs what it needs,
# including Debian packages (bubblewrap for the sandbox) when run as root on a machine that lacks them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export SANDMLE_CACHE_DIR ?= $(CURDIR)/.cache
PER_SEED ?= 3
# `make test` runs the suite on this many pytest-xdist workers, a whole test module per worker at a time (module
# fixtures build once), in the order tests/conftest.py gives them (heavy modules first); 0 runs it in one process.
TEST_WORKERS ?= 2
CORPUS ?= corpus

.PHONY: venv system-deps browser-deps test corpus bench ui lint test-docker clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

# bubblewrap is the sandbox's isolating backend (the strict policy needs it, or docker); install it from Debian when
# we can (root, apt available).
system-deps:
	@if ! command -v bwrap >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing bubblewrap (Debian) for the sandbox"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; \
	  else \
	    echo "bubblewrap is missing and cannot be installed here: untrusted code is refused (strict sandbox policy)"; \
	    echo "unless you accept a weaker backend with SANDMLE_ALLOW_WEAK_SANDBOX=1 (see README, The sandbox)"; \
	  fi; \
	elif ! bwrap --help 2>&1 | grep -q -- --disable-userns; then \
	  echo "bubblewrap $$(bwrap --version | cut -d' ' -f2) is older than 0.8.0: upgrade it for --disable-userns"; \
	fi

# headless Chromium renders the offline Data Docs page in the tests (tests/contracts/test_offline_docs.py); only
# `make test` needs it, so `make corpus` does not install it.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (Debian) for the Data Docs rendering test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else \
	    echo "chromium is missing and cannot be installed here: the Data Docs rendering tests will be skipped"; \
	  fi; \
	fi

test: system-deps browser-deps $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

corpus: system-deps $(STAMP)
	$(BIN)/sandmle build --per-seed $(PER_SEED) --out $(CORPUS)

bench: system-deps $(STAMP)
	$(BIN)/sandmle bench

ui: $(STAMP)
	$(BIN)/sandmle ui

lint: $(STAMP)
	$(BIN)/ruff check .

# Opt-in: the real docker sandbox backend, against a private daemon started (and stopped) for the run.
# Root only; installs Debian's docker.io when dockerd is missing. Prints container start-up figures.
test-docker: $(STAMP)
	SANDMLE_TEST_PYTHON=$(CURDIR)/$(BIN)/python bash scripts/test-docker.sh

clean:
	rm -rf $(VENV) .cache .prefect .pytest_cache .ruff_cache *.egg-info
