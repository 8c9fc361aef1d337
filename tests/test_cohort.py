"""Cohort logic: biopsy verdicts, interpretation against TKIs, patient rows and the summary."""

from __future__ import annotations

import pytest

from alkres.biopsy.biopsy import build_biopsies
from alkres.biopsy.model import (
    CONFIDENT_NEGATIVE,
    INCONCLUSIVE,
    MECHANISM,
    interpret,
    is_alk_mutation,
    mutation_units,
)
from alkres.inputs.tki_vocabulary import load_agents
from alkres.knowledge.knowledge import load_knowledge_base
from alkres.reports.cohort_report import (
    fusion_variant_rows,
    patient_rows,
    rate,
    resistance_rows,
    summary_rows,
)
from alkres.tables import FUSION_VARIANT_COLUMNS

CODONS = ("G1202", "L1196", "I1171")


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


@pytest.fixture(scope="module")
def agents():
    return load_agents()


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


NOT_DETECTED = "fusion not detected: tumour content may be too low for a confident negative"
NOT_ASSESSABLE = (
    "fusion not assessable: 40 fragments span ALK intron 19, fewer than the 118 needed to see a"
    " fusion at 5%"
)
EXON_PAIRS = {"v1": "E13;A20", "v2": "E20;A20", "v3a/b": "E6;A20", "v5a/b": "E2;A20"}


def fusion(sample_id, variant="v3a/b", alkres="detected", supporting="30", fraction="0.2000"):
    """A fusions.tsv row of an EML4-ALK fusion."""
    exon_pair = EXON_PAIRS[variant]
    return {"sample_id": sample_id, "fusion": f"EML4-ALK {exon_pair} ({variant})",
            "partner": "EML4", "exon_pair": exon_pair, "variant": variant, "in_frame": "yes",
            "orientation": "3to3", "alk_chrom": "chr2", "alk_pos": "29224100",
            "partner_chrom": "chr2", "partner_pos": "42270000", "precise": "yes",
            "split_fragments": "20", "discordant_fragments": "10",
            "supporting_fragments": supporting, "spanning_fragments": "120",
            "fraction": fraction, "reciprocal_seen": "yes", "reciprocal_fragments": "12",
            "alkres": alkres, "callers": "delly: detected", "agreement": "agree",
            "note": ""}  # fmt: skip


def fusion_status(sample_id, status="detected", fusions=()):
    return {"sample_id": sample_id, "sample_type": "tumor", "status": status,
            "fusions": list(fusions), "intron19_spanning_fragments": 150,
            "fragments_needed": 118, "limit_fraction": 0.05, "supporting_fragments_total": 30,
            "flags": [] if status == "detected" else [status]}  # fmt: skip


def fusion_alteration(sample_id, label="EML4-ALK E6;A20 (v3a/b)"):
    """The alterations-table row the fusion stage writes for a detected fusion."""
    return {"sample_id": sample_id, "gene": "ALK", "alteration": label, "type": "fusion",
            "classification": "driver", "vaf": "0.2000", "depth": "150", "alt_count": "30",
            "phase_set": "", "phase": "", "copy_number": "",
            "callers": "alkres_fusion,delly"}  # fmt: skip


def with_fusions(biopsies_args, fusions=(), statuses=()):
    """biopsies_of's biopsies with fusion rows and status.json contents added."""
    samples, alterations = biopsies_args
    return build_biopsies(
        samples,
        {s["sample_id"]: {"verdict": "pass", "reasons": ""} for s in samples},
        list(alterations),
        [row for s in samples for row in hotspots(s["sample_id"])],
        [row for s in samples for row in copy_number(s["sample_id"])],
        list(fusions),
        {status["sample_id"]: status for status in statuses},
    )


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


def derive_and_status(biopsy):
    from alkres.biopsy.model import derive_biopsy

    derive_biopsy(biopsy, load_knowledge_base(), load_agents())
    return biopsy.status


def test_fusion_unseen_where_the_depth_could_show_it_makes_a_negative_inconclusive():
    s = [sample("A_T1", "A", "2024-01-01", ["crizotinib"])]
    biopsy = biopsies_of(s)[0]
    biopsy.fusion_status = {"status": NOT_DETECTED}
    assert derive_and_status(biopsy) == INCONCLUSIVE
    assert "tumour content may be too low" in biopsy.reasons[-1]
    biopsy.fusion_status = {"status": "fusion not assessable: 40 fragments span ALK intron 19"}
    assert derive_and_status(biopsy) == CONFIDENT_NEGATIVE
    biopsy.fusion_status = {"status": "detected"}
    assert derive_and_status(biopsy) == CONFIDENT_NEGATIVE


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


