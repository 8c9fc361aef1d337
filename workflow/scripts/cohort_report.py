"""The cohort's tables, report and MultiQC sections, from the biopsy records (Snakemake script: the work is in alkres.reports.cohort_report)."""

from alkres.reports.cohort_report import main

main(snakemake)
