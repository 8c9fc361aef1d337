"""BED of the catalogued ALK resistance codons (Snakemake script: the work is in alkres.inputs.hotspot_codons_bed)."""

from alkres.inputs.hotspot_codons_bed import main

main(snakemake)
