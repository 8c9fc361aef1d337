"""One tumour biopsy's record, written once (rule biopsy) and rendered by every report: its
final QC verdict, what its tables show (ALK mutations, amplification, bypass, the fusion, copy
number, every catalogued codon), its result with the reasons, its mechanisms and the
interpretation of its ALK mutations against each TKI, with the sections of the patient report
that show it.

Values copied from the tables stay the strings written there, so every number of a report can
be traced to a row of alterations.tsv, hotspots.tsv, the gene table or the fusion stage's
fusions.tsv and status.json.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from alkres.biopsy.model import (
    CONFIDENT_NEGATIVE,
    FUSION_NOT_DETECTED,
    MECHANISM,
    Biopsy,
    Interpretation,
    InterpretationSettings,
    derive_biopsy,
    is_alk_amplification,
    is_alk_fusion,
    is_alk_mutation,
    split_tkis,
)
from alkres.fusion.naming import load_variant_names, load_variant_notes
from alkres.inputs.tki_vocabulary import APPROVED, Agent, load_agents
from alkres.io import atomic_output, log_to
from alkres.knowledge.bypass import BypassEntry, load_bypass_catalogue, site_classification
from alkres.knowledge.knowledge import (
    CLINICAL_LEVELS,
    LEVELS,
    ClinicalNote,
    KnowledgeBase,
    load_clinical_notes,
    load_knowledge_base,
)
from alkres.mutations.annotate_sample import annotate_tumour
from alkres.qc.verdict import final_verdict
from alkres.tables import (
    read_alterations,
    read_fusion_statuses,
    read_fusions,
    read_gene_tables,
    read_hotspots,
    read_qc_metrics,
    write_alterations,
    write_biopsy,
)

DECISION_SUPPORT = (
    "Decision support, not a prescription: the activity of each TKI is what the cited sources "
    "report for the detected ALK alterations. The choice of treatment rests with the treating "
    "physician and the tumour board, with the full clinical picture."
)
ALTERATION_FIELDS = [
    "alteration", "hgvs_p", "hgvs_c", "type", "chrom", "pos", "ref", "alt", "depth",
    "alt_count", "vaf", "copy_number", "phase_set", "phase", "classification", "callers",
    "detail", "tier", "tier_level", "tier_reason",
]  # fmt: skip
HOTSPOT_FIELDS = ["codon", "depth", "status", "detail", "lod_vaf"]
FUSION_FIELDS = [
    "fusion", "partner", "exon_pair", "variant", "in_frame", "orientation", "precise",
    "split_fragments", "discordant_fragments", "ambiguous_fragments", "supporting_fragments", "spanning_fragments",
    "fraction", "reciprocal_seen", "reciprocal_fragments", "alkres", "agreement", "note",
]  # fmt: skip
FUSION_STATUS_FIELDS = [
    "status", "intron19_spanning_fragments", "fragments_needed", "limit_fraction",
    "supporting_fragments_total", "flags", "notes",
]  # fmt: skip
NOT_SEEN = (
    "An ALK-rearranged tumour's DNA carries its fusion, and this sample had enough fragments "
    "across ALK intron 19 to show one, yet none was seen: the sample may hold little tumour "
    "DNA (or the ALK breakpoint lies outside intron 19, where alkres looks). "
)
NEGATIVE_CAVEAT = (
    NOT_SEEN + "This weakens a negative mutation result of this biopsy: a resistance mutation "
    "could be missed for the same reason, so the biopsy is inconclusive, not a confident negative."
)
# With a mutation found there is no negative result to weaken, only the other codons' calls.
MUTATION_CAVEAT = (
    NOT_SEEN + "The mutations detected stand, but this weakens a negative mutation result at "
    "the other codons: a further resistance mutation could be missed for the same reason."
)
# What a DNA breakpoint cannot separate: names that cover two RNA isoforms of one exon pair.
ISOFORM_NOTES = {
    "v3a/b": {
        "statement": (
            "DNA cannot tell v3a from v3b: the two differ only by EML4's cryptic 33-bp exon 6b "
            "and are found together in the same samples, so a DNA breakpoint gives v3a/b."
        ),
        "source": "Nagasaka & Ou, J Thorac Oncol 2021 (doi 10.1016/j.jtho.2021.11.010)",
    },
}
ISOFORM_SOURCE = "DNAfusion find_variants() table (CTrierMaansson/DNAfusion)"
NAMING_NOTE = {
    "statement": (
        'EML4-ALK variant names differ between sources (E14;A20 is "variant 4" in Clin '
        "Cancer Res 2008 and v7 in the DNAfusion table; E15;A20 is v4 there), so the exon pair "
        "is given first and the name second."
    ),
    "source": (
        "Clin Cancer Res 2008;14(20):6618; DNAfusion find_variants() table, after Zhang et al., "
        "Lung Cancer 2021 (doi 10.1016/j.lungcan.2021.06.012)"
    ),
}


def assemble_biopsy(
    sample: Mapping,
    qc: Mapping,
    alterations: Sequence[Mapping],
    hotspots: Sequence[Mapping],
    copy_number: Sequence[Mapping],
    fusions: Sequence[Mapping] = (),
    fusion_status: Mapping | None = None,
    bypass: Sequence[BypassEntry] | None = None,
) -> Biopsy:
    """A tumour biopsy from its sheet row, its final QC verdict ({verdict, reasons}) and the
    rows of its tables: each alteration row sorted into mutations, fusion, amplification,
    bypass, co-mutations or other variants, and each hotspot of another gene than ALK into
    the bypass sites or the co-mutation sites (TP53's hotspot codons) as its row of the bypass
    catalogue (``bypass``, default the bundled one) classifies it."""
    sample_id = sample["sample_id"]
    biopsy = Biopsy(
        sample_id=sample_id,
        patient_id=sample["patient_id"],
        specimen=sample.get("specimen", ""),
        collection_date=sample.get("collection_date", ""),
        prior_tkis=list(sample.get("prior_tkis_list") or split_tkis(sample.get("prior_tkis"))),
        tumor_purity=str(sample.get("tumor_purity", "") or ""),
        qc_verdict=qc.get("verdict", "not run"),
        qc_reasons=qc.get("reasons", ""),
    )
    for row in alterations:
        if row["sample_id"] != sample_id:
            continue
        if is_alk_mutation(row):
            biopsy.mutations.append(dict(row))
        elif is_alk_fusion(row):
            biopsy.drivers.append(dict(row))
        elif is_alk_amplification(row):
            biopsy.amplifications.append(dict(row))
        elif row.get("classification") == "bypass":
            biopsy.bypass.append(dict(row))
        elif row.get("classification") == "co_mutation":
            biopsy.co_mutations.append(dict(row))
        else:
            biopsy.other_variants.append(dict(row))
    own = [dict(r) for r in hotspots if r["sample_id"] == sample_id]
    biopsy.hotspots = [r for r in own if r.get("gene", "ALK") == "ALK"]
    others = [r for r in own if r.get("gene", "ALK") != "ALK"]
    if others and bypass is None:
        bypass = load_bypass_catalogue()
    for row in others:
        if site_classification(row["gene"], row["codon"], bypass or ()) == "co_mutation":
            biopsy.co_mutation_hotspots.append(row)
        else:
            biopsy.bypass_hotspots.append(row)
    biopsy.copy_number = [dict(r) for r in copy_number if r["sample_id"] == sample_id]
    biopsy.fusions = [dict(r) for r in fusions if r["sample_id"] == sample_id]
    biopsy.fusion_status = dict(fusion_status or {})
    return biopsy


def conclusion_text(biopsy: Biopsy) -> str:
    if biopsy.status == MECHANISM:
        return "Resistance mechanism detected: " + ", ".join(biopsy.mechanisms) + "."
    if biopsy.status == CONFIDENT_NEGATIVE:
        return (
            "No resistance mechanism detected; a confident negative: the tumour content is "
            "known, every catalogued codon is wild type at a limit of detection below the VAF a "
            "clonal mutation would have, and ALK copy number was assessed."
        )
    return (
        "No resistance mechanism detected, but the result is inconclusive: "
        + "; ".join(biopsy.reasons)
        + ". A mechanism cannot be ruled out."
    )


def biopsy_section(
    biopsy: Biopsy,
    variant_notes: Mapping[str, list] | None = None,
    variant_names: Mapping[str, Mapping] | None = None,
) -> dict:
    def pick(row: Mapping, fields: Sequence[str]) -> dict:
        return {name: row.get(name, "") for name in fields}

    return {
        "sample_id": biopsy.sample_id,
        "collection_date": biopsy.collection_date,
        "specimen": biopsy.specimen,
        "prior_tkis": biopsy.prior_tkis,
        "n_prior_tkis": biopsy.n_prior_tkis,
        "progressed_on": biopsy.progressed_on,
        "tumor_purity": biopsy.tumor_purity,
        "qc": {"verdict": biopsy.qc_verdict, "reasons": biopsy.qc_reasons},
        "alk_alterations": [pick(row, ALTERATION_FIELDS) for row in biopsy.mutations]
        + [pick(row, ALTERATION_FIELDS) for row in biopsy.amplifications],
        "compound_units": [unit for unit in biopsy.units if len(unit) > 1],
        "bypass_alterations": [pick(row, ["gene", *ALTERATION_FIELDS]) for row in biopsy.bypass],
        "co_mutations": [pick(row, ["gene", *ALTERATION_FIELDS]) for row in biopsy.co_mutations],
        "other_variants": [pick(row, ALTERATION_FIELDS) for row in biopsy.other_variants],
        "tumour_content": biopsy.tumour_content,
        "bypass_hotspots": [
            {
                "gene": row["gene"],
                **pick(row, HOTSPOT_FIELDS),
                "call": row["status"],
                "status": assessed["status"],
                "assessment": assessed["reason"],
            }
            for row, assessed in zip(biopsy.bypass_hotspots, biopsy.bypass_assessment, strict=True)
        ],
        # TP53's hotspot codons: co-mutation sites (prognostic), never resistance mechanisms
        "co_mutation_hotspots": [
            {
                "gene": row["gene"],
                **pick(row, HOTSPOT_FIELDS),
                "call": row["status"],
                "status": assessed["status"],
                "assessment": assessed["reason"],
            }
            for row, assessed in zip(
                biopsy.co_mutation_hotspots, biopsy.co_mutation_assessment, strict=True
            )
        ],
        "hotspots": [
            {
                **pick(row, HOTSPOT_FIELDS),
                "call": row["status"],
                "status": assessed["status"],
                "assessment": assessed["reason"],
            }
            for row, assessed in zip(biopsy.hotspots, biopsy.assessed_codons, strict=True)
        ],  # fmt: skip
        "caveats": biopsy.caveats,
        "copy_number": [
            pick(row, ["region", "gene", "copy_number", "ci_low", "ci_high", "status", "detail"])
            for row in biopsy.copy_number
        ],
        "result": {
            "status": biopsy.status,
            "reasons": biopsy.reasons,
            "text": conclusion_text(biopsy),
        },  # fmt: skip
        "fusion": fusion_section(biopsy, variant_notes, variant_names),
    }


def isoform_note(variant: str) -> dict | None:
    """Why DNA gives e.g. v3a/b and not v3a or v3b."""
    if variant in ISOFORM_NOTES:
        return dict(ISOFORM_NOTES[variant])
    match = re.fullmatch(r"v(\d+)a/b", variant)
    if not match:
        return None
    number = match.group(1)
    return {
        "statement": (
            f"DNA cannot tell v{number}a from v{number}b: both share the exon pair a DNA "
            "breakpoint gives, and they are named as one class."
        ),
        "source": ISOFORM_SOURCE,
    }


def fusion_entry(
    row: Mapping, variant_notes: Mapping[str, list], variant_names: Mapping[str, Mapping]
) -> dict:
    """One fusions.tsv row as the report shows it, with the variant's sourced notes."""
    entry = {name: row.get(name, "") for name in FUSION_FIELDS}
    entry["alk_breakpoint"] = f"{row.get('alk_chrom', '')}:{row.get('alk_pos', '')}"
    entry["partner_breakpoint"] = f"{row.get('partner_chrom', '')}:{row.get('partner_pos', '')}"
    entry["callers"] = [
        {"caller": caller, "verdict": verdict}
        for caller, verdict in (
            item.split(": ", 1) for item in str(row.get("callers", "")).split("; ") if ": " in item
        )
    ]
    naming = variant_names.get(row.get("exon_pair", "")) if row.get("partner") == "EML4" else None
    entry["variant_name"] = (
        {key: naming.get(key, "") for key in ("variant", "share", "sources", "status")}
        if naming
        else None
    )
    entry["variant_notes"] = [
        {key: note.get(key, "") for key in ("statement", "source", "status")}
        for note in variant_notes.get(row.get("variant", ""), [])
    ]
    entry["isoform_note"] = isoform_note(row.get("variant", ""))
    return entry


def fusion_section(
    biopsy: Biopsy,
    variant_notes: Mapping[str, list] | None = None,
    variant_names: Mapping[str, Mapping] | None = None,
) -> dict:
    """The biopsy's ALK fusion: what was detected and its evidence, or the status sentence
    (copied from status.json) and what it means for the biopsy's other results."""
    variant_notes = load_variant_notes() if variant_notes is None else variant_notes
    variant_names = load_variant_names() if variant_names is None else variant_names
    status = {name: biopsy.fusion_status.get(name, "") for name in FUSION_STATUS_FIELDS}
    status["flags"] = list(status["flags"] or [])
    status["notes"] = list(status["notes"] or [])
    detected = [fusion_entry(r, variant_notes, variant_names) for r in biopsy.detected_fusions]
    undetected = [
        fusion_entry(r, variant_notes, variant_names)
        for r in biopsy.fusions
        if r.get("alkres") != "detected"
    ]
    if detected:
        text = "ALK fusion detected: " + "; ".join(f["fusion"] for f in detected) + "."
    elif status["status"]:
        text = f"No ALK fusion detected ({status['status']})."
    else:
        text = "No ALK fusion assessment for this biopsy."
    caveat = ""
    if not detected and biopsy.fusion_result == FUSION_NOT_DETECTED:
        caveat = MUTATION_CAVEAT if biopsy.mutations else NEGATIVE_CAVEAT
    return {
        "result": biopsy.fusion_result,
        **status,
        "text": text,
        "negative_caveat": caveat,
        "fusions": detected,
        "other_evidence": undetected,
        "naming_note": dict(NAMING_NOTE) if any(f["variant"] for f in detected) else None,
        "alterations": [
            {name: row.get(name, "") for name in ALTERATION_FIELDS} for row in biopsy.drivers
        ],
    }


# ------------------------------------------------------------------ tiers (AMP/ASCO/CAP 2017)

TIER_SOURCE = "Li MM et al. J Mol Diagn 2017;19(1):4-23 (AMP/ASCO/CAP tiers)"
BENIGN_CLASSES = ("synonymous", "benign_polymorphism")


def _tier(tier: str, level: str, reason: str) -> dict:
    return {"tier": tier, "tier_level": level, "tier_reason": reason}


def mutation_tier(knowledge: KnowledgeBase, agents: Mapping[str, Agent], alteration: str) -> dict:
    """Tier of an ALK resistance mutation in NSCLC, from the strongest verified NSCLC (or
    ALK-fusion model) statement about an approved ALK TKI, its own or a compound's it is part
    of: a clinical trial or series gives Tier I level B, the review table's consensus Tier II
    level C, case reports and preclinical work Tier II level D; none gives Tier III."""
    mutation = knowledge.mutations.get(alteration)
    if mutation is None:
        return _tier("III", "", "not catalogued: a variant of unknown significance")
    if mutation.role != "resistance":
        return _tier("III", "", f"catalogued as {mutation.role}: {mutation.role_note}")
    approved = {name for name, agent in agents.items() if agent.role == APPROVED}
    rows = [alteration] + [
        m.alteration for m in knowledge.mutations.values()
        if m.kind == "compound" and alteration in m.components
    ]  # fmt: skip
    calls = [
        call for row in rows for call in knowledge.calls_for(row)
        if call.relevant and call.tki in approved
    ]  # fmt: skip
    if not calls:
        return _tier("III", "", "no verified NSCLC statement about an approved ALK TKI")
    level = min((call.level for call in calls), key=LEVELS.index)
    sources = "; ".join(dict.fromkeys(f"{c.alteration}: {c.source}" for c in calls
                                      if c.level == level))  # fmt: skip
    if level in CLINICAL_LEVELS:
        return _tier("I", "B", f"{level} evidence on approved ALK TKIs in NSCLC ({sources})")
    if level == "review table":
        return _tier(
            "II", "C",
            f"review-table consensus on approved ALK TKIs in NSCLC ({sources}); no clinical"
            " trial or series in the knowledge base",
        )  # fmt: skip
    return _tier("II", "D", f"{level} evidence only ({sources})")


def bypass_entry(row: Mapping, bypass: Sequence[BypassEntry]) -> BypassEntry | None:
    """The catalogue row of an off-target alteration row (gene and alteration, or its codon)."""
    alteration = str(row.get("alteration", ""))
    codon = re.match(r"^([A-Z]\d+)", alteration)
    # a region call (E746_A750del) names its catalogue row in its detail (exon 19 deletion)
    names = {alteration, codon.group(1) if codon else alteration, str(row.get("detail", ""))}
    gene = [e for e in bypass if e.gene == row.get("gene")]
    named = next((e for e in gene if e.alteration in names), None)
    # A gene catalogued as a whole (TP53: any damaging mutation) covers its variants.
    return named or next((e for e in gene if e.kind == "co_mutation"), None)


def bypass_tier(row: Mapping, bypass: Sequence[BypassEntry]) -> dict:
    """An off-target alteration's tier: Tier II level D where a verified source reports it in
    ALK-TKI resistance (small series and case reports) or, for TP53, as prognostic; Tier III
    otherwise."""
    entry = bypass_entry(row, bypass)
    if entry is None:
        return _tier("III", "", "not in the bypass catalogue: unknown significance here")
    if entry.role_status != "verified":
        return _tier("III", "", f"{entry.role} ({entry.role_source})")
    what = "prognostic co-mutation" if entry.classification == "co_mutation" else "bypass"
    return _tier("II", "D", f"{what}, {entry.role_level}: {entry.role} ({entry.role_source})")


def alteration_tier(
    row: Mapping,
    knowledge: KnowledgeBase,
    agents: Mapping[str, Agent],
    notes: Mapping[str, ClinicalNote],
    bypass: Sequence[BypassEntry] = (),
) -> dict:
    """The AMP/ASCO/CAP 2017 tier of one alteration row in NSCLC, with its reason."""
    kind, gene = row.get("type"), row.get("gene")
    topic = None
    if kind == "fusion" and gene == "ALK":
        topic = "ALK fusion"
    elif kind == "amplification" and f"{gene} amplification" in notes:
        topic = f"{gene} amplification"
    elif kind == "amplification" and gene == "ALK":
        topic = "ALK amplification"
    if topic is not None:
        note = notes.get(topic)
        if note is None or not note.tier:
            return _tier("III", "", f"{topic}: no sourced implication in the knowledge base")
        return _tier(note.tier, note.tier_level, f"{note.tier_reason} ({note.source})")
    classification = row.get("classification")
    if classification in ("bypass", "co_mutation"):
        return bypass_tier(row, bypass)
    if classification == "resistance":
        return mutation_tier(knowledge, agents, row["alteration"])
    if classification in BENIGN_CLASSES:
        return _tier("IV", "", f"{classification.replace('_', ' ')}: benign or likely benign")
    reason = {
        "activating": "activating elsewhere, no NSCLC resistance role",
        "outside_kinase_domain": "outside the kinase domain; no known role in resistance",
    }.get(classification or "", "variant of unknown significance")
    detail = row.get("detail") or ""
    return _tier("III", "", reason + (f" ({detail})" if detail and "catalogued" in detail else ""))


# The biopsy's alteration rows, each of which gets a tier and goes to its alterations table.
TIERED_KINDS = (
    "mutations", "amplifications", "bypass", "co_mutations", "other_variants", "drivers",
)  # fmt: skip


# ------------------------------------------------------------------ headline


def mechanism_entries(
    biopsy: Biopsy,
    interpretation: Interpretation,
    notes: Mapping[str, ClinicalNote],
    bypass: Sequence[BypassEntry] = (),
) -> list[dict]:
    """Every mechanism found, with what it implies and the source of that."""
    entries = []
    if interpretation.alterations:
        active = interpretation.predicted_active
        entries.append({
            "mechanism": ", ".join("+".join(u) + (" (cis)" if len(u) > 1 else "")
                                   for u in interpretation.units),
            "kind": "ALK kinase-domain mutation",
            "implication": (
                "predicted active (approved ALK TKIs): " + ", ".join(active) if active else
                "no approved ALK TKI has verified evidence of activity against it"
            ),
            "source": "; ".join(dict.fromkeys(
                s["source"] for tki in active
                for s in interpretation.verdicts[tki]["statements"])) or "see the TKI table",
        })  # fmt: skip
    for row in biopsy.amplifications:
        note = notes.get("ALK amplification")
        entries.append({
            "mechanism": f"ALK amplification (CN {row['copy_number']})", "kind": "amplification",
            "implication": note.statement if note else "no sourced implication",
            "source": note.source if note else "",
        })  # fmt: skip
    for row in biopsy.bypass:
        note = notes.get(f"{row['gene']} {row['alteration']}")
        entry = bypass_entry(row, bypass)
        if note is not None:
            implication, source = note.statement, note.source
        elif entry is not None and entry.implication_status == "verified":
            implication = f"{entry.role}; {entry.implication}"
            source = f"{entry.role_source}; {entry.implication_source}"
        elif entry is not None and entry.role_status == "verified":
            implication, source = entry.role, entry.role_source
        else:
            implication, source = "no verified implication in the knowledge base", ""
        entries.append({
            "mechanism": f"{row['gene']} {row['alteration']}", "kind": "bypass",
            "implication": implication, "source": source,
        })  # fmt: skip
    return entries


def headline_text(biopsy: Biopsy, interpretation: Interpretation) -> str:
    """The first line a tumour board reads: every mechanism weighed, never a drug alone."""
    if biopsy.status != MECHANISM:
        return conclusion_text(biopsy)
    parts = []
    active = interpretation.predicted_active
    progressed = {f["tki"] for f in interpretation.flags if f["kind"] == "progressed on"}
    if interpretation.alterations:
        names = ", ".join("+".join(u) + (" (cis)" if len(u) > 1 else "")
                          for u in interpretation.units)  # fmt: skip
        if active:
            listed = ", ".join(f"{t} (the tumour progressed on it)" if t in progressed else t
                               for t in active)  # fmt: skip
            parts.append(f"ALK {names}: approved ALK TKIs predicted active: {listed}")
        else:
            parts.append(
                f"ALK {names}: no approved ALK TKI has verified evidence of activity against"
                " the mutations found"
            )
    if biopsy.amplifications:
        parts.append(
            "ALK amplification (CN "
            + ", ".join(str(r["copy_number"]) for r in biopsy.amplifications)
            + "): reported as a crizotinib-resistance mechanism"
        )
    if biopsy.bypass:
        genes = ", ".join(f"{r['gene']} {r['alteration']}" for r in biopsy.bypass)
        parts.append(
            f"{genes} (bypass): another ALK TKI alone is unlikely to overcome it; ALK plus"
            " bypass-pathway inhibition or a non-ALK treatment needs weighing"
        )
    text = "; ".join(parts) + "."
    if active and (biopsy.bypass or biopsy.amplifications):
        text += (
            f" The ALK mutation alone would point to {', '.join(active)}; the other"
            " mechanisms found mean that may not be enough."
        )
    return text


def interpretation_section(
    knowledge: KnowledgeBase,
    agents: Mapping[str, Agent],
    notes: Mapping[str, ClinicalNote],
    biopsy: Biopsy,
    interpretation: Interpretation,
    bypass: Sequence[BypassEntry] = (),
) -> dict:
    """The biopsy's interpretation as every report shows it: the headline, the approved ALK
    TKIs predicted active, investigational agents apart, the flags, each drug's verdict with
    its basis and statements, the mechanisms with their implications, the caveats."""
    compounds = []
    for unit in interpretation.units:
        if len(unit) > 1:
            compound = knowledge.compound_for(unit)
            compounds.append(
                {
                    "alterations": unit,
                    "catalogued_as": compound.alteration if compound else "",
                    "sources": compound.sources if compound else "",
                }
            )
    headline = headline_text(biopsy, interpretation)
    return {
        "sample_id": biopsy.sample_id,
        "headline": headline,
        "statement": headline,
        "alterations": interpretation.alterations,
        "basis": interpretation.basis,
        "compounds": compounds,
        "tkis": [
            {"tki": tki, "approval": agents[tki].approval, **verdict}
            for tki, verdict in interpretation.verdicts.items()
        ],
        "predicted_active": interpretation.predicted_active,
        "investigational_active": interpretation.investigational_active,
        "flags": interpretation.flags,
        "mechanisms": mechanism_entries(biopsy, interpretation, notes, bypass),
        "tumour_content": biopsy.tumour_content,
        "caveats": biopsy.caveats,
        "preclinical_notes": interpretation.preclinical_notes,
        "tier_source": TIER_SOURCE,
        "decision_support": DECISION_SUPPORT,
    }


ROW_KINDS = ("mutations", "amplifications", "bypass", "co_mutations", "other_variants",
             "drivers", "hotspots", "bypass_hotspots", "co_mutation_hotspots", "copy_number",
             "fusions")  # fmt: skip


@dataclass(frozen=True)
class Context:
    """What a biopsy is interpreted with: the knowledge base, the drugs' roles, the clinical
    notes and the settings that weigh a negative."""

    knowledge: KnowledgeBase
    agents: Mapping[str, Agent]
    notes: Mapping[str, ClinicalNote]
    settings: InterpretationSettings = InterpretationSettings()
    bypass: tuple[BypassEntry, ...] = ()


def load_context(settings: InterpretationSettings | None = None) -> Context:
    """The bundled knowledge (resources/) with ``settings`` (defaults: the schema's)."""
    return Context(
        load_knowledge_base(), load_agents(), load_clinical_notes(),
        settings or InterpretationSettings(), tuple(load_bypass_catalogue()),
    )  # fmt: skip


def biopsy_record(
    biopsy: Biopsy,
    context: Context,
    variant_notes: Mapping[str, list] | None = None,
    variant_names: Mapping[str, Mapping] | None = None,
) -> dict:
    """Derive everything about the biopsy once and return its record (JSON-ready)."""
    interpretation = derive_biopsy(
        biopsy, context.knowledge, context.agents, context.notes, context.settings
    )
    for kind in TIERED_KINDS:
        for row in getattr(biopsy, kind):
            row.update(
                alteration_tier(
                    row, context.knowledge, context.agents, context.notes, context.bypass
                )
            )
    return {
        "sample_id": biopsy.sample_id,
        "patient_id": biopsy.patient_id,
        "specimen": biopsy.specimen,
        "collection_date": biopsy.collection_date,
        "prior_tkis": biopsy.prior_tkis,
        "tumor_purity": biopsy.tumor_purity,
        "qc": {"verdict": biopsy.qc_verdict, "reasons": biopsy.qc_reasons},
        "result": {"status": biopsy.status, "reasons": biopsy.reasons},
        "tumour_content": biopsy.tumour_content,
        "codon_assessment": biopsy.codon_assessment,
        "bypass_assessment": biopsy.bypass_assessment,
        "co_mutation_assessment": biopsy.co_mutation_assessment,
        "caveats": biopsy.caveats,
        "mechanisms": biopsy.mechanisms,
        "mutation_units": biopsy.units,
        "fusion": {
            "result": biopsy.fusion_result,
            "text": biopsy.fusion_text,
            "detected": biopsy.detected_fusions,
            "status": biopsy.fusion_status,
        },
        "tki_activity": biopsy.tki_activity,
        "rows": {kind: getattr(biopsy, kind) for kind in ROW_KINDS},
        "interpretation": interpretation_section(
            context.knowledge,
            context.agents,
            context.notes,
            biopsy,
            interpretation,
            context.bypass,
        ),  # fmt: skip
        "report_section": biopsy_section(biopsy, variant_notes, variant_names),
    }


def biopsy_from_record(record: Mapping) -> Biopsy:
    """The biopsy a record describes, with its derived values as the record gives them."""
    biopsy = Biopsy(
        sample_id=record["sample_id"],
        patient_id=record["patient_id"],
        specimen=record["specimen"],
        collection_date=record["collection_date"],
        prior_tkis=list(record["prior_tkis"]),
        tumor_purity=record["tumor_purity"],
        qc_verdict=record["qc"]["verdict"],
        qc_reasons=record["qc"]["reasons"],
        fusion_status=dict(record["fusion"]["status"]),
        status=record["result"]["status"],
        reasons=list(record["result"]["reasons"]),
        detected_fusions=list(record["fusion"]["detected"]),
        fusion_result=record["fusion"]["result"],
        fusion_text=record["fusion"]["text"],
        mechanisms=list(record["mechanisms"]),
        units=[list(unit) for unit in record["mutation_units"]],
        tki_activity=dict(record["tki_activity"]),
        tumour_content=record["tumour_content"],
        codon_assessment=list(record["codon_assessment"]),
        bypass_assessment=list(record["bypass_assessment"]),
        co_mutation_assessment=list(record["co_mutation_assessment"]),
        caveats=list(record["caveats"]),
    )
    for kind in ROW_KINDS:
        setattr(biopsy, kind, [dict(row) for row in record["rows"][kind]])
    return biopsy


def build_records(
    samples: Iterable[Mapping],
    qc: Mapping[str, Mapping],
    alterations: Iterable[Mapping],
    hotspots: Iterable[Mapping],
    copy_number: Iterable[Mapping],
    fusions: Iterable[Mapping] = (),
    fusion_statuses: Mapping[str, Mapping] | None = None,
    context: Context | None = None,
) -> list[dict]:
    """What rule biopsy writes for every tumour of the sheet rows, in memory: for tests and the
    seed-study benchmark. ``qc`` holds each sample's final {verdict, reasons}."""
    context = load_context() if context is None else context
    alterations, hotspots, copy_number = list(alterations), list(hotspots), list(copy_number)
    fusions, fusion_statuses = list(fusions), fusion_statuses or {}
    return [
        biopsy_record(
            assemble_biopsy(
                sample, qc.get(sample["sample_id"], {}), alterations, hotspots, copy_number,
                fusions, fusion_statuses.get(sample["sample_id"]), context.bypass or None,
            ),
            context,
        )
        for sample in samples
        if sample.get("sample_type", "tumor") == "tumor"
    ]  # fmt: skip


def build_biopsies(*args, **kwargs) -> list[Biopsy]:
    """build_records, and the biopsies as the reports read them back from those records
    (patient, then date order)."""
    biopsies = [biopsy_from_record(record) for record in build_records(*args, **kwargs)]
    return sorted(biopsies, key=lambda b: (b.patient_id, b.collection_date, b.sample_id))


def main(snakemake) -> None:
    """Rule biopsy: one tumour's annotated ALK variants (VCF), its record, and its alterations
    table: every alteration of the tumour (ALK variants, amplifications, bypass, the fusion)
    with its tier."""
    log_to(snakemake.log[0])
    sample = snakemake.params.sample
    variants = annotate_tumour(
        snakemake.input, snakemake.params, snakemake.output, sample["sample_id"]
    )
    statuses = read_fusion_statuses([snakemake.input.fusion_status])
    status = statuses.get(sample["sample_id"], {})
    metrics = read_qc_metrics([snakemake.input.qc]).iloc[0]
    verdict, reasons = final_verdict(metrics, status, snakemake.params.flat_reference)
    context = load_context(InterpretationSettings(**snakemake.params.interpretation))
    biopsy = assemble_biopsy(
        sample,
        {"verdict": verdict, "reasons": reasons},
        variants + read_alterations(
            [snakemake.input.amplifications, snakemake.input.fusion_alterations]
        ),
        read_hotspots([snakemake.input.hotspots]),
        read_gene_tables([snakemake.input.copy_number]),
        read_fusions([snakemake.input.fusions]),
        status,
        context.bypass,
    )  # fmt: skip
    record = biopsy_record(biopsy, context)
    rows = [row for kind in TIERED_KINDS for row in getattr(biopsy, kind)]
    rows.sort(key=lambda r: (str(r["chrom"]), int(r["pos"] or 0), r["alteration"]))
    with atomic_output(snakemake.output.alterations) as path:
        write_alterations(path, rows)
    with atomic_output(snakemake.output.record) as path:
        write_biopsy(path, record)
