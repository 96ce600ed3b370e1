# Set-up is part of every target: .venv/ is (re)built when missing, broken or
# older than pyproject.toml, then the project is installed into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: report test test-fast extract lab explore bench clean-venv browser lock

LOCK   := requirements/lock.txt

# The exact versions of requirements/lock.txt (runtime and dev, Linux, Python 3.11),
# then pntlib itself without resolving anything more.
$(STAMP): pyproject.toml $(LOCK)
	@if ! $(BIN)/python -c "import sys" >/dev/null 2>&1; then \
	    echo "creating $(VENV)/"; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Re-resolve the lock from pyproject.toml (after adding or changing a dependency), then
# pin environment.yml to it. Versions the lock already pins are kept while they still
# satisfy pyproject.toml; LOCK_ARGS=--upgrade moves every package to its newest release,
# LOCK_ARGS="--upgrade-package pandas" one of them. uv comes from the lock (dev extra).
lock: $(STAMP)
	UV_CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/uv pip compile pyproject.toml --extra dev \
	    --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --quiet \
	    --output-file $(LOCK) $(LOCK_ARGS)
	$(BIN)/python requirements/environment.py

extract: $(STAMP)
	$(BIN)/pnt extract

# data/processed/ is rebuilt when the report, pntlib's code or the environment is newer
# than its datapackage.json (make extract always rebuilds it).
PROCESSED := data/processed/datapackage.json
$(PROCESSED): $(STAMP) $(wildcard data/raw/*.txt) $(shell find src/pntlib -type f -not -path '*/__pycache__/*')
	$(BIN)/pnt extract
	@touch $(PROCESSED)

# RUN_ARGS passes options to pnt run, e.g. make report RUN_ARGS="--force --jobs 1"
# pnt run's exit status is named (pnt run --help lists them) and passed on.
report: $(PROCESSED)
	@echo "$(BIN)/pnt run $(RUN_ARGS)"; $(BIN)/pnt run $(RUN_ARGS); code=$$?; \
	case $$code in \
	    0) ;; \
	    1) echo "make report: pnt run exit 1: some notebooks failed; the others were published (see reports/index.html and reports/failed/)" >&2;; \
	    2) echo "make report: pnt run exit 2: bad usage (an option, the plan, a parameter or the output folder)" >&2;; \
	    3) echo "make report: pnt run exit 3: another pnt run or pnt extract is writing into the output folder" >&2;; \
	    4) echo "make report: pnt run exit 4: pnt run could not finish (the report, or a file it writes)" >&2;; \
	    *) echo "make report: pnt run exit $$code: stopped by a signal (128 + its number)" >&2;; \
	esac; exit $$code

# The browser tests use Debian's chromium and chromedriver (nothing is downloaded
# by a tool): install them with apt-get when missing and we are root; otherwise
# those tests are skipped with a message.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	        echo "installing chromium and chromium-driver with apt-get"; \
	        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } \
	            || echo "could not install chromium: browser tests will be skipped"; \
	    else echo "chromium not installed and not root: browser tests will be skipped"; fi; fi

# The whole suite: tests/ (notebooks executed by pnt run, the browser checks) and,
# through nbval, every notebook of notebooks/.
test: $(STAMP) browser
	$(BIN)/python -m pytest

# The quick loop while editing: tests/ without the tests that start Jupyter kernels
# (marker `kernel`, see pyproject.toml), no nbval of notebooks/; spread over the cores (pytest-xdist); under a minute.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not kernel" -n auto tests

# JupyterLab at the repository root (data/processed/ and reports/ reachable), opening
# notebooks/explore.ipynb. LAB_ARGS passes options to JupyterLab (e.g. LAB_ARGS=--no-browser); as root
# (a container) it needs --allow-root, added here.
LAB_ARGS ?=
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. --LabApp.default_url=/lab/tree/notebooks/explore.ipynb $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# The explorer as a web app (Voila: code hidden, Spanish, nothing from the network; the
# widget and ipympl assets come from the installed packages) on http://localhost:8866/.
# EXPLORE_ARGS passes options to voila, e.g. make explore EXPLORE_ARGS="--no-browser --port=8870".
# The template (src/pntlib/templates/jupyter/voila/templates/pnt) drops the lab template's
# Font Awesome link to a CDN. A kernel whose page was closed is shut down after 5 idle minutes
# (Voila's own shutdown request from the closing page is refused for its missing _xsrf argument,
# voila-dashboards/voila#1458); a page still open keeps its kernel (cull_connected is off).
EXPLORE_ARGS ?=
explore: $(STAMP)
	JUPYTER_PATH=$(CURDIR)/src/pntlib/templates/jupyter$${JUPYTER_PATH:+:$$JUPYTER_PATH} \
	    $(BIN)/voila notebooks/explorer_app.ipynb --template=pnt --Voila.ip=127.0.0.1 \
	    --VoilaConfiguration.show_tracebacks=False --HTMLExporter.language_code=es \
	    --MappingKernelManager.cull_idle_timeout=300 --MappingKernelManager.cull_interval=60 $(EXPLORE_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_parse.py
	$(BIN)/python benchmarks/bench_run.py
	$(BIN)/python benchmarks/bench_make_report.py
	$(BIN)/python benchmarks/bench_explorer.py

clean-venv:
	rm -rf $(VENV)
