"""One tumour's small-variant alterations (written by rule biopsy): hotspot calls and caller
variants, annotated (ALK on NM_004304.5, the bypass genes and TP53 on their MANE Select
transcripts) and classified.

At the catalogued sites the codon-aware genotyper decides (it counts fragments, names
multi-base changes and has a background model); a caller's variant there that the genotyper
does not confirm stays in the VCF, filtered. Elsewhere in ALK the callers' variants are named
and classified (VUS, synonymous, ...). A variant a normal also carries at germline-like VAF is
a polymorphism, never a resistance mechanism.

In the bypass genes a genotyped hotspot call takes the classification of its catalogue row:
a bypass alteration, or at a TP53 hotspot codon a co-mutation (prognostic, never a resistance
mechanism). A caller's variant elsewhere in TP53 that changes the protein or a splice site is a
co-mutation, one in another bypass gene a variant of unknown significance.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pysam

from alkres.defaults import section_defaults
from alkres.io import read_fai, reference_contig
from alkres.knowledge.bypass import (
    BypassEntry,
    load_bypass_catalogue,
    site_classification,
    whole_gene_entries,
)
from alkres.knowledge.knowledge import load_knowledge_base
from alkres.knowledge.transcript import Transcript, load_transcript
from alkres.mutations.annotate import CODING_CONSEQUENCES, Annotation, annotate_variant, classify
from alkres.mutations.caller_vcf import CallerVariant, merge_caller_variants, read_caller_vcf
from alkres.mutations.genotype import site_label
from alkres.tables import read_mutations, read_normal_variants

TRANSCRIPT = "NM_004304.5"
PROTEIN = "NP_004295.2"


_FILTER_DEFAULTS = section_defaults("calling", "filters")  # the schema's, the one place


@dataclass(frozen=True)
class CallerFilters:
    min_quality: float = _FILTER_DEFAULTS["min_quality"]
    min_alt_reads: int = _FILTER_DEFAULTS["min_alt_reads"]
    min_vaf: float = _FILTER_DEFAULTS["min_vaf"]


def variant_type(ref: str, alt: str, annotation: Annotation) -> str:
    if annotation.consequence == "inframe_deletion" or (
        len(ref) > len(alt) and annotation.alteration.endswith("del")
    ):
        return "deletion"
    if annotation.alteration.endswith("dup"):
        return "duplication"
    if len(ref) != len(alt):
        return "insertion" if len(alt) > len(ref) else "deletion"
    return "snv" if len(ref) == 1 else "mnv"


def is_germline(
    vaf: float, key: tuple, normal_vafs: Mapping[tuple, float], germline_min_vaf: float
) -> bool:
    """Heterozygous or homozygous-looking in the tumour and carried by a normal."""
    return vaf >= germline_min_vaf and normal_vafs.get(key, 0.0) >= germline_min_vaf


def hotspot_alteration_rows(
    mutations: Sequence[Mapping],
    transcript: Transcript,
    catalogued: set[str],
    caller_names_by_alteration: Mapping[str, list[str]],
    normal_vafs: Mapping[tuple, float],
    germline_min_vaf: float,
    other_roles: Mapping[str, tuple[str, str]] | None = None,
) -> list[dict]:
    """Rows of the genotyper's mutations. A catalogued alteration is "resistance" only if its
    role in NSCLC is resistance; ``other_roles`` gives the others their class ("activating",
    or "vus" for an uncertain role) and the catalogue's note on why."""
    other_roles = other_roles or {}
    rows = []
    for mutation in mutations:
        pos = int(mutation["pos"]) if mutation["pos"] not in ("", None) else None
        annotation = (
            annotate_variant(transcript, mutation["chrom"], pos, mutation["ref"], mutation["alt"])
            if pos
            else None
        )
        alteration = mutation["alteration"]
        vaf = float(mutation["vaf"])
        key = (mutation["chrom"], pos, mutation["ref"], mutation["alt"])
        detail = ""
        if is_germline(vaf, key, normal_vafs, germline_min_vaf):
            classification = "benign_polymorphism"
        elif alteration in catalogued:
            classification = "resistance"
        elif alteration in other_roles:
            classification, detail = other_roles[alteration]
        elif annotation is not None:
            classification = classify(annotation, catalogued)
        else:
            classification = "vus"
        rows.append(
            {
                "patient_id": mutation["patient_id"],
                "sample_id": mutation["sample_id"],
                "gene": "ALK",
                "alteration": alteration,
                "hgvs_p": f"{PROTEIN}:{annotation.hgvs_p}"
                if annotation and annotation.hgvs_p
                else "",
                "hgvs_c": f"{TRANSCRIPT}:{annotation.hgvs_c}"
                if annotation and annotation.hgvs_c
                else "",
                "type": variant_type(mutation["ref"], mutation["alt"], annotation)
                if annotation
                else "",
                "chrom": mutation["chrom"],
                "pos": mutation["pos"],
                "ref": mutation["ref"],
                "alt": mutation["alt"],
                "depth": mutation["depth"],
                "alt_count": mutation["alt_count"],
                "vaf": mutation["vaf"],
                "copy_number": "",
                "phase_set": mutation["phase_set"],
                "classification": classification,
                "phase": mutation["phase"],
                "callers": ",".join(
                    ["alkres_hotspot", *caller_names_by_alteration.get(alteration, [])]
                ),
                "detail": detail,
            }
        )
    return rows


