"""Background error per site and allele, pooled over the normals (Snakemake script: the work is in alkres.mutations.hotspot_background)."""

from alkres.mutations.hotspot_background import main

main(snakemake)
