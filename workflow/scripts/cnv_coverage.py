"""Per-bin depth of one sample for CNVkit (Snakemake script: the work is in alkres.copy_number.cnv_coverage)."""

from alkres.copy_number.cnv_coverage import main

main(snakemake)
