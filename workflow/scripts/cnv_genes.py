"""Copy ratios, segments, gene-level copy number, amplification calls and the copy-ratio plot of one tumour (Snakemake script: the work is in alkres.copy_number.cnv_genes)."""

from alkres.copy_number.cnv_genes import main

main(snakemake)
