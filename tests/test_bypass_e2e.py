"""Bypass alterations on the bundled cohort, checked against the simulated truth: the KRAS,
BRAF, PIK3CA, EGFR and MET small variants and the TP53 co-mutation as the pipeline names them,
focal MET amplification told apart from chr7 polysomy, no bypass call where none was simulated,
and the genes the bundled reference lacks (NRAS, KIT) never called wild type."""

import json

import pytest
import yaml

from conftest import read_tsv

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def alterations(pipeline_run):
    return read_tsv(pipeline_run / "cohort" / "alterations.tsv")


@pytest.fixture(scope="module")
def hotspots(pipeline_run):
    return read_tsv(pipeline_run / "cohort" / "hotspots.tsv")


@pytest.fixture(scope="module")
def gene_tables(pipeline_run):
    return read_tsv(pipeline_run / "cohort" / "copy_number.tsv")


def bypass_truth(truth, types=("snv", "mnv", "indel")):
    return [r for r in truth if r["gene"] not in ("", "ALK") and r["type"] in types]


def test_the_cohort_carries_bypass_truth(truth):
    genes = {r["gene"] for r in bypass_truth(truth)}
    assert {"KRAS", "BRAF", "PIK3CA", "EGFR", "MET", "TP53"} <= genes
    assert any(r["type"] == "polysomy" for r in truth)
    assert any(r["gene"] == "MET" and r["type"] == "amplification" for r in truth)


def test_every_bypass_variant_is_found_with_its_name_class_and_vaf(alterations, truth):
    for expected in bypass_truth(truth):
        found = [
            r for r in alterations
            if r["sample_id"] == expected["sample_id"] and r["gene"] == expected["gene"]
            and r["alteration"] == expected["alteration"]
        ]  # fmt: skip
        assert len(found) == 1, (expected["sample_id"], expected["gene"], expected["alteration"])
        row = found[0]
        wanted = "co_mutation" if expected["gene"] == "TP53" else "bypass"
        assert row["classification"] == wanted, row
        assert row["hgvs_c"].endswith(f":{expected['hgvs_c']}"), (row["hgvs_c"], expected)
        assert (row["chrom"], row["pos"], row["ref"], row["alt"]) == (
            expected["chrom"], expected["pos"], expected["ref"], expected["alt"],
        ), row  # fmt: skip
        assert abs(float(row["vaf"]) - float(expected["vaf"])) < 0.06, row
        assert row["tier"] in ("II", "III"), row
        # every truth variant lies at a hotspot (TP53 R273H too): the genotyper's call, with a
        # caller's or not
        assert row["callers"].startswith("alkres_hotspot"), row


def test_exon_19_deletion_names_its_catalogue_row(alterations):
    deletions = [r for r in alterations if r["gene"] == "EGFR" and r["alteration"].endswith("del")]
    assert deletions and all(r["detail"] == "exon 19 deletion" for r in deletions)
    # a verified statement (Recondo 2020 series) makes it Tier II-D
    assert all((r["tier"], r["tier_level"]) == ("II", "D") for r in deletions)


def test_no_bypass_call_where_none_was_simulated(alterations, truth):
    expected = {
        (r["sample_id"], r["gene"], r["alteration"]) for r in truth if r["gene"] not in ("", "ALK")
    }
    for row in alterations:
        if row["classification"] in ("bypass", "co_mutation"):
            assert (row["sample_id"], row["gene"], row["alteration"]) in expected, row


def test_focal_met_is_amplified_and_polysomy_is_not(gene_tables, alterations, truth):
    met = {r["sample_id"]: r for r in gene_tables if r["region"] == "MET"}
    focal = [r for r in truth if r["gene"] == "MET" and r["type"] == "amplification"]
    polysomy = [r for r in truth if r["type"] == "polysomy"]
    for expected in focal:
        row = met[expected["sample_id"]]
        assert row["status"] == "amplified", row
        assert "focal:" in row["detail"], row
        assert abs(float(row["copy_number"]) - float(expected["copy_number"])) <= 0.35 * float(
            expected["copy_number"]
        ), row
    for expected in polysomy:
        row = met[expected["sample_id"]]
        assert row["status"] != "amplified", row
        assert not any(
            r["sample_id"] == expected["sample_id"] and r["gene"] == "MET"
            and r["alteration"] == "amplification"
            for r in alterations
        )  # fmt: skip
    assert focal and polysomy


