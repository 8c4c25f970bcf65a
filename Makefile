# Everything a fresh machine with python3 and make needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint pytest bench wheel-check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# setuptools warns on every editable install whose packages live in mapped
	# folders (screens/ is crm_tui.screens): nothing to act on, so not shown
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/crm-tui --demo

lint: $(STAMP)
	$(BIN)/ruff check crm_tui screens styles data tests
	$(BIN)/ruff format --check crm_tui screens data tests

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint pytest wheel-check

bench: $(STAMP)
	$(BIN)/crm-tui bench --strict

wheel-check: $(STAMP)
	$(BIN)/python tests/wheel_check.py

clean:
	rm -rf $(VENV) build dist *.egg-info
