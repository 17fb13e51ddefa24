# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test bench harden install ingest serve clean browser

# The venv, with torch 2.13.0 first: it is the CPU build on this machine's disk (any other version downloads GBs).
$(VENV)/.torch:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install torch==2.13.0
	touch $@

$(VENV)/.installed: $(VENV)/.torch pyproject.toml
	$(PIP) install -e '.[test,llm]'
	touch $@

install: $(VENV)/.installed

ingest: install
	$(VENV)/bin/aap ingest

serve: install
	$(VENV)/bin/aap serve

run: ingest serve

# Tests marked `slow` stay out of the default run (PYTEST_ARGS= runs everything).
PYTEST_ARGS ?= -m "not slow"
test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

# Debian's Chromium for the browser tests (apt-get, as root or with sudo; a French message otherwise).
browser:
	@.ci/install-browser

bench: install
	$(PY) -m benchmarks.run

# The hardening campaigns at full size (long: about an hour on an idle machine; figures in docs/reliability.md). One:
# make harden HARDEN_ARGS=crashes ; the short CI sizes: HARDEN_ARGS=--quick
harden: install
	nice -n 10 $(PY) -m hardening $(HARDEN_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache
