"""Cohort outputs: patients.tsv, summary.tsv, fusion_variants.tsv, report.html and the MultiQC
"ALK resistance" and "ALK fusion variant" tables (Snakemake script)."""

import sys

import pandas as pd

from alkres.cohort import (
    FUSION_VARIANT_COLUMNS,
    PATIENT_COLUMNS,
    build_biopsies,
    fusion_variant_rows,
    patient_rows,
    read_fusion_statuses,
    resistance_rows,
    summary_rows,
)
from alkres.io import atomic_output
from alkres.knowledge import load_knowledge_base
from alkres.multiqc import write_fusion_variant_table, write_resistance_table
from alkres.provenance import provenance, read_versions
from alkres.report import line_matrix, render_cohort_html
from alkres.tables import read_rows

sys.stderr = open(snakemake.log[0], "w")

qc = {row["sample_id"]: row for row in read_rows([snakemake.input.qc])}
biopsies = build_biopsies(
    snakemake.params.samples,
    qc,
    read_rows([snakemake.input.alterations]),
    read_rows([snakemake.input.hotspots]),
    read_rows([snakemake.input.copy_number]),
    read_rows(snakemake.input.fusions),
    read_fusion_statuses(snakemake.input.fusion_status),
)
knowledge = load_knowledge_base()
clinical = snakemake.params.clinical
patients = patient_rows(biopsies, clinical, knowledge)
summary = summary_rows(biopsies, clinical, knowledge)
fusion_variants = fusion_variant_rows(biopsies)

with atomic_output(snakemake.output.patients) as path:
    pd.DataFrame(patients, columns=PATIENT_COLUMNS).to_csv(path, sep="\t", index=False)
with atomic_output(snakemake.output.summary) as path:
    pd.DataFrame(summary, columns=["metric", "value"]).to_csv(path, sep="\t", index=False)
with atomic_output(snakemake.output.fusion_variants) as path:
    pd.DataFrame(fusion_variants, columns=FUSION_VARIANT_COLUMNS).to_csv(
        path, sep="\t", index=False
    )
with atomic_output(snakemake.output.multiqc_table) as path:
    write_resistance_table(resistance_rows(biopsies), path)
with atomic_output(snakemake.output.multiqc_fusion_table) as path:
    write_fusion_variant_table(fusion_variants, path)
meta = provenance(
    read_versions(snakemake.input.versions),
    knowledge.version,
    snakemake.params.build,
    snakemake.config,
)
with atomic_output(snakemake.output.html) as path:
    path.write_text(
        render_cohort_html(summary, patients, line_matrix(biopsies), meta, fusion_variants)
    )
