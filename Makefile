# obstacle-pipeline: `make demo` and `make test` are all a fresh clone needs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
OBSTACLES := $(VENV)/bin/obstacles
MODEL := models/default
LABELED := $(wildcard data/labeled/*.csv data/labeled/*.sqlite)
RAW := data/raw/new_reports.xlsx

# The first Python 3.12+ found: $PYTHON, then the usual names, then pyenv's install on these machines.
PYTHON_CANDIDATES := $(PYTHON) python3.13 python3.12 python3 /root/.pyenv/versions/3.12.1/bin/python3
FIND_PYTHON = for p in $(PYTHON_CANDIDATES); do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$p; exit 0; fi; done; exit 1

.PHONY: install demo test bench report clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@py=$$($(FIND_PYTHON)) || { echo "error: no Python 3.12 or newer found (tried: $(PYTHON_CANDIDATES)); install one or set PYTHON=/path/to/python3.12" >&2; exit 1; }; \
	  echo "using $$py ($$($$py --version))"; \
	  [ -x $(PY) ] || $$py -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# Retrain only when the model is missing or older than the labeled data or the taxonomy.
$(MODEL)/model_card.json: $(VENV)/.installed $(LABELED) data/taxonomy.csv
	$(OBSTACLES) train --model-dir $(MODEL)

demo: $(MODEL)/model_card.json
	$(OBSTACLES) classify $(RAW) -o reports/new_reports.classified.xlsx --model-dir $(MODEL)
	@echo "held-out check against the writers' answer key (never used in training):"
	$(OBSTACLES) evaluate data/raw/new_reports.answer_key.csv --model-dir $(MODEL)

test: $(VENV)/.installed
	$(PY) -m pytest -q

# `make bench BENCH_ARGS=--full` adds the 4,500,000-report run (several minutes).
bench: $(VENV)/.installed
	$(PY) -m benchmarks.run $(BENCH_ARGS)

# The review notebooks rendered to HTML in reports/ (ignored by git). They use models/default and the classified
# demo batch as they are, making them only when missing: run `make demo` first to retrain on new labels.
report: $(VENV)/.installed
	$(VENV)/bin/jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=900 --output-dir reports \
	  notebooks/*.ipynb

clean:
	rm -rf $(VENV) models/default reports
