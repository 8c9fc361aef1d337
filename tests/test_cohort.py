"""Cohort logic: biopsy verdicts, interpretation against TKIs, patient rows and the summary."""

from __future__ import annotations

import pytest

from alkres.cohort import (
    CONFIDENT_NEGATIVE,
    INCONCLUSIVE,
    MECHANISM,
    build_biopsies,
    interpret,
    mutation_units,
    patient_rows,
    rate,
    resistance_rows,
    summary_rows,
)
from alkres.knowledge import load_knowledge_base

CODONS = ("G1202", "L1196", "I1171")


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def sample(sample_id, patient_id, date, tkis, purity="0.5"):
    return {"sample_id": sample_id, "patient_id": patient_id, "sample_type": "tumor",
            "specimen": "tissue", "collection_date": date, "prior_tkis_list": tkis,
            "tumor_purity": purity}  # fmt: skip


def mutation(sample_id, name, vaf="0.2", phase_set="", phase=""):
    return {"sample_id": sample_id, "gene": "ALK", "alteration": name, "type": "snv",
            "classification": "resistance", "vaf": vaf, "depth": "500", "alt_count": "100",
            "phase_set": phase_set, "phase": phase, "copy_number": ""}  # fmt: skip


def amplification(sample_id, gene="ALK", copy_number="10.0", classification="resistance"):
    return {"sample_id": sample_id, "gene": gene, "alteration": "amplification",
            "type": "amplification", "classification": classification,
            "copy_number": copy_number, "vaf": "", "phase_set": "", "phase": ""}  # fmt: skip


def hotspots(sample_id, statuses=None):
    statuses = statuses or {}
    return [{"sample_id": sample_id, "codon": codon, "depth": "500",
             "status": statuses.get(codon, "wild_type"), "detail": "", "lod_vaf": "0.02"}
            for codon in CODONS]  # fmt: skip


def copy_number(sample_id, status="not_amplified"):
    return [{"sample_id": sample_id, "region": "ALK", "gene": "ALK", "copy_number": "2.0",
             "status": status, "ci_low": "1.8", "ci_high": "2.2", "detail": ""}]  # fmt: skip


def biopsies_of(samples, alterations=(), hotspot_status=None, qc=None, cn_status=None):
    hotspot_status = hotspot_status or {}
    cn_status = cn_status or {}
    return build_biopsies(
        samples,
        {s["sample_id"]: {"verdict": (qc or {}).get(s["sample_id"], "pass"), "reasons": ""}
         for s in samples},  # fmt: skip
        list(alterations),
        [row for s in samples for row in hotspots(s["sample_id"], hotspot_status.get(s["sample_id"]))],
        [row for s in samples
         for row in copy_number(s["sample_id"], cn_status.get(s["sample_id"], "not_amplified"))],
    )  # fmt: skip


@pytest.mark.parametrize(
    "numerator, denominator, text",
    [(2, 13, "2/13 (15%)"), (6, 18, "6/18 (33%)"), (9, 23, "39%"), (1, 8, "1/8 (13%)"),
     (5, 7, "5/7 (71%)"), (0, 0, "0/0 (n/a)"), (1, 2, "1/2 (50%)")],
)  # fmt: skip
def test_rate_rounds_half_up(numerator, denominator, text):
    assert text in rate(numerator, denominator)


def test_biopsy_status_confident_negative_needs_every_codon_and_copy_number():
    s = [sample("A_T1", "A", "2024-01-01", ["crizotinib"])]
    assert biopsies_of(s)[0].status == CONFIDENT_NEGATIVE
    low = biopsies_of(s, hotspot_status={"A_T1": {"G1202": "not_assessable"}})[0]
    assert low.status == INCONCLUSIVE
    assert "1 of 3 catalogued codons not assessable (G1202)" in low.reasons[0]
    failed = biopsies_of(s, qc={"A_T1": "fail"})[0]
    assert failed.status == INCONCLUSIVE and "QC failed" in failed.reasons[0]
    no_cn = biopsies_of(s, cn_status={"A_T1": "not_assessable"})[0]
    assert no_cn.status == INCONCLUSIVE and "ALK copy number not assessable" in no_cn.reasons


