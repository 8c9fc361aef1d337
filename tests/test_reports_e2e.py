"""Patient and cohort reports of the bundled cohort: traced to the tables, true to the
simulated truth, and rendered by a real browser (headless Chromium)."""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import subprocess
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest

from alkres.defaults import section_defaults
from conftest import TEST_DATA, read_tsv, run_snakemake

pytestmark = pytest.mark.e2e
SMALL_VARIANT_TYPES = {"snv", "mnv", "indel"}
CHROMIUM = next((name for name in ("chromium", "chromium-browser") if shutil.which(name)), None)


@pytest.fixture(scope="module")
def tables(pipeline_run):
    cohort = pipeline_run / "cohort"
    return {
        "alterations": read_tsv(cohort / "alterations.tsv"),
        "hotspots": read_tsv(cohort / "hotspots.tsv"),
        "copy_number": read_tsv(cohort / "copy_number.tsv"),
        "qc": {row["sample_id"]: row for row in read_tsv(pipeline_run / "qc" / "qc_summary.tsv")},
    }


@pytest.fixture(scope="module")
def samples():
    return [row for row in read_tsv(TEST_DATA / "samples.tsv") if row["sample_type"] == "tumor"]


@pytest.fixture(scope="module")
def reports(pipeline_run, samples):
    patients = sorted({row["patient_id"] for row in samples})
    return {
        patient: json.loads((pipeline_run / "patients" / patient / "report.json").read_text())
        for patient in patients
    }


def test_one_report_per_patient_biopsies_in_date_order(reports, samples):
    for patient, report in reports.items():
        dates = {row["sample_id"]: row["collection_date"] for row in samples}
        listed = [b["sample_id"] for b in report["biopsies"]]
        assert sorted(listed) == sorted(
            r["sample_id"] for r in samples if r["patient_id"] == patient
        )
        assert listed == sorted(listed, key=lambda s: dates[s]), patient
        assert report["latest_biopsy"] == listed[-1]


def test_every_report_value_is_a_row_of_the_tables(reports, tables):
    """Alterations, hotspot rows and copy numbers in report.json equal their table rows."""
    alteration_rows = defaultdict(list)
    for row in tables["alterations"]:
        alteration_rows[row["sample_id"]].append(row)
    for report in reports.values():
        for biopsy in report["biopsies"]:
            sample_id = biopsy["sample_id"]
            shown = biopsy["alk_alterations"] + biopsy["bypass_alterations"]
            shown += biopsy["co_mutations"] + biopsy["other_variants"]
            shown += biopsy["fusion"]["alterations"]
            assert len(shown) == len(alteration_rows[sample_id]), sample_id
            for item in shown:
                matches = [
                    row for row in alteration_rows[sample_id]
                    if all(row[key] == value for key, value in item.items())
                ]  # fmt: skip
                assert matches, (sample_id, item)
            # ALK's codons, the bypass hotspots, and TP53's hotspot codons (co-mutation sites)
            for section, genes in (
                ("hotspots", lambda gene: gene == "ALK"),
                ("bypass_hotspots", lambda gene: gene not in ("ALK", "TP53")),
                ("co_mutation_hotspots", lambda gene: gene == "TP53"),
            ):
                table_hotspots = [
                    {k: row[k] for k in ("codon", "depth", "status", "detail", "lod_vaf")}
                    for row in tables["hotspots"]
                    if row["sample_id"] == sample_id and genes(row["gene"])
                ]
                # The hotspot call as the table has it; the status weighed against the tumour
                # content may only turn a wild type into not assessable, with the reason.
                shown_hotspots = [
                    {**{k: h[k] for k in ("codon", "depth", "detail", "lod_vaf")},
                     "status": h["call"]}
                    for h in biopsy[section]
                ]  # fmt: skip
                assert shown_hotspots == table_hotspots, (sample_id, section)
            shown = biopsy["hotspots"] + biopsy["bypass_hotspots"] + biopsy["co_mutation_hotspots"]
            for h in shown:
                assert h["status"] == h["call"] or (
                    h["call"] == "wild_type" and h["status"] == "not_assessable" and h["assessment"]
                ), (sample_id, h)
            for item in biopsy["copy_number"]:
                assert any(
                    row["sample_id"] == sample_id and all(row[k] == v for k, v in item.items())
                    for row in tables["copy_number"]
                ), (sample_id, item)
            assert biopsy["qc"]["verdict"] == tables["qc"][sample_id]["verdict"]


