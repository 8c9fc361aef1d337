"""The user's panel BED, checked against the reference and coordinate-sorted (Snakemake script).

Every step that reads the panel reads this copy: tools that index or stream the targets
(freebayes, bcftools) stop on a BED listed in transcript order.
"""

import sys

from alkres.inputs import InputError, fail, read_fai
from alkres.io import atomic_output
from alkres.panel import read_panel_bed, sorted_targets

sys.stderr = open(snakemake.log[0], "w")
try:
    rows = read_panel_bed(
        snakemake.input.targets, read_fai(snakemake.input.fai), snakemake.params.reference
    )
except InputError as error:
    fail(error)
targets = sorted_targets(rows)
print(f"{len(rows)} targets read from {snakemake.input.targets}, {len(rows) - len(targets)} "
      f"repeated lines dropped, {len(targets)} written in coordinate order", file=sys.stderr)  # fmt: skip
with atomic_output(snakemake.output.bed) as path, open(path, "w") as bed:
    for chrom, start, end, name in targets:
        bed.write(f"{chrom}\t{start}\t{end}\t{name}\n")
