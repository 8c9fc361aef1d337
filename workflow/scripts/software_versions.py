"""Versions of every tool and package the run uses, for the reports' methods (Snakemake script)."""

import sys

from alkres.io import atomic_output
from alkres.provenance import software_versions, write_versions

sys.stderr = open(snakemake.log[0], "w")
with atomic_output(snakemake.output.versions) as path:
    write_versions(path, software_versions())
