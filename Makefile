# Two commands on a fresh clone: `make demo` and `make test`.
# Only python3, pip and git are needed; everything else is installed into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install bytecode demo test test-long lint typecheck unit bench bench-large bench-redaction bench-site axe clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Compiled modules, as pip leaves an installed package: the many reviewctl processes that the
# demo, the benchmarks and some tests start then read them, rather than each compiling every
# module again where PYTHONDONTWRITEBYTECODE is set. Only changed files are compiled.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q reviewctl benchmarks tests >/dev/null

demo: bytecode
	PATH="$(CURDIR)/$(BIN):$$PATH" bash demo/walkthrough.sh

lint: $(STAMP)
	$(BIN)/ruff check reviewctl tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# Over every core (pytest-xdist); each worker is its own session, with its own temporary folder and HOME.
unit: bytecode
	$(BIN)/pytest -n auto --dist worksteal

test: lint typecheck unit

# The history model (tests/test_history_model.py) on many more random paths than `make test`
# takes, each longer, from another seed: REVIEWCTL_MODEL_SEED=N make test-long walks others.
MODEL_EXAMPLES ?= 200
MODEL_STEPS ?= 40
test-long: bytecode
	REVIEWCTL_MODEL_EXAMPLES=$(MODEL_EXAMPLES) REVIEWCTL_MODEL_STEPS=$(MODEL_STEPS) \
	REVIEWCTL_MODEL_SEED=$${REVIEWCTL_MODEL_SEED:-$$(date +%Y%m%d)} \
	$(BIN)/pytest -p no:xdist tests/test_history_model.py

# The figures of issue 22 on 10,000 cases (and 100 for a step), each a ratio measured A and B in turn.
bench: bytecode bench-redaction bench-site
	$(BIN)/python benchmarks/bench.py

# The tracker of 100,000 cases, cold and warm (building the store takes a while; not part of make test).
bench-large: bytecode
	$(BIN)/python benchmarks/bench.py --large

bench-redaction: $(STAMP)
	$(BIN)/python benchmarks/redaction.py

# The site of 10,000 cases: written warm, and its tracker opened in headless Chromium.
bench-site: $(STAMP)
	$(BIN)/python benchmarks/site.py

# axe-core, pinned, for the accessibility test of `reviewctl serve` in Chromium (tests/test_serve_browser.py
# finds it in .axe/; without it that test is skipped, unless REVIEWCTL_REQUIRE_BROWSER is set). Needs npm.
AXE_VERSION := 4.14.1
axe: .axe/node_modules/axe-core/axe.min.js

.axe/node_modules/axe-core/axe.min.js:
	npm install --prefix .axe --no-save --no-audit --no-fund --ignore-scripts axe-core@$(AXE_VERSION)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .axe