def test_fusion_sections_are_the_fusion_tables(reports, pipeline_run):
    """Each biopsy's fusion section: status.json's status and the detected rows of fusions.tsv,
    value for value."""
    for report in reports.values():
        for biopsy in report["biopsies"]:
            sample_id, section = biopsy["sample_id"], biopsy["fusion"]
            rows = read_tsv(pipeline_run / "fusions" / f"{sample_id}.fusions.tsv")
            status = json.loads((pipeline_run / "fusions" / f"{sample_id}.status.json").read_text())
            assert section["status"] == status["status"], sample_id
            assert sorted(f["fusion"] for f in section["fusions"]) == sorted(status["fusions"])
            detected = {row["fusion"]: row for row in rows if row["alkres"] == "detected"}
            for shown in section["fusions"]:
                row = detected[shown["fusion"]]
                for key in ("exon_pair", "variant", "split_fragments", "discordant_fragments",
                            "supporting_fragments", "fraction", "agreement"):  # fmt: skip
                    assert shown[key] == row[key], (sample_id, key)
                assert shown["alk_breakpoint"] == f"{row['alk_chrom']}:{row['alk_pos']}"
            if status["status"].startswith("fusion not detected"):
                assert "weakens a negative mutation result" in section["negative_caveat"]


def test_reports_show_the_simulated_truth(reports, truth):
    min_copy_number = section_defaults("copy_number", "amplification")["min_copy_number"]
    biopsies = {b["sample_id"]: b for r in reports.values() for b in r["biopsies"]}
    for row in truth:
        if row["sample_type"] != "tumor" or row["alteration"] == "none":
            continue
        if row["gene"] != "ALK":  # bypass and co-mutations: tests/test_bypass_e2e.py
            continue
        biopsy = biopsies[row["sample_id"]]
        names = [a["alteration"] for a in biopsy["alk_alterations"]]
        if row["type"] == "fusion":
            # The driver: shown in the fusion section, unless too few fragments to see it.
            labels = [f["fusion"] for f in biopsy["fusion"]["fusions"]]
            assert row["alteration"] in labels or biopsy["fusion"]["result"] == "not assessable"
            assert row["alteration"] not in names
        elif row["type"] in SMALL_VARIANT_TYPES:
            assert row["alteration"] in names, row["sample_id"]
            shown = next(
                a for a in biopsy["alk_alterations"] if a["alteration"] == row["alteration"]
            )
            assert math.isclose(float(shown["vaf"]), float(row["vaf"]), abs_tol=0.05)
            assert shown["hgvs_c"].endswith(row["hgvs_c"])
        elif float(row["copy_number"]) >= min_copy_number:
            assert "amplification" in names, row["sample_id"]
        else:
            assert "amplification" not in names, row["sample_id"]


def test_negative_biopsies_say_confident_or_inconclusive(reports, tables, truth):
    with_truth = {row["sample_id"] for row in truth if row["alteration"] != "none"}
    for report in reports.values():
        for biopsy in report["biopsies"]:
            result = biopsy["result"]
            if biopsy["alk_alterations"]:
                assert result["status"] == "mechanism"
                continue
            if tables["qc"][biopsy["sample_id"]]["verdict"] == "fail":
                assert result["status"] == "inconclusive"
                assert "panel QC failed" in result["text"]
                assert "cannot be ruled out" in result["text"]
                assert "wild type" not in " ".join(h["status"] for h in biopsy["hotspots"])
            elif biopsy["fusion"]["result"] == "not detected":
                # P04: no fusion where the depth could show one, so no confident negative.
                assert result["status"] == "inconclusive", biopsy["sample_id"]
                assert "tumour content may be too low" in result["text"]
            elif biopsy["sample_id"] not in with_truth:
                assert result["status"] == "negative", biopsy["sample_id"]
                assert "confident negative" in result["text"]


def test_compound_is_interpreted_as_a_unit(reports):
    """P01's latest biopsy carries G1202R+L1196M in cis: no verified statement covers the
    compound, so lorlatinib (active on each part alone) is not predicted active."""
    interpretation = reports["P01"]["interpretation"]
    assert interpretation["compounds"][0]["catalogued_as"] == "G1202R+L1196M"
    verdicts = {row["tki"]: row for row in interpretation["tkis"]}
    assert verdicts["lorlatinib"]["activity"] == "unknown"
    assert "no statement covers G1202R+L1196M" in verdicts["lorlatinib"]["basis"]
    assert "lorlatinib" not in interpretation["predicted_active"]
    for row in interpretation["tkis"]:
        assert all(s["source"] and s["level"] for s in row["statements"]), row["tki"]


APPROVED = {"crizotinib", "ceritinib", "alectinib", "brigatinib", "lorlatinib", "ensartinib"}


