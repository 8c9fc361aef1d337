"""Stop this sample if its BAM/CRAM is truncated or does not fit the reference (Snakemake script)."""

import sys

from alkres.inputs import InputError, check_alignment_file, fail
from alkres.io import atomic_output

sys.stderr = open(snakemake.log[0], "w")
try:
    record = check_alignment_file(
        snakemake.wildcards.sample,
        snakemake.params.source,
        snakemake.input.fasta,
        snakemake.input.fai,
        reference_name=snakemake.params.reference,
    )
except InputError as error:
    fail(error)
with atomic_output(snakemake.output.record) as path:
    path.write_text("\t".join(record) + "\n" + "\t".join(record.values()) + "\n")
