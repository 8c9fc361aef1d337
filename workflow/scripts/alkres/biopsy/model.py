"""From the cohort tables to what a tumour board and a study read: per-biopsy findings, the
interpretation of a biopsy's ALK mutations against each TKI, one row per patient, and the
cohort summary (the seed study's figures).

Everything here is computed from alterations.tsv, hotspots.tsv, copy_number.tsv, the QC
summary, the fusion stage's tables and the two sheets, so every number can be traced back to a
row of those tables.
Definitions of the summary metrics are in the README ("Cohort summary").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from alkres.defaults import section_defaults
from alkres.inputs.tki_vocabulary import APPROVED, INVESTIGATIONAL, OTHER, Agent
from alkres.knowledge.knowledge import (
    CONFLICTING,
    SEVERITY,
    ClinicalNote,
    KnowledgeBase,
    Verdict,
)

MUTATION = "mutation"
CONFIDENT_NEGATIVE = "negative"
INCONCLUSIVE = "inconclusive"
MECHANISM = "mechanism"
RESPONSE = ("CR", "PR")
DISEASE_CONTROL = ("CR", "PR", "SD")
PREDICTED_ACTIVE = "sensitive"
LORLATINIB = "lorlatinib"

FUSION_DETECTED = "detected"
FUSION_NOT_DETECTED = "not detected"
FUSION_NOT_ASSESSABLE = "not assessable"
# Rows of the variant x mutation table (the grouping of Lin et al., J Clin Oncol 2018).
FUSION_VARIANT_GROUPS = ("v1", "v2", "v3a/b", "other", FUSION_NOT_DETECTED, FUSION_NOT_ASSESSABLE)


@dataclass
class Biopsy:
    """One tumour biopsy with everything the tables say about it, and what is derived from
    them once (rule biopsy)."""

    sample_id: str
    patient_id: str
    specimen: str
    collection_date: str
    prior_tkis: list[str]
    tumor_purity: str
    qc_verdict: str
    qc_reasons: str
    mutations: list[dict] = field(default_factory=list)  # resistance-classified ALK variants
    amplifications: list[dict] = field(default_factory=list)  # ALK amplification rows
    bypass: list[dict] = field(default_factory=list)  # e.g. MET amplification
    other_variants: list[dict] = field(default_factory=list)  # VUS, synonymous, polymorphisms
    co_mutations: list[dict] = field(default_factory=list)  # e.g. TP53: prognostic, no mechanism
    hotspots: list[dict] = field(default_factory=list)  # the ALK sites of hotspots.tsv
    bypass_hotspots: list[dict] = field(default_factory=list)  # its bypass-gene sites
    # its co-mutation sites (TP53 hotspot codons): prognostic, never a resistance mechanism
    co_mutation_hotspots: list[dict] = field(default_factory=list)
    copy_number: list[dict] = field(default_factory=list)
    fusions: list[dict] = field(default_factory=list)  # rows of fusions/{sample}.fusions.tsv
    fusion_status: dict = field(default_factory=dict)  # fusions/{sample}.status.json
    drivers: list[dict] = field(default_factory=list)  # the fusion's alterations-table rows
    status: str = ""
    reasons: list[str] = field(default_factory=list)
    # Derived once, by derive_biopsy (rule biopsy), and stored in the biopsy's record: every
    # report reads them from there.
    detected_fusions: list[dict] = field(default_factory=list)  # called, best supported first
    fusion_result: str = ""  # detected / not detected / not assessable
    fusion_text: str = ""  # the fusion label(s), else the result
    mechanisms: list[str] = field(default_factory=list)  # mechanism_labels
    units: list[list[str]] = field(default_factory=list)  # mutation_units
    tki_activity: dict[str, str] = field(default_factory=dict)  # interpret(...).activity
    tumour_content: dict | None = None  # tumour_content(): value, interval, source, text
    codon_assessment: list[dict] = field(default_factory=list)  # assess_codons()
    bypass_assessment: list[dict] = field(default_factory=list)  # assess_codons(), bypass sites
    co_mutation_assessment: list[dict] = field(default_factory=list)  # the co-mutation sites
    caveats: list[dict] = field(default_factory=list)  # plasma and copy-number caveats

    @property
    def assessed_codons(self) -> list[dict]:
        """Each catalogued codon as assessed against the tumour content (codon_assessment), or
        the hotspot calls as they are where no assessment was made."""
        return self.codon_assessment or [
            {"gene": row.get("gene", "ALK"), "codon": row["codon"], "status": row["status"],
             "call": row["status"], "reason": ""}
            for row in self.hotspots
        ]  # fmt: skip

    @property
    def n_prior_tkis(self) -> int:
        return len(self.prior_tkis)

    @property
    def progressed_on(self) -> str:
        return self.prior_tkis[-1] if self.prior_tkis else ""

    @property
    def mutation_names(self) -> list[str]:
        names: list[str] = []
        for row in self.mutations:
            if row["alteration"] not in names:
                names.append(row["alteration"])
        return names

    @property
    def has_mechanism(self) -> bool:
        # The fusion is the disease's driver, never a resistance mechanism.
        return bool(self.mutations or self.amplifications or self.bypass)


def split_tkis(text: str) -> list[str]:
    return [tki.strip() for tki in str(text or "").split(";") if tki.strip()]


def is_alk_mutation(row: Mapping) -> bool:
    return (
        row.get("gene") == "ALK"
        and row.get("classification") == "resistance"
        and row.get("type") not in ("amplification", "fusion")
    )


def is_alk_fusion(row: Mapping) -> bool:
    return row.get("gene") == "ALK" and row.get("type") == "fusion"


def is_alk_amplification(row: Mapping) -> bool:
    return row.get("gene") == "ALK" and row.get("type") == "amplification"


@dataclass(frozen=True)
class InterpretationSettings:
    """What weighs a negative: how far below the expected clonal VAF a codon's limit of
    detection must lie (hotspots.clonal_vaf_margin), and the copy number an amplification
    call needs (copy_number.amplification.min_copy_number)."""

    clonal_vaf_margin: float = section_defaults("hotspots")["clonal_vaf_margin"]
    amplification_copy_number: float = section_defaults("copy_number", "amplification")[
        "min_copy_number"
    ]


def wilson_interval(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a binomial proportion."""
    if total <= 0:
        return 0.0, 1.0
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def tumour_content(biopsy: Biopsy) -> dict | None:
    """The biopsy's tumour content: the sheet's purity, else twice the fraction of its ALK
    fusion (a heterozygous fusion in every tumour cell sits at half the tumour content), with
    a 95% interval from the fragment counts; None when neither is there."""
    if biopsy.tumor_purity:
        purity = float(biopsy.tumor_purity)
        return {
            "value": purity, "low": purity, "high": purity, "source": "sample sheet",
            "text": f"{purity:.0%} (tumor_purity in the sample sheet)",
        }  # fmt: skip
    for fusion in biopsy.detected_fusions:
        supporting = int(fusion.get("supporting_fragments") or 0)
        total = supporting + int(fusion.get("spanning_fragments") or 0)
        if not total or supporting / total > 0.5:
            # Above one half the fusion is gained (amplified): it no longer counts cells.
            continue
        fraction = supporting / total
        low, high = wilson_interval(supporting, total)
        return {
            "value": min(1.0, 2 * fraction),
            "low": min(1.0, 2 * low),
            "high": min(1.0, 2 * high),
            "source": "fusion fraction",
            "text": (
                f"about {2 * fraction:.0%} (95% interval {2 * low:.0%}-{min(1.0, 2 * high):.0%}),"
                f" estimated from the fraction of the {fusion.get('fusion', 'ALK fusion')}"
                f" ({supporting} of {total} fragments, {fraction:.1%}): a heterozygous fusion in"
                " every tumour cell sits at half the tumour content"
            ),
        }
    return None


