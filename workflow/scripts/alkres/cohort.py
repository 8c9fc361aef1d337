"""From the cohort tables to what a tumour board and a study read: per-biopsy findings, the
interpretation of a biopsy's ALK mutations against each TKI, one row per patient, and the
cohort summary (the seed study's figures).

Everything here is computed from alterations.tsv, hotspots.tsv, copy_number.tsv, the QC
summary, the fusion stage's tables and the two sheets, so every number can be traced back to a
row of those tables.
Definitions of the summary metrics are in the README ("Cohort summary").
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from alkres.knowledge import ACTIVITIES, UNKNOWN, KnowledgeBase, worst

MUTATION = "mutation"
CONFIDENT_NEGATIVE = "negative"
INCONCLUSIVE = "inconclusive"
MECHANISM = "mechanism"
RESPONSE = ("CR", "PR")
DISEASE_CONTROL = ("CR", "PR", "SD")
PREDICTED_ACTIVE = "sensitive"

PATIENT_COLUMNS = [
    "patient_id", "n_biopsies", "biopsies", "tki_lines", "mechanisms", "status",
    "latest_biopsy", "latest_alk_mutations", "progressed_on", "next_tki", "best_response",
    "next_tki_activity", "next_tki_predicted_active", "fusion_variant",
]  # fmt: skip
FUSION_DETECTED = "detected"
FUSION_NOT_DETECTED = "not detected"
FUSION_NOT_ASSESSABLE = "not assessable"
# Rows of the variant x mutation table (the grouping of Lin et al., J Clin Oncol 2018).
FUSION_VARIANT_GROUPS = ("v1", "v2", "v3a/b", "other", FUSION_NOT_DETECTED, FUSION_NOT_ASSESSABLE)
FUSION_VARIANT_COLUMNS = [
    "fusion_variant", "patients", "post_tki_biopsies", "biopsies_with_alk_mutation",
    "biopsies_with_g1202r", "alk_mutations_seen",
]  # fmt: skip


@dataclass
class Biopsy:
    """One tumour biopsy with everything the tables say about it."""

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

    @property
    def detected_fusions(self) -> list[dict]:
        """Fusions alkres called, best supported first."""
        rows = [row for row in self.fusions if row.get("alkres") == FUSION_DETECTED]
        return sorted(rows, key=lambda row: -int(row.get("supporting_fragments") or 0))

    @property
    def fusion_result(self) -> str:
        """detected / not detected (depth enough to see one) / not assessable."""
        status = self.fusion_status.get("status", "")
        if self.detected_fusions or status == FUSION_DETECTED:
            return FUSION_DETECTED
        if status.startswith("fusion not detected"):
            return FUSION_NOT_DETECTED
        return FUSION_NOT_ASSESSABLE

    @property
    def fusion_text(self) -> str:
        """The fusion label(s), else the result."""
        labels = [row["fusion"] for row in self.detected_fusions]
        labels = labels or list(self.fusion_status.get("fusions", []))
        return "; ".join(dict.fromkeys(labels)) or self.fusion_result


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


def build_biopsies(
    samples: Iterable[Mapping],
    qc: Mapping[str, Mapping],
    alterations: Iterable[Mapping],
    hotspots: Iterable[Mapping],
    copy_number: Iterable[Mapping],
    fusions: Iterable[Mapping] = (),
    fusion_statuses: Mapping[str, Mapping] | None = None,
) -> list[Biopsy]:
    """Tumour biopsies in patient, then date order, each with its rows of the cohort tables,
    its fusion rows and fusion status (status.json by sample)."""
    alterations, hotspots, copy_number = list(alterations), list(hotspots), list(copy_number)
    fusions, fusion_statuses = list(fusions), fusion_statuses or {}
    biopsies = []
    for sample in samples:
        if sample.get("sample_type", "tumor") != "tumor":
            continue
        sample_id = sample["sample_id"]
        qc_row = qc.get(sample_id, {})
        biopsy = Biopsy(
            sample_id=sample_id,
            patient_id=sample["patient_id"],
            specimen=sample.get("specimen", ""),
            collection_date=sample.get("collection_date", ""),
            prior_tkis=list(sample.get("prior_tkis_list") or split_tkis(sample.get("prior_tkis"))),
            tumor_purity=str(sample.get("tumor_purity", "") or ""),
            qc_verdict=qc_row.get("verdict", "not run"),
            qc_reasons=qc_row.get("reasons", ""),
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
            else:
                biopsy.other_variants.append(dict(row))
        biopsy.hotspots = [dict(r) for r in hotspots if r["sample_id"] == sample_id]
        biopsy.copy_number = [dict(r) for r in copy_number if r["sample_id"] == sample_id]
        biopsy.fusions = [dict(r) for r in fusions if r["sample_id"] == sample_id]
        biopsy.fusion_status = dict(fusion_statuses.get(sample_id, {}))
        biopsies.append(assess_biopsy(biopsy))
    return sorted(biopsies, key=lambda b: (b.patient_id, b.collection_date, b.sample_id))


def read_fusion_statuses(paths: Iterable[str]) -> dict[str, dict]:
    """The fusion stage's status.json files by sample."""
    statuses = {}
    for path in paths:
        with open(path) as handle:
            status = json.load(handle)
        statuses[status["sample_id"]] = status
    return statuses


