"""Fragment counts per allele at the catalogued sites of one normal (Snakemake script: the work is in alkres.mutations.hotspot_counts)."""

from alkres.mutations.hotspot_counts import main

main(snakemake)
