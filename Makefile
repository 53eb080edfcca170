# The commands a newcomer needs: `make test`, `make lint` and (with the server) `make demo`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= ../shared/data

.PHONY: install test lint demo check model messages bench clean

# porch itself; the test and lint tools go into the same venv only when `make test` / `make lint` ask.
$(BIN)/porch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-tools: $(BIN)/porch pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(VENV)/.lint-tools: $(BIN)/porch pyproject.toml
	$(BIN)/pip install -q -e '.[lint]'
	touch $@

install: $(BIN)/porch

test: $(VENV)/.test-tools
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# ruff (rules and their reasons in pyproject.toml), the formatter's verdict, and mypy on src/porch.
lint: $(VENV)/.lint-tools
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# The first run: a demo article with the comment widget at http://127.0.0.1:8000/demo/ (SQLite in porch-data/).
demo: install
	$(BIN)/porch demo $(DEMO_ARGS)

# Try the engine on one comment.
check: install
	$(BIN)/porch check --author "Cheap Pills" --url "http://pills-shop.biz" --text "Buy cheap pills at http://pills-shop.biz now!!!"

# Rebuild the shipped model from the public collections (see docs/engine.md).
model: install
	$(BIN)/porch train $(DATA)/youtube $(DATA)/sms --out src/porch/data/default-model.porch

# After changing a text of the pages for readers (src/porch/web/templates/pages/): collect the texts into
# messages.pot and merge them into each language's catalogue (src/porch/web/locale/*/LC_MESSAGES/messages.po),
# where a translator fills in what is new; tests/server/test_i18n.py fails until every one is translated.
messages: install
	$(BIN)/pybabel extract -F babel.cfg --no-location --omit-header --sort-output -o src/porch/web/locale/messages.pot .
	$(BIN)/pybabel update -i src/porch/web/locale/messages.pot -d src/porch/web/locale --ignore-obsolete

bench: $(VENV)/.test-tools
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/widget_size.py
	$(BIN)/python bench/dashboard.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
