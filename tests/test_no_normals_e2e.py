"""A cohort without normals still runs: flat copy-number reference (flagged in QC) and the
default background error rate for the hotspot test."""

import json
import shutil

import pytest

from conftest import TEST_DATA, read_tsv, run_snakemake

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def tumours_only(tmp_path_factory):
    folder = tmp_path_factory.mktemp("no_normals")
    lines = (TEST_DATA / "samples.tsv").read_text().splitlines()
    header = next(line for line in lines if line.startswith("sample_id"))
    keep = [line for line in lines if line.split("\t")[0] in ("P01_T2", "P03_T1")]
    sheet = folder / "samples.tsv"
    sheet.write_text(
        "\n".join([header, *[line.replace("bams/", f"{TEST_DATA}/bams/") for line in keep]]) + "\n"
    )
    outdir = folder / "results"
    run_snakemake(
        "--cores", "2", "--config", f"samples={sheet}", "clinical=", f"outdir={outdir}", check=True
    )
    yield outdir
    shutil.rmtree(outdir, ignore_errors=True)


def test_flat_reference_is_flagged_in_qc(tumours_only):
    rows = read_tsv(tumours_only / "qc" / "qc_summary.tsv")
    assert {row["copy_number_reference"] for row in rows} == {"flat (no normals in the sheet)"}
    for row in rows:
        assert row["verdict"] == "warn"
        assert "flat copy-number reference" in row["reasons"]


def test_mutations_still_called_against_the_default_background(tumours_only):
    rows = read_tsv(tumours_only / "cohort" / "alterations.tsv")
    found = {
        (row["sample_id"], row["alteration"])
        for row in rows
        if row["classification"] == "resistance"
    }
    assert {("P01_T2", "G1202R"), ("P01_T2", "L1196M")} <= found
    background = read_tsv(tumours_only / "hotspots" / "background.tsv")
    assert background == []  # no normals: every site uses hotspots.default_error_rate


def test_copy_number_still_estimated(tumours_only):
    rows = read_tsv(tumours_only / "cohort" / "copy_number.tsv")
    kinase = {row["sample_id"]: row for row in rows if row["region"] == "ALK_kinase"}
    assert float(kinase["P03_T1"]["copy_number"]) > float(kinase["P01_T2"]["copy_number"]) + 3


def test_every_report_gives_the_qc_summary_verdict(tumours_only):
    """One final verdict: the flat-reference warning reads the same in qc_summary.tsv, each
    biopsy record and each patient report."""
    summary = {row["sample_id"]: row for row in read_tsv(tumours_only / "qc" / "qc_summary.tsv")}
    shown = {}
    for path in (tumours_only / "patients").glob("*/report.json"):
        for biopsy in json.loads(path.read_text())["biopsies"]:
            shown[biopsy["sample_id"]] = biopsy["qc"]
    records = {
        path.stem: json.loads(path.read_text())["qc"]
        for path in (tumours_only / "biopsies").glob("*.json")
    }
    assert set(shown) == set(records) == set(summary)
    for sample_id, row in summary.items():
        expected = {"verdict": row["verdict"], "reasons": row["reasons"]}
        assert shown[sample_id] == expected, sample_id
        assert records[sample_id] == expected, sample_id
        assert "flat copy-number reference" in shown[sample_id]["reasons"]
