"""Cohort QC table and its MultiQC custom-content copy (Snakemake script)."""

import sys

import pandas as pd

from alkres.io import atomic_output
from alkres.multiqc import write_custom_table

sys.stderr = open(snakemake.log[0], "w")

summary = pd.concat(
    [
        pd.read_csv(path, sep="\t", dtype={"sample_id": str}, keep_default_na=False)
        for path in snakemake.input.metrics
    ],
    ignore_index=True,
)
with atomic_output(snakemake.output.summary) as path:
    summary.to_csv(path, sep="\t", index=False, float_format="%.4g")
with atomic_output(snakemake.output.multiqc_table) as path:
    write_custom_table(summary, path, snakemake.params.depth_thresholds)