def test_biopsy_with_mutation_is_a_mechanism_even_if_other_codons_are_not_assessable():
    s = [sample("A_T1", "A", "2024-01-01", ["alectinib"])]
    b = biopsies_of(s, [mutation("A_T1", "G1202R")],
                    hotspot_status={"A_T1": {"I1171": "not_assessable"}})[0]  # fmt: skip
    assert b.status == MECHANISM and b.mutation_names == ["G1202R"]


def test_rows_are_sorted_into_their_kind():
    s = [sample("A_T1", "A", "2024-01-01", ["alectinib"])]
    vus = mutation("A_T1", "R1231Q") | {"classification": "vus"}
    b = biopsies_of(s, [mutation("A_T1", "G1202R"), amplification("A_T1"),
                        amplification("A_T1", "MET", "8.0", "bypass"), vus])[0]  # fmt: skip
    assert [r["alteration"] for r in b.mutations] == ["G1202R"]
    assert len(b.amplifications) == 1 and b.bypass[0]["gene"] == "MET"
    assert b.other_variants[0]["alteration"] == "R1231Q"


def test_cis_mutations_form_one_unit():
    rows = [mutation("A", "G1202R", phase_set="29220765", phase="cis with L1196M"),
            mutation("A", "L1196M", phase_set="29220765", phase="cis with G1202R"),
            mutation("A", "I1171N")]  # fmt: skip
    assert mutation_units(rows) == [["G1202R", "L1196M"], ["I1171N"]]


def test_compound_in_cis_replaces_its_parts(kb):
    """Lorlatinib acts on G1202R and on L1196M; the cis compound's only lorlatinib statement
    (resistant) is unverified, so lorlatinib is not predicted active: 'unknown', not 'sensitive'."""
    singles = interpret(kb, [mutation("A", "G1202R")])
    assert singles.activity["lorlatinib"] == "sensitive"
    assert "lorlatinib" in singles.predicted_active
    compound = interpret(kb, [
        mutation("A", "G1202R", phase_set="1", phase="cis with L1196M (40 fragments carry both)"),
        mutation("A", "L1196M", phase_set="1", phase="cis with G1202R (40 fragments carry both)"),
    ])  # fmt: skip
    assert compound.activity["lorlatinib"] == "unknown"
    assert "lorlatinib" not in compound.predicted_active
    assert any(s["alteration"] == "G1202R+L1196M" for s in compound.statements["lorlatinib"])


def test_trans_clones_are_read_one_by_one_but_unknown_phase_together(kb):
    trans = [mutation("A", "G1202R", phase="trans with L1196M (0 fragments carry both)"),
             mutation("A", "L1196M", phase="trans with G1202R (0 fragments carry both)")]  # fmt: skip
    reading = interpret(kb, trans)
    assert reading.basis.startswith("mutations on one molecule")
    assert reading.activity["lorlatinib"] == "sensitive"  # active on each clone
    assert reading.activity["crizotinib"] == "resistant"
    unknown = [mutation("A", "G1202R", phase="co-occurring with L1196M, phase unknown (x)"),
               mutation("A", "L1196M", phase="co-occurring with G1202R, phase unknown (x)")]  # fmt: skip
    cautious = interpret(kb, unknown)
    assert cautious.basis.startswith("all mutations together")
    assert cautious.activity["lorlatinib"] == "unknown"


def test_no_mutation_no_prediction(kb):
    reading = interpret(kb, [])
    assert reading.predicted_active == [] and reading.activity == {}


