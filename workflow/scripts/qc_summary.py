"""Cohort QC table with the final verdicts, and its MultiQC copy (Snakemake script: the work is in alkres.qc.qc_summary)."""

from alkres.qc.qc_summary import main

main(snakemake)