def assess_codons(
    hotspots: Sequence[Mapping], content: Mapping | None, margin: float
) -> list[dict]:
    """Each catalogued codon against the tumour content: wild type only where its limit of
    detection lies below the VAF a clonal heterozygous mutation would have (content / 2, the
    low end of an estimated content) by ``margin``; otherwise not assessable, with the reason.
    Mutant and not-assessable codons keep the hotspot call. The limit of detection is quoted
    as hotspots.tsv writes it (lod_vaf, to the hundredth of a percent)."""
    rows = []
    for row in hotspots:
        call, status, reason = row["status"], row["status"], ""
        if call == "wild_type":
            lod = float(row["lod_vaf"]) if row.get("lod_vaf") not in (None, "") else None
            if content is None:
                status = "not_assessable"
                reason = (
                    "tumour content unknown (no purity in the sample sheet, no fusion to estimate"
                    " it from): the limit of detection"
                    + (f" {lod:.2%}" if lod is not None else "")
                    + " cannot be weighed against the VAF a clonal mutation would have"
                )
            else:
                expected = content["low"] / 2
                which = "" if content["source"] == "sample sheet" else ", low end of its interval"
                if lod is None:
                    status, reason = "not_assessable", "no limit of detection for this codon"
                elif lod * margin <= expected:
                    reason = (
                        f"limit of detection {lod:.2%} is below the expected clonal VAF"
                        f" {expected:.1%} (tumour content {content['low']:.0%}{which}) by at"
                        f" least {margin:g}x"
                    )
                else:
                    status = "not_assessable"
                    reason = (
                        f"limit of detection {lod:.2%} is not below the expected clonal VAF"
                        f" {expected:.1%} (tumour content {content['low']:.0%}{which}) by"
                        f" {margin:g}x: a clonal mutation could be missed"
                    )
        rows.append({"gene": row.get("gene", "ALK"), "codon": row["codon"], "status": status,
                     "call": call, "reason": reason})  # fmt: skip
    return rows


