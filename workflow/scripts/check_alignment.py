"""Stop this sample if its BAM/CRAM is truncated or does not fit the reference (Snakemake script: the work is in alkres.inputs.check_alignment)."""

from alkres.inputs.check_alignment import main

main(snakemake)
