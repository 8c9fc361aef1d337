"""BED of the catalogued ALK resistance codons on the reference's contig naming: the codons
whose depth QC reports (rule hotspot_codons_bed)."""

from __future__ import annotations

from collections.abc import Iterable

from alkres.io import atomic_output, log_to, reference_contig
from alkres.knowledge.catalogue import Hotspot, catalogued_hotspots
from alkres.knowledge.transcript import Transcript, load_transcript
from alkres.tables import write_bed


def _contiguous_runs(positions: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for pos in sorted(positions):
        if runs and pos == runs[-1][-1] + 1:
            runs[-1].append(pos)
        else:
            runs.append([pos])
    return runs


def hotspot_bed_rows(
    transcript: Transcript, hotspots: Iterable[Hotspot]
) -> list[tuple[str, int, int, str]]:
    """BED rows (0-based half-open) covering each hotspot codon, sorted by position.

    A codon split across an intron gets one row per exon, both with the hotspot label.
    """
    rows = [
        (transcript.chrom, run[0] - 1, run[-1], hotspot.label)
        for hotspot in hotspots
        for run in _contiguous_runs(list(transcript.codon_positions(hotspot.codon)))
    ]
    return sorted(rows, key=lambda row: (row[1], row[2], row[3]))


def main(snakemake) -> None:
    """Rule hotspot_codons_bed."""
    log_to(snakemake.log[0])
    transcript = load_transcript(
        snakemake.params.build, "ALK", chrom=reference_contig(snakemake.input.fai)
    )
    rows = hotspot_bed_rows(transcript, catalogued_hotspots(protein=transcript.protein))
    with atomic_output(snakemake.output.bed) as path:
        write_bed(path, sorted(rows, key=lambda r: (r[0], r[1])))
