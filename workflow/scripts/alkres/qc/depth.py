"""Depth at given bases from mosdepth's per-base output: the catalogued codons' depth (QC) and
the depth profile over the kinase exons (patient report)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from pathlib import Path

import pysam


def hotspot_codon_depths(
    per_base_bed: Path, hotspot_rows: Iterable[tuple[str, int, int, str]]
) -> dict[str, int]:
    """Depth of each hotspot codon = the lowest depth over its bases (mosdepth per-base output).

    A codon split across two exons has two BED rows with one label; its depth is the minimum
    over both. Bases mosdepth did not report (contig absent) count as depth 0.
    """
    depths: dict[str, int] = {}
    with pysam.TabixFile(str(per_base_bed), index=f"{per_base_bed}.csi") as tabix:
        contigs = set(tabix.contigs)
        for chrom, start, end, label in hotspot_rows:
            lowest = 0
            if chrom in contigs:
                covered = 0
                lowest = None
                for record in tabix.fetch(chrom, start, end):
                    _, run_start, run_end, depth = record.split("\t")
                    overlap = min(end, int(run_end)) - max(start, int(run_start))
                    if overlap > 0:
                        covered += overlap
                        lowest = int(depth) if lowest is None else min(lowest, int(depth))
                if lowest is None or covered < end - start:
                    lowest = 0
            depths[label] = min(depths.get(label, lowest), lowest)
    return depths


def base_depths(per_base_bed: Path, chrom: str, positions: Iterable[int]) -> dict[int, int]:
    """Depth at each 1-based position, from one pass over their span of the mosdepth per-base
    output (one fetch, not one per base); positions mosdepth did not report have depth 0."""
    wanted = sorted(set(positions))
    depths = dict.fromkeys(wanted, 0)
    if not wanted:
        return depths
    with pysam.TabixFile(str(per_base_bed), index=f"{per_base_bed}.csi") as tabix:
        if chrom not in tabix.contigs:
            return depths
        for record in tabix.fetch(chrom, wanted[0] - 1, wanted[-1]):
            _, run_start, run_end, depth = record.split("\t")
            low = bisect.bisect_left(wanted, int(run_start) + 1)
            high = bisect.bisect_right(wanted, int(run_end))
            for position in wanted[low:high]:
                depths[position] = int(depth)
    return depths
