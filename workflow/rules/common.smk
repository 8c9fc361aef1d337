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


def bundled_resource(path):
    """A relative path read from the working directory, else from the alkres folder: the
    defaults (resources/...) then work when Snakemake runs elsewhere (--directory)."""
    if Path(path).is_absolute() or Path(path).exists():
        return path
    bundled = Path(workflow.basedir) / path
    return str(bundled) if bundled.exists() else path


config["copy_number"]["regions"] = bundled_resource(config["copy_number"]["regions"])
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
PATIENTS = sorted(TUMORS["patient_id"].unique())
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


def _indexed_link(sample):
    """Where a BAM/CRAM without an index is linked and indexed (rules index_bam/index_cram)."""
    extension = Path(SAMPLES.loc[sample, "bam"]).suffix.lower()
    return f"{OUTDIR}/inputs/{sample}{extension}"


def get_bam(wildcards):
    if SAMPLES.loc[wildcards.sample, "bam_index"]:
        return SAMPLES.loc[wildcards.sample, "bam"]
    return _indexed_link(wildcards.sample)


def get_bam_index(wildcards):
    index = SAMPLES.loc[wildcards.sample, "bam_index"]
    if index:
        return index
    link = _indexed_link(wildcards.sample)
    return f"{link}.crai" if link.endswith(".cram") else f"{link}.bai"


def checked_alignment():
    """The record of check_alignment: every rule reading a BAM waits for it."""
    return f"{OUTDIR}/checks/{{sample}}.tsv"


def all_outputs():
    """Every final target of the workflow; `rule all` asks for exactly these."""
    return [
        f"{OUTDIR}/qc/qc_summary.tsv",
        f"{OUTDIR}/qc/multiqc_report.html",
        f"{OUTDIR}/cohort/alterations.tsv",
        f"{OUTDIR}/cohort/hotspots.tsv",
        f"{OUTDIR}/cohort/copy_number.tsv",
        f"{OUTDIR}/cohort/patients.tsv",
        f"{OUTDIR}/cohort/summary.tsv",
        f"{OUTDIR}/cohort/report.html",
        *expand(f"{OUTDIR}/patients/{{patient}}/report.html", patient=PATIENTS),
        *expand(f"{OUTDIR}/patients/{{patient}}/report.json", patient=PATIENTS),
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


def _text(value):
    """A sheet cell as text ('' for an empty cell)."""
    return (
        ""
        if value is None or value != value
        else f"{value:g}" if isinstance(value, float) else str(value)
    )


def sample_records(sample_ids):
    """Sheet rows as plain dicts for scripts (params: a changed sheet re-runs the reports)."""
    return [
        {
            "sample_id": sample_id,
            "patient_id": _text(SAMPLES.loc[sample_id, "patient_id"]),
            "sample_type": _text(SAMPLES.loc[sample_id, "sample_type"]),
            "specimen": _text(SAMPLES.loc[sample_id, "specimen"]),
            "collection_date": _text(SAMPLES.loc[sample_id, "collection_date"]),
            "prior_tkis_list": list(SAMPLES.loc[sample_id, "prior_tkis_list"]),
            "tumor_purity": _text(SAMPLES.loc[sample_id, "tumor_purity"]),
        }
        for sample_id in sample_ids
    ]


def clinical_records():
    """Clinical follow-up by patient ({} without a clinical sheet)."""
    if CLINICAL is None:
        return {}
    return {
        patient_id: {
            column: _text(row[column])
            for column in ("next_tki", "best_response", "comment")
            if column in row
        }
        for patient_id, row in CLINICAL.iterrows()
    }


def patient_tumours(patient):
    """A patient's tumour biopsies in date order."""
    rows = TUMORS[TUMORS["patient_id"] == patient]
    return sorted(
        rows.index,
        key=lambda sample_id: (
            _text(rows.loc[sample_id, "collection_date"]),
            sample_id,
        ),
    )


def get_patient_files(pattern):
    """Input function: `pattern` (with {sample}) for each of the patient's tumours."""
    return lambda wildcards: [
        pattern.format(sample=sample) for sample in patient_tumours(wildcards.patient)
    ]
