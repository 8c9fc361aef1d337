# alkres: the two commands of the README quickstart are `make run` and `make test`.
# Both set everything up first (system tools from apt, a pinned virtualenv) and are idempotent.

VENV ?= .venv
PYTHON ?= python3
CORES ?= 2
BIN := $(VENV)/bin
# Jobs call tools installed in the venv (multiqc, ...) by name.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test setup setup-dev system system-tests lint test-data clean

run: setup
	$(BIN)/snakemake --cores $(CORES)
	@echo ""
	@echo "alkres finished. Results are in results/:"
	@echo "  results/qc/qc_summary.tsv        per-sample QC verdicts"
	@echo "  results/qc/multiqc_report.html   MultiQC report (with the alkres QC table)"
	@echo "  results/cohort/alterations.tsv   detected ALK alterations, named and classified"
	@echo "  results/fusions/*.fusions.tsv    ALK fusion junctions per sample (exon pair, variant, evidence, Delly)"
	@echo "  results/cohort/hotspots.tsv      every catalogued codon: mutant / wild type (with LoD) / not assessable"
	@echo "  results/patients/*/report.html   one resistance report per patient (report.json beside it)"
	@echo "  results/cohort/report.html       cohort summary, patient x TKI-line matrix, fusion variant table, patient table"

test: setup-dev
	$(BIN)/python -m pytest

setup: system $(VENV)/.installed

setup-dev: system-tests $(VENV)/.installed-dev

system:
	$(PYTHON) tools/install_system_packages.py

system-tests:
	$(PYTHON) tools/install_system_packages.py --tests

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

lint: setup-dev
	$(BIN)/snakemake --lint
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-data: setup
	$(BIN)/python test_data/make_test_data.py

clean:
	rm -rf results .snakemake
