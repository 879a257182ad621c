# Two commands do all the set-up on a fresh machine:
#   make run    -> creates .venv when missing, runs the 2020 baseline into results/
#   make test   -> creates .venv when missing, runs lint and the whole test suite
PYTHON ?= $(shell p="$$(pyenv root 2>/dev/null)/versions/3.12.1/bin/python3.12"; \
	if [ -x "$$p" ]; then echo "$$p"; else command -v python3.12 || command -v python3; fi)
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= baseline_2020

.PHONY: run test lint clean-venv calibrate

$(BIN)/laborsim: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,cluster,calibrate,viz,notebooks]"
	touch $(BIN)/laborsim

run: $(BIN)/laborsim
	$(BIN)/laborsim run $(SCENARIO)

lint: $(BIN)/laborsim
	$(BIN)/ruff check .

test: $(BIN)/laborsim lint
	bash scripts/ensure_system_packages.sh
	$(BIN)/python -m pytest -n 2 tests

clean-venv:
	rm -rf $(VENV)

# Fit the baseline's behavior parameters (scenarios/baseline_2020.yaml, `calibration:` block) at one
# person per agent, lock the result in scenarios/calibrated/ and write its validation report there.
# A killed run resumes (same code, scenario and targets -> same study file); a changed model starts anew.
CALIBRATE_WORKERS ?= 2
calibrate: $(BIN)/laborsim
	$(BIN)/laborsim calibrate $(SCENARIO) --workers $(CALIBRATE_WORKERS) \
		--lock scenarios/calibrated/$(SCENARIO).yaml --report
