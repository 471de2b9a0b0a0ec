# wp-customer-bridge — see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit lint stop check migrate bench clean shim-zip test-packages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: install Debian's python3-venv (apt-get install -y python3-venv)"; exit 1; }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

## run: MariaDB (found or started), schema, demo data, then the service on 127.0.0.1:8080
run: $(STAMP)
	$(BIN)/wpbridge up

## lint: ruff (format check and lint rules of pyproject.toml) on the Python code, mypy --strict on
## bridge/ and hooks/ ([tool.mypy] in pyproject.toml, stubs in typings/), php -l on the shim
lint: $(STAMP) test-packages
	$(BIN)/ruff format --check bridge hooks tests bench
	$(BIN)/ruff check bridge hooks tests bench
	$(BIN)/mypy
	@find wordpress-shim tests/php -name '*.php' -print0 | xargs -0 -n1 php -l >/dev/null

## test: the whole test suite against a fresh database on the real MariaDB, including the shim's
## PHPUnit tests and the end-to-end tests in a real WordPress and a headless Chromium
## (the end-to-end fixtures build dist/wp-customer-bridge.zip exactly as `make shim-zip` does and install it)
test: $(STAMP) test-packages
	$(BIN)/python -m pytest -q

## test-unit: the fast tier, tests/unit: the pure modules (parameters, validation, statements, totals,
## the invalidation map, hooks, settings, signing, cookies) and the tests' own layout; no database, seconds
test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

## test-packages: php-cli, php-mysql, phpunit, wordpress, chromium, npm, nginx, systemd, openssl
## (apt-get when root; else says what)
test-packages:
	@scripts/ensure-test-packages.sh

## shim-zip: the installable WordPress plugin, dist/wp-customer-bridge.zip (DataTables fetched with npm)
shim-zip:
	$(PYTHON) wordpress-shim/build.py

## bench: the benchmark (bench/): for each size of BENCH_SCALES (default 100000,1000) a fresh
## database of demo customers, `wpbridge serve` with one worker per core, wrk (installed when root), the HTTP floor
## and the SQL floor; writes bench/results/latest.md, latest.png and a JSON file. Takes ~45 min with the defaults;
## BENCH_SCALES=2000,1000 BENCH_DURATION=2 BENCH_NAME=quick for a quick run
bench: $(STAMP)
	@test -x $(BIN)/py-spy && $(BIN)/python -c "import matplotlib" 2>/dev/null || $(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m bench

## stop: stop the service and the private MariaDB that `make run` started
stop: $(STAMP)
	$(BIN)/wpbridge stop

check: $(STAMP)
	$(BIN)/wpbridge check

clean:
	rm -rf $(VENV) .run .pytest_cache build dist