def assess_biopsy(biopsy: Biopsy) -> Biopsy:
    """Set status: a mechanism, a confident negative, or inconclusive with the reasons.

    A negative is confident only when QC did not fail, the tumour content is known (sheet or
    fusion fraction), every catalogued codon is wild type at a limit of detection that content
    supports, ALK copy number could be estimated and the fusion did not go unseen where the
    depth could show it: anything less cannot rule a mechanism out, so the biopsy is
    inconclusive and the reasons say what is missing.
    """
    reasons = []
    if biopsy.qc_verdict == "fail":
        reasons.append(f"panel QC failed ({biopsy.qc_reasons or 'see QC summary'})")
    if biopsy.tumour_content is None:
        reasons.append(
            "tumour content unknown (no purity in the sample sheet and no ALK fusion to estimate"
            " it from): a wild-type codon cannot be weighed against the VAF a clonal mutation"
            " would have"
        )
    assessment = biopsy.assessed_codons
    not_assessable = [row for row in assessment if row["status"] == "not_assessable"]
    if not_assessable:
        codons = ", ".join(row["codon"] for row in not_assessable)
        by_content = [row for row in not_assessable if row["call"] == "wild_type"]
        reasons.append(
            f"{len(not_assessable)} of {len(assessment)} catalogued codons not assessable"
            f" ({codons})"
            + (
                f"; {len(by_content)} of them wild type at a limit of detection the tumour"
                " content does not support"
                if by_content and biopsy.tumour_content is not None
                else ""
            )
        )
    if not biopsy.hotspots:
        reasons.append("no hotspot assessment for this biopsy")
    alk_copy_number = [row for row in biopsy.copy_number if row["gene"] == "ALK"]
    if not alk_copy_number or all(row["status"] == "not_assessable" for row in alk_copy_number):
        reasons.append("ALK copy number not assessable")
    elif not biopsy.tumor_purity and not biopsy.amplifications:
        reasons.append(
            "ALK copy number read at purity 1 (no purity in the sample sheet): an amplification"
            " in part of the tumour cells could be missed"
        )
    # Every ALK-rearranged tumour carries its fusion: none seen where the depth could show one
    # means little tumour DNA, so wild-type codons and a normal copy number prove little.
    if biopsy.fusion_result == FUSION_NOT_DETECTED:
        reasons.append(
            "no ALK fusion seen although the depth over ALK intron 19 could show one:"
            " tumour content may be too low for a confident negative"
        )
    biopsy.reasons = reasons
    if biopsy.has_mechanism:
        biopsy.status = MECHANISM
    else:
        biopsy.status = INCONCLUSIVE if reasons else CONFIDENT_NEGATIVE
    return biopsy


