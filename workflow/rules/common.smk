# Reading the inputs: config and sheets validated (defaults filled) before any job runs,
# global wildcard constraints, and the small input functions the rules use.

import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))

from alkres.sheets import (  # noqa: E402
    ID_PATTERN,
    SheetError,
    read_clinical_sheet,
    read_sample_sheet,
    validate_config,
)

SCHEMAS = Path(workflow.basedir) / "workflow" / "schemas"

try:
    config.update(validate_config(config, SCHEMAS / "config.schema.yaml"))
    SAMPLES = read_sample_sheet(config["samples"], SCHEMAS / "samples.schema.yaml")
    CLINICAL = (
        read_clinical_sheet(
            config["clinical"], SAMPLES, SCHEMAS / "clinical.schema.yaml"
        )
        if config["clinical"]
        else None
    )
except SheetError as error:
    # One line that names the file, the row, the column and the fix; no traceback.
    raise WorkflowError(str(error)) from None

OUTDIR = config["outdir"].rstrip("/")
TUMORS = SAMPLES[SAMPLES["sample_type"] == "tumor"]
NORMALS = SAMPLES[SAMPLES["sample_type"] == "normal"]
CALLERS = config["calling"]["callers"]
for caller in CALLERS:
    if not (
        Path(workflow.basedir) / "workflow" / "rules" / "callers" / f"{caller}.smk"
    ).exists():
        raise WorkflowError(
            f"config calling.callers: no rule file workflow/rules/callers/{caller}.smk. "
            "Fix: use bcftools and/or freebayes, or add that rule file (rule call_<name>)."
        )
REFERENCE_FASTA = config["reference"]["fasta"]
REFERENCE = f"{OUTDIR}/reference/genome.fa"


wildcard_constraints:
    sample=ID_PATTERN.strip("^$"),
    patient=ID_PATTERN.strip("^$"),


def rule_resources(rule_name):
    """threads/mem_mb/runtime of a rule from config, falling back to resources.default."""
    table = config.get("resources", {})
    merged = {**table.get("default", {}), **table.get(rule_name, {})}
    return merged


def rule_threads(rule_name):
    return int(rule_resources(rule_name).get("threads", 1))


def rule_mem_mb(rule_name):
    return int(rule_resources(rule_name).get("mem_mb", 1000))


def rule_runtime(rule_name):
    return int(rule_resources(rule_name).get("runtime", 30))


def reference_files():
    """The plain reference FASTA under outdir and its index."""
    return {"fasta": REFERENCE, "fai": f"{REFERENCE}.fai"}


def get_bam(wildcards):
    return SAMPLES.loc[wildcards.sample, "bam"]


def get_bam_index(wildcards):
    return SAMPLES.loc[wildcards.sample, "bam_index"]


def all_outputs():
    """Every final target of the workflow; `rule all` asks for exactly these."""
    return [
        f"{OUTDIR}/qc/qc_summary.tsv",
        f"{OUTDIR}/qc/multiqc_report.html",
        f"{OUTDIR}/cohort/alterations.tsv",
        f"{OUTDIR}/cohort/hotspots.tsv",
        f"{OUTDIR}/cohort/copy_number.tsv",
    ]


def cnvkit_corrections():
    """CNVkit bias corrections, identical for the reference and for each tumour."""
    return "" if config["copy_number"]["edge_correction"] else "--no-edge"


def get_caller_vcfs(wildcards):
    """One normalised VCF per configured caller for the sample."""
    return [f"{OUTDIR}/calls/{caller}/{wildcards.sample}.vcf.gz" for caller in CALLERS]


def get_normal_caller_vcfs(wildcards):
    """Every normal's caller VCFs: a variant they share at high VAF is germline."""
    return [
        f"{OUTDIR}/calls/{caller}/{sample}.vcf.gz"
        for caller in CALLERS
        for sample in NORMALS.index
    ]
