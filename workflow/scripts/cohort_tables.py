"""Cohort-wide alterations, hotspot and copy-number tables (Snakemake script: the work is in alkres.reports.cohort_tables)."""

from alkres.reports.cohort_tables import main

main(snakemake)
