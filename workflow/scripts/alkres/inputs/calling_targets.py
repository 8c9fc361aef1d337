"""The panel targets the small-variant callers run over: those within ALK (all the reports read),
or every target with calling.regions: panel."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from alkres.io import atomic_output, log_to, reference_contig
from alkres.knowledge.transcript import Exon, load_exons
from alkres.tables import read_bed, write_bed

BedRow = tuple[str, int, int, str]  # chrom, 0-based start, end, name


def gene_span(exons: Sequence[Exon]) -> tuple[int, int]:
    """The gene's extent, 1-based inclusive, from its first to its last exon."""
    return min(exon.start for exon in exons), max(exon.end for exon in exons)


def targets_within(rows: Sequence[BedRow], chrom: str, start: int, end: int) -> list[BedRow]:
    """Targets overlapping chrom:start-end (1-based inclusive), in panel order."""
    return [row for row in rows if row[0] == chrom and row[1] < end and row[2] >= start]


def main(snakemake) -> None:
    """Rule calling_targets."""
    log_to(snakemake.log[0])
    rows = read_bed(snakemake.input.targets)
    if snakemake.params.regions == "alk":
        chrom = reference_contig(snakemake.input.fai)
        start, end = gene_span(load_exons(snakemake.params.build, "ALK"))
        rows = targets_within(rows, chrom, start, end)
        if not rows:
            sys.exit(
                f"{snakemake.input.targets}: no target lies within ALK ({chrom}:{start}-{end}, "
                f"{snakemake.params.build}). Fix: check reference.build and the BED's contig "
                "names, or set calling.regions: panel."
            )
    print(f"{len(rows)} targets for the callers (calling.regions: {snakemake.params.regions})",
          file=sys.stderr)  # fmt: skip
    with atomic_output(snakemake.output.bed) as path:
        write_bed(path, rows)
