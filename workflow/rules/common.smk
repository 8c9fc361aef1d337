# Reading the inputs: config and sheets validated (defaults filled) before any job runs,
# global wildcard constraints, and the small input functions the rules use.

import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

# The alkres folder. Not workflow.basedir: that is the folder of the main Snakefile, which is
# the user's own when alkres runs as a module (`module alkres: snakefile: ...`).
ALKRES_DIR = Path(str(workflow.current_basedir)).parents[1]
BUNDLED_CONFIG = ALKRES_DIR / "config.yaml"
sys.path.insert(0, str(ALKRES_DIR / "workflow" / "scripts"))

from alkres.inputs.settings import (
    load_defaults,
    run_config,
    validate_config,
)  # noqa: E402
from alkres.inputs.sheet_tables import SheetError  # noqa: E402
from alkres.inputs.sheets import (  # noqa: E402
    ID_PATTERN,
    read_clinical_sheet,
    read_sample_sheet,
)

SCHEMAS = ALKRES_DIR / "workflow" / "schemas"
AS_MODULE = (
    Path(workflow.main_snakefile).resolve() != (ALKRES_DIR / "Snakefile").resolve()
)


def user_config():
    """The config the user gave. `configfile: "config.yaml"` reads the working directory's
    config.yaml; in the alkres folder that is the bundled one, whose data (the test cohort)
    counts only in the demo run, without --configfile. A module gets the importer's config.
    """
    loaded = {Path(path).resolve() for path in workflow.configfiles}
    if AS_MODULE or BUNDLED_CONFIG.resolve() not in loaded:
        return config
    if not workflow.overwrite_configfiles:
        return config  # the demo run (make run), perhaps with --config
    return workflow.config_settings.overwrite_config  # --configfile and --config


def config_source():
    """The user's config files, for messages."""
    files = workflow.overwrite_configfiles or workflow.configfiles
    return ", ".join(str(path) for path in files) or "config"


try:
    _settings = run_config(
        user_config(), load_defaults(SCHEMAS / "config.schema.yaml"), config_source()
    )
    config.clear()  # in place: rules, scripts (snakemake.config) and an importer share it
    config.update(validate_config(_settings, SCHEMAS / "config.schema.yaml"))
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


# The bundled tables each step reads, declared as its inputs: editing one re-runs exactly the
# steps that read it. The code reads them from resources/ of the alkres folder.
BUNDLED_RESOURCES = {
    "transcripts": (
        "transcripts.tsv",
        "alk_cds_ENST00000389048.fa",
        "alk_protein_Q9UM73.fa",
    ),
    # The bypass genes and TP53: coding exons and UniProt proteins (checked on the reference).
    "gene_transcripts": (
        "gene_transcripts.tsv",
        *(
            f"genes/proteins/{path.name}"
            for path in sorted(
                (ALKRES_DIR / "resources" / "genes" / "proteins").glob("*.fa")
            )
        ),
    ),
    "mutation_catalogue": ("alk_resistance_mutations.tsv", "alk_protein_Q9UM73.fa"),
    "bypass_catalogue": ("bypass_catalogue.tsv",),
    "knowledge": (
        "alk_resistance_mutations.tsv",
        "alk_tki_activity.tsv",
        "alk_protein_Q9UM73.fa",
        "tki_vocabulary.tsv",
        "clinical_notes.tsv",
        "bypass_catalogue.tsv",
    ),
    "catalogue": ("alk_resistance_catalogue.tsv",),
    "fusion_naming": ("fusion_partners.tsv", "eml4_alk_variants.tsv"),
    "fusion_notes": ("fusion_variant_notes.tsv",),
}


def bundled_resources(*groups):
    """The bundled files of these groups (absolute paths, so that a module run finds them)."""
    names = sorted({name for group in groups for name in BUNDLED_RESOURCES[group]})
    return [str(ALKRES_DIR / "resources" / name) for name in names]


def bundled_resource(path):
    """A relative path read from the working directory, else from the alkres folder: the
    defaults (resources/...) then work when Snakemake runs elsewhere, or as a module."""
    if Path(path).is_absolute() or Path(path).exists():
        return path
    bundled = ALKRES_DIR / path
    return str(bundled) if bundled.exists() else path


config["copy_number"]["regions"] = bundled_resource(config["copy_number"]["regions"])
TUMORS = SAMPLES[SAMPLES["sample_type"] == "tumor"]
NORMALS = SAMPLES[SAMPLES["sample_type"] == "normal"]
CALLERS = config["calling"]["callers"]
for caller in CALLERS:
    if not (ALKRES_DIR / "workflow" / "rules" / "callers" / f"{caller}.smk").exists():
        raise WorkflowError(
            f"config calling.callers: no rule file workflow/rules/callers/{caller}.smk. "
            "Fix: use bcftools and/or freebayes, or add that rule file (rule call_<name>)."
        )
FUSION_CALLERS = config["fusions"]["callers"]
for caller in FUSION_CALLERS:
    if not (
        ALKRES_DIR / "workflow" / "rules" / "fusion_callers" / f"{caller}.smk"
    ).exists():
        raise WorkflowError(
            f"config fusions.callers: no rule file workflow/rules/fusion_callers/{caller}.smk. "
            "Fix: use delly, [] for none, or add that rule file (rule call_<name>)."
        )
