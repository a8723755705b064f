PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint i18n mo pyc check clean soak serve

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

mo: $(STAMP)
	$(BIN)/pybabel -q compile -d locales -D kotae

# Bytecode for every module, as a regular install has: each `kotae` process (the CLI, the tests'
# subprocesses) then starts without compiling the sources again, even where Python is told not
# to write bytecode itself (PYTHONDONTWRITEBYTECODE). Only changed files are compiled.
pyc: $(STAMP)
	$(BIN)/python -m compileall -q app

run: $(STAMP) mo pyc
	$(BIN)/kotae

# The customer web site on http://127.0.0.1:8080/ (see README: behind a TLS proxy for real use).
serve: $(STAMP) mo pyc
	$(BIN)/kotae serve $(SERVE_ARGS)

test: $(STAMP) mo pyc
	$(BIN)/ruff check app tests bench
	$(BIN)/pytest

# Long runs that do not fit the test budget: the seeded fuzzing of tests/test_fuzz.py, 20x.
soak: $(STAMP) mo pyc
	KOTAE_FUZZ_SCALE=20 $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz.py -k fuzz
	# 8 PostgreSQL clients x 200 operations, then with SIGKILLs and a server restart.
	KOTAE_SOAK=1 $(BIN)/pytest -q -s -p no:cacheprovider tests/test_pg_soak.py

bench: $(STAMP) mo pyc
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench

check: $(STAMP)
	$(BIN)/kotae check

# Extract interface strings from the code and merge them into both catalogs.
i18n: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _ -k N_ -o locales/kotae.pot --no-location --omit-header app
	$(BIN)/pybabel -q update -i locales/kotae.pot -d locales -D kotae -l ja --no-fuzzy-matching --init-missing
	$(BIN)/pybabel -q update -i locales/kotae.pot -d locales -D kotae -l en --no-fuzzy-matching --init-missing

clean:
	rm -rf $(VENV) dist build .pytest_cache .ruff_cache
