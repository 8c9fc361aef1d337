"""The user's panel BED, checked against the reference and coordinate-sorted (Snakemake script: the work is in alkres.inputs.panel_targets)."""

from alkres.inputs.panel_targets import main

main(snakemake)
