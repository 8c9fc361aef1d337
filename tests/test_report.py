"""Patient and cohort reports: content from the tables, escaping, figures, self-containment."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from test_cohort import (
    NOT_ASSESSABLE,
    NOT_DETECTED,
    amplification,
    copy_number,
    fusion,
    fusion_alteration,
    fusion_cohort,
    fusion_status,
    hotspots,
    mutation,
    sample,
    with_fusions,
)

from alkres.biopsy.biopsy import (
    ISOFORM_NOTES,
    NAMING_NOTE,
    biopsy_record,
    build_biopsies,
    load_context,
)
from alkres.knowledge.knowledge import load_knowledge_base
from alkres.knowledge.transcript import DEFAULT_RESOURCES_DIR
from alkres.reports.cohort_report import (
    METRIC_LABELS,
    fusion_variant_rows,
    line_matrix,
    patient_rows,
    resistance_rows,
)
from alkres.reports.html import render_cohort_html, render_patient_html
from alkres.reports.multiqc import write_fusion_variant_table, write_resistance_table
from alkres.reports.patient_report import codon_number, patient_report, vaf_series
from alkres.reports.patients import follow_up
from alkres.reports.plots import codon_depth_profile, vaf_across_biopsies

PROVENANCE = {
    "alkres_version": "0.1.0",
    "knowledge_base_version": "test",
    "reference_build": "GRCh38",
    "tools": {"samtools": "1.16.1"},
    "thresholds": {"alpha": "1e-06"},
}


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def records_of(biopsies):
    """The biopsies' records, as rule biopsy writes them."""
    context = load_context()
    return [biopsy_record(biopsy, context) for biopsy in biopsies]


def two_biopsies(detail="", specimen="tissue"):
    samples = [
        sample("P9_T1", "P9", "2023-01-01", ["crizotinib"]) | {"specimen": specimen},
        sample("P9_T2", "P9", "2024-01-01", ["crizotinib", "alectinib"]),
    ]
    alterations = [
        mutation("P9_T1", "L1196M", vaf="0.1") | {"detail": detail},
        # Reads put them on different molecules: lorlatinib acts on each clone.
        mutation("P9_T2", "L1196M", vaf="0.2", phase="trans with G1202R (0 carry both)"),
        mutation("P9_T2", "G1202R", vaf="0.25", phase="trans with L1196M (0 carry both)"),
    ]
    statuses = {"P9_T1": {"G1202": "not_assessable"}}
    return build_biopsies(
        samples,
        {s["sample_id"]: {"verdict": "pass", "reasons": ""} for s in samples},
        alterations,
        [r for s in samples for r in hotspots(s["sample_id"], statuses.get(s["sample_id"]))],
        [r for s in samples for r in copy_number(s["sample_id"])],
    )


@pytest.mark.parametrize(
    "label, number", [("G1202", 1202), ("G1202del", 1202), ("T1151dup", 1151), ("I1171", 1171)]
)
def test_codon_number(label, number):
    assert codon_number(label) == number


def test_codon_number_rejects_other_text():
    with pytest.raises(ValueError, match="not a codon label"):
        codon_number("G1202R")


def test_report_holds_table_values_verbatim_and_latest_interpretation(kb):
    biopsies = two_biopsies()
    follow = follow_up(biopsies, {"next_tki": "lorlatinib", "best_response": "PR"})
    report = patient_report("P9", records_of(biopsies), follow, PROVENANCE)
    json.dumps(report)  # JSON-ready
    assert [b["sample_id"] for b in report["biopsies"]] == ["P9_T1", "P9_T2"]
    assert report["biopsies"][1]["alk_alterations"][1]["vaf"] == "0.25"
    assert report["biopsies"][0]["prior_tkis"] == ["crizotinib"]
    assert report["biopsies"][1]["progressed_on"] == "alectinib"
    interpretation = report["interpretation"]
    assert interpretation["sample_id"] == "P9_T2"
    assert interpretation["alterations"] == ["L1196M", "G1202R"]
    verdicts = {row["tki"]: row["activity"] for row in interpretation["tkis"]}
    assert verdicts["crizotinib"] == "resistant" and verdicts["lorlatinib"] == "sensitive"
    assert "lorlatinib" in interpretation["predicted_active"]
    assert all(s["source"] for row in interpretation["tkis"] for s in row["statements"])
    assert report["follow_up"]["next_tki_activity"] == "sensitive"
    assert "not a prescription" in interpretation["decision_support"]


