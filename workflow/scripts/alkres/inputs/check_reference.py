"""Is the reference the build the config names? The FASTA must carry the ALK coding sequence
at that build's coordinates: GRCh37 positions read on a GRCh38 FASTA would name every
mutation wrongly without a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pysam

from alkres.inputs import InputError, fail
from alkres.io import alk_contig, atomic_output, log_to
from alkres.knowledge.transcript import (
    BUILDS,
    bundled_genes,
    gene_chromosome,
    load_exons,
    load_gene_transcript,
    load_transcript,
)
from alkres.tables import write_check_record, write_reference_genes

MIN_BUILD_IDENTITY = 0.95  # share of ALK coding bases that must equal the bundled CDS


@dataclass(frozen=True)
class BuildCheck:
    build: str
    contig: str
    identity: float  # share of ALK coding bases equal to the bundled CDS
    compared: int


def build_identity(fasta: pysam.FastaFile, build: str, contig: str) -> BuildCheck:
    """How well the FASTA's bases at `build`'s ALK coding positions match the bundled CDS."""
    alk = load_transcript(build, "ALK", chrom=contig)
    length = fasta.get_reference_length(contig)
    positions = [alk.c_to_g(c) for c in range(1, len(alk.cds) + 1)]
    if max(positions) > length:
        return BuildCheck(build, contig, 0.0, 0)
    low, high = min(positions), max(positions)
    window = fasta.fetch(contig, low - 1, high).upper()
    complement = str.maketrans("ACGTN", "TGCAN")
    same = 0
    for c, pos in enumerate(positions, start=1):
        base = window[pos - low]
        if alk.strand < 0:
            base = base.translate(complement)
        same += base == alk.cds[c - 1].upper()
    return BuildCheck(build, contig, same / len(positions), len(positions))


def check_reference_build(fasta_path: str | Path, build: str) -> BuildCheck:
    """The FASTA must carry the ALK coding sequence at `build`'s coordinates."""
    with pysam.FastaFile(str(fasta_path)) as fasta:
        contig = alk_contig(set(fasta.references))
        if contig is None:
            raise InputError(
                f"{fasta_path}: no contig chr2 or 2, so ALK cannot be read. "
                "Fix: point reference.fasta at a human GRCh38 or GRCh37 FASTA."
            )
        checks = {b: build_identity(fasta, b, contig) for b in BUILDS}
    chosen = checks[build]
    if chosen.identity >= MIN_BUILD_IDENTITY:
        return chosen
    other = max((c for b, c in checks.items() if b != build), key=lambda c: c.identity)
    if other.identity >= MIN_BUILD_IDENTITY:
        fix = f"set reference.build: {other.build} (the FASTA matches {other.build})"
    else:
        fix = "use the GRCh38 or GRCh37 FASTA the reads were aligned to"
    raise InputError(
        f"{fasta_path}: reference.build is {build}, but only {chosen.identity:.0%} of the ALK "
        f"coding bases at {build} positions on {contig} match NM_004304.5. Fix: {fix}."
    )


def reference_gene_rows(fasta_path: str | Path, build: str) -> list[dict]:
    """The reference check's gene table (checks/reference_genes.tsv): each bundled gene besides
    ALK, the contig it is read from, and its status with the reason."""
    with pysam.FastaFile(str(fasta_path)) as fasta:
        contigs = set(fasta.references)
    rows = []
    for gene, status in check_genes(fasta_path, build).items():
        chrom = _gene_contig(gene, contigs) or ""
        kind, _, reason = status.partition(": ")
        if kind == "absent":
            reason = (
                f"no contig {gene_chromosome(gene)} in the FASTA"
                if not chrom
                else f"{chrom} of the FASTA ends before {gene}"
            )
        rows.append({"gene": gene, "chrom": chrom, "status": kind, "detail": reason})
    return rows


def check_genes(fasta_path: str | Path, build: str) -> dict[str, str]:
    """Every bundled gene besides ALK (resources/gene_transcripts.tsv) on the reference: "ok"
    where its bases translate to its UniProt protein from start to stop, "absent" where its
    contig is not in the FASTA (a panel-only reference), otherwise the flag with the reason.
    ALK alone decides the build (check_reference_build); a gene that does not translate is
    flagged, never called wild type, since no codon of it can be read."""
    results = {}
    with pysam.FastaFile(str(fasta_path)) as fasta:
        contigs = set(fasta.references)
        lengths = dict(zip(fasta.references, fasta.lengths, strict=True))
    for gene in bundled_genes():
        if gene == "ALK":
            continue
        exons = load_exons(build, gene)
        chrom = _gene_contig(gene, contigs)
        if chrom is None or max(exon.end for exon in exons) > lengths[chrom]:
            results[gene] = "absent"
            continue
        try:
            load_gene_transcript(build, gene, Path(fasta_path), chrom=chrom)
        except ValueError as error:
            results[gene] = f"flagged: {error}"
        else:
            results[gene] = "ok"
    return results


def _gene_contig(gene: str, contigs: set[str]) -> str | None:
    """The FASTA's name for the gene's chromosome (UCSC chr7 or Ensembl 7), if present."""
    chrom = gene_chromosome(gene)
    for name in (chrom, chrom.removeprefix("chr")):
        if name in contigs:
            return name
    return None


def main(snakemake) -> None:
    """Rule check_reference: stop the run, or record what was checked."""
    log_to(snakemake.log[0])
    try:
        check = check_reference_build(snakemake.input.fasta, snakemake.params.build)
    except InputError as error:
        fail(error)
    genes = reference_gene_rows(snakemake.input.fasta, snakemake.params.build)
    for row in genes:
        if row["status"] == "flagged":
            print(f"warning: {row['gene']} flagged: {row['detail']}")
    record = {"build": check.build, "contig": check.contig,
              "identity": f"{check.identity:.4f}", "compared": check.compared,
              "genes": "; ".join(f"{row['gene']}: {row['status']}" for row in genes)}  # fmt: skip
    with atomic_output(snakemake.output.genes) as path:
        write_reference_genes(path, genes)
    with atomic_output(snakemake.output.record) as path:
        write_check_record(path, record)