def by_patient(biopsies: Iterable[Biopsy]) -> dict[str, list[Biopsy]]:
    patients: dict[str, list[Biopsy]] = {}
    for biopsy in biopsies:
        patients.setdefault(biopsy.patient_id, []).append(biopsy)
    return dict(sorted(patients.items()))


def mechanism_labels(biopsy: Biopsy) -> list[str]:
    """Short names of what was found: cis groups joined with '+', amplification with its CN."""
    labels = []
    for unit in mutation_units(biopsy.mutations):
        labels.append("+".join(unit) + (" (cis)" if len(unit) > 1 else ""))
    labels += [f"ALK amplification (CN {row['copy_number']})" for row in biopsy.amplifications]
    labels += [f"{row['gene']} {row['alteration']}" for row in biopsy.bypass]
    return labels


def latest_mutation_biopsy(biopsies: Sequence[Biopsy]) -> Biopsy | None:
    carrying = [biopsy for biopsy in biopsies if biopsy.mutations]
    return carrying[-1] if carrying else None


def patient_fusion(biopsies: Sequence[Biopsy]) -> tuple[str, str]:
    """The patient's fusion (label, variant group): the fusion any biopsy shows, else not
    detected when a biopsy could have shown one, else not assessable. The group is that of
    the earliest biopsy's best-supported fusion."""
    detected = [b.detected_fusions[0] for b in biopsies if b.detected_fusions]
    if detected:
        labels = dict.fromkeys(row["fusion"] for b in biopsies for row in b.detected_fusions)
        variant = detected[0].get("variant", "")
        return "; ".join(labels), variant if variant in FUSION_VARIANT_GROUPS[:3] else "other"
    if any(b.fusion_result == FUSION_NOT_DETECTED for b in biopsies):
        return FUSION_NOT_DETECTED, FUSION_NOT_DETECTED
    return FUSION_NOT_ASSESSABLE, FUSION_NOT_ASSESSABLE


def patient_status(biopsies: Sequence[Biopsy]) -> str:
    if any(b.status == MECHANISM for b in biopsies):
        return MECHANISM
    if any(b.status == INCONCLUSIVE for b in biopsies):
        return INCONCLUSIVE
    return CONFIDENT_NEGATIVE


@dataclass(frozen=True)
class FollowUp:
    """What happened after the biopsies, and what alkres predicted for that drug."""

    next_tki: str
    best_response: str
    progressed_on: str
    activity: str  # the next TKI's verdict on the latest ALK mutations ('' if none)
    comment: str = ""  # free text from the clinical table

    @property
    def switched(self) -> bool:
        return bool(self.next_tki) and self.next_tki != self.progressed_on

    @property
    def predicted_active(self) -> bool:
        return self.activity == PREDICTED_ACTIVE


def follow_up(
    biopsies: Sequence[Biopsy], clinical: Mapping | None, knowledge: KnowledgeBase
) -> FollowUp | None:
    if not clinical or not clinical.get("next_tki"):
        return None
    latest = biopsies[-1]
    carrier = latest_mutation_biopsy(biopsies)
    activity = ""
    if carrier is not None:
        activity = interpret(knowledge, carrier.mutations).activity.get(
            clinical["next_tki"], UNKNOWN
        )
    return FollowUp(
        next_tki=clinical["next_tki"],
        best_response=clinical.get("best_response", "") or "",
        progressed_on=latest.progressed_on,
        activity=activity,
        comment=clinical.get("comment", "") or "",
    )