def test_vaf_series_zero_when_wild_type_none_when_not_assessable(kb):
    report = patient_report("P9", records_of(two_biopsies()), None, PROVENANCE)
    series = vaf_series(report)
    assert series["L1196M"] == [0.1, 0.2]
    assert series["G1202R"] == [None, 0.25]  # G1202 was not assessable in P9_T1


def test_amplification_report_cites_sources(kb):
    samples = [sample("Q_T1", "Q", "2024-01-01", ["crizotinib"])]
    biopsies = build_biopsies(
        samples, {"Q_T1": {"verdict": "pass", "reasons": ""}}, [amplification("Q_T1")],
        hotspots("Q_T1"), copy_number("Q_T1", "amplified"),
    )  # fmt: skip
    report = patient_report("Q", records_of(biopsies), None, PROVENANCE)
    assert report["biopsies"][0]["result"]["status"] == "mechanism"
    assert "ALK amplification (CN 10.0)" in report["biopsies"][0]["result"]["text"]
    mechanisms = report["interpretation"]["mechanisms"]
    assert [m["kind"] for m in mechanisms] == ["amplification"]
    assert all(m["source"] and m["implication"] for m in mechanisms)
    assert "ALK amplification" in report["interpretation"]["headline"]


def test_sheet_text_is_escaped_not_rendered(kb):
    """Text from sheets and tables reaches HTML as text: markup is shown, never run."""
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    biopsies = two_biopsies(detail=payload, specimen=payload)
    report = patient_report("P9", records_of(biopsies), None, PROVENANCE)
    html = render_patient_html(report, {})
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html


def test_patient_html_is_self_contained(kb):
    report = patient_report("P9", records_of(two_biopsies()), None, PROVENANCE)
    series = vaf_series(report)
    figures = {
        "vaf": vaf_across_biopsies(["P9_T1", "P9_T2"], series),
        "depth": {
            "P9_T2": codon_depth_profile(
                [1200, 1201, 1202],
                [500, 480, 470],
                [{"codon_number": 1202, "depth": "470", "status": "mutant"}],
                {23: 1200},
                None,
                "t",
            )  # fmt: skip
        },
    }
    html = render_patient_html(report, figures)
    assert html.count("<svg") == 2
    # Nothing fetched from elsewhere: no external scripts, stylesheets, fonts or images.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "<link" not in html and "<script" not in html
    assert "TKI resistance report: patient" in html and "Decision support" in html


def test_figures_are_deterministic():
    first = vaf_across_biopsies(["A", "B"], {"L1196M": [0.1, 0.2]})
    assert first == vaf_across_biopsies(["A", "B"], {"L1196M": [0.1, 0.2]})


def test_cohort_matrix_and_html():
    biopsies = two_biopsies()
    matrix = line_matrix(biopsies)
    assert matrix["lines"] == [1, 2]
    assert matrix["patients"]["P9"][2]["css"] == "mutation"
    assert matrix["patients"]["P9"][2]["biopsies"][0]["text"] == "L1196M, G1202R"
    html = render_cohort_html(
        [{"metric": "alk_mutation_rate_after_one_tki", "value": "1/1 (100%)"}],
        [{"patient_id": "P9", "tki_lines": "", "mechanisms": "x", "status": "mechanism",
          "progressed_on": "", "next_tki": "", "best_response": "",
          "next_tki_predicted_active": "", "next_tki_activity": "",
          "fusion_variant": "EML4-ALK E13;A20 (v1)"}],
        matrix, PROVENANCE, METRIC_LABELS,
    )  # fmt: skip
    assert "ALK mutation rate per biopsy after one TKI" in html
    assert 'href="../patients/P9/report.html"' in html
    assert "<th>ALK fusion</th>" in html and "EML4-ALK E13;A20 (v1)" in html


