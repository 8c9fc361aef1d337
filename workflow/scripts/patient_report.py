"""One patient's resistance report, report.json and report.html (Snakemake script: the work is in alkres.reports.patient_report)."""

from alkres.reports.patient_report import main

main(snakemake)
