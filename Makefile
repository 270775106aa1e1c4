# The course's two commands: `make lab` and `make test`. Both set everything up first.
# REQUIREMENTS and BPLAB_INSTALL say what `make lab` installs here; the student release
# (bplab/grading/release.py) copies the "learner block" below into its own Makefile.
REQUIREMENTS  := requirements-learner.txt
BPLAB_INSTALL := -e .
DEV_STAMP = $(VENV)/.installed-dev
# Tests and notebook runs use one BLAS thread (the matrices are small, results stay
# repeatable, and on a busy 2-core machine spinning BLAS threads cost 5-30x), and a
# private BPLAB_HOME, so running the solutions never touches a learner's progress file.
TEST_HOME := $(CURDIR)/.venv/home-for-tests
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 BPLAB_HOME=$(TEST_HOME)

.PHONY: lab test quick execute exercises bench lint clean

# >>> learner block (the release's Makefile holds a copy of these lines)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# JupyterLab's overrides for this venv: save the widgets' state with a notebook, so a lesson
# run, saved and reopened shows its labs (not "Error displaying widget: model not found").
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

# A Python older than 3.11 (the pinned numpy, scipy, ipykernel need it) stops here in one line.
$(STAMP): $(REQUIREMENTS) pyproject.toml bplab/labs/overrides.json
	@py=$(PY); test -x $$py || py=$(PYTHON); if ! $$py -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		echo "make: the course needs Python 3.11 or newer, and $$py is $$($$py -V 2>/dev/null || echo missing); install one, then: rm -rf $(VENV); make lab PYTHON=python3.12" >&2; exit 1; fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(REQUIREMENTS)
	$(PY) -m pip install --quiet --no-deps $(BPLAB_INSTALL)
	mkdir -p $(dir $(LAB_OVERRIDES)) && cp bplab/labs/overrides.json $(LAB_OVERRIDES)
	touch $(STAMP)

# JupyterLab serves the course's folder (--ServerApp.root_dir=.: notebooks/ and exercises/
# both in its file browser) and opens lesson 00 in it. It refuses to start as root
# ("Running as root is not recommended") unless given --allow-root; containers, Binder
# builds and many cloud notebooks run as root.
# LAB_ARGS passes more options, e.g. make lab LAB_ARGS="--no-browser --port=8899".
# A port asked for there (--port=N) that is taken stops make lab in one line (JupyterLab
# would quietly take another); a taken default port 8888 only says JupyterLab moves on.
LAB_ARGS ?=
ROOT_FLAG = $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_PORT = $(patsubst --port=%,%,$(filter --port=%,$(LAB_ARGS))) $(patsubst --ServerApp.port=%,%,$(filter --ServerApp.port=%,$(LAB_ARGS)))
PORT_TAKEN = $(PY) -c 'import socket, sys; sys.exit(socket.socket().connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' 2>/dev/null

lab: $(STAMP)  ## set up, then open the course in JupyterLab
	@if [ "$$(id -u)" = 0 ]; then echo "make lab: you are root (a container or Binder?);" \
		"JupyterLab refuses root without --allow-root, so it is passed."; fi
	@port="$(strip $(LAB_PORT))"; if [ -n "$$port" ] && $(PORT_TAKEN) "$$port"; then \
		echo "make lab: port $$port is in use (a JupyterLab still running?): stop that one, or pick another port: make lab LAB_ARGS=\"--port=$$((port + 1))\"" >&2; exit 1; \
	elif [ -z "$$port" ] && $(PORT_TAKEN) 8888; then \
		echo "make lab: port 8888 is in use (another JupyterLab?), so JupyterLab takes the next free port: open the address it prints below."; fi
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=. $(ROOT_FLAG) $(LAB_ARGS) notebooks/00_welcome.ipynb
# <<< learner block

# pytest-xdist: four workers on the two cores (most tests wait on kernels, sandboxes and
# browsers), a whole file per worker (module fixtures and a notebook's cells stay together;
# each worker has its own progress file, see tests/conftest.py).
XDIST := -n 4 --dist loadfile
NBVAL := -p no:warnings --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg

$(DEV_STAMP): $(STAMP) requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(DEV_STAMP)

test: $(DEV_STAMP)  ## set up, then run every test layer
	rm -rf $(TEST_HOME)
	$(TEST_ENV) $(PY) -m pytest -q $(XDIST) tests/
	$(TEST_ENV) $(PY) -m pytest -q $(XDIST) $(NBVAL) notebooks/ solutions/

quick: $(DEV_STAMP)  ## the fast loop: no sandbox, browser, release or other slow layers; no notebooks
	$(TEST_ENV) $(PY) -m pytest -q $(XDIST) -m "not slow and not browser" tests/

execute: $(DEV_STAMP)  ## re-execute the lessons and solutions in place (they are committed executed)
	rm -rf $(TEST_HOME)
	$(TEST_ENV) $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb solutions/*.ipynb

exercises: $(DEV_STAMP)  ## regenerate exercises/ from solutions/
	$(PY) -m bplab exercises

bench: $(DEV_STAMP)  ## print the benchmark table (ratios against peers)
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) -m bench

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check bplab tests bench

clean:
	rm -rf $(VENV) build *.egg-info artifacts
