"""The panel targets the small-variant callers run over (Snakemake script: the work is in alkres.inputs.calling_targets)."""

from alkres.inputs.calling_targets import main

main(snakemake)