def mutation_units(mutations: Sequence[Mapping]) -> list[list[str]]:
    """ALK mutations grouped as they sit in the tumour: a cis group (shared phase_set) is one
    unit, every other mutation its own unit."""
    units: dict[str, list[str]] = {}
    for row in mutations:
        key = row.get("phase_set") or f"single:{row['alteration']}"
        unit = units.setdefault(str(key), [])
        if row["alteration"] not in unit:
            unit.append(row["alteration"])
    return list(units.values())


def phase_established(mutations: Sequence[Mapping], units: Sequence[Sequence[str]]) -> bool:
    """True when reads put every pair of the biopsy's ALK mutations cis or trans; False when
    any pair is of unknown or mixed phase, or a mutation was seen by a caller only (no
    linkage was measured for it)."""
    if sum(len(unit) for unit in units) < 2:
        return True
    return all(
        (row.get("phase") or "")
        and "phase unknown" not in row["phase"]
        and "mixed" not in row["phase"]
        for row in mutations
    )


@dataclass(frozen=True)
class Interpretation:
    """Per drug: the verdict for the biopsy's ALK mutations, its basis and the statements
    behind it; the approved ALK TKIs predicted active, the investigational agents reported
    active, and the flags a tumour board must see beside them."""

    alterations: list[str]
    units: list[list[str]]
    verdicts: dict[str, dict]  # drug -> {activity, basis, level, statements, role, readings}
    predicted_active: list[str]  # approved ALK TKIs only
    investigational_active: list[str]
    flags: list[dict]  # {kind, text, source}
    basis: str
    preclinical_notes: list[dict] = field(default_factory=list)

    @property
    def activity(self) -> dict[str, str]:
        return {tki: verdict["activity"] for tki, verdict in self.verdicts.items()}


def _combine(verdicts: Sequence[Verdict]) -> Verdict:
    """Separate clones (or units) under one drug: the worst decides, every basis is kept."""
    if len(verdicts) == 1:
        return verdicts[0]
    activity = max((v.activity for v in verdicts), key=SEVERITY.index)
    deciding = [v for v in verdicts if v.activity == activity]
    return Verdict(
        activity,
        "; ".join(v.basis for v in verdicts),
        deciding[0].level,
        tuple(call for v in deciding for call in v.statements),
        covered=all(v.covered for v in verdicts),
    )


def matrix_drugs(knowledge: KnowledgeBase, agents: Mapping[str, Agent]) -> list[str]:
    """The drugs of the verdict matrix: approved ALK TKIs, then investigational agents, in the
    vocabulary's order. Other agents (tool compounds, drugs for other diseases) stay out."""
    return [
        name
        for role in (APPROVED, INVESTIGATIONAL)
        for name, agent in agents.items()
        if agent.role == role
    ]


