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
# Mitogen's strategy runs every play of make (demo, test, bench) with a fraction of Ansible's per-task
# start-up (docs/performance.md); MITOGEN=0 runs Ansible's own linear strategy. Found once the venv has it.
MITOGEN ?= 1
MITOGEN_STRATEGIES = $(if $(filter 1,$(MITOGEN)),$(shell $(BIN)/python -c 'import ansible_mitogen, os; print(os.path.dirname(ansible_mitogen.__file__) + "/plugins/strategy")' 2>/dev/null))
export ANSIBLE_STRATEGY_PLUGINS = $(MITOGEN_STRATEGIES)
export ANSIBLE_STRATEGY = $(if $(MITOGEN_STRATEGIES),mitogen_linear,linear)
COLLECTION_LINK := .collections/ansible_collections/mlops/mlflow_aws

.PHONY: demo demo-stop bench test soak upgrade-test venv venv-test collections emulator emulator-stop lint sanity pytest molecule system-deps build clean

# The data plane runs what the stack describes (ECS tasks, Aurora on MariaDB, ALB, HTTP API) on loopback.
# A second `make demo` finds the emulator and the stack running, and the play changes nothing.
demo: system-deps venv-test collections
	MLFLOW_EMULATOR_DATAPLANE=1 $(BIN)/python -m emulator start >/dev/null
	$(BIN)/python -m emulator require-dataplane
	eval "$$($(BIN)/python -m emulator env)" && \
	  ansible-playbook playbooks/site.yml -i inventory/emulator -e mlflow_stack_name=$(STACK)
	$(BIN)/python tools/demo-summary $(STACK)

demo-stop:
	$(BIN)/python -m emulator stop

# Figures for docs/performance.md (not a test): deploy, no-op re-run and teardown on the virtual clock,
# typical and slow profiles, each on an emulator of its own (tools/deploy-bench). Then docs/dataplane.md's:
# make demo from nothing running to the first authenticated 200, the demo's resident memory, and the
# endpoint's latency against one task's MLflow. The demo keeps running.
bench: system-deps venv-test collections
	$(BIN)/python tools/deploy-bench
	$(BIN)/python tools/demo-bench $(STACK)

test: system-deps venv-test collections lint sanity molecule pytest

venv: $(VENV)/.runtime-installed
venv-test: $(VENV)/.test-installed

$(VENV)/.runtime-installed: requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -r requirements.txt
	touch $@

$(VENV)/.test-installed: $(VENV)/.runtime-installed requirements-test.txt files/mlflow/requirements.txt files/mlflow/constraints.txt constraints.txt \
  $(wildcard clients/mlflow-aws-sigv4-auth/pyproject.toml clients/mlflow-aws-sigv4-auth/src/*/*.py)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -r requirements-test.txt
	# Same version, new source: pip would keep the installed copy.
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --force-reinstall ./clients/mlflow-aws-sigv4-auth
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
	hadolint files/nginx/Dockerfile files/mlflow/Dockerfile files/mlflow-serving/Dockerfile

sanity: venv-test
	tools/ansible-test-sanity

# One file a worker: each worker has its own emulator, and the playbook suites mostly wait. The slowest
# tests are listed so that make test's time budget is kept with figures.
pytest: venv-test collections
	pytest -n 3 --dist loadfile --durations=30

# A hostile AWS (throttle=0.1, 5xx=0.05) over several seeds, deploy and teardown each: long, so never in
# make test. SOAK_SEEDS="1 2 3" and SOAK_TIERS=vpc,aurora,... choose the runs.
soak: venv-test collections
	pytest -n 2 -m soak tests

# An MLflow upgrade from 3.16.1 on the data plane, with a failed migration first (docs/upgrades.md): about
# 15 minutes, in make soak, never in make test.
upgrade-test: venv-test collections
	pytest -m soak tests/soak/test_upgrade.py

# Teardown scenarios (extensions/molecule), offline, each against its own emulator. SCENARIO=<name> runs one.
SCENARIO ?=
# Each scenario has its own emulator, and much of a converge is waiting: they run side by side.
MOLECULE_SCENARIOS := default partial ordering purge
molecule: venv-test collections
	mkdir -p tests/output
	cd extensions && printf '%s\n' $(if $(SCENARIO),$(SCENARIO),$(MOLECULE_SCENARIOS)) | xargs -P 4 -I{} \
	  sh -c 'start=$$(date +%s); if molecule test -s {} > ../tests/output/molecule-{}.log 2>&1; \
	    then echo "molecule {}: passed in $$(( $$(date +%s) - start )) s"; \
	    else echo "molecule {}: FAILED"; tail -n 80 ../tests/output/molecule-{}.log; exit 1; fi' 


build: venv
	ansible-galaxy collection build --force --output-path . .

clean: emulator-stop
	rm -rf .collections outputs
