# The two newcomer commands: `make run` (set up, then the main job on the bundled data) and `make test`.
.PHONY: setup run test lint audit

VENV := .venv/bin

.venv/.installed: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh

setup: .venv/.installed

run: setup
	$(VENV)/textmine run

test: setup
	$(VENV)/python -m pytest

lint: setup
	$(VENV)/ruff check textmine tests bench app.py

# Known vulnerabilities in the installed dependencies; fails only when a fixed version exists.
audit: setup
	$(VENV)/python scripts/audit_deps.py