def one_biopsy(fusions, status, alterations=(), tkis=("alectinib",)):
    s = [sample("F_T1", "F", "2024-01-01", list(tkis))]
    return with_fusions((s, list(alterations)), fusions, [status])


def test_fusion_section_shows_v3_evidence_and_sourced_notes(kb):
    row = fusion("F_T1") | {"callers": "delly: detected (filtered)",
                            "agreement": "disagree: delly"}  # fmt: skip
    biopsies = one_biopsy([row], fusion_status("F_T1"), [fusion_alteration("F_T1")])
    report = patient_report("F", records_of(biopsies), None, PROVENANCE)
    json.dumps(report)
    section = report["biopsies"][0]["fusion"]
    assert section["result"] == "detected" and section["status"] == "detected"
    assert section["text"] == "ALK fusion detected: EML4-ALK E6;A20 (v3a/b)."
    (shown,) = section["fusions"]
    assert (shown["partner"], shown["exon_pair"], shown["variant"]) == ("EML4", "E6;A20", "v3a/b")
    assert shown["alk_breakpoint"] == "chr2:29224100"
    assert shown["partner_breakpoint"] == "chr2:42270000"
    assert (shown["split_fragments"], shown["discordant_fragments"]) == ("20", "10")
    assert shown["callers"] == [{"caller": "delly", "verdict": "detected (filtered)"}]
    assert shown["agreement"] == "disagree: delly"
    assert shown["variant_name"]["variant"] == "v3a/b"
    sources = [note["source"] for note in shown["variant_notes"]]
    assert any(source.startswith("Lin JJ et al., J Clin Oncol 2018") for source in sources)
    assert any(source.startswith("Christopoulos P et al., Int J Cancer 2018") for source in sources)
    assert any("PMID 30902613" in source for source in sources)  # ALEX: no effect on PFS
    assert all(note["statement"] and note["source"] for note in shown["variant_notes"])
    assert shown["isoform_note"]["statement"].startswith("DNA cannot tell v3a from v3b")
    assert section["negative_caveat"] == ""
    assert section["alterations"][0]["type"] == "fusion"
    assert report["biopsies"][0]["result"]["status"] == "negative"  # never a mechanism
    html = render_patient_html(report, {})
    assert "<h3>ALK fusion</h3>" in html
    # The exon pair comes before the variant name.
    assert html.index("exon pair E6;A20") < html.index("variant v3a/b")
    assert "chr2:29224100" in html and "chr2:42270000" in html
    assert "DNA cannot tell v3a from v3b" in html and "Nagasaka &amp; Ou" in html
    assert "Source: Lin JJ et al., J Clin Oncol 2018" in html
    assert "Source: Christopoulos P et al., Int J Cancer 2018" in html
    assert "ALEX trial" in html and "Agreement: disagree: delly" in html
    assert NAMING_NOTE["statement"].split(" (")[0] in html


def test_v1_fusion_shows_its_note(kb):
    biopsies = one_biopsy([fusion("F_T1", "v1")], fusion_status("F_T1"))
    report = patient_report("F", records_of(biopsies), None, PROVENANCE)
    (shown,) = report["biopsies"][0]["fusion"]["fusions"]
    assert shown["exon_pair"] == "E13;A20" and shown["isoform_note"] is None
    assert [n["source"] for n in shown["variant_notes"]] == [
        "Lin JJ et al., J Clin Oncol 2018;36(12) (abstract)"
    ]
    html = render_patient_html(report, {})
    assert "G1202R in none of v1" in html and "DNA cannot tell" not in html