def caller_alteration_rows(
    sample_id: str,
    patient_id: str,
    merged: Mapping[tuple, CallerVariant],
    transcript: Transcript,
    hotspot_codons: set[int],
    catalogued: set[str],
    filters: CallerFilters,
    normal_vafs: Mapping[tuple, float],
    germline_min_vaf: float,
) -> tuple[list[dict], dict[tuple, tuple[Annotation | None, str]]]:
    """Rows for caller variants in ALK outside the genotyped sites, and each variant's
    annotation and VCF filter."""
    rows, annotated = [], {}
    for key, variant in sorted(merged.items(), key=lambda item: (item[0][0], item[0][1])):
        if variant.chrom != transcript.chrom:
            annotated[key] = (None, "PASS")
            continue
        annotation = annotate_variant(
            transcript, variant.chrom, variant.pos, variant.ref, variant.alt
        )
        at_hotspot = annotation.codon_start is not None and (
            annotation.codon_start in hotspot_codons or annotation.alteration in catalogued
        )
        weak = (
            variant.quality < filters.min_quality
            or variant.alt_count < filters.min_alt_reads
            or variant.vaf < filters.min_vaf
        )
        if at_hotspot:
            annotated[key] = (annotation, "hotspot_site")  # decided by the genotyper
            continue
        if weak:
            annotated[key] = (annotation, "low_support")
            continue
        annotated[key] = (annotation, "PASS")
        if annotation.consequence not in CODING_CONSEQUENCES:
            continue
        if is_germline(variant.vaf, key, normal_vafs, germline_min_vaf):
            classification = "benign_polymorphism"
        else:
            classification = classify(annotation, catalogued)
        rows.append(
            {
                "patient_id": patient_id,
                "sample_id": sample_id,
                "gene": "ALK",
                "alteration": annotation.alteration,
                "hgvs_p": f"{PROTEIN}:{annotation.hgvs_p}" if annotation.hgvs_p else "",
                "hgvs_c": f"{TRANSCRIPT}:{annotation.hgvs_c}" if annotation.hgvs_c else "",
                "type": variant_type(variant.ref, variant.alt, annotation),
                "chrom": variant.chrom,
                "pos": variant.pos,
                "ref": variant.ref,
                "alt": variant.alt,
                "depth": variant.depth,
                "alt_count": variant.alt_count,
                "vaf": round(variant.vaf, 4),
                "copy_number": "",
                "phase_set": "",
                "classification": classification,
                "phase": "",
                "callers": ",".join(variant.callers),
            }
        )
    return rows, annotated


def caller_support_by_alteration(
    merged: Mapping[tuple, CallerVariant], transcript: Transcript
) -> dict[str, list[str]]:
    """Which callers reported each protein change (any nucleotide route)."""
    support: dict[str, list[str]] = {}
    for variant in merged.values():
        if variant.chrom != transcript.chrom:
            continue
        annotation = annotate_variant(
            transcript, variant.chrom, variant.pos, variant.ref, variant.alt
        )
        if annotation.alteration:
            names = support.setdefault(annotation.alteration, [])
            names.extend(c for c in variant.callers if c not in names)
    return support