PATIENTS = sorted(TUMORS["patient_id"].unique())
# Plain-dict copies of the sheet for the input functions and params: they run once per job,
# and a pandas .loc lookup costs tens of microseconds, which adds up over thousands of samples.
SAMPLE_ROWS = SAMPLES.to_dict(orient="index")
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


# Job groups: on a cluster, the connected jobs of one group are submitted as one job.
#   setup   - reference link and checks, calling targets, CNVkit bins, software versions
#   sample  - one job per sample: input checks, indexing, QC, callers, depth for CNVkit,
#             a normal's background counts
#   patient - one job per patient: hotspot calls, copy number and annotation of each of its
#             tumours, and the patient report
# The steps that pool samples (normals' background, CNVkit reference and variants; cohort
# tables, QC summary, reports, MultiQC) have no group: a group that spanned one would join
# the whole cohort into one job, and Snakemake re-checks a group with a pooling step each
# time one of its inputs finishes, which made scheduling (and the dry run) quadratic in the
# sample count.
# Local runs ignore groups.
def job_group(name):
    """The rule's job group (None when config group_jobs is false)."""
    return name if config.get("group_jobs", True) else None


def check_resource_names():
    """A `resources:` entry must name a rule: a misspelt one would be ignored silently."""
    # index_bam and index_cram share the entry index_alignment. `rules` knows the rules by
    # their own names, also in a module (where workflow.rules carries the importer's prefix).
    entries = set(config.get("resources", {})) - {"default", "index_alignment"}
    unknown = sorted(
        name
        for name in entries
        if name in {"all", "index_bam", "index_cram"} or not rules.has(name)
    )
    if unknown:
        known = sorted(
            set(load_defaults(SCHEMAS / "config.schema.yaml")["resources"])
            - {"default"}
        )
        raise WorkflowError(
            f"config resources: {', '.join(unknown)} names no step of alkres. "
            f"Fix: use 'default' or one of {', '.join(known)}."
        )


def reference_files():
    """The plain reference FASTA under outdir and its index."""
    return {"fasta": REFERENCE, "fai": f"{REFERENCE}.fai"}


def sheet_value(sample, column):
    """One cell of the sample sheet (as validated: paths absolute, TKIs normalised)."""
    return SAMPLE_ROWS[sample][column]


def _indexed_link(sample):
    """Where a BAM/CRAM without an index is linked and indexed (rules index_bam/index_cram)."""
    extension = Path(sheet_value(sample, "bam")).suffix.lower()
    return f"{OUTDIR}/inputs/{sample}{extension}"


def get_bam(wildcards):
    if sheet_value(wildcards.sample, "bam_index"):
        return sheet_value(wildcards.sample, "bam")
    return _indexed_link(wildcards.sample)


def get_bam_index(wildcards):
    index = sheet_value(wildcards.sample, "bam_index")
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
        f"{OUTDIR}/cohort/fusion_variants.tsv",
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


def get_fusion_caller_vcfs(wildcards):
    """One VCF per configured structural-variant caller for the sample."""
    return [
        f"{OUTDIR}/fusions/{caller}/{wildcards.sample}.vcf.gz"
        for caller in FUSION_CALLERS
    ]


def get_normal_caller_vcfs(wildcards):
    """Every normal's caller VCFs (rule normal_variants pools them)."""
    return [
        f"{OUTDIR}/calls/{caller}/{sample}.vcf.gz"
        for caller in CALLERS
        for sample in NORMALS.index
    ]


def get_normal_variants(wildcards):
    """The normals' pooled variants (rule normal_variants); none without normals."""
    return [f"{OUTDIR}/calls/normal_variants.tsv"] if len(NORMALS) else []


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
            "patient_id": _text(sheet_value(sample_id, "patient_id")),
            "sample_type": _text(sheet_value(sample_id, "sample_type")),
            "specimen": _text(sheet_value(sample_id, "specimen")),
            "collection_date": _text(sheet_value(sample_id, "collection_date")),
            "prior_tkis_list": list(sheet_value(sample_id, "prior_tkis_list")),
            "tumor_purity": _text(sheet_value(sample_id, "tumor_purity")),
        }
        for sample_id in sample_ids
    ]


def _clinical_records():
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


# Clinical follow-up by patient ({} without a clinical sheet).
CLINICAL_RECORDS = _clinical_records()
# Each patient's tumour biopsies in date order (computed once, not per job).
PATIENT_TUMOURS = {}
for _sample, _row in sorted(
    SAMPLE_ROWS.items(), key=lambda item: (_text(item[1]["collection_date"]), item[0])
):
    if _row["sample_type"] == "tumor":
        PATIENT_TUMOURS.setdefault(_row["patient_id"], []).append(_sample)


def patient_tumours(patient):
    """A patient's tumour biopsies in date order."""
    return PATIENT_TUMOURS[patient]


def get_patient_files(pattern):
    """Input function: `pattern` (with {sample}) for each of the patient's tumours."""
    return lambda wildcards: [
        pattern.format(sample=sample) for sample in patient_tumours(wildcards.patient)
    ]