def cohort():
    samples = [
        sample("A_T1", "A", "2023-01-01", ["crizotinib"]),
        sample("A_T2", "A", "2024-01-01", ["crizotinib", "alectinib"]),
        sample("B_T1", "B", "2024-01-01", ["crizotinib"]),
        sample("C_T1", "C", "2024-01-01", ["crizotinib", "ceritinib"]),
        sample("D_T1", "D", "2024-01-01", ["alectinib", "lorlatinib"]),
        sample("E_T1", "E", "2024-01-01", ["alectinib"]),
    ]
    alterations = [
        mutation("A_T2", "G1202R"),
        mutation("B_T1", "L1196M"),
        mutation("C_T1", "G1202R", phase_set="1", phase="cis with L1196M"),
        mutation("C_T1", "L1196M", phase_set="1", phase="cis with G1202R"),
        amplification("D_T1"),
    ]
    clinical = {
        "A": {"next_tki": "lorlatinib", "best_response": "PR"},  # active on G1202R
        "B": {"next_tki": "alectinib", "best_response": "SD"},  # active on L1196M
        "C": {"next_tki": "lorlatinib", "best_response": "PD"},  # compound: not predicted active
        "D": {"next_tki": "brigatinib", "best_response": "PR"},  # no mutation: not counted
    }
    biopsies = biopsies_of(samples, alterations,
                           hotspot_status={"E_T1": {"G1202": "not_assessable"}})  # fmt: skip
    return biopsies, clinical


def test_summary_counts_patients_biopsies_and_follow_up(kb):
    biopsies, clinical = cohort()
    summary = {row["metric"]: row["value"] for row in summary_rows(biopsies, clinical, kb)}
    assert summary["patients_rebiopsied"] == "5"
    assert summary["tumour_biopsies"] == "6"
    assert summary["patients_with_resistance_mechanism"] == "4/5 (80%)"
    assert summary["alk_mutations"] == "4"  # A: G1202R, B: L1196M, C: G1202R + L1196M
    assert summary["patients_with_alk_mutation"] == "3/5 (60%)"
    assert summary["patients_with_alk_amplification"] == "1/5 (20%)"
    assert summary["patients_inconclusive"] == "1/5 (20%)"
    # After one TKI: A_T1 (negative), B_T1 (L1196M), E_T1 (inconclusive).
    assert summary["alk_mutation_rate_after_one_tki"] == "1/3 (33%)"
    assert summary["inconclusive_biopsies_after_one_tki"] == "1/3 (33%)"
    # After two: A_T2 (G1202R), C_T1 (compound), D_T1 (amplification only).
    assert summary["alk_mutation_rate_after_two_or_more_tkis"] == "2/3 (67%)"
    assert summary["response_to_different_tki_after_mutation"] == "1/3 (33%)"
    assert summary["disease_control_when_predicted_active"] == "2/2 (100%)"


def test_same_tki_again_is_not_a_switch(kb):
    biopsies, clinical = cohort()
    clinical["B"] = {"next_tki": "crizotinib", "best_response": "PR"}  # progressed on it
    summary = {row["metric"]: row["value"] for row in summary_rows(biopsies, clinical, kb)}
    assert summary["response_to_different_tki_after_mutation"] == "1/2 (50%)"


def test_patient_rows(kb):
    biopsies, clinical = cohort()
    rows = {row["patient_id"]: row for row in patient_rows(biopsies, clinical, kb)}
    assert rows["A"]["n_biopsies"] == 2
    assert rows["A"]["tki_lines"] == (
        "A_T1 after 1 (crizotinib); A_T2 after 2 (crizotinib, alectinib)"
    )
    assert rows["A"]["mechanisms"] == "A_T2: G1202R"
    assert rows["A"]["progressed_on"] == "alectinib"
    assert rows["A"]["next_tki_predicted_active"] == "yes"
    assert rows["C"]["mechanisms"] == "C_T1: G1202R+L1196M (cis)"
    assert rows["C"]["next_tki_activity"] == "unknown"
    assert rows["C"]["next_tki_predicted_active"] == "no"
    assert rows["D"]["mechanisms"] == "D_T1: ALK amplification (CN 10.0)"
    assert rows["D"]["next_tki_predicted_active"] == ""
    assert rows["E"]["mechanisms"] == "inconclusive" and rows["E"]["status"] == INCONCLUSIVE


def test_resistance_rows_for_multiqc():
    biopsies, _ = cohort()
    rows = {row["sample_id"]: row for row in resistance_rows(biopsies)}
    assert rows["C_T1"]["mechanisms"] == "G1202R+L1196M (cis)"
    assert rows["E_T1"]["not_assessable_codons"] == 1
    assert "not assessable" in rows["E_T1"]["why_inconclusive"]
    assert rows["A_T1"]["result"] == CONFIDENT_NEGATIVE and rows["A_T1"]["why_inconclusive"] == ""
