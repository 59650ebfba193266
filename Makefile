# Two commands on a fresh machine: `make run` starts the whole product, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PORT HOST

.PHONY: run test install migrate lint pytest node-deps browser-deps bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py seed_demo --if-new
	@echo ""
	@echo "  CAD is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops everything)"
	@echo ""
	@$(PY) -m cad.run Procfile

lint: install
	$(VENV)/bin/ruff check .

# Every app's services and selectors (a module, or a package of modules), and the core's access/errors/time
# primitives ([tool.mypy]).
typecheck: install
	$(VENV)/bin/mypy $(wildcard */services.py */services/*.py */selectors.py */selectors/*.py) \
		cad/core/access.py cad/core/errors.py \
		cad/core/isotime.py cad/core/payloads.py cad/core/forms.py cad/core/seeding.py cad/core/updates.py characters/plates.py \
		$(wildcard */payloads.py) \
		calls/inputs.py

node-deps:
	@if command -v npm >/dev/null 2>&1; then \
		{ [ -d tests/node/node_modules/socket.io-client ] && [ -f tests/node/node_modules/axe-core/axe.min.js ]; } \
			|| npm --prefix tests/node install --no-audit --no-fund --silent \
			|| echo "npm install failed: the socket.io-client@4 test and the axe-core checks will be skipped"; \
	else echo "Node.js not found: the socket.io-client@4 test and the axe-core checks will be skipped"; fi

# Browser tests drive Debian's Chromium with Playwright for Python (installed with the test extras).
browser-deps:
	@if [ -x "$${CHROMIUM:-/usr/bin/chromium}" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
		apt-get install -y -q chromium >/dev/null || echo "Could not install Chromium: the browser tests will be SKIPPED"; \
	else echo "Chromium not found at $${CHROMIUM:-/usr/bin/chromium}: the browser tests will be SKIPPED (apt-get install chromium)"; fi

pytest: install node-deps browser-deps
	$(PY) -m pytest

test: lint typecheck pytest

bench: install
	@ls bench/*.py

clean:
	rm -rf $(VENV) var
