# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint index bench clean lock redis-server

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Builds the index if missing (or brings it up to date), then the bot when
# TELEGRAM_BOT_TOKEN is set, else the terminal chat.
run: setup
	$(BIN)/newsqa index update
	$(BIN)/newsqa bot

# The bot replica tests start a real redis-server (Debian's package): installed when absent.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
redis-server:
	@command -v redis-server >/dev/null || (export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get install -y redis-server || ($(SUDO) apt-get update && $(SUDO) apt-get install -y redis-server))

test: setup redis-server
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/newsqa bench

lock: setup
	( echo '# Exact versions the project is tested with (pip freeze); `make lock` regenerates it.'; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^newsqa' ) > constraints.txt

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
