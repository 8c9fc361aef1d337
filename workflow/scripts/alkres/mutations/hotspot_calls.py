"""Calls at the catalogued sites of one tumour (ALK and the bypass hotspots): each allele
tested against the normals' background with its limit of detection, the genomic change of each
call, and the phasing of co-occurring ALK mutations (rule hotspot_calls). A site no panel
target covers, or of a gene the reference lacks, is not assessable, never wild type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from alkres.io import atomic_output, log_to
from alkres.knowledge.knowledge import KnowledgeBase, load_knowledge_base
from alkres.knowledge.transcript import Transcript
from alkres.mutations.genotype import (
    Site,
    SiteCounts,
    linkage,
)
from alkres.mutations.hotspot_background import background_rates
from alkres.mutations.hotspot_counts import (
    GeneSites,
    count_rows,
    genotype_genes,
    load_genes,
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
    read_bed,
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
    if site.kind in ("region", "splice"):
        pos, ref, alt = bases.split(":")
        return Variant(transcript.chrom, int(pos), ref, alt)
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


def off_panel(site: Site, chrom: str, targets: Sequence[tuple]) -> bool:
    """No capture target covers the site (its codon, or the centre of a region or splice
    site): the panel cannot show it. ``targets`` as read_bed gives them (0-based starts)."""
    if site.kind in ("region", "splice"):
        low, high = site.anchor
    else:
        low, high = site.positions[0], site.positions[-1]
    names = {chrom, chrom.removeprefix("chr"), f"chr{chrom.removeprefix('chr')}"}
    return not any(row[0] in names and row[1] < low and row[2] >= high for row in targets)


def not_assessable_call(site_key: str, detail: str) -> SiteCall:
    return SiteCall(site_key, 0, "not_assessable", detail, None, ())


def site_alteration(site: Site, allele: str) -> str:
    """The alteration a call names: G1202R, KRAS G12C's "G12C", EGFR's "E746_A750del", MET's
    catalogue name "exon 14 skipping" (its c. change is in the mutation's hgvs)."""
    if site.kind == "splice":
        return site.label.rsplit(" (", 1)[0]
    return describe_allele(site.key, allele)


def call_sample(
    sample_id: str,
    patient_id: str,
    genes: Sequence[GeneSites],
    fragments: Mapping,
    counts: Mapping[str, SiteCounts],
    background: Mapping,
    knowledge: KnowledgeBase,
    params: CallingParameters,
    failed_qc_reasons: str = "",
    targets: Sequence[tuple] | None = None,
) -> SampleHotspots:
    """Status of every site of every gene, the mutations found, and how co-occurring mutations
    of one gene are phased. With ``targets`` (the panel BED), a site no target covers is not
    assessable; a gene the reference lacks has every catalogued hotspot not assessable."""
    calls: list[tuple[str, str, SiteCall]] = []  # (gene, codon label, call)
    by_key: dict[str, tuple[GeneSites, Site]] = {}
    for gene in genes:
        if gene.transcript is None:
            for entry in gene.entries:
                calls.append(
                    (
                        gene.gene,
                        entry.alteration,
                        not_assessable_call(entry.label, gene.unavailable),
                    )
                )
            continue
        for site in gene.sites:
            by_key[site.key] = (gene, site)
            if targets is not None and off_panel(site, gene.transcript.chrom, targets):
                detail = f"not on the panel: no capture target covers {gene.gene} {site.label}"
                calls.append((gene.gene, site.label, not_assessable_call(site.key, detail)))
                continue
            call = call_site(
                site.key,
                site.is_indel,
                counts[site.key],
                background,
                watched_alleles(knowledge, site, gene.transcript),
                params,
                failed_qc_reasons,
            )
            calls.append((gene.gene, site.label, call))
    hotspot_rows = [
        {
            "patient_id": patient_id,
            "sample_id": sample_id,
            "gene": gene,
            "codon": label,
            "depth": call.depth,
            "status": call.status,
            "detail": call.detail,
            "lod_vaf": "" if call.lod_vaf is None else f"{call.lod_vaf:.4f}",
        }
        for gene, label, call in calls
    ]
    mutations = []
    for gene_name, _, call in calls:
        for test in call.mutant_alleles:
            gene, site = by_key[call.site]
            routes = counts[call.site].routes.get(test.allele, {})
            bases = max(sorted(routes), key=routes.get) if routes else ""
            variant = genomic_change(gene.transcript, site, test.allele, bases)
            mutations.append(
                {
                    "patient_id": patient_id,
                    "sample_id": sample_id,
                    "gene": gene_name,
                    "site": call.site,
                    "alteration": site_alteration(site, test.allele),
                    "allele": test.allele,
                    "chrom": variant.chrom if variant else gene.transcript.chrom,
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
    sites = {key: site for key, (_, site) in by_key.items()}
    linkage_rows = []
    for gene in genes:
        own = [m for m in mutations if m["gene"] == gene.gene]
        linkage_rows += phase_mutations(sample_id, own, fragments, sites)
    return SampleHotspots([call for _, _, call in calls], hotspot_rows, mutations, linkage_rows)


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
    genes = load_genes(snakemake.input, snakemake.params.build)
    fragments, counts = genotype_genes(
        snakemake.input.bam, snakemake.input.fasta, genes, read_filters(settings)
    )
    # The metrics' verdict: a QC failure is stated in every codon's detail.
    qc = read_qc_metrics([snakemake.input.qc]).iloc[0]
    failed_qc = qc["reasons"] if qc["verdict"] == "fail" else ""
    result = call_sample(
        snakemake.wildcards.sample,
        snakemake.params.patient_id,
        genes,
        fragments,
        counts,
        background_rates(read_background(snakemake.input.background)),
        load_knowledge_base(activity=False),
        calling_parameters(settings),
        failed_qc,
        read_bed(snakemake.input.targets),
    )
    for output, write, rows in (
        (snakemake.output.counts, write_counts, count_rows(counts)),
        (snakemake.output.hotspots, write_hotspots, result.hotspot_rows),
        (snakemake.output.mutations, write_mutations, result.mutation_rows),
        (snakemake.output.linkage, write_linkage, result.linkage_rows),
    ):
        with atomic_output(output) as path:
            write(path, rows)