def test_uncovered_compound_in_cis_is_not_predicted_active(kb, agents):
    """Lorlatinib acts on G1202R and on L1196M; no verified statement covers the cis compound
    (its one lorlatinib statement is unverified), so lorlatinib is 'unknown', not 'sensitive'."""
    singles = interpret(kb, agents, [mutation("A", "G1202R")])
    assert singles.activity["lorlatinib"] == "sensitive"
    assert "lorlatinib" in singles.predicted_active
    compound = interpret(kb, agents, [
        mutation("A", "G1202R", phase_set="1", phase="cis with L1196M (40 fragments carry both)"),
        mutation("A", "L1196M", phase_set="1", phase="cis with G1202R (40 fragments carry both)"),
    ])  # fmt: skip
    assert compound.activity["lorlatinib"] == "unknown"
    assert "lorlatinib" not in compound.predicted_active
    assert "no statement covers G1202R+L1196M" in compound.verdicts["lorlatinib"]["basis"]


def test_trans_clones_are_read_one_by_one_unknown_phase_both_ways(kb, agents):
    trans = [mutation("A", "G1202R", phase="trans with L1196M (0 fragments carry both)"),
             mutation("A", "L1196M", phase="trans with G1202R (0 fragments carry both)")]  # fmt: skip
    reading = interpret(kb, agents, trans)
    assert reading.basis.startswith("mutations on one molecule")
    assert reading.activity["lorlatinib"] == "sensitive"  # active on each clone
    assert reading.activity["crizotinib"] == "resistant"
    unknown = [mutation("A", "G1202R", phase="co-occurring with L1196M, phase unknown (x)"),
               mutation("A", "L1196M", phase="co-occurring with G1202R, phase unknown (x)")]  # fmt: skip
    cautious = interpret(kb, agents, unknown)
    assert cautious.basis.startswith("phase not established")
    assert cautious.activity["lorlatinib"] == "unknown"  # the cis reading: uncovered
    readings = cautious.verdicts["lorlatinib"]["readings"]
    assert set(readings.values()) == {"sensitive", "unknown"}


def test_no_mutation_no_prediction(kb, agents):
    reading = interpret(kb, agents, [])
    assert reading.predicted_active == [] and reading.activity == {}


def test_matrix_holds_approved_and_investigational_drugs_only(kb, agents):
    reading = interpret(kb, agents, [mutation("A", "F1174L")])
    assert list(reading.verdicts) == [
        "crizotinib", "ceritinib", "alectinib", "brigatinib", "lorlatinib", "ensartinib",
        "neladalkib",
    ]  # fmt: skip
    assert {note["tki"] for note in reading.preclinical_notes} >= {"tae684", "azd3463"}


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
    summary = {row["metric"]: row["value"] for row in summary_rows(biopsies, clinical)}
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
    summary = {row["metric"]: row["value"] for row in summary_rows(biopsies, clinical)}
    assert summary["response_to_different_tki_after_mutation"] == "1/2 (50%)"


def test_patient_rows(kb):
    biopsies, clinical = cohort()
    rows = {row["patient_id"]: row for row in patient_rows(biopsies, clinical)}
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


def test_bypass_genes_are_counted_by_gene_in_the_summary_and_multiqc():
    s = [sample("A_T1", "A", "2024-01-01", ["alectinib"]),
         sample("B_T1", "B", "2024-01-01", ["alectinib"])]  # fmt: skip
    bypass = [amplification("A_T1", "MET", "8.0", "bypass"),
              {"sample_id": "B_T1", "gene": "KRAS", "alteration": "G12C", "type": "snv",
               "classification": "bypass", "vaf": "0.2", "copy_number": "", "phase_set": "",
               "phase": ""}]  # fmt: skip
    biopsies = biopsies_of(s, bypass)
    summary = {row["metric"]: row["value"] for row in summary_rows(biopsies, {})}
    assert summary["patients_with_bypass_alteration"] == "2/2 (100%)"
    assert summary["patients_with_bypass_by_gene"] == "KRAS 1/2 (50%); MET 1/2 (50%)"
    rows = {row["sample_id"]: row for row in resistance_rows(biopsies)}
    assert rows["A_T1"]["bypass"] == "MET" and rows["B_T1"]["bypass"] == "KRAS"
    plain = biopsies_of(s)
    assert {r["metric"]: r["value"] for r in summary_rows(plain, {})}[
        "patients_with_bypass_by_gene"
    ] == "none"