def interpret(
    knowledge: KnowledgeBase,
    agents: Mapping[str, Agent],
    mutations: Sequence[Mapping],
    prior_tkis: Sequence[str] = (),
    notes: Mapping[str, ClinicalNote] | None = None,
) -> Interpretation:
    """Each drug's verdict against all the biopsy's ALK resistance mutations together.

    Mutations reads put on one molecule are one unit (``KnowledgeBase.unit_verdict``); units
    on different molecules are separate clones, and a drug must act on each. Where reads do
    not establish the phase, both readings are made, the cis one (all on one molecule) and the
    trans one (separate clones), and the worse is kept: C1156Y+L1198F responds to crizotinib
    on one molecule, but a separate C1156Y clone resists it. Two or more mutations after
    lorlatinib do not make lorlatinib predicted active unless a statement covers them.
    """
    notes = notes or {}
    names = list(dict.fromkeys(row["alteration"] for row in mutations))
    units = mutation_units(mutations)
    if not names:
        return Interpretation([], [], {}, [], [], [], "no ALK resistance mutation detected")
    established = phase_established(mutations, units)
    readings = {"as phased by reads": units} if established else {
        "all on one molecule (cis)": [names],
        "as separate clones (trans)": units,
    }  # fmt: skip
    basis = (
        "mutations on one molecule read as one unit, separate molecules as separate clones"
        " (phase from reads)"
        if established
        else "phase not established by reads: read both as one molecule and as separate clones,"
        " and the worse reading kept"
    )
    prior = list(prior_tkis)
    flags: list[dict] = []
    verdicts: dict[str, dict] = {}
    for tki in matrix_drugs(knowledge, agents):
        by_reading = {
            label: _combine([knowledge.unit_verdict(unit, tki) for unit in reading])
            for label, reading in readings.items()
        }
        verdict = (
            _combine(list(by_reading.values()))
            if len(by_reading) > 1
            else next(iter(by_reading.values()))
        )
        if len(by_reading) > 1:
            verdict = replace(
                verdict,
                basis="; ".join(f"{label}: {v.activity} ({v.basis})"
                                for label, v in by_reading.items()),
            )  # fmt: skip
        compound = knowledge.compound_for(names)
        covered = compound is not None and knowledge.verdict(compound.alteration, tki).activity in (
            "sensitive", "intermediate", "resistant",
        )  # fmt: skip
        if (
            tki == LORLATINIB
            and LORLATINIB in prior
            and len(names) >= 2
            and verdict.activity == "sensitive"
            and not covered
        ):
            note = notes.get("compound after lorlatinib")
            verdict = Verdict(
                "unknown",
                f"{' and '.join(names)} after lorlatinib: no statement covers this combination"
                f" (each: {verdict.basis})",
            )
            flags.append({
                "kind": "mutations after lorlatinib",
                "text": f"{len(names)} ALK kinase-domain mutations after lorlatinib: lorlatinib is"
                " not predicted active, since no statement covers this combination"
                + (f". {note.statement}" if note else ""),
                "source": note.source if note else "",
            })  # fmt: skip
        activities = {v.activity for v in by_reading.values()}
        if len(activities) > 1 and agents[tki].role == APPROVED:
            flags.append({
                "kind": "phase unknown",
                "text": f"{tki}: the verdict depends on the phase, which reads do not establish"
                f" ({'; '.join(f'{label}: {v.activity}' for label, v in by_reading.items())});"
                " the worse is reported",
                "source": _statement_sources(by_reading.values()),
            })  # fmt: skip
        if verdict.activity == CONFLICTING and agents[tki].role == APPROVED:
            flags.append({"kind": "conflicting evidence", "text": f"{tki}: {verdict.basis}",
                          "source": _statement_sources([verdict])})  # fmt: skip
        verdicts[tki] = {
            **verdict.as_dict(),
            "role": agents[tki].role,
            "readings": {label: v.activity for label, v in by_reading.items()},
        }
    approved = [t for t, v in verdicts.items() if v["role"] == APPROVED]
    active = [t for t in approved if verdicts[t]["activity"] == "sensitive"]
    for tki in active:
        if tki in prior:
            latest = prior[-1] == tki
            flags.append({
                "kind": "progressed on",
                "tki": tki,
                "text": f"{tki} is predicted active from the sources, yet the tumour progressed on"
                f" it ({'the latest line' if latest else 'an earlier line'})"
                + (": the resistance may have another cause" if latest
                   else ": re-treatment rests on the statements cited"),
                "source": "; ".join(dict.fromkeys(
                    call["source"] for call in verdicts[tki]["statements"])),
            })  # fmt: skip
    investigational = [
        t for t, v in verdicts.items()
        if v["role"] == INVESTIGATIONAL and v["activity"] == "sensitive"
    ]  # fmt: skip
    others = [name for name, agent in agents.items() if agent.role == OTHER]
    row_names = names + [m.alteration for m in knowledge.mutations.values()
                         if m.kind == "compound" and set(m.components) <= set(names)]  # fmt: skip
    return Interpretation(
        names, units, verdicts, active, investigational, flags, basis,
        knowledge.other_agent_notes(row_names, others),
    )  # fmt: skip


