"""Versions of every tool and package the run uses, for the reports' methods (rule
software_versions)."""

from __future__ import annotations

from alkres.io import atomic_output, log_to
from alkres.reports.provenance import software_versions
from alkres.tables import write_versions


def main(snakemake) -> None:
    log_to(snakemake.log[0])
    with atomic_output(snakemake.output.versions) as path:
        write_versions(path, software_versions())