def test_only_approved_alk_tkis_are_predicted_active_and_every_alteration_has_a_tier(
    pipeline_run, reports, tables
):
    """The bundled cohort: the predicted-active lists hold approved ALK TKIs only, the TKI
    matrix holds no tool compound, and every alteration (table, record, report) has a tier
    with its reason."""
    for patient, report in reports.items():
        interpretation = report["interpretation"]
        assert set(interpretation["predicted_active"]) <= APPROVED, patient
        drugs = {row["tki"] for row in interpretation["tkis"]}
        assert drugs <= APPROVED | {"neladalkib"}, patient
        for biopsy in report["biopsies"]:
            for row in biopsy["alk_alterations"] + biopsy["bypass_alterations"]:
                assert row["tier"] in ("I", "II", "III", "IV") and row["tier_reason"], row
    assert tables["alterations"]
    for row in tables["alterations"]:
        assert row["tier"] in ("I", "II", "III", "IV") and row["tier_reason"], row
        if row["type"] == "fusion":
            assert (row["tier"], row["tier_level"]) == ("I", "A")
    html = (pipeline_run / "patients" / "P01" / "report.html").read_text()
    assert "Approved ALK TKIs predicted active" in html and ">Tier<" in html
    for name in ("tanespimycin", "tae684", "gilteritinib"):
        assert name not in reports["P01"]["interpretation"]["predicted_active"]


def test_headline_weighs_amplification(reports):
    """P03 carries an ALK amplification: the headline names it with its implication."""
    headline = reports["P03"]["interpretation"]["headline"]
    assert "ALK amplification" in headline
    assert reports["P03"]["interpretation"]["mechanisms"][0]["source"]


def test_methods_name_versions_and_thresholds(reports):
    provenance = reports["P01"]["provenance"]
    assert re.match(r"^\d{4}\.\d{2}\.\d{2}-\d+$", provenance["knowledge_base_version"])
    assert provenance["reference_build"] == "GRCh38"
    for tool in ("samtools", "bcftools", "freebayes", "mosdepth", "delly", "cnvkit"):
        assert re.match(r"^\d+\.\d+", provenance["tools"][tool]), tool
    assert provenance["thresholds"]


def expected_summary(truth, samples, clinical_rows, qc):
    """The bundled cohort's figures from its truth table (amplifications from CN 6 up)."""
    mutated = defaultdict(set)
    amplified = set()
    bypass = set()
    for row in truth:
        if row["gene"] not in ("ALK", "", "TP53") and row["type"] != "polysomy":
            bypass.add(row["sample_id"])
        elif row["gene"] != "ALK":
            continue
        elif row["type"] in SMALL_VARIANT_TYPES:
            mutated[row["sample_id"]].add(row["alteration"])
        elif row["type"] == "amplification" and float(row["copy_number"]) >= 6:
            amplified.add(row["sample_id"])
    patient_of = {row["sample_id"]: row["patient_id"] for row in samples}
    n_tkis = {row["sample_id"]: len(row["prior_tkis"].split(";")) for row in samples}
    patients = set(patient_of.values())
    mutation_patients = {patient_of[s] for s in mutated}
    bypass_patients = {patient_of[s] for s in bypass}
    mechanism_patients = mutation_patients | {patient_of[s] for s in amplified} | bypass_patients
    per_patient = defaultdict(set)
    for sample_id, names in mutated.items():
        per_patient[patient_of[sample_id]] |= names
    one = [s for s in n_tkis if n_tkis[s] == 1]
    more = [s for s in n_tkis if n_tkis[s] >= 2]

    def rate(k, n):
        return f"{k}/{n} ({math.floor(100 * k / n + 0.5)}%)"

    return {
        "patients_rebiopsied": str(len(patients)),
        "tumour_biopsies": str(len(samples)),
        "patients_with_resistance_mechanism": rate(len(mechanism_patients), len(patients)),
        "alk_mutations": str(sum(len(v) for v in per_patient.values())),
        "patients_with_alk_mutation": rate(len(mutation_patients), len(patients)),
        "patients_with_alk_amplification": rate(
            len({patient_of[s] for s in amplified}), len(patients)
        ),
        "patients_with_bypass_alteration": rate(len(bypass_patients), len(patients)),
        "alk_mutation_rate_after_one_tki": rate(sum(s in mutated for s in one), len(one)),
        "alk_mutation_rate_after_two_or_more_tkis": rate(
            sum(s in mutated for s in more), len(more)
        ),
        "inconclusive_biopsies_after_two_or_more_tkis": rate(
            sum(qc[s]["verdict"] == "fail" for s in more), len(more)
        ),
    }


def test_cohort_summary_matches_the_truth(pipeline_run, truth, samples, tables):
    summary = {r["metric"]: r["value"] for r in read_tsv(pipeline_run / "cohort" / "summary.tsv")}
    clinical = read_tsv(TEST_DATA / "clinical.tsv")
    for metric, value in expected_summary(truth, samples, clinical, tables["qc"]).items():
        assert summary[metric] == value, metric


