# Two commands on a fresh clone: `make demo` and `make test`.
# Only python3, pip and git are needed; everything else is installed into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck unit bench bench-redaction bench-site clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash demo/walkthrough.sh

lint: $(STAMP)
	$(BIN)/ruff check reviewctl tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# Over every core (pytest-xdist); each worker is its own session, with its own temporary folder and HOME.
unit: $(STAMP)
	$(BIN)/pytest -n auto --dist worksteal

test: lint typecheck unit

bench: $(STAMP) bench-redaction bench-site
	$(BIN)/python benchmarks/bench.py

bench-redaction: $(STAMP)
	$(BIN)/python benchmarks/redaction.py

# The site of 10,000 cases: written warm, and its tracker opened in headless Chromium.
bench-site: $(STAMP)
	$(BIN)/python benchmarks/site.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
