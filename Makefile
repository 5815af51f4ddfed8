# The two commands of the README: `make demo` (deploy the stack on the embedded emulator) and
# `make test` (every suite). Both set up what they need on a fresh Debian machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STACK ?= mlflow
export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
COLLECTION_LINK := .collections/ansible_collections/mlops/mlflow_aws

.PHONY: demo test venv venv-test collections emulator emulator-stop lint sanity pytest system-deps build clean

demo: venv collections
	$(BIN)/python -m emulator start >/dev/null
	eval "$$($(BIN)/python -m emulator env)" && \
	  ansible-playbook playbooks/site.yml -i inventory/emulator -e mlflow_stack_name=$(STACK)
	@echo "Stack outputs (outputs/$(STACK).json):" && cat outputs/$(STACK).json
	@echo "The emulator keeps running for you to explore: eval \"\$$(.venv/bin/python -m emulator env)\"; stop it with: make emulator-stop"

test: system-deps venv-test collections lint sanity pytest

venv: $(VENV)/.runtime-installed
venv-test: $(VENV)/.test-installed

$(VENV)/.runtime-installed: requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -r requirements.txt
	touch $@

$(VENV)/.test-installed: $(VENV)/.runtime-installed requirements-test.txt constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -r requirements-test.txt
	touch $@

system-deps:
	tools/install-system-deps

collections: $(COLLECTION_LINK)
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../.. $@

emulator: venv
	$(BIN)/python -m emulator start
	@echo "Use it: eval \"\$$(.venv/bin/python -m emulator env)\""

emulator-stop:
	$(BIN)/python -m emulator stop

lint: venv-test collections
	ruff check .
	ruff format --check .
	yamllint --strict .
	ansible-lint --profile production --offline
	hadolint files/nginx/Dockerfile files/mlflow/Dockerfile

sanity: venv-test
	tools/ansible-test-sanity

pytest: venv-test collections
	pytest


build: venv
	ansible-galaxy collection build --force --output-path . .

clean: emulator-stop
	rm -rf .collections outputs/*.json