def write_annotated_vcf(
    path: str | Path,
    sample_id: str,
    contigs: Sequence[tuple[str, int]],
    merged: Mapping[tuple, CallerVariant],
    annotated: Mapping[tuple, tuple[Annotation | None, str]],
    alteration_rows: Sequence[Mapping],
) -> None:
    """bgzip VCF + tabix index: every caller variant and every hotspot call, with annotation."""
    header = pysam.VariantHeader()
    for name, length in contigs:
        header.contigs.add(name, length=length)
    header.add_sample(sample_id)
    for filter_id, description in (
        ("low_support", "Below calling.min_quality / min_alt_reads / min_vaf"),
        (
            "hotspot_site",
            "At a catalogued site, where the alkres hotspot test decides (see CALLERS)",
        ),
    ):
        header.filters.add(filter_id, None, None, description)
    for info_id, number, kind, description in (
        ("GENE", 1, "String", "Gene"),
        ("HGVSC", 1, "String", f"HGVS coding change (ALK: {TRANSCRIPT}; others: MANE Select)"),
        ("HGVSP", 1, "String", f"HGVS protein change (ALK: {PROTEIN})"),
        ("ALTERATION", 1, "String", "Protein change, 1-letter (G1202R)"),
        (
            "CLASS",
            1,
            "String",
            "resistance, activating, vus, synonymous, outside_kinase_domain, benign_polymorphism,"
            " non_coding, bypass, co_mutation",
        ),
        (
            "CALLERS",
            ".",
            "String",
            "Callers reporting the variant (alkres_hotspot = codon-aware genotyper)",
        ),
        ("DP", 1, "Integer", "Depth (fragments for alkres_hotspot, reads for callers)"),
        ("AO", 1, "Integer", "Alternate-allele observations"),
        ("VAF", 1, "Float", "Alternate-allele fraction"),
        ("PS", 1, "Integer", "Phase set: variants in cis share it"),
    ):
        header.info.add(info_id, number, kind, description)
    rows_by_key = {
        (r["chrom"], int(r["pos"]), r["ref"], r["alt"]): r
        for r in alteration_rows
        if r["pos"] != ""
    }
    keys = sorted(
        set(merged) | set(rows_by_key),
        key=lambda k: ([c for c, _ in contigs].index(k[0]), k[1], k[2], k[3]),
    )
    partial = Path(f"{path}.partial.vcf")
    with pysam.VariantFile(str(partial), "w", header=header) as out:
        for key in keys:
            chrom, pos, ref, alt = key
            record = out.new_record(contig=chrom, start=pos - 1, alleles=(ref, alt))
            row = rows_by_key.get(key)
            variant = merged.get(key)
            annotation, filter_name = annotated.get(key, (None, "PASS"))
            if row is not None:
                filter_name = "PASS"
                record.info["CLASS"] = row["classification"]
                record.info["CALLERS"] = row["callers"].split(",")
                record.info["DP"] = int(row["depth"])
                record.info["AO"] = int(row["alt_count"])
                record.info["VAF"] = float(row["vaf"])
                if row["phase_set"] != "":
                    record.info["PS"] = int(row["phase_set"])
                hgvs_c, hgvs_p, alteration = row["hgvs_c"], row["hgvs_p"], row["alteration"]
            else:
                record.info["CALLERS"] = variant.callers
                record.info["DP"] = variant.depth
                record.info["AO"] = variant.alt_count
                record.info["VAF"] = round(variant.vaf, 4)
                alk = annotation is not None and annotation.gene == "ALK"
                hgvs_c = (
                    f"{annotation.transcript}:{annotation.hgvs_c}"
                    if annotation and annotation.hgvs_c
                    else ""
                )
                hgvs_p = (
                    (f"{PROTEIN}:{annotation.hgvs_p}" if alk else annotation.hgvs_p)
                    if annotation and annotation.hgvs_p
                    else ""
                )
                alteration = annotation.alteration if annotation else ""
            if row is not None:
                record.info["GENE"] = row["gene"]
            elif annotation is not None:
                record.info["GENE"] = annotation.gene
            for info_id, value in (
                ("HGVSC", hgvs_c),
                ("HGVSP", hgvs_p),
                ("ALTERATION", alteration),
            ):
                if value:
                    record.info[info_id] = value
            record.filter.add(filter_name)
            out.write(record)
    pysam.tabix_compress(str(partial), str(path), force=True)
    partial.unlink()
    pysam.tabix_index(str(path), preset="vcf", force=True)


