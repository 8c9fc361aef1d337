"""ALK fusions of one sample: table, status and alteration rows (Snakemake script: the work is in alkres.fusion.fusion_calls)."""

from alkres.fusion.fusion_calls import main

main(snakemake)
