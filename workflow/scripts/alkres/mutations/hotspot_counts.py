"""Fragment counts per allele at the catalogued sites: the ALK sites from the knowledge base
and the bypass hotspots from the bypass catalogue, the reads' observations (codon-aware
genotyper), and a normal's counts for the background (rule hotspot_counts_normal)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pysam

from alkres.io import atomic_output, log_to, reference_contig
from alkres.knowledge.bypass import BypassEntry, load_bypass_catalogue
from alkres.knowledge.knowledge import KnowledgeBase, load_knowledge_base
from alkres.knowledge.transcript import (
    GENETIC_CODE,
    Transcript,
    load_gene_transcript,
    load_transcript,
)
from alkres.mutations.annotate import annotate_variant
from alkres.mutations.genotype import (
    CatalogueIndel,
    ReadFilters,
    Site,
    SiteCounts,
    change_observations,
    codon_site,
    count_sites,
    fragment_observations,
    indel_site,
    region_site,
    splice_sites,
)
from alkres.tables import read_reference_genes, write_counts


@dataclass(frozen=True)
class GeneSites:
    """One gene's genotyped sites, or why none of them can be read (``unavailable``)."""

    gene: str
    transcript: Transcript | None
    sites: tuple[Site, ...]
    unavailable: str = ""
    # sites that cannot be read although the gene can: catalogue rows without a site here
    entries: tuple[BypassEntry, ...] = ()


def hotspot_sites(transcript: Transcript, knowledge: KnowledgeBase) -> list[Site]:
    """A codon site for every catalogued substitution codon, and a window for every catalogued
    in-frame indel."""
    codons = sorted({m.codon for m in knowledge.mutations.values() if m.codon})
    sites = [codon_site(transcript, codon) for codon in codons]
    for mutation in knowledge.mutations.values():
        if mutation.kind in ("deletion", "duplication"):
            sites.append(
                indel_site(
                    transcript, CatalogueIndel(mutation.alteration, mutation.codon, mutation.kind)
                )
            )
    return sites


GENOTYPED_KINDS = ("codon", "region", "splice")  # bypass catalogue rows read from the reads


def bypass_sites(transcript: Transcript, entries: Iterable[BypassEntry]) -> list[Site]:
    """The sites of a bypass gene's catalogued hotspots: a codon site for each codon row
    ("KRAS G12"), a region site for each region row (an EGFR exon 19 deletion) and the
    acceptor and donor of the exon a splice row names (MET exon 14 skipping)."""
    sites: list[Site] = []
    for entry in entries:
        key = f"{entry.gene} {entry.alteration}"
        if entry.kind == "codon":
            sites.append(codon_site(transcript, entry.codon_start, entry.gene))
        elif entry.kind == "region":
            sites.append(region_site(transcript, key, entry.codon_start, entry.codon_end))
        elif entry.kind == "splice":
            sites.extend(splice_sites(transcript, key, entry.codon_start))
    return sites


def single_base_alleles(codon: str) -> list[str]:
    """Amino acids one base change away from a codon (stops and synonymous excluded): the
    alleles of a bypass codon ("G12: any substitution") whose background sets its limit."""
    reference = GENETIC_CODE[codon]
    alleles = {
        GENETIC_CODE[codon[:i] + base + codon[i + 1 :]]
        for i in range(3)
        for base in "ACGT"
        if base != codon[i]
    }
    return sorted(alleles - {reference, "*"})


def watched_alleles(knowledge: KnowledgeBase, site: Site, transcript: Transcript) -> list[str]:
    """The alleles of a site whose background sets its limit of detection: the catalogued
    substitutions of an ALK codon, those one base away at a bypass codon, the indel itself at
    a catalogued indel, and the site's overall rate (none listed) at a region or splice site."""
    if site.kind in ("region", "splice"):
        return []
    if site.is_indel:
        return [site.key]
    if transcript.gene != "ALK":
        return single_base_alleles(transcript.codon_ref(site.codon))
    return sorted(knowledge.substitutions_at(site.codon))