def alteration_rows(
    sample_id: str,
    patient_id: str,
    mutations: Sequence[Mapping],
    merged: Sequence[CallerVariant],
    transcript: Transcript,
    knowledge,
    filters: CallerFilters,
    normal_vafs: Mapping[tuple, float],
    germline_min_vaf: float,
) -> tuple[list[dict], dict]:
    """The sample's alteration rows (hotspot calls, then caller variants elsewhere) in position
    order, and the annotations of the caller variants."""
    singles = [m for m in knowledge.mutations.values() if m.kind != "compound"]
    catalogued = {m.alteration for m in singles if m.role == "resistance"}
    other_roles = {
        m.alteration: (
            "activating" if m.role == "activating" else "vus",
            f"catalogued, not an NSCLC resistance mutation ({m.role}): {m.role_note}",
        )
        for m in singles
        if m.role != "resistance"
    }
    hotspot_codons = {m.codon for m in knowledge.mutations.values() if m.codon}
    mutations = [m for m in mutations if m.get("gene", "ALK") == "ALK"]
    hotspot_rows = hotspot_alteration_rows(
        mutations,
        transcript,
        catalogued,
        caller_support_by_alteration(merged, transcript),
        normal_vafs,
        germline_min_vaf,
        other_roles,
    )
    caller_rows, annotated = caller_alteration_rows(
        sample_id, patient_id, merged, transcript, hotspot_codons, catalogued, filters,
        normal_vafs, germline_min_vaf,
    )  # fmt: skip
    rows = sorted(
        hotspot_rows + caller_rows,
        key=lambda r: (str(r["chrom"]), int(r["pos"] or 0), r["alteration"]),
    )
    return rows, annotated


# Consequences of a TP53 variant that make it a co-mutation (a changed protein or splice site).
CO_MUTATION_CONSEQUENCES = tuple(c for c in CODING_CONSEQUENCES if c != "synonymous") + (
    "splice_region",
)
# Consequences that end a protein (NF2: a loss-of-function variant), besides a change of the
# canonical splice dinucleotides (c.N+1, +2, -1, -2).
TRUNCATING_CONSEQUENCES = ("stop_gained", "frameshift", "start_lost")
_CANONICAL_SPLICE = re.compile(r"\d[+-][12](?!\d)")


def loss_of_function(annotation: Annotation) -> bool:
    """A variant that ends the protein or breaks a canonical splice site: stop gained,
    frameshift, start lost, or a change reaching an intron's first or last two bases."""
    if annotation.consequence in TRUNCATING_CONSEQUENCES:
        return True
    return annotation.consequence == "splice_region" and bool(
        _CANONICAL_SPLICE.search(annotation.hgvs_c)
    )


@dataclass(frozen=True)
class BypassGene:
    """A bypass gene (or TP53) read from the run's reference, with its genotyped sites."""

    transcript: Transcript
    sites: tuple  # genotype.Site
    fetch: object  # (start, end) -> plus-strand bases of the reference


def _gene_span(transcript: Transcript, flank: int = 5000) -> tuple[int, int]:
    return (
        min(e.start for e in transcript.exons) - flank,
        max(e.end for e in transcript.exons) + flank,
    )


def _at_site(annotation: Annotation, pos: int, ref: str, alt: str, sites) -> bool:
    """A change the genotyper decides: a substitution at a genotyped codon (bypass or TP53),
    a change inside a region's codons or within a splice site's window. An insertion or
    deletion at a codon is left to the callers: the genotyper names no indel there."""
    for site in sites:
        if site.kind == "codon" and annotation.codon_start is not None and len(ref) == len(alt):
            if annotation.codon_start <= site.codon <= (annotation.codon_end or site.codon):
                return True
        elif site.kind == "region" and annotation.codon_start is not None:
            last = site.codon + len(site.reference_peptide) - 1
            if site.codon <= annotation.codon_start <= last:
                return True
        elif site.kind == "splice":
            low, high = site.window
            if pos <= high and pos + len(ref) - 1 >= low:
                return True
    return False


def _bypass_row(sample_id, patient_id, gene, annotation, key, depth, alt_count, vaf, callers,
                classification, alteration="", phase_set="", detail="") -> dict:  # fmt: skip
    chrom, pos, ref, alt = key
    return {
        "patient_id": patient_id, "sample_id": sample_id, "gene": gene,
        "alteration": alteration or annotation.alteration or annotation.hgvs_c,
        "hgvs_p": annotation.hgvs_p if annotation.hgvs_p not in ("", "p.?") else "",
        "hgvs_c": f"{annotation.transcript}:{annotation.hgvs_c}" if annotation.hgvs_c else "",
        "type": variant_type(ref, alt, annotation), "chrom": chrom, "pos": pos, "ref": ref,
        "alt": alt, "depth": depth, "alt_count": alt_count, "vaf": vaf, "copy_number": "",
        "phase_set": phase_set, "classification": classification, "phase": "",
        "callers": callers, "detail": detail,
    }  # fmt: skip