def patient_rows(
    biopsies: Iterable[Biopsy], clinical: Mapping[str, Mapping], knowledge: KnowledgeBase
) -> list[dict]:
    rows = []
    for patient_id, patient_biopsies in by_patient(biopsies).items():
        mechanisms = []
        for biopsy in patient_biopsies:
            labels = mechanism_labels(biopsy)
            if labels:
                mechanisms.append(f"{biopsy.sample_id}: {', '.join(labels)}")
        status = patient_status(patient_biopsies)
        if not mechanisms:
            mechanisms.append("inconclusive" if status == INCONCLUSIVE else "none")
        latest = patient_biopsies[-1]
        follow = follow_up(patient_biopsies, clinical.get(patient_id), knowledge)
        rows.append(
            {
                "patient_id": patient_id,
                "n_biopsies": len(patient_biopsies),
                "biopsies": ";".join(b.sample_id for b in patient_biopsies),
                "tki_lines": "; ".join(
                    f"{b.sample_id} after {b.n_prior_tkis} ({', '.join(b.prior_tkis) or 'none'})"
                    for b in patient_biopsies
                ),
                "mechanisms": "; ".join(mechanisms),
                "status": status,
                "latest_biopsy": latest.sample_id,
                "latest_alk_mutations": "+".join(latest.mutation_names),
                "progressed_on": latest.progressed_on,
                "next_tki": follow.next_tki if follow else "",
                "best_response": follow.best_response if follow else "",
                "next_tki_activity": follow.activity if follow else "",
                "next_tki_predicted_active": (
                    ""
                    if not follow or not follow.activity
                    else "yes"
                    if follow.predicted_active
                    else "no"
                ),  # fmt: skip
                "fusion_variant": patient_fusion(patient_biopsies)[0],
            }
        )
    return rows


def rate(numerator: int, denominator: int) -> str:
    """`n/N (pct%)`, the percentage rounded half up (2/13 -> 15%, 1/8 -> 13%)."""
    if denominator == 0:
        return f"{numerator}/0 (n/a)"
    percent = math.floor(100 * numerator / denominator + 0.5)
    return f"{numerator}/{denominator} ({percent}%)"


SUMMARY_METRICS = (
    "patients_rebiopsied", "tumour_biopsies", "patients_with_resistance_mechanism",
    "alk_mutations", "patients_with_alk_mutation", "patients_with_alk_amplification",
    "patients_with_bypass_alteration", "patients_inconclusive",
    "alk_mutation_rate_after_one_tki", "alk_mutation_rate_after_two_or_more_tkis",
    "inconclusive_biopsies_after_one_tki", "inconclusive_biopsies_after_two_or_more_tkis",
    "response_to_different_tki_after_mutation", "disease_control_when_predicted_active",
)  # fmt: skip


METRIC_LABELS = {
    "patients_rebiopsied": "Patients re-biopsied",
    "tumour_biopsies": "Tumour biopsies",
    "patients_with_resistance_mechanism": "Patients with a resistance mechanism",
    "alk_mutations": "ALK resistance mutations (distinct, per patient)",
    "patients_with_alk_mutation": "Patients with an ALK mutation",
    "patients_with_alk_amplification": "Patients with ALK amplification",
    "patients_with_bypass_alteration": "Patients with a bypass alteration",
    "patients_inconclusive": "Patients with only inconclusive biopsies",
    "alk_mutation_rate_after_one_tki": "ALK mutation rate per biopsy after one TKI",
    "alk_mutation_rate_after_two_or_more_tkis": "ALK mutation rate per biopsy after two or more TKIs",
    "inconclusive_biopsies_after_one_tki": "Inconclusive biopsies after one TKI",
    "inconclusive_biopsies_after_two_or_more_tkis": "Inconclusive biopsies after two or more TKIs",
    "response_to_different_tki_after_mutation": "Objective response (CR/PR) to a different TKI after mutation detection",
    "disease_control_when_predicted_active": "Disease control (CR/PR/SD) when that TKI was predicted active",
}  # fmt: skip