def test_multiqc_codon_counts_are_the_assessment_against_tumour_content():
    """Without a purity and without a fusion, a wild-type codon is not assessable: the
    MultiQC counts say so, as the report does."""
    s = [sample("A_T1", "A", "2024-01-01", ["alectinib"], purity="")]
    rows = resistance_rows(biopsies_of(s))
    assert rows[0]["wild_type_codons"] == 0 and rows[0]["not_assessable_codons"] == 3


def test_resistance_rows_for_multiqc():
    biopsies, _ = cohort()
    rows = {row["sample_id"]: row for row in resistance_rows(biopsies)}
    assert rows["C_T1"]["mechanisms"] == "G1202R+L1196M (cis)"
    assert rows["E_T1"]["not_assessable_codons"] == 1
    assert "not assessable" in rows["E_T1"]["why_inconclusive"]
    assert rows["A_T1"]["result"] == CONFIDENT_NEGATIVE and rows["A_T1"]["why_inconclusive"] == ""


def test_fusion_row_is_never_a_resistance_mechanism(kb):
    """The fusion is the driver: its alterations row stays out of the mechanisms and the
    summary, even if a row were mislabelled as resistance."""
    row = fusion_alteration("A_T1")
    assert not is_alk_mutation(row)
    assert not is_alk_mutation(row | {"classification": "resistance"})
    s = [sample("A_T1", "A", "2024-01-01", ["alectinib"])]
    biopsy = with_fusions((s, [row]), [fusion("A_T1")], [fusion_status("A_T1")])[0]
    assert biopsy.status == CONFIDENT_NEGATIVE and not biopsy.has_mechanism
    assert [{k: d[k] for k in row} for d in biopsy.drivers] == [row]
    assert biopsy.drivers[0]["tier"] == "I" and biopsy.drivers[0]["tier_level"] == "A"
    assert biopsy.mutations == [] and biopsy.other_variants == []
    assert rows_of(patient_rows([biopsy], {}))["A"]["mechanisms"] == "none"
    # The cohort summary is the same with and without fusion rows.
    biopsies, clinical = cohort()
    samples = [{"sample_id": b.sample_id, "patient_id": b.patient_id, "sample_type": "tumor",
                "collection_date": b.collection_date, "prior_tkis_list": b.prior_tkis}
               for b in biopsies]  # fmt: skip
    alterations = [r for b in biopsies for r in b.mutations + b.amplifications]
    fused = with_fusions(
        (samples, alterations + [fusion_alteration(s["sample_id"]) for s in samples]),
        [fusion(s["sample_id"]) for s in samples],
        [fusion_status(s["sample_id"]) for s in samples],
    )
    plain = with_fusions((samples, alterations))
    assert summary_rows(fused, clinical) == summary_rows(plain, clinical)
    assert [b.status for b in fused] == [b.status for b in plain]


def rows_of(rows):
    return {row["patient_id"]: row for row in rows}


def fusion_cohort():
    """v3a/b: A (G1202R after two TKIs), B (none); v1: C (L1196M); v2: D (G1202R+L1196M in
    cis); v5a/b: E; F not detected; G not assessable."""
    samples = [
        sample("A_T1", "A", "2023-01-01", ["crizotinib"]),
        sample("A_T2", "A", "2024-01-01", ["crizotinib", "alectinib"]),
        sample("B_T1", "B", "2024-01-01", ["alectinib"]),
        sample("C_T1", "C", "2024-01-01", ["crizotinib"]),
        sample("D_T1", "D", "2024-01-01", ["alectinib", "lorlatinib"]),
        sample("E_T1", "E", "2024-01-01", ["alectinib"]),
        sample("F_T1", "F", "2024-01-01", ["alectinib"]),
        sample("G_T1", "G", "2024-01-01", ["alectinib"]),
        sample("H_T0", "H", "2022-01-01", []),
    ]
    alterations = [
        mutation("A_T2", "G1202R"),
        mutation("C_T1", "L1196M"),
        mutation("D_T1", "G1202R", phase_set="1", phase="cis with L1196M"),
        mutation("D_T1", "L1196M", phase_set="1", phase="cis with G1202R"),
        mutation("G_T1", "I1171N"),
    ]
    fusions = [
        fusion("A_T1"),  # A_T2 below threshold: the fusion is seen in A_T1
        fusion("A_T2", alkres="below threshold", supporting="2"),
        fusion("B_T1"),
        fusion("C_T1", "v1"),
        fusion("D_T1", "v2"),
        fusion("E_T1", "v5a/b"),
        fusion("H_T0", "v1"),
    ]
    statuses = [
        fusion_status("A_T1"), fusion_status("A_T2", NOT_ASSESSABLE), fusion_status("B_T1"),
        fusion_status("C_T1"), fusion_status("D_T1"), fusion_status("E_T1"),
        fusion_status("F_T1", NOT_DETECTED), fusion_status("G_T1", NOT_ASSESSABLE),
        fusion_status("H_T0"),
    ]  # fmt: skip
    return with_fusions((samples, alterations), fusions, statuses)


