# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_HOUSEHOLDS ?= 120
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/poverty_registry
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

PORT ?= 8000

.PHONY: run test install browser services lint format messages clean

# Reinstall only when the dependency list changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

# Browser tests drive Debian's Chromium (never a downloaded browser); the CJK fonts make the
# screenshots readable.
browser:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -q "Noto Sans CJK" || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium fonts-noto-cjk >/dev/null; }

run: export DEBUG = 1
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --households $(DEMO_HOUSEHOLDS) --if-empty --port $(PORT)
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The tests' PostgreSQL and Redis on this machine: started when installed but stopped, and
# named when missing. (Skipped when DATABASE_URL points elsewhere.)
services:
	@case "$${DATABASE_URL:-$(TEST_DATABASE_URL)}" in *@127.0.0.1*|*@localhost*) \
	  command -v pg_isready >/dev/null || { echo "PostgreSQL is not installed: apt-get install postgresql (13 or newer)"; exit 1; }; \
	  pg_isready -q -h 127.0.0.1 -p 5432 || { \
	    echo "Starting PostgreSQL"; \
	    pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n 1)" main start; \
	    for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }; \
	  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; };; esac
	@case "$${REDIS_URL:-$(TEST_REDIS_URL)}" in *//127.0.0.1*|*//localhost*) \
	  command -v redis-server >/dev/null || { echo "Redis is not installed: apt-get install redis-server"; exit 1; }; \
	  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
	    echo "Starting Redis"; \
	    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null; \
	    for i in $$(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; }; \
	  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "Redis does not answer on 127.0.0.1:6379"; exit 1; };; esac

test: export SECRET_KEY = test-only-secret-key-not-for-production
test: install browser services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=bench --ignore=tests --ignore=test-output --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache test-output
