# Lobby Kiosk. `make demo` runs the kiosk, `make test` runs every test; both set up what is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the kiosk and its tests need: a virtual X display, OpenGL (Mesa) for Kivy, xdotool for real
# clicks, PostgreSQL (the server's scale path; the tests start a private cluster of their own).
SYSTEM_PACKAGES := xvfb xauth xdotool libgl1 libgl1-mesa-dri libegl1 libmtdev1 postgresql
DEMO_DATA := .demo-data
# `make demo WINDOWED=1080x1920` opens a window of that size instead of full screen.
WINDOWED ?=

.PHONY: all deps system-packages i18n demo test test-services test-gui screenshots bench check clean

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

# Compiled gettext catalogues (.mo) are built from the .po sources, not kept in git.
i18n: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d kiosk/locale -D kiosk --statistics

demo: deps
	@set -e; \
	if [ -z "$$DISPLAY" ]; then \
	  Xvfb :77 -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$$!; trap "kill $$xvfb" EXIT; \
	  export DISPLAY=:77; sleep 1; \
	  echo "No DISPLAY: the kiosk runs on the virtual display :77 (see it with 'make screenshots', or x11vnc -display :77)."; \
	fi; \
	echo "Kiosk data in $(DEMO_DATA)/; printed slips in $(DEMO_DATA)/printer-output.txt."; \
	echo "Staff: long-press the bottom-left corner for 3 s, PIN 2468, to quit."; \
	KIOSK_DATA_DIR=$(DEMO_DATA) $(BIN)/kiosk run $(if $(WINDOWED),--windowed $(WINDOWED))

test: deps
	$(BIN)/python -m pytest

test-services: deps
	$(BIN)/python -m pytest tests/services tests/kiosk

test-gui: deps
	$(BIN)/python -m pytest tests/gui

# Every screen in both languages and both orientations, to docs/screenshots/*.png.
screenshots: deps
	$(BIN)/python -m kiosk.screenshots --out docs/screenshots

bench: deps
	@for bench in bench/bench_*.py; do $(BIN)/python $$bench || exit 1; done

check: deps
	$(BIN)/kiosk check

clean:
	rm -rf $(VENV) $(DEMO_DATA) .pytest_cache kiosk/locale/*/LC_MESSAGES/*.mo
