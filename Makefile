# Lobby Kiosk. `make demo` runs the kiosk, `make test` runs every test; both set up what is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the kiosk and its tests need: a virtual X display, OpenGL (Mesa) for Kivy, xdotool for real
# clicks, libX11/libXrandr (the kiosk measures its display), PostgreSQL (the server's scale path; the tests start
# a private cluster of their own); for the display tests, Xorg's dummy driver (a screen that changes size, as
# a panel turned on its side) with xrandr, and openbox (a window manager, as on a desktop); Rime's essay (word
# counts the pinyin input method's dictionary is built from, with jieba's) and OpenCC (to read it as simplified);
# for bench/bench_ime_quality.py, Rime itself (librime, luna_pinyin), the input method the kiosk's is measured against;
# Prometheus (a test scrapes the server's /metrics with the real one).
SYSTEM_PACKAGES := prometheus nginx xvfb xauth xdotool libgl1 libgl1-mesa-dri libegl1 libmtdev1 libx11-6 libxrandr2 postgresql chromium chromium-driver \
  xserver-xorg-core xserver-xorg-video-dummy x11-xserver-utils openbox xinit systemd \
  librime1 rime-data-luna-pinyin rime-prelude rime-essay libopencc1.1 libopencc-data espeak-ng alsa-utils
DEMO_DATA := .demo-data
DEMO_PORT := 8800
DEMO_ADMIN_PASSWORD := demo-admin-2468
# `make demo WINDOWED=1080x1920` opens a window of that size instead of full screen.
WINDOWED ?=

.PHONY: all deps system-packages i18n i18n-extract demo test lint test-services test-gui screenshots bench check clean

all: deps

deps: system-packages $(VENV)/.installed i18n

system-packages:
	@missing=""; \
	for pkg in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "missing system packages:$$missing (run: sudo apt-get install$$missing)"; exit 1; fi; \
	  echo "installing system packages:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Translations: gettext catalogues, msgids in English, per domain <folder>/locale/{zh_CN,en}/LC_MESSAGES/<domain>.po:
# "kiosk" (kiosk/locale: the touchscreen and the printed slips) and "server" (server/locale: the console and the
# phone pages). The compiled .mo are built from the .po sources, not kept in git.
# tests/test_translations.py reads BABEL_EXTRACT and the *_SOURCES below and extracts the same way.
BABEL_EXTRACT := extract -F babel.cfg -k N_ --no-location --sort-by-file --project "Lobby Kiosk" --version 0.1.0
KIOSK_SOURCES := kiosk screens services common
SERVER_SOURCES := server common/settings.py
I18N_DOMAINS := kiosk server

i18n: $(VENV)/.installed
	@for domain in $(I18N_DOMAINS); do \
	  $(BIN)/pybabel compile --use-fuzzy -d $$domain/locale -D $$domain --statistics || exit 1; \
	done

# After changing a user-visible string: extract the msgids again into build/i18n/<domain>.pot and update every
# .po; then fill in the new (empty) entries, in zh_CN and en, and run `make i18n`.
i18n-extract: $(VENV)/.installed
	mkdir -p build/i18n
	$(BIN)/pybabel $(BABEL_EXTRACT) -o build/i18n/kiosk.pot $(KIOSK_SOURCES)
	$(BIN)/pybabel $(BABEL_EXTRACT) -o build/i18n/server.pot $(SERVER_SOURCES)
	@for domain in $(I18N_DOMAINS); do \
	  $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i build/i18n/$$domain.pot -d $$domain/locale -D $$domain || exit 1; \
	done