def test_cohort_follow_up_uses_predictions(pipeline_run):
    """P01 (compound; lorlatinib not predicted active) had PR; P02 (T1151dup; brigatinib
    predicted active) had SD: one response out of two switches, disease control 1/1."""
    summary = {r["metric"]: r["value"] for r in read_tsv(pipeline_run / "cohort" / "summary.tsv")}
    patients = {r["patient_id"]: r for r in read_tsv(pipeline_run / "cohort" / "patients.tsv")}
    assert patients["P01"]["next_tki_predicted_active"] == "no"
    assert patients["P02"]["next_tki_predicted_active"] == "yes"
    assert patients["P03"]["next_tki_predicted_active"] == ""  # amplification, no mutation
    assert summary["response_to_different_tki_after_mutation"] == "1/2 (50%)"
    assert summary["disease_control_when_predicted_active"] == "1/1 (100%)"


def test_multiqc_has_the_alk_resistance_section(pipeline_run, samples):
    table = (pipeline_run / "qc" / "multiqc_custom" / "alkres_resistance_mqc.tsv").read_text()
    assert "section_name: ALK resistance" in table
    report = (pipeline_run / "qc" / "multiqc_report.html").read_text()
    assert "alkres_resistance" in report and "ALK resistance" in report
    rows = [line.split("\t")[0] for line in table.splitlines() if not line.startswith("#")]
    assert sorted(rows[1:]) == sorted(row["sample_id"] for row in samples)
    assert "alkres_fusion_variants" in report
    variants = read_tsv(pipeline_run / "cohort" / "fusion_variants.tsv")
    patients = {row["patient_id"] for row in samples}
    assert sum(int(row["patients"]) for row in variants) == len(patients)


def test_html_reports_are_self_contained(pipeline_run, samples):
    pages = [
        *(pipeline_run / "patients").glob("*/report.html"),
        pipeline_run / "cohort" / "report.html",
    ]
    tumour_patients = {row["patient_id"] for row in samples if row["sample_type"] == "tumor"}
    assert len(pages) == len(tumour_patients) + 1
    for page in pages:
        text = page.read_text()
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), page
        assert "<script" not in text and "<link" not in text and "@import" not in text, page


def chromium(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    profile = Path(__import__("tempfile").mkdtemp(prefix="alkres-chromium-"))
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make setup-dev installs it)")
def test_patient_report_renders_in_chromium(pipeline_run, tmp_path):
    page = pipeline_run / "patients" / "P01" / "report.html"
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", page.as_uri()).stdout
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", dom, flags=re.S))
    text = html.unescape(re.sub(r"\s+", " ", text))
    assert 'id="patient-id">P01<' in dom
    for expected in ("G1202R+L1196M (cis)", "NP_004295.2:p.Gly1202Arg", "NM_004304.5:c.3604G>A",
                     "ALK hotspot assessment: every catalogued codon", "wild type; detectable down to",
                     "Decision support, not a prescription", "knowledge base 2026"):  # fmt: skip
        assert expected in text, expected
    assert dom.count("<svg") == 3  # VAF across biopsies + one depth profile per biopsy
    assert dom.count('src="data:image/png;base64,') == 2  # copy-ratio plots
    screenshot = tmp_path / "P01.png"
    chromium("--window-size=1300,3000", f"--screenshot={screenshot}", page.as_uri())
    from PIL import Image

    with Image.open(screenshot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # rendered content, not a blank page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make setup-dev installs it)")
def test_cohort_and_inconclusive_reports_render_in_chromium(pipeline_run):
    dom = chromium("--dump-dom", (pipeline_run / "cohort" / "report.html").as_uri()).stdout
    assert 'id="matrix"' in dom and 'id="summary"' in dom
    assert "ALK mutation rate per biopsy after one TKI" in dom
    assert 'class="mutation"' in dom and 'class="amplification"' in dom
    dom = chromium(
        "--dump-dom", (pipeline_run / "patients" / "P05" / "report.html").as_uri()
    ).stdout
    assert "inconclusive" in dom and "A mechanism cannot be ruled out" in dom
    assert "not assessable" in dom


def test_snakemake_report_bundles_the_reports(pipeline_run, tmp_path):
    """`snakemake --report` gathers the report()-tagged outputs into one browsable bundle."""
    bundle = tmp_path / "alkres_report.zip"
    run_snakemake("--report", str(bundle), "--config", f"outdir={pipeline_run}", check=True)
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
    assert sum(name.endswith("/report.html") for name in names) >= 8  # 7 patients + cohort
    assert any(name.endswith("/summary.tsv") for name in names)
    assert any(name.endswith("/multiqc_report.html") for name in names)
