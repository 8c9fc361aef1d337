"""Cohort-wide alterations.tsv and hotspots.tsv: the per-tumour tables stacked (Snakemake script)."""

import sys

import pandas as pd

from alkres.io import atomic_output

sys.stderr = open(snakemake.log[0], "w")

for inputs, output in (
    (snakemake.input.alterations, snakemake.output.alterations),
    (snakemake.input.hotspots, snakemake.output.hotspots),
):
    table = pd.concat(
        [pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False) for path in inputs],
        ignore_index=True,
    )
    with atomic_output(output) as path:
        table.to_csv(path, sep="\t", index=False)
