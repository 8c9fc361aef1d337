"""Stop the run if the reference is not the build the config names (Snakemake script: the work is in alkres.inputs.check_reference)."""

from alkres.inputs.check_reference import main

main(snakemake)