def test_patients_tsv_gives_each_patients_fusion(kb):
    rows = rows_of(patient_rows(fusion_cohort(), {}))
    assert rows["A"]["fusion_variant"] == "EML4-ALK E6;A20 (v3a/b)"  # the detected one
    assert rows["C"]["fusion_variant"] == "EML4-ALK E13;A20 (v1)"
    assert rows["E"]["fusion_variant"] == "EML4-ALK E2;A20 (v5a/b)"
    assert rows["F"]["fusion_variant"] == "not detected"
    assert rows["G"]["fusion_variant"] == "not assessable"
    # A patient with one biopsy not detected and one not assessable: not detected.
    s = [sample("K_T1", "K", "2023-01-01", ["crizotinib"]),
         sample("K_T2", "K", "2024-01-01", ["crizotinib", "alectinib"])]  # fmt: skip
    biopsies = with_fusions(
        (s, []), [], [fusion_status("K_T1", NOT_ASSESSABLE), fusion_status("K_T2", NOT_DETECTED)]
    )
    assert rows_of(patient_rows(biopsies, {}))["K"]["fusion_variant"] == "not detected"


def test_fusion_variant_table_counts_post_tki_biopsies_by_variant():
    rows = {row["fusion_variant"]: row for row in fusion_variant_rows(fusion_cohort())}
    assert list(rows) == ["v1", "v2", "v3a/b", "other", "not detected", "not assessable"]
    assert all(list(row) == FUSION_VARIANT_COLUMNS for row in rows.values())
    v3 = rows["v3a/b"]  # A_T1 (none), A_T2 (G1202R), B_T1 (none)
    assert (v3["patients"], v3["post_tki_biopsies"]) == (2, 3)
    assert v3["biopsies_with_alk_mutation"] == "1/3 (33%)"
    assert v3["biopsies_with_g1202r"] == "1/3 (33%)"
    assert v3["alk_mutations_seen"] == "G1202R (1)"
    v1 = rows["v1"]  # C_T1 (L1196M); H_T0 was taken before any TKI
    assert (v1["patients"], v1["post_tki_biopsies"]) == (2, 1)
    assert v1["biopsies_with_alk_mutation"] == "1/1 (100%)"
    assert v1["biopsies_with_g1202r"] == "0/1 (0%)"
    assert rows["v2"]["biopsies_with_g1202r"] == "1/1 (100%)"  # G1202R within a cis compound
    assert rows["v2"]["alk_mutations_seen"] == "G1202R+L1196M (cis) (1)"
    assert rows["other"]["patients"] == 1 and rows["other"]["alk_mutations_seen"] == ""
    assert rows["not detected"]["biopsies_with_alk_mutation"] == "0/1 (0%)"
    assert rows["not assessable"]["biopsies_with_alk_mutation"] == "1/1 (100%)"


def test_fusion_variant_table_without_fusions_has_empty_rows():
    rows = fusion_variant_rows([])
    assert [row["patients"] for row in rows] == [0] * 6
    assert rows[0]["biopsies_with_alk_mutation"] == "0/0 (n/a)"


def test_resistance_rows_give_the_fusion():
    rows = {row["sample_id"]: row for row in resistance_rows(fusion_cohort())}
    assert rows["A_T1"]["fusion"] == "EML4-ALK E6;A20 (v3a/b)"
    assert rows["A_T2"]["fusion"] == "not assessable"
    assert rows["F_T1"]["fusion"] == "not detected"
    assert rows["A_T1"]["mechanisms"] == "none"
