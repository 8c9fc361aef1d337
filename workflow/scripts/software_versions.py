"""Versions of every tool and package the run uses (Snakemake script: the work is in alkres.reports.software_versions)."""

from alkres.reports.software_versions import main

main(snakemake)
