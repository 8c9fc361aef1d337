"""ALK fusions of one sample: table, status (for QC and the report) and alteration rows (Snakemake script)."""

import sys

from alkres.alterations import ALTERATION_COLUMNS
from alkres.fusion_calls import (
    FUSION_COLUMNS,
    alteration_rows,
    assess_sample,
    write_status,
)
from alkres.fusions import FusionSettings
from alkres.hotspots import write_tsv
from alkres.io import atomic_output, reference_contig
from alkres.transcript import load_transcript

sys.stderr = open(snakemake.log[0], "w")

alk = load_transcript(snakemake.params.build, "ALK", chrom=reference_contig(snakemake.input.fai))
settings = FusionSettings.from_config(snakemake.params.settings)
result = assess_sample(
    snakemake.wildcards.sample,
    snakemake.params.sample_type,
    snakemake.input.bam,
    snakemake.input.fasta,
    alk,
    settings,
    dict(zip(snakemake.params.callers, snakemake.input.caller_vcfs, strict=True)),
)
for flag in result.status["flags"]:
    print(f"{snakemake.wildcards.sample}: {flag}", file=sys.stderr)
with atomic_output(snakemake.output.fusions) as path:
    write_tsv(path, result.rows, FUSION_COLUMNS)
with atomic_output(snakemake.output.alterations) as path:
    write_tsv(path, alteration_rows(snakemake.params.patient_id, result.rows), ALTERATION_COLUMNS)
with atomic_output(snakemake.output.status) as path:
    write_status(path, result.status)
