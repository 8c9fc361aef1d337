"""ALK amplification calling on the bundled cohort, against the simulated copy numbers."""

import pytest

from conftest import read_tsv

pytestmark = pytest.mark.e2e


def simulated_copy_numbers(truth):
    return {
        row["sample_id"]: float(row["copy_number"])
        for row in truth
        if row["type"] == "amplification" and row["gene"] == "ALK"
    }


@pytest.fixture(scope="module")
def kinase_part(pipeline_run):
    rows = read_tsv(pipeline_run / "cohort" / "copy_number.tsv")
    return {row["sample_id"]: row for row in rows if row["region"] == "ALK_kinase"}


def test_amplified_samples_are_called_with_their_copy_number(pipeline_run, truth):
    simulated = simulated_copy_numbers(truth)
    calls = {
        row["sample_id"]: row
        for row in read_tsv(pipeline_run / "cohort" / "alterations.tsv")
        if row["type"] == "amplification" and row["gene"] == "ALK"
    }
    expected = {sample for sample, cn in simulated.items() if cn >= 6}
    assert set(calls) == expected
    for sample_id in expected:
        row = calls[sample_id]
        assert row["gene"] == "ALK" and row["alteration"] == "amplification"
        assert row["classification"] == "resistance"
        assert float(row["copy_number"]) == pytest.approx(simulated[sample_id], rel=0.25)
        assert row["detail"].startswith("ALK 3' kinase-domain part")


def test_gain_below_threshold_is_estimated_but_not_called(kinase_part, truth):
    for sample_id, copy_number in simulated_copy_numbers(truth).items():
        row = kinase_part[sample_id]
        assert float(row["copy_number"]) == pytest.approx(copy_number, rel=0.25)
        assert row["status"] == ("amplified" if copy_number >= 6 else "not_amplified")


def test_unamplified_tumours_stay_diploid(kinase_part, truth):
    amplified = set(simulated_copy_numbers(truth))
    for sample_id, row in kinase_part.items():
        if sample_id not in amplified:
            assert row["status"] == "not_amplified"
            assert float(row["copy_number"]) == pytest.approx(2.0, abs=0.3)


def test_genes_not_on_the_bundled_panel_are_not_assessable(pipeline_run):
    """KIT is neither on the bundled panel nor in its reference: said so, never "not
    amplified"; MET and NF2 are on the panel and assessed."""
    rows = read_tsv(pipeline_run / "cohort" / "copy_number.tsv")
    kit = [row for row in rows if row["region"] == "KIT"]
    assert kit and all(row["status"] == "not_assessable" for row in kit)
    for gene in ("MET", "NF2"):
        found = [row for row in rows if row["region"] == gene]
        assert found and all(row["status"] != "not_assessable" for row in found), gene


def test_copy_ratio_plot_per_tumour(pipeline_run, truth):
    for row in truth:
        if row["sample_type"] == "tumor":
            plot = pipeline_run / "cnv" / f"{row['sample_id']}.copy_ratio.png"
            assert plot.read_bytes()[:4] == b"\x89PNG"
