# Two commands: `make run` serves on http://localhost:3000, `make test` runs the whole suite.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PYTEST_ARGS ?= -n auto

.PHONY: install run test lint format clean docs bench

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv
	@$(UV) sync --frozen --quiet --compile-bytecode
	@$(UV) run --frozen --quiet python -m compileall -q src

run: install
	$(UV) run --frozen vetanco serve

test: install
	./scripts/with-test-services $(UV) run --frozen pytest $(PYTEST_ARGS)

lint: install
	$(UV) run --frozen ruff check src tests bench docs/hooks
	$(UV) run --frozen ruff format --check src tests bench docs/hooks
	$(UV) run --frozen mypy

format: install
	$(UV) run --frozen ruff check --fix src tests bench docs/hooks
	$(UV) run --frozen ruff format src tests bench docs/hooks

bench: install
	VETANCO_PG_DURABLE=1 VETANCO_PG_DATA=bench/.datos/pg UV="$(UV)" ./scripts/with-test-services bash bench/todos.sh

docs: install
	NO_MKDOCS_2_WARNING=1 $(UV) run --frozen mkdocs build --strict

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache site