def test_fusion_not_detected_says_the_negative_is_weaker(kb):
    below = fusion("F_T1", alkres="below threshold", supporting="2")
    biopsies = one_biopsy([below], fusion_status("F_T1", NOT_DETECTED))
    report = patient_report("F", records_of(biopsies), None, PROVENANCE)
    section = report["biopsies"][0]["fusion"]
    assert section["result"] == "not detected" and section["status"] == NOT_DETECTED
    assert section["fusions"] == [] and section["other_evidence"][0]["alkres"] == "below threshold"
    assert "weakens a negative mutation result" in section["negative_caveat"]
    html = render_patient_html(report, {})
    assert "fusion not detected: tumour content may be too low for a confident negative" in html
    assert "weakens a negative mutation result" in html
    assert "150 fragments span ALK intron 19; 118 needed to see a fusion at 5%" in html
    # With a mutation found, the caveat is about the other codons.
    biopsies = one_biopsy([], fusion_status("F_T1", NOT_DETECTED), [mutation("F_T1", "G1202R")])
    section = patient_report("F", records_of(biopsies), None, PROVENANCE)["biopsies"][0]["fusion"]
    assert "weakens a negative mutation result at the other codons" in section["negative_caveat"]


def test_fusion_not_assessable_gives_the_status_without_the_caveat(kb):
    biopsies = one_biopsy([], fusion_status("F_T1", NOT_ASSESSABLE))
    report = patient_report("F", records_of(biopsies), None, PROVENANCE)
    section = report["biopsies"][0]["fusion"]
    assert section["result"] == "not assessable" and section["negative_caveat"] == ""
    html = render_patient_html(report, {})
    assert NOT_ASSESSABLE in html and "weakens a negative" not in html


def test_isoform_and_naming_sources_are_those_of_the_naming_table():
    table = (DEFAULT_RESOURCES_DIR / "eml4_alk_variants.tsv").read_text()
    assert "doi 10.1016/j.jtho.2021.11.010" in ISOFORM_NOTES["v3a/b"]["source"]
    assert "Nagasaka & Ou, J Thorac Oncol 2021 (doi 10.1016/j.jtho.2021.11.010)" in table
    assert "10.1016/j.lungcan.2021.06.012" in table and "Clin Cancer Res 2008;14(20):6618" in table


def test_cohort_html_shows_the_variant_table_with_its_source(kb):
    biopsies = fusion_cohort()
    html = render_cohort_html(
        [], patient_rows(biopsies, {}), line_matrix(biopsies), PROVENANCE, METRIC_LABELS,
        fusion_variant_rows(biopsies),
    )  # fmt: skip
    assert 'id="fusion-variants"' in html
    assert "Association reported by Lin et al., J Clin Oncol 2018" in html
    assert "Source: Lin JJ et al., J Clin Oncol 2018;36(12) (abstract)" in html
    assert "<td>v3a/b</td>" in html and "1/3 (33%)" in html


def test_multiqc_tables_carry_the_fusion(tmp_path):
    biopsies = fusion_cohort()
    write_resistance_table(resistance_rows(biopsies), tmp_path / "resistance_mqc.tsv")
    write_fusion_variant_table(fusion_variant_rows(biopsies), tmp_path / "fusion_mqc.tsv")
    resistance = (tmp_path / "resistance_mqc.tsv").read_text()
    assert "title: Fusion" in resistance and "EML4-ALK E6;A20 (v3a/b)" in resistance
    assert "by gene" not in resistance  # no count given, none shown
    write_resistance_table(resistance_rows(biopsies), tmp_path / "counted_mqc.tsv",
                           "KRAS 1/3 (33%); MET 2/3 (67%)")  # fmt: skip
    header = "\n".join(
        line[2:] for line in (tmp_path / "counted_mqc.tsv").read_text().splitlines()
        if line.startswith("# ")
    )  # fmt: skip
    assert (
        "Patients with a bypass alteration, by gene: KRAS 1/3 (33%); MET 2/3 (67%)"
        in yaml.safe_load(header)["description"]
    )
    text = (tmp_path / "fusion_mqc.tsv").read_text()
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert [line.split("\t")[0] for line in lines[1:]] == [
        "v1", "v2", "v3a/b", "other", "not detected", "not assessable"
    ]  # fmt: skip
    assert "id: alkres_fusion_variants" in (tmp_path / "fusion_mqc.tsv").read_text()
