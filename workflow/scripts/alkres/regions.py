"""Which panel targets a step reads: the callers only need the targets within ALK."""

from __future__ import annotations

from collections.abc import Sequence

from alkres.transcript import Exon

BedRow = tuple[str, int, int, str]  # chrom, 0-based start, end, name


def gene_span(exons: Sequence[Exon]) -> tuple[int, int]:
    """The gene's extent, 1-based inclusive, from its first to its last exon."""
    return min(exon.start for exon in exons), max(exon.end for exon in exons)


def targets_within(rows: Sequence[BedRow], chrom: str, start: int, end: int) -> list[BedRow]:
    """Targets overlapping chrom:start-end (1-based inclusive), in panel order."""
    return [row for row in rows if row[0] == chrom and row[1] < end and row[2] >= start]
