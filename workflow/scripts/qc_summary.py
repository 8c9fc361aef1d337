"""Cohort QC table and its MultiQC custom-content copy (Snakemake script)."""

import json
import sys

import pandas as pd

from alkres.io import atomic_output
from alkres.multiqc import write_custom_table
from alkres.qc import add_fusion_status

sys.stderr = open(snakemake.log[0], "w")

summary = pd.concat(
    [
        pd.read_csv(path, sep="\t", dtype={"sample_id": str}, keep_default_na=False)
        for path in snakemake.input.metrics
    ],
    ignore_index=True,
)
# Without normals the copy-number reference is flat: say so where QC is read.
summary["copy_number_reference"] = snakemake.params.copy_number_reference
if snakemake.params.copy_number_reference.startswith("flat"):
    tumours = summary["sample_type"] == "tumor"
    summary.loc[tumours, "reasons"] = summary.loc[tumours, "reasons"].map(
        lambda reasons: "; ".join(
            filter(None, [reasons, "warn: flat copy-number reference (no normals)"])
        )
    )
    summary.loc[tumours & (summary["verdict"] == "pass"), "verdict"] = "warn"
summary = add_fusion_status(
    summary, [json.loads(open(path).read()) for path in snakemake.input.fusion_status]
)
with atomic_output(snakemake.output.summary) as path:
    summary.to_csv(path, sep="\t", index=False, float_format="%.4g")
with atomic_output(snakemake.output.multiqc_table) as path:
    write_custom_table(summary, path, snakemake.params.depth_thresholds)
