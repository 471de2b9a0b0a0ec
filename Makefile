# wp-customer-bridge — see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test stop check migrate bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: install Debian's python3-venv (apt-get install -y python3-venv)"; exit 1; }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

## run: MariaDB (found or started), schema, demo data, then the service on 127.0.0.1:8080
run: $(STAMP)
	$(BIN)/wpbridge up

## test: the whole test suite against a fresh database on the real MariaDB
test: $(STAMP)
	$(BIN)/python -m pytest -q

## stop: stop the service and the private MariaDB that `make run` started
stop: $(STAMP)
	$(BIN)/wpbridge stop

check: $(STAMP)
	$(BIN)/wpbridge check

clean:
	rm -rf $(VENV) .run .pytest_cache
