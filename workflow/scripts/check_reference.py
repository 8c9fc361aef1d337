"""Stop the run if the reference is not the build the config names (Snakemake script)."""

import sys

from alkres.inputs import InputError, check_reference_build, fail
from alkres.io import atomic_output

sys.stderr = open(snakemake.log[0], "w")
try:
    check = check_reference_build(snakemake.input.fasta, snakemake.params.build)
except InputError as error:
    fail(error)
with atomic_output(snakemake.output.record) as path:
    path.write_text(
        "build\tcontig\tidentity\tcompared\n"
        f"{check.build}\t{check.contig}\t{check.identity:.4f}\t{check.compared}\n"
    )
