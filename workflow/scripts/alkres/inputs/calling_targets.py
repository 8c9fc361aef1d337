"""The panel targets the small-variant callers run over: those within ALK and the genes whose
every variant the reports read (calling.regions: genes; TP53, a whole-gene co-mutation, and
NF2, lost by a deletion or a loss-of-function variant anywhere), within ALK only (alk), or every
target (panel).

The bypass genes' hotspots (KRAS G12, the EGFR exon 19 deletion, MET exon 14 ...) are not the
callers' work: alkres's codon-aware genotyper reads them from the BAM, so the callers skip those
genes, which more than halves their cost on a panel that holds them."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from alkres.io import atomic_output, log_to, reference_contig
from alkres.knowledge.transcript import Exon, bundled_genes, gene_chromosome, load_exons
from alkres.tables import read_bed, write_bed

BedRow = tuple[str, int, int, str]  # chrom, 0-based start, end, name


def gene_span(exons: Sequence[Exon]) -> tuple[int, int]:
    """The gene's extent, 1-based inclusive, from its first to its last exon."""
    return min(exon.start for exon in exons), max(exon.end for exon in exons)


def targets_within(rows: Sequence[BedRow], chrom: str, start: int, end: int) -> list[BedRow]:
    """Targets overlapping chrom:start-end (1-based inclusive), in panel order."""
    return [row for row in rows if row[0] == chrom and row[1] < end and row[2] >= start]


def caller_genes() -> list[str]:
    """Genes besides ALK whose variants anywhere in the coding sequence the reports read: those
    the bypass catalogue reads as a whole (TP53: co-mutation; NF2: loss of function)."""
    from alkres.knowledge.bypass import load_bypass_catalogue, whole_gene_entries

    whole = whole_gene_entries(load_bypass_catalogue())
    return [gene for gene in bundled_genes() if gene in whole]


def within_a_gene(row: BedRow, build: str, genes: Sequence[str] | None = None) -> bool:
    """A target within one of `genes` (default: caller_genes()), UCSC or Ensembl contig names."""
    for gene in caller_genes() if genes is None else genes:
        chrom = gene_chromosome(gene)
        start, end = gene_span(load_exons(build, gene))
        if row[0] in (chrom, chrom.removeprefix("chr")) and targets_within(
            [row], row[0], start, end
        ):
            return True
    return False


def main(snakemake) -> None:
    """Rule calling_targets."""
    log_to(snakemake.log[0])
    rows = read_bed(snakemake.input.targets)
    if snakemake.params.regions in ("alk", "genes"):
        chrom = reference_contig(snakemake.input.fai)
        start, end = gene_span(load_exons(snakemake.params.build, "ALK"))
        alk_rows = targets_within(rows, chrom, start, end)
        if snakemake.params.regions == "genes":
            genes = caller_genes()  # the catalogue read once, not per target
            rows = [
                row for row in rows
                if row in alk_rows or within_a_gene(row, snakemake.params.build, genes)
            ]  # fmt: skip
        else:
            rows = alk_rows
        if not alk_rows:
            sys.exit(
                f"{snakemake.input.targets}: no target lies within ALK ({chrom}:{start}-{end}, "
                f"{snakemake.params.build}). Fix: check reference.build and the BED's contig "
                "names, or set calling.regions: panel."
            )
    print(f"{len(rows)} targets for the callers (calling.regions: {snakemake.params.regions})",
          file=sys.stderr)  # fmt: skip
    with atomic_output(snakemake.output.bed) as path:
        write_bed(path, rows)
