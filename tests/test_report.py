"""Patient and cohort reports: content from the tables, escaping, figures, self-containment."""

from __future__ import annotations

import json
import re

import pytest
from test_cohort import amplification, copy_number, hotspots, mutation, sample

from alkres.cohort import build_biopsies, follow_up
from alkres.knowledge import load_knowledge_base
from alkres.plots import codon_depth_profile, vaf_across_biopsies
from alkres.report import (
    codon_number,
    line_matrix,
    patient_report,
    render_cohort_html,
    render_patient_html,
    vaf_series,
)

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


def two_biopsies(detail="", specimen="tissue"):
    samples = [
        sample("P9_T1", "P9", "2023-01-01", ["crizotinib"]) | {"specimen": specimen},
        sample("P9_T2", "P9", "2024-01-01", ["crizotinib", "alectinib"]),
    ]
    alterations = [
        mutation("P9_T1", "L1196M", vaf="0.1") | {"detail": detail},
        mutation("P9_T2", "L1196M", vaf="0.2"),
        mutation("P9_T2", "G1202R", vaf="0.25"),
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
    follow = follow_up(biopsies, {"next_tki": "lorlatinib", "best_response": "PR"}, kb)
    report = patient_report("P9", biopsies, follow, kb, PROVENANCE)
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
    report = patient_report("P9", two_biopsies(), None, kb, PROVENANCE)
    series = vaf_series(report)
    assert series["L1196M"] == [0.1, 0.2]
    assert series["G1202R"] == [None, 0.25]  # G1202 was not assessable in P9_T1


def test_amplification_report_cites_sources(kb):
    samples = [sample("Q_T1", "Q", "2024-01-01", ["crizotinib"])]
    biopsies = build_biopsies(
        samples, {"Q_T1": {"verdict": "pass", "reasons": ""}}, [amplification("Q_T1")],
        hotspots("Q_T1"), copy_number("Q_T1", "amplified"),
    )  # fmt: skip
    report = patient_report("Q", biopsies, None, kb, PROVENANCE)
    assert report["biopsies"][0]["result"]["status"] == "mechanism"
    assert "ALK amplification (CN 10.0)" in report["biopsies"][0]["result"]["text"]
    statements = report["interpretation"]["amplification_statements"]
    assert statements and all(s["source"] for s in statements)


def test_sheet_text_is_escaped_not_rendered(kb):
    """Text from sheets and tables reaches HTML as text: markup is shown, never run."""
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    biopsies = two_biopsies(detail=payload, specimen=payload)
    report = patient_report("P9", biopsies, None, kb, PROVENANCE)
    html = render_patient_html(report, {})
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html


def test_patient_html_is_self_contained(kb):
    report = patient_report("P9", two_biopsies(), None, kb, PROVENANCE)
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
          "next_tki_predicted_active": "", "next_tki_activity": ""}],
        matrix, PROVENANCE,
    )  # fmt: skip
    assert "ALK mutation rate per biopsy after one TKI" in html
    assert 'href="../patients/P9/report.html"' in html
