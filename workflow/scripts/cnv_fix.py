"""Copy ratios of one tumour against the reference, and their segments (Snakemake script)."""

import sys

from alkres.cnvkit_cli import run_cnvkit

log = open(snakemake.log[0], "w")
sys.stderr = log
corrections = snakemake.params.corrections.split()
run_cnvkit(
    [
        ["fix", snakemake.input.targets, snakemake.input.antitargets, snakemake.input.reference,
         *corrections, "--output", snakemake.output.ratios],
        ["segment", snakemake.output.ratios, "--method", snakemake.params.segment_method,
         "--output", snakemake.output.segments],
    ],
    log,
)  # fmt: skip
