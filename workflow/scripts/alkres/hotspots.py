"""The hotspot stage end to end: sites from the knowledge base, counts from the reads, calls
against the normals' background, phasing of co-occurring mutations, and the output tables."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pysam

from alkres.genotype import (
    CatalogueIndel,
    ReadFilters,
    Site,
    SiteCounts,
    codon_site,
    count_sites,
    fragment_observations,
    indel_site,
    linkage,
)
from alkres.hotspot_calls import (
    CallingParameters,
    SiteCall,
    call_site,
    describe_allele,
    phase,
)
from alkres.knowledge import KnowledgeBase
from alkres.simulate import Variant, cds_edit_to_variant, codon_substitution
from alkres.transcript import Transcript

COUNT_COLUMNS = ["site", "allele", "fragments", "forward", "reverse", "depth", "bases"]
HOTSPOT_COLUMNS = ["patient_id", "sample_id", "codon", "depth", "status", "detail", "lod_vaf"]
MUTATION_COLUMNS = [
    "patient_id", "sample_id", "site", "alteration", "chrom", "pos", "ref", "alt", "depth",
    "alt_count", "vaf", "p_value", "strand_p", "error_rate", "phase_set", "phase",
]  # fmt: skip
LINKAGE_COLUMNS = [
    "sample_id",
    "first",
    "second",
    "both",
    "first_only",
    "second_only",
    "neither",
    "phase",
]


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


def calling_parameters(settings: Mapping) -> CallingParameters:
    return CallingParameters(
        **{key: settings[key] for key in CallingParameters.__dataclass_fields__ if key in settings}
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


def write_tsv(path: str | Path, rows: Iterable[Mapping], columns: Sequence[str]) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=columns, delimiter="\t", lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)


def read_counts(path: str | Path) -> dict[str, SiteCounts]:
    """Counts written by ``count_rows`` (the normals' contribution to the background)."""
    counts: dict[str, SiteCounts] = {}
    with open(path) as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            site_counts = counts.setdefault(row["site"], SiteCounts())
            site_counts.depth = int(row["depth"])
            if row["allele"]:
                allele = row["allele"]
                site_counts.alleles[allele] = int(row["fragments"])
                site_counts.forward[allele] = int(row["forward"])
                site_counts.reverse[allele] = int(row["reverse"])
    return counts


def genomic_change(transcript: Transcript, site: Site, allele: str, bases: str) -> Variant | None:
    """The genomic change of the fragments' most common route to the allele."""
    if site.is_indel:
        # Any of the equivalent alignments names the same protein change; annotation shifts it.
        c_first = (site.codon - 1) * 3 + 1
        if site.key.endswith("dup"):
            inserted = transcript.cds[c_first - 1 : c_first + 2]
            return cds_edit_to_variant(transcript, c_first + 3, c_first + 2, inserted)
        return cds_edit_to_variant(transcript, c_first, c_first + 2, "")
    if len(bases) != 3 or bases == transcript.codon_ref(site.codon):
        return None
    return codon_substitution(transcript, site.codon, bases)


@dataclass(frozen=True)
class SampleHotspots:
    calls: list[SiteCall]
    hotspot_rows: list[dict]
    mutation_rows: list[dict]
    linkage_rows: list[dict]


def call_sample(
    sample_id: str,
    patient_id: str,
    transcript: Transcript,
    sites: Sequence[Site],
    fragments: Mapping,
    counts: Mapping[str, SiteCounts],
    background: Mapping,
    knowledge: KnowledgeBase,
    params: CallingParameters,
    failed_qc_reasons: str = "",
) -> SampleHotspots:
    """Status of every site, the mutations found, and how co-occurring mutations are phased."""
    calls = [
        call_site(
            site.key,
            site.is_indel,
            counts[site.key],
            background,
            watched_alleles(knowledge, site),
            params,
            failed_qc_reasons,
        )
        for site in sites
    ]
    by_key = {site.key: site for site in sites}
    hotspot_rows = [
        {
            "patient_id": patient_id,
            "sample_id": sample_id,
            "codon": call.site,
            "depth": call.depth,
            "status": call.status,
            "detail": call.detail,
            "lod_vaf": "" if call.lod_vaf is None else f"{call.lod_vaf:.4f}",
        }
        for call in calls
    ]
    mutations = []
    for call in calls:
        for test in call.mutant_alleles:
            site = by_key[call.site]
            routes = counts[call.site].routes.get(test.allele, {})
            bases = max(sorted(routes), key=routes.get) if routes else ""
            variant = genomic_change(transcript, site, test.allele, bases)
            mutations.append(
                {
                    "patient_id": patient_id,
                    "sample_id": sample_id,
                    "site": call.site,
                    "alteration": describe_allele(call.site, test.allele),
                    "allele": test.allele,
                    "chrom": variant.chrom if variant else transcript.chrom,
                    "pos": variant.pos if variant else "",
                    "ref": variant.ref if variant else "",
                    "alt": variant.alt if variant else "",
                    "depth": test.depth,
                    "alt_count": test.alt_fragments,
                    "vaf": round(test.vaf, 4),
                    "p_value": f"{test.p_value:.3g}",
                    "strand_p": f"{test.strand_p:.3g}",
                    "error_rate": f"{test.error_rate:.3g}",
                    "phase_set": "",
                    "phase": "",
                }
            )
    linkage_rows = phase_mutations(sample_id, mutations, fragments, by_key)
    return SampleHotspots(calls, hotspot_rows, mutations, linkage_rows)


def phase_mutations(
    sample_id: str, mutations: list[dict], fragments: Mapping, sites: Mapping[str, Site]
) -> list[dict]:
    """Pairwise linkage of the mutations; cis groups share a phase_set (the lowest genomic
    position in the group, as in VCF PS). Mutations that reads cannot link are 'unknown'."""
    parent = list(range(len(mutations)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    rows = []
    notes: dict[int, list[str]] = {i: [] for i in range(len(mutations))}
    for i in range(len(mutations)):
        for j in range(i + 1, len(mutations)):
            first, second = mutations[i], mutations[j]
            table = linkage(
                fragments, (first["site"], first["allele"]), (second["site"], second["allele"])
            )
            verdict = phase(table)
            if verdict == "unknown":
                gap = abs(sites[first["site"]].positions[0] - sites[second["site"]].positions[0])
                reason = (
                    "too far apart for reads to link"
                    if gap > 500
                    else "too few fragments link them"
                )
                verdict_text = f"co-occurring with {second['alteration']}, phase unknown ({reason})"
                back_text = f"co-occurring with {first['alteration']}, phase unknown ({reason})"
            else:
                verdict_text = (
                    f"{verdict} with {second['alteration']} ({table['both']} fragments carry both)"
                )
                back_text = (
                    f"{verdict} with {first['alteration']} ({table['both']} fragments carry both)"
                )
            notes[i].append(verdict_text)
            notes[j].append(back_text)
            if verdict == "cis":
                parent[root(j)] = root(i)
            rows.append(
                {
                    "sample_id": sample_id,
                    "first": first["alteration"],
                    "second": second["alteration"],
                    **table,
                    "phase": verdict,
                }
            )
    groups: dict[int, list[int]] = {}
    for i in range(len(mutations)):
        groups.setdefault(root(i), []).append(i)
    for members in groups.values():
        if len(members) > 1:
            phase_set = min(int(mutations[i]["pos"]) for i in members if mutations[i]["pos"] != "")
            for i in members:
                mutations[i]["phase_set"] = phase_set
    for i, mutation in enumerate(mutations):
        mutation["phase"] = "; ".join(notes[i])
    return rows


BACKGROUND_COLUMNS = ["site", "allele", "alt_fragments", "depth", "n_normals"]


def background_rows(background: Mapping) -> list[dict]:
    return [
        {
            "site": site,
            "allele": allele,
            "alt_fragments": rate.alt_fragments,
            "depth": rate.depth,
            "n_normals": rate.n_normals,
        }
        for (site, allele), rate in sorted(background.items())
    ]


def read_background(path: str | Path) -> dict:
    from alkres.hotspot_calls import BackgroundRate

    with open(path) as handle:
        return {
            (row["site"], row["allele"]): BackgroundRate(
                int(row["alt_fragments"]), int(row["depth"]), int(row["n_normals"])
            )
            for row in csv.DictReader(handle, delimiter="\t")
        }
