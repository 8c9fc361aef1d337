"""The whole workflow on the bundled synthetic cohort, checked against the simulated truth."""

import re
from statistics import mean, median

import pytest
from simulate import amplification_multiplier

from alkres.knowledge.catalogue import catalogued_hotspots
from conftest import read_tsv

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def qc_rows(pipeline_run):
    return {row["sample_id"]: row for row in read_tsv(pipeline_run / "qc" / "qc_summary.tsv")}


def simulated_depths(truth):
    return {row["sample_id"]: float(row["simulated_depth"]) for row in truth}


def test_every_sample_has_a_qc_row(qc_rows, truth):
    assert set(qc_rows) == {row["sample_id"] for row in truth}


def test_mean_target_depth_matches_simulated_depth(qc_rows, truth, pipeline_run):
    """ART's fold coverage is the mean read-base coverage of an island (target + flanks).
    Within a target depth runs a little higher (fragments pile up mid-island) and mosdepth
    counts overlapping mates once, so the target depth lands within 20% of it. The amplified
    sample is checked over its non-amplified targets only."""
    for sample_id, simulated in simulated_depths(truth).items():
        regions = read_regions(pipeline_run / "qc" / "mosdepth" / f"{sample_id}.regions.bed.gz")
        amplified = sample_id in amplified_samples(truth)
        unamplified = [
            depth for name, depth in regions if not (amplified and alk_3prime_target(name))
        ]
        assert 0.85 * simulated <= median(unamplified) <= 1.2 * simulated, sample_id
        gained = any(
            row["sample_id"] == sample_id and row["type"] in ("amplification", "polysomy")
            for row in truth
        )
        if not gained:
            assert (
                0.85 * simulated
                <= float(qc_rows[sample_id]["mean_target_depth"])
                <= 1.2 * simulated
            )


def amplified_samples(truth):
    """Depth multiplier of each sample's amplified ALK 3' part, from its simulated copy number and purity."""
    return {
        row["sample_id"]: amplification_multiplier(
            float(row["copy_number"]), float(row["tumor_purity"])
        )
        for row in truth
        if row["type"] == "amplification" and row["gene"] == "ALK"
    }


def amplified_depth_multiplier(truth, sample_id="P03_T1"):
    return amplified_samples(truth)[sample_id]


def test_amplified_alk_targets_have_more_depth(pipeline_run, truth):
    """Per-target depth against the normals' mean (as a copy-number reference does): the
    kinase-domain exons carry the simulated gain, the 5' exons none."""

    def depths(sample_id):
        return dict(read_regions(pipeline_run / "qc" / "mosdepth" / f"{sample_id}.regions.bed.gz"))

    tumour = depths("P03_T1")
    normals = [depths(f"N0{n}") for n in range(1, 5)]
    ratio = {name: tumour[name] / mean(normal[name] for normal in normals) for name in tumour}
    controls = median(value for name, value in ratio.items() if name.startswith("CTRL_"))
    kinase = median(ratio[f"ALK_exon{n}"] for n in range(20, 30)) / controls
    five_prime = median(ratio[f"ALK_exon{n}"] for n in range(1, 20)) / controls
    assert kinase == pytest.approx(amplified_depth_multiplier(truth), rel=0.1)
    assert five_prime == pytest.approx(1.0, abs=0.1)


NOT_DETECTED = "warn: fusion not detected: tumour content may be too low for a confident negative"


def test_verdicts(qc_rows, truth):
    """Shallow libraries fail on depth. A deep tumour without a fusion (no tumour cells, or an
    ALK-negative tumour) warns, and only because the fusion the depth could have shown was not
    seen. Every other sample passes. Notes on how the reads were read never change a verdict."""
    depths = simulated_depths(truth)
    fused = {row["sample_id"] for row in truth if row["type"] == "fusion"}
    shallow = {sample_id for sample_id, depth in depths.items() if depth < 100}
    assert shallow and any(
        row["sample_type"] == "tumor" and row["sample_id"] not in fused for row in truth
    )
    for sample_id, row in qc_rows.items():
        warnings = [r for r in row["reasons"].split("; ") if r and not r.startswith("note:")]
        if sample_id in shallow:
            assert row["verdict"] == "fail"
            assert re.search(r"fail: mean_target_depth \d+(\.\d+)? < 100", row["reasons"])
            assert "min_hotspot_codon_depth" in row["reasons"]
            assert row["low_depth_codons"]  # names the weak codons
        elif row["sample_type"] == "tumor" and sample_id not in fused:
            assert (row["verdict"], warnings) == ("warn", [NOT_DETECTED]), sample_id
        else:
            assert (row["verdict"], warnings) == ("pass", []), (sample_id, row["reasons"])
    assert qc_rows["N01"]["sample_type"] == "normal"


def test_alignment_metrics_are_plausible(qc_rows):
    for sample_id, row in qc_rows.items():
        assert float(row["mapped_fraction"]) > 0.98, sample_id
        assert float(row["properly_paired_fraction"]) > 0.95, sample_id
        assert 200 <= float(row["insert_size_mean"]) <= 300, sample_id  # ART -m 250 -s 50
        assert 0.3 <= float(row["on_target_fraction"]) <= 0.9, sample_id


def test_hotspot_depth_covers_every_catalogued_codon(pipeline_run, truth):
    expected = {hotspot.label for hotspot in catalogued_hotspots()}
    depths = simulated_depths(truth)
    for sample_id, simulated in depths.items():
        # every catalogued codon lies in the amplified ALK 3' part
        simulated *= amplified_samples(truth).get(sample_id, 1.0)
        rows = read_tsv(pipeline_run / "qc" / "samples" / f"{sample_id}.hotspot_depth.tsv")
        assert {row["codon"] for row in rows} == expected
        for row in rows:
            assert 0.6 * simulated <= int(row["depth"]) <= 1.4 * simulated, (sample_id, row)


def test_multiqc_report_shows_alkres_table(pipeline_run, qc_rows):
    html = (pipeline_run / "qc" / "multiqc_report.html").read_text()
    assert "alkres panel QC" in html
    assert "alkres_qc_table" in html
    for sample_id in qc_rows:
        assert sample_id in html
    # The modules the table sits beside.
    assert "mosdepth" in html and "Samtools" in html


def read_regions(path):
    import gzip

    with gzip.open(path, "rt") as handle:
        return [(fields[3], float(fields[4])) for fields in (line.split() for line in handle)]


def alk_3prime_target(name):
    return name.startswith("ALK_exon") and int(name.removeprefix("ALK_exon")) >= 20