def bypass_alteration_rows(
    sample_id: str,
    patient_id: str,
    mutations: Sequence[Mapping],
    merged: Mapping[tuple, CallerVariant],
    genes: Mapping[str, BypassGene],
    filters: CallerFilters,
    normal_vafs: Mapping[tuple, float],
    germline_min_vaf: float,
    catalogue: Sequence[BypassEntry] | None = None,
) -> tuple[list[dict], dict[tuple, tuple[Annotation | None, str]]]:
    """Rows of the bypass genes and TP53: the genotyper's hotspot calls, each classified as
    its catalogue row (``catalogue``, default the bundled one: bypass, or co_mutation at a
    TP53 hotspot codon), and the callers' variants elsewhere in these genes (TP53:
    co-mutation; NF2: bypass where it is a loss of function; others: VUS), with the annotation
    and VCF filter of each caller variant."""
    catalogue = load_bypass_catalogue() if catalogue is None else catalogue
    whole = whole_gene_entries(catalogue)
    rows, annotated = [], {}
    called: dict[str, list[str]] = {}
    for key, variant in merged.items():
        for name, gene in genes.items():
            low, high = _gene_span(gene.transcript)
            if variant.chrom != gene.transcript.chrom or not low <= variant.pos <= high:
                continue
            try:
                annotation = annotate_variant(
                    gene.transcript, variant.chrom, variant.pos, variant.ref, variant.alt,
                    gene.fetch,
                )  # fmt: skip
            except ValueError:
                continue
            if _at_site(annotation, variant.pos, variant.ref, variant.alt, gene.sites):
                annotated[key] = (annotation, "hotspot_site")
                change = annotation.alteration or annotation.hgvs_c
                if change:
                    called.setdefault(f"{name} {change}", []).extend(variant.callers)
                continue
            weak = (
                variant.quality < filters.min_quality
                or variant.alt_count < filters.min_alt_reads
                or variant.vaf < filters.min_vaf
            )
            annotated[key] = (annotation, "low_support" if weak else "PASS")
            entry = whole.get(name)  # TP53 (co-mutation) or NF2 (loss): read as a whole
            relevant = CO_MUTATION_CONSEQUENCES if entry else CODING_CONSEQUENCES
            if weak or annotation.consequence not in relevant:
                continue
            detail = ""
            if is_germline(variant.vaf, key, normal_vafs, germline_min_vaf):
                classification = "benign_polymorphism"
            elif entry and entry.kind == "co_mutation":
                classification = "co_mutation"
            elif entry and entry.kind == "loss" and loss_of_function(annotation):
                # NF2: a loss-of-function variant is the catalogued loss ("NF2 loss")
                classification, detail = "bypass", entry.alteration
            elif annotation.consequence == "synonymous":
                classification = "synonymous"
            else:
                classification = "vus"
            rows.append(
                _bypass_row(
                    sample_id,
                    patient_id,
                    name,
                    annotation,
                    key,
                    variant.depth,
                    variant.alt_count,
                    round(variant.vaf, 4),
                    ",".join(variant.callers),
                    classification,
                    detail=detail,
                )  # fmt: skip
            )
    for mutation in mutations:
        gene = genes.get(mutation["gene"])
        if gene is None or mutation["pos"] in ("", None):
            continue
        key = (mutation["chrom"], int(mutation["pos"]), mutation["ref"], mutation["alt"])
        annotation = annotate_variant(gene.transcript, *key, gene.fetch)
        vaf = float(mutation["vaf"])
        # A germline-like variant is a polymorphism; else the catalogue row's class (bypass,
        # or co_mutation at a TP53 hotspot codon: never a resistance mechanism).
        classification = (
            "benign_polymorphism"
            if is_germline(vaf, key, normal_vafs, germline_min_vaf)
            else site_classification(mutation["gene"], site_label(mutation["site"]), catalogue)
        )
        callers = ["alkres_hotspot"]
        change = annotation.alteration or annotation.hgvs_c
        for caller in called.get(f"{mutation['gene']} {change}", []):
            if caller not in callers:
                callers.append(caller)
        rows.append(
            _bypass_row(
                sample_id,
                patient_id,
                mutation["gene"],
                annotation,
                key,
                mutation["depth"],
                mutation["alt_count"],
                mutation["vaf"],
                ",".join(callers),
                classification,
                alteration=mutation["alteration"],
                phase_set=mutation["phase_set"],
                detail=catalogue_name(mutation["site"], mutation["alteration"]),
            )
        )
    return rows, annotated


