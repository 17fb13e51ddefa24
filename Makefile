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

.PHONY: run test test-llm bench harden install ingest serve clean browser

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

# The LLM mode against a real model server (not part of `make test`: 20 min or more to build the server the first
# time, much more on a loaded machine, then minutes per plan on 2 cores): llama-cpp-python's server built from PyPI in its own venv, a small
# Qwen2.5-Coder instruct GGUF that PyPI packages ship (tools/llm_model.py checks its sha256), started on the
# loopback by the tests. LLM_MODEL_NAME=qwen2.5-coder-0.5b is faster and weaker; AAP_TEST_LLM_DATA=DIR reuses an
# ingested data folder. The server is built without its multimodal library (not used), to save build time.
LLM_VENV ?= .llm-venv
LLM_MODEL_NAME ?= qwen2.5-coder-1.5b
$(LLM_VENV)/.server:
	$(PYTHON) -m venv $(LLM_VENV)
	CMAKE_BUILD_PARALLEL_LEVEL=2 CMAKE_ARGS=-DLLAVA_BUILD=OFF nice -n 10 $(LLM_VENV)/bin/python -m pip install -q 'llama-cpp-python[server]==0.3.36'
	touch $@

test-llm: install $(LLM_VENV)/.server
	$(LLM_VENV)/bin/python tools/llm_model.py --dest $(LLM_VENV)/models $(LLM_MODEL_NAME) > $(LLM_VENV)/model-path
	AAP_TEST_LLM_MODEL="$$(cat $(LLM_VENV)/model-path)" AAP_TEST_LLM_PYTHON=$(LLM_VENV)/bin/python \
	  $(PY) -m pytest tests/llm_server -m llm_server -v $(PYTEST_LLM_ARGS)

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
	rm -rf $(VENV) data .pytest_cache  # the model server's venv stays: rm -rf $(LLM_VENV)
