"""The cohort's outputs from the biopsy records: one row per patient, the summary in the seed
study's terms, ALK resistance mutations by fusion variant, the patient x TKI-line matrix, the
cohort report and the MultiQC "ALK resistance" and "ALK fusion variant" tables (rule
cohort_report). Per-biopsy values (result, mechanisms, fusion, activity) are the records';
this module only counts and arranges them. Definitions of the summary metrics: README
("Cohort summary").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from alkres.biopsy.biopsy import biopsy_from_record
from alkres.biopsy.model import (
    CONFIDENT_NEGATIVE,
    DISEASE_CONTROL,
    FUSION_VARIANT_GROUPS,
    INCONCLUSIVE,
    RESPONSE,
    Biopsy,
)
from alkres.io import atomic_output, log_to
from alkres.knowledge.knowledge import load_knowledge_base
from alkres.reports.html import render_cohort_html
from alkres.reports.multiqc import write_fusion_variant_table, write_resistance_table
from alkres.reports.patients import by_patient, follow_up, patient_fusion, patient_status
from alkres.reports.provenance import provenance
from alkres.tables import (
    read_biopsies,
    read_versions,
    write_fusion_variants,
    write_patients,
    write_summary,
)


def patient_rows(biopsies: Iterable[Biopsy], clinical: Mapping[str, Mapping]) -> list[dict]:
    rows = []
    for patient_id, patient_biopsies in by_patient(biopsies).items():
        mechanisms = []
        for biopsy in patient_biopsies:
            labels = biopsy.mechanisms
            if labels:
                mechanisms.append(f"{biopsy.sample_id}: {', '.join(labels)}")
        status = patient_status(patient_biopsies)
        if not mechanisms:
            mechanisms.append("inconclusive" if status == INCONCLUSIVE else "none")
        latest = patient_biopsies[-1]
        follow = follow_up(patient_biopsies, clinical.get(patient_id))
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
    "patients_with_bypass_alteration", "patients_with_bypass_by_gene", "patients_inconclusive",
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
    "patients_with_bypass_by_gene": "Patients with a bypass alteration, by gene",
    "patients_inconclusive": "Patients with only inconclusive biopsies",
    "alk_mutation_rate_after_one_tki": "ALK mutation rate per biopsy after one TKI",
    "alk_mutation_rate_after_two_or_more_tkis": "ALK mutation rate per biopsy after two or more TKIs",
    "inconclusive_biopsies_after_one_tki": "Inconclusive biopsies after one TKI",
    "inconclusive_biopsies_after_two_or_more_tkis": "Inconclusive biopsies after two or more TKIs",
    "response_to_different_tki_after_mutation": "Objective response (CR/PR) to a different TKI after mutation detection",
    "disease_control_when_predicted_active": "Disease control (CR/PR/SD) when that TKI was predicted active",
}  # fmt: skip


def summary_rows(biopsies: Iterable[Biopsy], clinical: Mapping[str, Mapping]) -> list[dict]:
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
        follow = follow_up(patients[patient_id], clinical.get(patient_id))
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
        "patients_with_bypass_by_gene": "; ".join(
            f"{gene} {rate(len(carriers), n_patients)}"
            for gene, carriers in sorted(bypass_genes(patients).items())
        )
        or "none",
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


def bypass_genes(patients: Mapping[str, Sequence[Biopsy]]) -> dict[str, set[str]]:
    """The patients with a bypass alteration, by gene."""
    carriers: dict[str, set[str]] = {}
    for patient_id, biopsies in patients.items():
        for biopsy in biopsies:
            for row in biopsy.bypass:
                carriers.setdefault(row["gene"], set()).add(patient_id)
    return carriers


def resistance_rows(biopsies: Iterable[Biopsy]) -> list[dict]:
    """Per biopsy: the result, what was found and how completely the hotspots were assessed
    (the codon assessment of its record: wild type only where the tumour content supports it)."""
    rows = []
    for biopsy in biopsies:
        statuses = [row["status"] for row in biopsy.assessed_codons]
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
                "mechanisms": "; ".join(biopsy.mechanisms) or "none",
                "bypass": ", ".join(dict.fromkeys(row["gene"] for row in biopsy.bypass)) or "none",
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
            for unit in biopsy.units:
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


def line_matrix(biopsies: Sequence[Biopsy]) -> dict:
    """Patient x TKI line: what each biopsy taken after that many TKIs showed (the oncoprint).
    A cell's classes say what kinds of mechanism it holds, or its status if none."""
    lines = sorted({b.n_prior_tkis for b in biopsies})
    cells: dict[str, dict[int, dict]] = {}
    for biopsy in biopsies:
        cell = cells.setdefault(biopsy.patient_id, {}).setdefault(
            biopsy.n_prior_tkis, {"classes": set(), "biopsies": []}
        )
        kinds = [
            kind
            for kind, rows in (
                ("mutation", biopsy.mutations),
                ("amplification", biopsy.amplifications),
                ("bypass", biopsy.bypass),
            )
            if rows
        ]
        cell["classes"].update(kinds or [biopsy.status])
        cell["biopsies"].append(
            {
                "sample_id": biopsy.sample_id,
                "status": biopsy.status,
                "text": ", ".join(biopsy.mechanisms)
                or ("none" if biopsy.status == CONFIDENT_NEGATIVE else biopsy.status),
                "progressed_on": biopsy.progressed_on,
            }
        )
    for patient_cells in cells.values():
        for cell in patient_cells.values():
            # A mechanism outranks a negative or inconclusive biopsy at the same line.
            kinds = cell["classes"] & {"mutation", "amplification", "bypass"}
            cell["css"] = " ".join(sorted(kinds or cell["classes"]))
            del cell["classes"]
    return {"lines": lines, "patients": dict(sorted(cells.items()))}


def ordered_biopsies(records: Iterable[Mapping]) -> list[Biopsy]:
    """The records' biopsies in patient, then date order."""
    biopsies = [biopsy_from_record(record) for record in records]
    return sorted(biopsies, key=lambda b: (b.patient_id, b.collection_date, b.sample_id))


def main(snakemake) -> None:
    """Rule cohort_report."""
    log_to(snakemake.log[0])
    biopsies = ordered_biopsies(read_biopsies(snakemake.input.biopsies))
    clinical = snakemake.params.clinical
    patients = patient_rows(biopsies, clinical)
    summary = summary_rows(biopsies, clinical)
    fusion_variants = fusion_variant_rows(biopsies)
    with atomic_output(snakemake.output.patients) as path:
        write_patients(path, patients)
    with atomic_output(snakemake.output.summary) as path:
        write_summary(path, summary)
    with atomic_output(snakemake.output.fusion_variants) as path:
        write_fusion_variants(path, fusion_variants)
    with atomic_output(snakemake.output.multiqc_table) as path:
        by_gene = next(r["value"] for r in summary if r["metric"] == "patients_with_bypass_by_gene")
        write_resistance_table(resistance_rows(biopsies), path, by_gene)
    with atomic_output(snakemake.output.multiqc_fusion_table) as path:
        write_fusion_variant_table(fusion_variants, path)
    meta = provenance(
        read_versions(snakemake.input.versions),
        load_knowledge_base().version,
        snakemake.params.build,
        snakemake.config,
    )
    with atomic_output(snakemake.output.html) as path:
        path.write_text(
            render_cohort_html(
                summary, patients, line_matrix(biopsies), meta, METRIC_LABELS, fusion_variants
            )
        )
