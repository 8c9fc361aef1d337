"""Cohort-wide tables: the per-tumour alterations (small variants and amplifications),
hotspot statuses and gene-level copy numbers stacked (Snakemake script)."""

import sys

import pandas as pd

from alkres.alterations import ALTERATION_COLUMNS
from alkres.io import atomic_output

sys.stderr = open(snakemake.log[0], "w")


def stack(paths):
    return pd.concat(
        [pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False) for path in paths],
        ignore_index=True,
    )


alterations = stack(snakemake.input.alterations)[ALTERATION_COLUMNS]
# One order for every run: by sample, then position (amplifications sort with their gene region).
alterations["_pos"] = pd.to_numeric(alterations["pos"], errors="coerce")
alterations = alterations.sort_values(
    ["sample_id", "chrom", "_pos", "alteration"], kind="stable"
).drop(columns="_pos")
for table, output in (
    (alterations, snakemake.output.alterations),
    (stack(snakemake.input.hotspots), snakemake.output.hotspots),
    (stack(snakemake.input.genes), snakemake.output.copy_number),
):
    with atomic_output(output) as path:
        table.to_csv(path, sep="\t", index=False)