def _statement_sources(verdicts: Iterable[Verdict]) -> str:
    return "; ".join(dict.fromkeys(c.source for v in verdicts for c in v.statements))


def mechanism_labels(biopsy: Biopsy) -> list[str]:
    """Short names of what was found: cis groups joined with '+', amplification with its CN."""
    labels = []
    for unit in mutation_units(biopsy.mutations):
        labels.append("+".join(unit) + (" (cis)" if len(unit) > 1 else ""))
    labels += [f"ALK amplification (CN {row['copy_number']})" for row in biopsy.amplifications]
    labels += [f"{row['gene']} {row['alteration']}" for row in biopsy.bypass]
    return labels


def detected_fusion_rows(fusions: Sequence[Mapping]) -> list[dict]:
    """Fusions alkres called, best supported first."""
    rows = [dict(row) for row in fusions if row.get("alkres") == FUSION_DETECTED]
    return sorted(rows, key=lambda row: -int(row.get("supporting_fragments") or 0))


def fusion_result(detected: Sequence[Mapping], status: Mapping) -> str:
    """detected / not detected (depth enough to see one) / not assessable."""
    text = status.get("status", "")
    if detected or text == FUSION_DETECTED:
        return FUSION_DETECTED
    if text.startswith("fusion not detected"):
        return FUSION_NOT_DETECTED
    return FUSION_NOT_ASSESSABLE


def bypass_genes_not_read(biopsy: Biopsy) -> dict[str, str]:
    """Bypass genes with hotspots, or a copy-number region, the panel or the reference cannot
    show, and why (the first such hotspot's or region's detail)."""
    unread: dict[str, str] = {}
    for row in biopsy.bypass_hotspots:
        detail = row.get("detail", "")
        if row["status"] == "not_assessable" and (
            detail.startswith("not on the panel") or " reference" in detail
        ):
            unread.setdefault(row["gene"], detail.split(":")[0])
    for row in biopsy.copy_number:
        if row["gene"] != "ALK" and row["status"] == "not_assessable":
            why = row.get("detail", "").split(";")[0] or "not assessable"
            unread.setdefault(row["gene"], f"copy number: {why}")
    return unread