def test_genes_the_reference_lacks_are_never_wild_type(hotspots, pipeline_run):
    genes = read_tsv(pipeline_run / "checks" / "reference_genes.tsv")
    absent = {r["gene"] for r in genes if r["status"] == "absent"}
    assert {"NRAS", "KIT"} <= absent
    rows = [r for r in hotspots if r["gene"] in absent]
    assert rows
    for row in rows:
        assert row["status"] == "not_assessable", row
        assert "not in the reference FASTA" in row["detail"], row


def test_bypass_hotspots_on_the_panel_are_wild_type_in_a_negative_tumour(hotspots, truth):
    # P04: no tumour cells, 500x: a bypass hotspot on the panel gets a limit of detection
    on_panel = [
        r for r in hotspots
        if r["sample_id"] == "P04_T1" and r["gene"] not in ("ALK", "NRAS", "KIT")
    ]  # fmt: skip
    assert on_panel
    assert all(r["status"] == "wild_type" and r["lod_vaf"] for r in on_panel), [
        r for r in on_panel if r["status"] != "wild_type"
    ]


def test_reports_show_bypass_with_sources_and_the_unread_genes(pipeline_run, truth):
    patients = {r["patient_id"] for r in bypass_truth(truth)}
    for patient in patients:
        report = json.loads((pipeline_run / "patients" / patient / "report.json").read_text())
        latest = report["biopsies"][-1]
        shown = {(r["gene"], r["alteration"]) for r in latest["bypass_alterations"]}
        shown |= {(r["gene"], r["alteration"]) for r in latest["co_mutations"]}
        expected = {
            (r["gene"], r["alteration"]) for r in bypass_truth(truth)
            if r["patient_id"] == patient
        }  # fmt: skip
        assert expected <= shown, (patient, shown)
        caveats = " ".join(c["text"] for c in latest["caveats"])
        assert "NRAS" in caveats and "KIT" in caveats
        html = (pipeline_run / "patients" / patient / "report.html").read_text()
        assert "Bypass hotspot assessment" in html
        for _, alteration in expected:
            assert alteration in html, (patient, alteration)


def test_headline_weighs_a_bypass_mechanism(pipeline_run, truth):
    kras = next(r for r in truth if r["gene"] == "KRAS")
    report = json.loads(
        (pipeline_run / "patients" / kras["patient_id"] / "report.json").read_text()
    )
    headline = report["interpretation"]["headline"]
    assert "KRAS G12C" in headline
    assert "bypass" in headline


def test_cohort_summary_counts_bypass_by_gene(pipeline_run, truth):
    summary = {r["metric"]: r["value"] for r in read_tsv(pipeline_run / "cohort" / "summary.tsv")}
    by_gene = summary["patients_with_bypass_by_gene"]
    for gene in ("KRAS", "BRAF", "EGFR", "PIK3CA", "MET"):
        assert gene in by_gene, by_gene
    assert "TP53" not in by_gene  # a co-mutation, not a bypass mechanism
    # The MultiQC "ALK resistance" section shows the same count, from the same computation.
    table = (pipeline_run / "qc" / "multiqc_custom" / "alkres_resistance_mqc.tsv").read_text()
    header = "\n".join(line[2:] for line in table.splitlines() if line.startswith("# "))
    assert f"by gene: {by_gene}" in yaml.safe_load(header)["description"]


def test_tp53_hotspot_codons_are_co_mutation_sites_never_bypass(pipeline_run, hotspots, truth):
    tp53 = [r for r in hotspots if r["gene"] == "TP53"]
    assert {r["codon"] for r in tp53} >= {"R175", "R248", "R273"}
    (r273h,) = [r for r in truth if r["gene"] == "TP53" and r["alteration"] == "R273H"]
    (call,) = [r for r in tp53 if r["sample_id"] == r273h["sample_id"] and r["codon"] == "R273"]
    assert call["status"] == "mutant", call
    report = json.loads(
        (pipeline_run / "patients" / r273h["patient_id"] / "report.json").read_text()
    )
    (biopsy,) = [b for b in report["biopsies"] if b["sample_id"] == r273h["sample_id"]]
    assert "R273H" in {r["alteration"] for r in biopsy["co_mutations"] if r["gene"] == "TP53"}
    assert "TP53" not in {r["gene"] for r in biopsy["bypass_alterations"]}
    assert "TP53" not in {r["gene"] for r in biopsy["bypass_hotspots"]}
    assert {r["gene"] for r in biopsy["co_mutation_hotspots"]} == {"TP53"}
    assert "TP53" not in report["interpretation"]["headline"]
