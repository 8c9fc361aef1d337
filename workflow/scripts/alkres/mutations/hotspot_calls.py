"""Calls at the catalogued sites of one tumour: each allele tested against the normals'
background with its limit of detection, the genomic change of each call, and the phasing of
co-occurring mutations (rule hotspot_calls)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from alkres.io import atomic_output, log_to, reference_contig
from alkres.knowledge.knowledge import KnowledgeBase, load_knowledge_base
from alkres.knowledge.transcript import Transcript, load_transcript
from alkres.mutations.genotype import (
    Site,
    SiteCounts,
    linkage,
)
from alkres.mutations.hotspot_background import background_rates
from alkres.mutations.hotspot_counts import (
    count_rows,
    genotype_alignment,
    hotspot_sites,
    read_filters,
    watched_alleles,
)
from alkres.mutations.statistics import (
    CallingParameters,
    SiteCall,
    call_site,
    describe_allele,
    phase,
)
from alkres.mutations.variants import Variant, cds_edit_to_variant, codon_substitution
from alkres.tables import (
    read_background,
    read_qc_metrics,
    write_counts,
    write_hotspots,
    write_linkage,
    write_mutations,
)


def calling_parameters(settings: Mapping) -> CallingParameters:
    return CallingParameters(
        **{key: settings[key] for key in CallingParameters.__dataclass_fields__ if key in settings}
    )


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


def main(snakemake) -> None:
    """Rule hotspot_calls."""
    log_to(snakemake.log[0])
    settings = snakemake.params.settings
    transcript = load_transcript(
        snakemake.params.build, "ALK", chrom=reference_contig(snakemake.input.fai)
    )
    knowledge = load_knowledge_base(activity=False)
    sites = hotspot_sites(transcript, knowledge)
    fragments, counts = genotype_alignment(
        snakemake.input.bam, snakemake.input.fasta, transcript, sites, read_filters(settings)
    )
    # The metrics' verdict: a QC failure is stated in every codon's detail.
    qc = read_qc_metrics([snakemake.input.qc]).iloc[0]
    failed_qc = qc["reasons"] if qc["verdict"] == "fail" else ""
    result = call_sample(
        snakemake.wildcards.sample,
        snakemake.params.patient_id,
        transcript,
        sites,
        fragments,
        counts,
        background_rates(read_background(snakemake.input.background)),
        knowledge,
        calling_parameters(settings),
        failed_qc,
    )
    for output, write, rows in (
        (snakemake.output.counts, write_counts, count_rows(counts)),
        (snakemake.output.hotspots, write_hotspots, result.hotspot_rows),
        (snakemake.output.mutations, write_mutations, result.mutation_rows),
        (snakemake.output.linkage, write_linkage, result.linkage_rows),
    ):
        with atomic_output(output) as path:
            write(path, rows)
