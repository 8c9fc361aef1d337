"""Codon-aware genotyping, calls, limits of detection and phasing for one tumour (Snakemake script: the work is in alkres.mutations.hotspot_calls)."""

from alkres.mutations.hotspot_calls import main

main(snakemake)
