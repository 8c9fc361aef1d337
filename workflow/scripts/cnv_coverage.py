"""Per-bin depth of one sample for CNVkit, from mosdepth's per-base output (Snakemake script)."""

import sys

import pysam

from alkres.cnvkit_cli import run_cnvkit

log = open(snakemake.log[0], "w")
sys.stderr = log
per_base = snakemake.input.per_base
# CNVkit reads a per-base bedGraph through a tabix (.tbi) index.
pysam.tabix_index(per_base, preset="bed", force=True, keep_original=True)
run_cnvkit(
    [
        ["coverage", per_base, snakemake.input.targets, "--output", snakemake.output.targets],
        ["coverage", per_base, snakemake.input.antitargets,
         "--output", snakemake.output.antitargets],
    ],
    log,
)  # fmt: skip