def biopsy_caveats(
    biopsy: Biopsy, notes: Mapping[str, ClinicalNote], settings: InterpretationSettings
) -> list[dict]:
    """What the result cannot show, with the source: plasma's limits, and an amplification
    copy number read at purity 1 could have missed."""
    caveats = []
    if biopsy.specimen == "plasma":
        for topic in ("plasma negative", "plasma clonal haematopoiesis"):
            if topic in notes:
                caveats.append({"kind": topic, "text": notes[topic].statement,
                                "source": notes[topic].source})  # fmt: skip
    unread = bypass_genes_not_read(biopsy)
    if unread:
        caveats.append({
            "kind": "bypass genes not assessed",
            "text": "Bypass hotspots this panel or reference cannot show, so no negative is"
            " given for them: " + "; ".join(f"{gene} ({why})" for gene, why in unread.items())
            + ".",
            "source": "alkres hotspot calls (hotspots.tsv) and gene-level copy number"
            " (copy_number.tsv)",
        })  # fmt: skip
    alk = [row for row in biopsy.copy_number if row["gene"] == "ALK"]
    if alk and not biopsy.tumor_purity and not biopsy.amplifications:
        threshold = settings.amplification_copy_number
        content = biopsy.tumour_content
        missed = 2 + (threshold - 2) / content["low"] if content and content["low"] > 0 else None
        if missed is not None and missed > 10 * threshold:
            text = (
                "ALK copy number was read at purity 1 (no purity in the sample sheet), and the"
                f" tumour content estimated from the fusion (low end {content['low']:.0%}) is too"
                " low for copy number to show an amplification: it could have been missed."
            )
        elif missed is not None:
            text = (
                "ALK copy number was read at purity 1 (no purity in the sample sheet). At the"
                f" tumour content estimated from the fusion (low end {content['low']:.0%}), an"
                f" amplification to fewer than {missed:.0f} copies per tumour cell would read"
                f" below the call threshold of {threshold:g}: it could have been missed."
            )
        else:
            text = (
                "ALK copy number was read at purity 1 (no purity in the sample sheet) and the"
                " tumour content could not be estimated: an amplification in a minority of"
                " cells could have been missed (at 20% tumour content, up to"
                f" {2 + (threshold - 2) / 0.2:.0f} copies per tumour cell would read below the"
                f" call threshold of {threshold:g})."
            )
        caveats.append({
            "kind": "copy number without purity", "text": text,
            "source": "alkres copy-number model: observed CN = 2 + purity x (tumour CN - 2)",
        })  # fmt: skip
    return caveats


def derive_biopsy(
    biopsy: Biopsy,
    knowledge: KnowledgeBase,
    agents: Mapping[str, Agent],
    notes: Mapping[str, ClinicalNote] | None = None,
    settings: InterpretationSettings | None = None,
) -> Interpretation:
    """Everything derived from a biopsy's rows, set on it once: its fusion, its tumour content
    and codon assessment, its status and reasons, its caveats, its mechanisms and mutation
    units, and each drug's verdict. Returns the interpretation of its ALK mutations."""
    notes = notes or {}
    settings = settings or InterpretationSettings()
    biopsy.detected_fusions = detected_fusion_rows(biopsy.fusions)
    biopsy.fusion_result = fusion_result(biopsy.detected_fusions, biopsy.fusion_status)
    labels = [row["fusion"] for row in biopsy.detected_fusions]
    labels = labels or list(biopsy.fusion_status.get("fusions", []))
    biopsy.fusion_text = "; ".join(dict.fromkeys(labels)) or biopsy.fusion_result
    biopsy.tumour_content = tumour_content(biopsy)
    biopsy.codon_assessment = assess_codons(
        biopsy.hotspots, biopsy.tumour_content, settings.clonal_vaf_margin
    )
    biopsy.bypass_assessment = assess_codons(
        biopsy.bypass_hotspots, biopsy.tumour_content, settings.clonal_vaf_margin
    )
    biopsy.co_mutation_assessment = assess_codons(
        biopsy.co_mutation_hotspots, biopsy.tumour_content, settings.clonal_vaf_margin
    )
    assess_biopsy(biopsy)
    biopsy.caveats = biopsy_caveats(biopsy, notes, settings)
    biopsy.mechanisms = mechanism_labels(biopsy)
    biopsy.units = mutation_units(biopsy.mutations)
    interpretation = interpret(knowledge, agents, biopsy.mutations, biopsy.prior_tkis, notes)
    biopsy.tki_activity = dict(interpretation.activity)
    return interpretation
