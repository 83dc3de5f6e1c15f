# The README's two commands: `make demo` (PORT=8060 for another port) and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
PORT   ?= 8050

.PHONY: demo test install bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	# dash[testing] pins an old selenium; the project wants a current one
	$(BIN)/python -m pip install -q --upgrade 'selenium>=4.25'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/intl demo --port $(PORT)

# Bytecode is kept even where the machine sets PYTHONDONTWRITEBYTECODE (this one does): otherwise every worker,
# app server, reader and job process the tests start compiles the project from source again (collection alone
# 6.7 -> 2.9 CPU-s per process once compiled).
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/etl.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/export.py

clean:
	rm -rf $(VENV) data/intl.db data/intl.db-*
