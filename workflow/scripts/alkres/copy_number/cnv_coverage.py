"""Per-bin depth of one sample for CNVkit, from mosdepth's per-base output (rule cnv_coverage)."""

from __future__ import annotations

import pysam

from alkres.copy_number.cnvkit_cli import run_cnvkit
from alkres.io import log_to


def main(snakemake) -> None:
    log = log_to(snakemake.log[0])
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
