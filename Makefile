# `make demo` and `make test` work on a fresh machine with only Python 3 installed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test install bench clean browser-deps screenshots

# CesiumJS for `twin view --cesium` and the browser tests (npm package `cesium`).
CESIUM_DIR ?= $(HOME)/.cache/twin-cesium
CESIUM_VERSION ?= 1.140.0

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) examples/compare_altitudes.py

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/run.py

# Headless Chromium + chromedriver (Debian packages) and a local CesiumJS, when missing.
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; }
	@[ -f "$(CESIUM_DIR)/node_modules/cesium/Build/Cesium/Cesium.js" ] || { \
	  command -v npm >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; }; \
	  mkdir -p "$(CESIUM_DIR)" && \
	  npm install --prefix "$(CESIUM_DIR)" --no-audit --no-fund --silent cesium@$(CESIUM_VERSION); }

# docs/report.png and docs/view.png: the page tests, saving their screenshots into docs/.
screenshots: $(STAMP) browser-deps
	TWIN_SCREENSHOTS=$(CURDIR)/docs TWIN_CESIUM_DIR=$(CESIUM_DIR) \
	  $(PY) -m pytest -q tests/test_pages.py -k chromium

clean:
	rm -rf $(VENV) build *.egg-info
