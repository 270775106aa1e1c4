# The course's two commands: `make lab` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Tests and notebook runs use one BLAS thread (the matrices are small, results stay
# repeatable, and on a busy 2-core machine spinning BLAS threads cost 5-30x), and a
# private BPLAB_HOME, so running the solutions never touches a learner's progress file.
TEST_HOME := $(CURDIR)/.venv/home-for-tests
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 BPLAB_HOME=$(TEST_HOME)

.PHONY: lab test quick execute exercises bench lint clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# JupyterLab refuses to start as root ("Running as root is not recommended") unless given
# --allow-root; containers, Binder builds and many cloud notebooks run as root.
# LAB_ARGS passes more options, e.g. make lab LAB_ARGS="--no-browser --port=8899".
LAB_ARGS ?=
ROOT_FLAG = $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)  ## set up, then open the course in JupyterLab
	@if [ "$$(id -u)" = 0 ]; then echo "make lab: you are root (a container or Binder?);" \
		"JupyterLab refuses root without --allow-root, so it is passed."; fi
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) $(LAB_ARGS) notebooks/00_welcome.ipynb

# pytest-xdist: four workers on the two cores (most tests wait on kernels, sandboxes and
# browsers), a whole file per worker (module fixtures and a notebook's cells stay together;
# each worker has its own progress file, see tests/conftest.py).
XDIST := -n 4 --dist loadfile
NBVAL := -p no:warnings --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg

test: $(STAMP)  ## set up, then run every test layer
	rm -rf $(TEST_HOME)
	$(TEST_ENV) $(PY) -m pytest -q $(XDIST) tests/
	$(TEST_ENV) $(PY) -m pytest -q $(XDIST) $(NBVAL) notebooks/ solutions/

quick: $(STAMP)  ## the fast loop: no sandbox, browser, release or other slow layers; no notebooks
	$(TEST_ENV) $(PY) -m pytest -q $(XDIST) -m "not slow and not browser" tests/

execute: $(STAMP)  ## re-execute the lessons and solutions in place (they are committed executed)
	rm -rf $(TEST_HOME)
	$(TEST_ENV) $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb solutions/*.ipynb

exercises: $(STAMP)  ## regenerate exercises/ from solutions/
	$(PY) -m bplab exercises

bench: $(STAMP)  ## print the benchmark table (ratios against peers)
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check bplab tests bench

clean:
	rm -rf $(VENV) build *.egg-info artifacts