def genotyped_genes(
    build: str,
    fasta: str | Path,
    fai_contig: str,
    reference_genes: Sequence[Mapping],
    knowledge: KnowledgeBase,
    bypass: Sequence[BypassEntry],
) -> list[GeneSites]:
    """ALK's catalogued sites, then each bypass gene's hotspots: a gene the reference check
    found absent or flagged (checks/reference_genes.tsv) keeps its catalogue rows and the
    reason, so that its hotspots are reported not assessable, never wild type."""
    alk = load_transcript(build, "ALK", chrom=fai_contig)
    genes = [GeneSites("ALK", alk, tuple(hotspot_sites(alk, knowledge)))]
    status = {row["gene"]: row for row in reference_genes}
    by_gene: dict[str, list[BypassEntry]] = {}
    for entry in bypass:
        if entry.kind in GENOTYPED_KINDS:
            by_gene.setdefault(entry.gene, []).append(entry)
    for gene, entries in by_gene.items():
        row = status.get(gene)
        if row is None or row["status"] != "ok":
            reason = (
                f"{gene} is not in the reference FASTA ({row['detail']})"
                if row is not None and row["status"] == "absent"
                else f"{gene} cannot be read from the reference: {row['detail'] if row else 'not checked'}"
            )
            genes.append(GeneSites(gene, None, (), reason, tuple(entries)))
            continue
        transcript = load_gene_transcript(build, gene, Path(fasta), chrom=row["chrom"])
        genes.append(GeneSites(gene, transcript, tuple(bypass_sites(transcript, entries)),
                               entries=tuple(entries)))  # fmt: skip
    return genes


def read_filters(settings: Mapping) -> ReadFilters:
    return ReadFilters(
        **{key: settings[key] for key in ReadFilters.__dataclass_fields__ if key in settings}
    )


def change_namer(transcript: Transcript, fasta: pysam.FastaFile):
    """How a change a read shows counts at a region or splice site: an in-frame deletion (or
    insertion) within a region's codons, named at protein level (E746_A750del); a change
    reaching a splice site's canonical dinucleotide or crossing its exon edge, named by its
    c. change. Anything else is no change of the site's kind (None)."""
    cache: dict[tuple, tuple[str, str] | None] = {}

    def fetch(start: int, end: int) -> str:
        return fasta.fetch(transcript.chrom, start - 1, end).upper()

    def name(site: Site, pos: int, ref: str, alt: str) -> tuple[str, str] | None:
        key = (site.key, pos, ref, alt)
        if key not in cache:
            cache[key] = _name_change(transcript, site, pos, ref, alt, fetch)
        return cache[key]

    return name


_REGION_CONSEQUENCES = {
    "deletion": ("inframe_deletion", "inframe_delins"),
    "insertion": ("inframe_insertion",),
}


def _name_change(transcript, site, pos, ref, alt, fetch) -> tuple[str, str] | None:
    try:
        annotation = annotate_variant(transcript, transcript.chrom, pos, ref, alt, fetch)
    except ValueError:
        return None
    route = f"{pos}:{ref}:{alt}"
    if site.kind == "region":
        kind = "deletion" if site.key.endswith("deletion") else "insertion"
        inside = (
            annotation.codon_start is not None
            and site.codon <= annotation.codon_start
            and annotation.codon_end <= site.codon + len(site.reference_peptide) - 1
        )
        if inside and annotation.consequence in _REGION_CONSEQUENCES[kind]:
            return annotation.alteration, route
        return None
    # splice: the changed bases reach the canonical dinucleotide or cross the exon's edge
    changed = range(pos + 1, pos + len(ref)) if len(ref) > len(alt) else range(pos, pos + 1)
    low, high = site.substitution_positions
    edge = site.anchor[0] + (site.anchor[1] - site.anchor[0]) // 2
    crosses = len(ref) > 1 and min(changed) <= edge <= max(changed)
    reaches = any(low <= p <= high for p in changed)
    if (reaches or crosses) and annotation.hgvs_c and len(ref) >= len(alt):
        return annotation.hgvs_c, route
    return None


