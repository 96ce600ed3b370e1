# Set-up is part of every target: .venv/ is (re)built when missing, broken or
# older than pyproject.toml, then the project is installed into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: report test extract lab bench clean-venv

$(STAMP): pyproject.toml
	@if ! $(BIN)/python -c "import sys" >/dev/null 2>&1; then \
	    echo "creating $(VENV)/"; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

extract: $(STAMP)
	$(BIN)/pnt extract

report: $(STAMP)
	$(BIN)/pnt extract
	$(BIN)/pnt run

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_parse.py

clean-venv:
	rm -rf $(VENV)
