"""QC metrics, hotspot-codon depths and verdict of one sample (Snakemake script: the work is in alkres.qc.qc_sample)."""

from alkres.qc.qc_sample import main

main(snakemake)