def genotype_alignment(
    alignment_path: str | Path,
    reference: str | Path,
    transcript: Transcript,
    sites: Sequence[Site],
    filters: ReadFilters,
) -> tuple[dict, dict[str, SiteCounts]]:
    """Per-fragment observations and per-site counts of one gene's sites from one BAM/CRAM."""
    codons = [site for site in sites if site.kind in ("codon", "indel")]
    regions = [site for site in sites if site.kind in ("region", "splice")]
    with pysam.AlignmentFile(str(alignment_path), reference_filename=str(reference)) as alignment:
        fragments = fragment_observations(
            alignment, transcript.chrom, codons, transcript.strand, filters
        )
        if regions:
            with pysam.FastaFile(str(reference)) as fasta:
                namer = change_namer(transcript, fasta)
                changes = change_observations(
                    alignment, transcript.chrom, regions, filters, namer,
                    lambda start, end: fasta.fetch(transcript.chrom, start - 1, end).upper(),
                )  # fmt: skip
            for name, observations in changes.items():
                fragments.setdefault(name, {}).update(observations)
    return fragments, count_sites(fragments, sites)


def genotype_genes(
    alignment_path: str | Path,
    reference: str | Path,
    genes: Sequence[GeneSites],
    filters: ReadFilters,
) -> tuple[dict, dict[str, SiteCounts]]:
    """Observations and counts over every readable gene's sites (keys are unique across
    genes: other genes' carry the gene name)."""
    fragments: dict = {}
    counts: dict[str, SiteCounts] = {}
    for gene in genes:
        if gene.transcript is None or not gene.sites:
            continue
        gene_fragments, gene_counts = genotype_alignment(
            alignment_path, reference, gene.transcript, gene.sites, filters
        )
        for name, observations in gene_fragments.items():
            fragments.setdefault(name, {}).update(observations)
        counts.update(gene_counts)
    return fragments, counts


def count_rows(counts: Mapping[str, SiteCounts]) -> list[dict]:
    rows = []
    for site, site_counts in counts.items():
        if not site_counts.alleles:
            rows.append(
                {
                    "site": site,
                    "allele": "",
                    "fragments": 0,
                    "forward": 0,
                    "reverse": 0,
                    "depth": 0,
                    "bases": "",
                }
            )
        for allele in sorted(site_counts.alleles):
            routes = site_counts.routes[allele]
            top_route = max(sorted(routes), key=routes.get) if routes else ""
            rows.append(
                {
                    "site": site,
                    "allele": allele,
                    "fragments": site_counts.alleles[allele],
                    "forward": site_counts.forward.get(allele, 0),
                    "reverse": site_counts.reverse.get(allele, 0),
                    "depth": site_counts.depth,
                    "bases": top_route,
                }
            )
    return rows


def site_counts(rows: Iterable[Mapping]) -> dict[str, SiteCounts]:
    """The counts ``count_rows`` wrote, read back (alkres.tables.read_counts): a normal's
    contribution to the background."""
    counts: dict[str, SiteCounts] = {}
    for row in rows:
        counts_at_site = counts.setdefault(row["site"], SiteCounts())
        counts_at_site.depth = row["depth"]
        if row["allele"]:
            allele = row["allele"]
            counts_at_site.alleles[allele] = row["fragments"]
            counts_at_site.forward[allele] = row["forward"]
            counts_at_site.reverse[allele] = row["reverse"]
    return counts


def load_genes(inputs, build: str) -> list[GeneSites]:
    """The genotyped genes of a run: its reference (``inputs.fasta``, ``inputs.fai``) and the
    reference check's gene table (``inputs.reference_genes``)."""
    return genotyped_genes(
        build,
        inputs.fasta,
        reference_contig(inputs.fai),
        read_reference_genes(inputs.reference_genes),
        load_knowledge_base(activity=False),
        load_bypass_catalogue(),
    )


def main(snakemake) -> None:
    """Rule hotspot_counts_normal: one normal's counts."""
    log_to(snakemake.log[0])
    genes = load_genes(snakemake.input, snakemake.params.build)
    _, counts = genotype_genes(
        snakemake.input.bam, snakemake.input.fasta, genes, read_filters(snakemake.params.settings)
    )
    with atomic_output(snakemake.output.counts) as path:
        write_counts(path, count_rows(counts))