def summary_rows(
    biopsies: Iterable[Biopsy], clinical: Mapping[str, Mapping], knowledge: KnowledgeBase
) -> list[dict]:
    """The cohort's figures, in the seed study's terms (definitions: README)."""
    biopsies = list(biopsies)
    patients = by_patient(biopsies)
    n_patients = len(patients)
    with_mutation = {p for p, bs in patients.items() if any(b.mutations for b in bs)}
    with_amplification = {p for p, bs in patients.items() if any(b.amplifications for b in bs)}
    with_bypass = {p for p, bs in patients.items() if any(b.bypass for b in bs)}
    with_mechanism = with_mutation | with_amplification | with_bypass
    inconclusive = {p for p, bs in patients.items() if patient_status(bs) == INCONCLUSIVE}
    mutations = sum(
        len({name for b in bs for name in b.mutation_names}) for bs in patients.values()
    )
    after_one = [b for b in biopsies if b.n_prior_tkis == 1]
    after_more = [b for b in biopsies if b.n_prior_tkis >= 2]
    switched = []
    for patient_id in sorted(with_mutation):
        follow = follow_up(patients[patient_id], clinical.get(patient_id), knowledge)
        if follow and follow.switched and follow.best_response:
            switched.append(follow)
    active = [follow for follow in switched if follow.predicted_active]
    values = {
        "patients_rebiopsied": str(n_patients),
        "tumour_biopsies": str(len(biopsies)),
        "patients_with_resistance_mechanism": rate(len(with_mechanism), n_patients),
        "alk_mutations": str(mutations),
        "patients_with_alk_mutation": rate(len(with_mutation), n_patients),
        "patients_with_alk_amplification": rate(len(with_amplification), n_patients),
        "patients_with_bypass_alteration": rate(len(with_bypass), n_patients),
        "patients_inconclusive": rate(len(inconclusive), n_patients),
        "alk_mutation_rate_after_one_tki": rate(
            sum(bool(b.mutations) for b in after_one), len(after_one)
        ),
        "alk_mutation_rate_after_two_or_more_tkis": rate(
            sum(bool(b.mutations) for b in after_more), len(after_more)
        ),
        "inconclusive_biopsies_after_one_tki": rate(
            sum(b.status == INCONCLUSIVE for b in after_one), len(after_one)
        ),
        "inconclusive_biopsies_after_two_or_more_tkis": rate(
            sum(b.status == INCONCLUSIVE for b in after_more), len(after_more)
        ),
        "response_to_different_tki_after_mutation": rate(
            sum(f.best_response in RESPONSE for f in switched), len(switched)
        ),
        "disease_control_when_predicted_active": rate(
            sum(f.best_response in DISEASE_CONTROL for f in active), len(active)
        ),
    }
    return [{"metric": metric, "value": values[metric]} for metric in SUMMARY_METRICS]


def resistance_rows(biopsies: Iterable[Biopsy]) -> list[dict]:
    """Per biopsy: the result, what was found and how completely the hotspots were assessed."""
    rows = []
    for biopsy in biopsies:
        statuses = [row["status"] for row in biopsy.hotspots]
        alk_numbers = [
            float(row["copy_number"])
            for row in biopsy.copy_number
            if row["gene"] == "ALK" and row["copy_number"] not in ("", None)
        ]
        rows.append(
            {
                "sample_id": biopsy.sample_id,
                "patient_id": biopsy.patient_id,
                "prior_tkis": " > ".join(biopsy.prior_tkis),
                "result": biopsy.status,
                "mechanisms": "; ".join(mechanism_labels(biopsy)) or "none",
                "mutant_codons": statuses.count("mutant"),
                "wild_type_codons": statuses.count("wild_type"),
                "not_assessable_codons": statuses.count("not_assessable"),
                "alk_copy_number": f"{max(alk_numbers):.1f}" if alk_numbers else "n/a",
                "fusion": biopsy.fusion_text,
                "why_inconclusive": "; ".join(biopsy.reasons)
                if biopsy.status == INCONCLUSIVE
                else "",
            }
        )
    return rows


def fusion_variant_rows(biopsies: Iterable[Biopsy]) -> list[dict]:
    """Fusion variant x ALK resistance mutations, as Lin et al. (J Clin Oncol 2018) compared
    them: per variant group of the patient, its post-TKI biopsies with any ALK resistance
    mutation and with G1202R. The fusion is truncal, so every biopsy of a patient counts
    under the patient's variant, also one where the fusion itself was not assessable."""
    groups: dict[str, list[list[Biopsy]]] = {group: [] for group in FUSION_VARIANT_GROUPS}
    for patient_biopsies in by_patient(biopsies).values():
        groups[patient_fusion(patient_biopsies)[1]].append(patient_biopsies)
    rows = []
    for group, patients in groups.items():
        post_tki = [b for bs in patients for b in bs if b.n_prior_tkis >= 1]
        seen: dict[str, int] = {}
        for biopsy in post_tki:
            for unit in mutation_units(biopsy.mutations):
                name = "+".join(unit) + (" (cis)" if len(unit) > 1 else "")
                seen[name] = seen.get(name, 0) + 1
        rows.append(
            {
                "fusion_variant": group,
                "patients": len(patients),
                "post_tki_biopsies": len(post_tki),
                "biopsies_with_alk_mutation": rate(
                    sum(bool(b.mutations) for b in post_tki), len(post_tki)
                ),
                "biopsies_with_g1202r": rate(
                    sum("G1202R" in b.mutation_names for b in post_tki), len(post_tki)
                ),
                "alk_mutations_seen": "; ".join(
                    f"{name} ({count})" for name, count in sorted(seen.items())
                ),
            }
        )
    return rows