def catalogue_name(site: str, alteration: str) -> str:
    """The bypass catalogue row a hotspot call belongs to, where the call names it otherwise
    (E746_A750del: exon 19 deletion); empty where the alteration is the row's own name."""
    label = site_label(site).rsplit(" (", 1)[0]
    return "" if alteration.startswith(label) else label


def load_bypass_genes(
    inputs, build: str, catalogue: Sequence[BypassEntry] | None = None
) -> dict[str, BypassGene]:
    """The bypass genes and TP53 the reference holds (the reference check's gene table), each
    with its genotyped sites (``catalogue``, default the bundled one) and a reader of the
    reference's bases."""
    from alkres.knowledge.transcript import load_gene_transcript
    from alkres.mutations.hotspot_counts import GENOTYPED_KINDS, bypass_sites
    from alkres.tables import read_reference_genes

    fasta = pysam.FastaFile(str(inputs.fasta))
    catalogue = load_bypass_catalogue() if catalogue is None else catalogue
    genes = {}
    for row in read_reference_genes(inputs.reference_genes):
        if row["status"] != "ok":
            continue
        transcript = load_gene_transcript(build, row["gene"], Path(inputs.fasta), row["chrom"])
        entries = [e for e in catalogue if e.gene == row["gene"] and e.kind in GENOTYPED_KINDS]

        def fetch(start: int, end: int, chrom: str = row["chrom"]) -> str:
            return fasta.fetch(chrom, start - 1, end).upper()

        genes[row["gene"]] = BypassGene(transcript, tuple(bypass_sites(transcript, entries)), fetch)
    return genes


def annotate_tumour(inputs, params, outputs, sample_id: str) -> list[dict]:
    """One tumour's annotated VCF, and its ALK variant rows, annotated and classified (run by
    rule biopsy, which writes them to the alterations table with their tiers).

    ``inputs``: fai, vcfs (one per caller), normal_variants (empty without normals),
    mutations; ``params``: build, callers, patient_id, caller_filters, germline_min_vaf;
    ``outputs``: vcf, tbi (Snakemake's named lists).
    """
    transcript = load_transcript(params.build, "ALK", chrom=reference_contig(inputs.fai))
    merged = merge_caller_variants(
        {
            caller: read_caller_vcf(path, caller)
            for caller, path in zip(params.callers, inputs.vcfs, strict=True)
        }
    )
    # No normals, no pooled table: then no variant is called germline from a normal.
    normal_tables = inputs.normal_variants
    normal_vafs = read_normal_variants(normal_tables[0]) if normal_tables else {}
    mutations = read_mutations(inputs.mutations)
    filters = CallerFilters(**params.caller_filters)
    rows, annotated = alteration_rows(
        sample_id,
        params.patient_id,
        mutations,
        merged,
        transcript,
        load_knowledge_base(),
        filters,
        normal_vafs,
        params.germline_min_vaf,
    )
    catalogue = load_bypass_catalogue()
    bypass_rows, bypass_annotated = bypass_alteration_rows(
        sample_id, params.patient_id, [m for m in mutations if m["gene"] != "ALK"], merged,
        load_bypass_genes(inputs, params.build, catalogue), filters, normal_vafs,
        params.germline_min_vaf, catalogue,
    )  # fmt: skip
    annotated = {
        key: bypass_annotated.get(key, value) if value[0] is None else value
        for key, value in annotated.items()
    }
    # Every cell as the alterations table writes it (the record and the table agree).
    rows = sorted(
        ({k: v if isinstance(v, str) else "" if v is None else str(v) for k, v in row.items()}
         for row in rows + bypass_rows),
        key=lambda r: (str(r["chrom"]), int(r["pos"] or 0), r["alteration"]),
    )  # fmt: skip
    contigs = list(read_fai(inputs.fai).items())
    vcf_partial = f"{outputs.vcf}.partial.vcf.gz"
    write_annotated_vcf(vcf_partial, sample_id, contigs, merged, annotated, rows)
    os.replace(f"{vcf_partial}.tbi", outputs.tbi)
    os.replace(vcf_partial, outputs.vcf)
    return rows
