"""Fragment counts per allele at the catalogued sites: the sites from the knowledge base, the
reads' observations (codon-aware genotyper), and a normal's counts for the background (rule
hotspot_counts_normal)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pysam

from alkres.io import atomic_output, log_to, reference_contig
from alkres.knowledge.knowledge import KnowledgeBase, load_knowledge_base
from alkres.knowledge.transcript import Transcript, load_transcript
from alkres.mutations.genotype import (
    CatalogueIndel,
    ReadFilters,
    Site,
    SiteCounts,
    codon_site,
    count_sites,
    fragment_observations,
    indel_site,
)
from alkres.tables import write_counts


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


def watched_alleles(knowledge: KnowledgeBase, site: Site) -> list[str]:
    """The catalogued alleles of a site, whose background sets its limit of detection."""
    if site.is_indel:
        return [site.key]
    return sorted(knowledge.substitutions_at(site.codon))


def read_filters(settings: Mapping) -> ReadFilters:
    return ReadFilters(
        **{key: settings[key] for key in ReadFilters.__dataclass_fields__ if key in settings}
    )


def genotype_alignment(
    alignment_path: str | Path,
    reference: str | Path,
    transcript: Transcript,
    sites: Sequence[Site],
    filters: ReadFilters,
) -> tuple[dict, dict[str, SiteCounts]]:
    """Per-fragment observations and per-site counts from one BAM/CRAM."""
    with pysam.AlignmentFile(str(alignment_path), reference_filename=str(reference)) as alignment:
        fragments = fragment_observations(
            alignment, transcript.chrom, sites, transcript.strand, filters
        )
    return fragments, count_sites(fragments, sites)


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


def main(snakemake) -> None:
    """Rule hotspot_counts_normal: one normal's counts."""
    log_to(snakemake.log[0])
    transcript = load_transcript(
        snakemake.params.build, "ALK", chrom=reference_contig(snakemake.input.fai)
    )
    sites = hotspot_sites(transcript, load_knowledge_base(activity=False))
    _, counts = genotype_alignment(
        snakemake.input.bam,
        snakemake.input.fasta,
        transcript,
        sites,
        read_filters(snakemake.params.settings),
    )
    with atomic_output(snakemake.output.counts) as path:
        write_counts(path, count_rows(counts))
