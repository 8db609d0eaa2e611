# kamgraph: the two commands a newcomer needs are `make run` and `make test`; each sets itself up.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run reset-demo test lint format bench schema examples clean mutation

# (Re)install when the package definition changes; `pip install -e` keeps code changes live.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing kamgraph and its test tools into $(VENV) (pip's output: $(VENV)/install.log)"
	@$(BIN)/python -m pip install --upgrade pip > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@$(BIN)/python -m pip install -e '.[test]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@touch $(STAMP)

## make run: serve the demo (GraphiQL at http://127.0.0.1:8000/graphql) on the embedded SQLite database
run: $(STAMP)
	@$(BIN)/kamgraph serve --demo --log-level $(or $(LOG_LEVEL),warning) $(if $(PORT),--port $(PORT))

## make reset-demo: delete the demo database and its key; the next `make run` seeds a fresh one
reset-demo:
	rm -f kamgraph.sqlite3 kamgraph.sqlite3-wal kamgraph.sqlite3-shm kamgraph.sqlite3.key

## make test: the lint gate, then the whole suite (SQLite; set KAMGRAPH_TEST_DATABASE_URL for PostgreSQL)
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make lint: ruff's checks and its formatting, as configured in pyproject.toml (`make format` applies both)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make bench: the benchmark table (bench/README.md); PostgreSQL too when KAMGRAPH_TEST_DATABASE_URL is set
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## make schema: regenerate the committed SDL files (tests fail when they are stale)
schema: $(STAMP)
	KAMGRAPH_PLUGINS=bundled $(BIN)/kamgraph export-schema --output schema/kamgraph.graphql
	$(BIN)/kamgraph export-schema --core --output schema/core.graphql

## make examples: rewrite examples/tickets from the scaffold's templates (tests/test_scaffold.py compares the two)
examples: $(STAMP)
	rm -rf examples/tickets
	$(BIN)/kamgraph new-plugin tickets --directory examples/tickets

## make mutation: mutation testing of kamgraph/security, the limits, idempotency and every rules.py (scripts/mutation.py);
## on demand, not in CI: about two hours on two cores the first time, then only what changed
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	$(BIN)/python scripts/mutation.py $(MUTATION_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