# The demo: a central server with sample data on $(DEMO_PORT), and the kiosk enrolled with it.
demo: deps
	@set -e; \
	export KIOSK_SERVER_DATA_DIR="$(CURDIR)/$(DEMO_DATA)/server" KIOSK_DATA_DIR="$(CURDIR)/$(DEMO_DATA)/kiosk"; \
	unset DATABASE_URL; mkdir -p "$$KIOSK_DATA_DIR"; \
	$(BIN)/kiosk-server init; \
	echo "$(DEMO_ADMIN_PASSWORD)" | $(BIN)/kiosk-server create-admin admin >/dev/null; \
	pids=""; trap 'kill $$pids 2>/dev/null || true' EXIT; \
	$(BIN)/kiosk-server serve --host 127.0.0.1 --port $(DEMO_PORT) & pids="$$pids $$!"; \
	for attempt in $$(seq 120); do \
	  $(BIN)/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
	    http://127.0.0.1:$(DEMO_PORT)/healthz 2>/dev/null && break; sleep 0.5; \
	done; \
	if [ ! -f "$$KIOSK_DATA_DIR/terminal.json" ]; then \
	  codes=$$($(BIN)/kiosk-server demo-data 2>/dev/null || $(BIN)/kiosk-server enrol "T1 大堂 1 号机" --location "T1 一层大堂东侧"); \
	  $(BIN)/kiosk enrol --server http://127.0.0.1:$(DEMO_PORT) --code "$$(echo "$$codes" | sed -n '1s/.*enrolment code //p')"; \
	  echo "$$codes" | sed -n "s/^a ticket to scan: \(.*\)/Demo ticket (single quotes: Base45 has \$$ and spaces): echo '\1' > the pty named below/p"; \
	fi; \
	if [ -z "$$DISPLAY" ]; then \
	  Xvfb :77 -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 & pids="$$pids $$!"; \
	  export DISPLAY=:77; sleep 1; \
	  echo "No DISPLAY: the kiosk runs on the virtual display :77 (see it with 'make screenshots', or x11vnc -display :77)."; \
	fi; \
	echo "Console: http://127.0.0.1:$(DEMO_PORT)/console/  (admin 'admin', password '$(DEMO_ADMIN_PASSWORD)'; API schema /openapi.json)."; \
	echo "Kiosk data in $(DEMO_DATA)/kiosk/; printed slips in $(DEMO_DATA)/kiosk/printer-output.txt."; \
	echo "Staff: long-press the bottom-left corner for 3 s, PIN 2468, to quit."; \
	echo "Event check-in: scan a ticket by writing its QR text to the simulated scanner the kiosk names below."; \
	$(BIN)/kiosk run --scanner simulator $(if $(WINDOWED),--windowed $(WINDOWED))

# pytest-xdist: one worker more than there are cores, since much of the suite waits (idle timeouts, TTLs, polls);
# each worker has its own in-process servers, X display and PostgreSQL cluster. Idle workers steal queued tests.
TEST_WORKERS := $(shell echo $$(( $$(nproc) + 1 )))
test: deps lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

# ruff (the rules in pyproject.toml) over all Python code, the layering contracts (import-linter), and mypy over
# the shared package and the server.
lint: deps
	$(BIN)/ruff check --output-format concise common kiosk screens services server tests bench assets
	$(BIN)/lint-imports
	$(BIN)/mypy

test-services: deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal tests/services tests/kiosk

test-gui: deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal tests/gui

# Every screen in both languages and both orientations, to docs/screenshots/*.png.
screenshots: deps
	$(BIN)/python -m kiosk.screenshots --out docs/screenshots

bench: deps
	@# Every benchmark runs; make fails at the end if any missed its target.
	@failed=""; for bench in bench/bench_*.py; do $(BIN)/python $$bench || failed="$$failed $$bench"; done; \
	if [ -n "$$failed" ]; then echo "missed their targets:$$failed"; exit 1; fi

check: deps
	$(BIN)/kiosk check

clean:
	rm -rf $(VENV) $(DEMO_DATA) .pytest_cache build/i18n kiosk/locale/*/LC_MESSAGES/*.mo server/locale/*/LC_MESSAGES/*.mo
