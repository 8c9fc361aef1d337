"""The panel targets the small-variant callers run over (Snakemake script): those within ALK,
or every target with calling.regions: panel."""

import sys

from alkres.io import atomic_output, reference_contig
from alkres.qc import read_bed
from alkres.regions import gene_span, targets_within
from alkres.transcript import load_exons

sys.stderr = open(snakemake.log[0], "w")

rows = read_bed(snakemake.input.targets)
if snakemake.params.regions == "alk":
    chrom = reference_contig(snakemake.input.fai)
    start, end = gene_span(load_exons(snakemake.params.build, "ALK"))
    rows = targets_within(rows, chrom, start, end)
    if not rows:
        sys.exit(
            f"{snakemake.input.targets}: no target lies within ALK ({chrom}:{start}-{end}, "
            f"{snakemake.params.build}). Fix: check reference.build and the BED's contig names, "
            "or set calling.regions: panel."
        )
print(f"{len(rows)} targets for the callers (calling.regions: {snakemake.params.regions})",
      file=sys.stderr)  # fmt: skip
with atomic_output(snakemake.output.bed) as path, open(path, "w") as bed:
    for chrom, start, end, name in rows:
        bed.write(f"{chrom}\t{start}\t{end}\t{name}\n")
