"""From the cohort tables to what a tumour board and a study read: per-biopsy findings, the
interpretation of a biopsy's ALK mutations against each TKI, one row per patient, and the
cohort summary (the seed study's figures).

Everything here is computed from alterations.tsv, hotspots.tsv, copy_number.tsv, the QC
summary, the fusion stage's tables and the two sheets, so every number can be traced back to a
row of those tables.
Definitions of the summary metrics are in the README ("Cohort summary").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from alkres.knowledge.knowledge import ACTIVITIES, UNKNOWN, KnowledgeBase, worst

MUTATION = "mutation"
CONFIDENT_NEGATIVE = "negative"
INCONCLUSIVE = "inconclusive"
MECHANISM = "mechanism"
RESPONSE = ("CR", "PR")
DISEASE_CONTROL = ("CR", "PR", "SD")
PREDICTED_ACTIVE = "sensitive"

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
    hotspots: list[dict] = field(default_factory=list)
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


def assess_biopsy(biopsy: Biopsy) -> Biopsy:
    """Set status: a mechanism, a confident negative, or inconclusive with the reasons.

    A negative is confident only when QC did not fail, every catalogued codon is wild type at
    the required power, ALK copy number could be estimated and the fusion did not go unseen
    where the depth could show it: anything less cannot rule a mechanism out, so the biopsy is
    inconclusive and the reasons say what is missing.
    """
    reasons = []
    if biopsy.qc_verdict == "fail":
        reasons.append(f"panel QC failed ({biopsy.qc_reasons or 'see QC summary'})")
    not_assessable = [row for row in biopsy.hotspots if row["status"] == "not_assessable"]
    if not_assessable:
        codons = ", ".join(row["codon"] for row in not_assessable)
        reasons.append(
            f"{len(not_assessable)} of {len(biopsy.hotspots)} catalogued codons not assessable"
            f" ({codons})"
        )
    if not biopsy.hotspots:
        reasons.append("no hotspot assessment for this biopsy")
    alk_copy_number = [row for row in biopsy.copy_number if row["gene"] == "ALK"]
    if not alk_copy_number or all(row["status"] == "not_assessable" for row in alk_copy_number):
        reasons.append("ALK copy number not assessable")
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


def _all_pairs_trans(mutations: Sequence[Mapping], units: Sequence[Sequence[str]]) -> bool:
    """True when reads put every pair of different units on different molecules."""
    if len(units) < 2:
        return True
    return all(
        "phase unknown" not in (row.get("phase") or "") and "mixed" not in (row.get("phase") or "")
        for row in mutations
    )


@dataclass(frozen=True)
class Interpretation:
    """Per TKI: the verdict for the biopsy's ALK mutations, and the statements behind it."""

    alterations: list[str]
    units: list[list[str]]
    activity: dict[str, str]
    statements: dict[str, list[dict]]
    predicted_active: list[str]
    basis: str


def interpret(knowledge: KnowledgeBase, mutations: Sequence[Mapping]) -> Interpretation:
    """Activity of every TKI against all the biopsy's ALK mutations together.

    Mutations on one molecule (cis) are read as a unit, so a catalogued compound replaces its
    parts (G1202R+L1196M resists lorlatinib, which acts on either alone). Units that reads
    show to be on different molecules (trans) are separate clones: a TKI is then predicted
    active only if it is active on each. If the phase is unknown, the mutations are read
    together, which is the cautious reading (a compound, if catalogued, applies).
    """
    names = []
    for row in mutations:
        if row["alteration"] not in names:
            names.append(row["alteration"])
    units = mutation_units(mutations)
    if not names:
        return Interpretation([], [], {}, {}, [], "no ALK mutation detected")
    if _all_pairs_trans(mutations, units):
        groups, basis = units, "mutations on one molecule as one unit (phased by reads)"
    else:
        groups, basis = [names], "all mutations together (phase not established by reads)"
    summaries = [knowledge.tki_summary(group) for group in groups]
    activity: dict[str, str] = {}
    statements: dict[str, list[dict]] = {}
    for tki in knowledge.tkis:
        verdicts = [summary[tki]["activity"] for summary in summaries]
        if "resistant" in verdicts:
            verdict = "resistant"
        elif UNKNOWN in verdicts:
            verdict = UNKNOWN
        else:
            verdict = worst(v for v in verdicts if v in ACTIVITIES)
        activity[tki] = verdict
        statements[tki] = [
            {
                "alteration": call.alteration,
                "activity": call.activity,
                "evidence": call.evidence,
                "source": call.source,
                "status": call.status,
            }
            for summary in summaries
            for call in summary[tki]["calls"]
        ]
    active = [tki for tki in knowledge.tkis if activity[tki] == PREDICTED_ACTIVE]
    return Interpretation(names, units, activity, statements, active, basis)


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


def derive_biopsy(biopsy: Biopsy, knowledge: KnowledgeBase) -> Interpretation:
    """Everything derived from a biopsy's rows, set on it once: its fusion, its status and
    reasons, its mechanisms and mutation units, and each TKI's activity. Returns the
    interpretation of its ALK mutations."""
    biopsy.detected_fusions = detected_fusion_rows(biopsy.fusions)
    biopsy.fusion_result = fusion_result(biopsy.detected_fusions, biopsy.fusion_status)
    labels = [row["fusion"] for row in biopsy.detected_fusions]
    labels = labels or list(biopsy.fusion_status.get("fusions", []))
    biopsy.fusion_text = "; ".join(dict.fromkeys(labels)) or biopsy.fusion_result
    assess_biopsy(biopsy)
    biopsy.mechanisms = mechanism_labels(biopsy)
    biopsy.units = mutation_units(biopsy.mutations)
    interpretation = interpret(knowledge, biopsy.mutations)
    biopsy.tki_activity = dict(interpretation.activity)
    return interpretation
