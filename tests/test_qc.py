"""QC logic: verdict rules, parsers of mosdepth / samtools stats output, hotspot-codon depth."""

import gzip

import pysam
import pytest

from alkres.qc.depth import base_depths, hotspot_codon_depths
from alkres.qc.qc_sample import (
    check_verdict_rules,
    parse_mosdepth_summary,
    parse_samtools_stats,
    parse_thresholds,
    qc_metric_names,
    qc_verdict,
    sample_metrics,
)

RULES = {
    "mean_target_depth": {"warn_below": 250, "fail_below": 100},
    "duplicate_fraction": {"warn_above": 0.3, "fail_above": 0.6},
}


@pytest.mark.parametrize(
    ("depth", "duplicates", "verdict", "reasons"),
    [
        (500, 0.05, "pass", []),
        (250, 0.05, "pass", []),  # bounds are strict: exactly at the threshold passes
        (249, 0.05, "warn", ["warn: mean_target_depth 249 < 250"]),
        (62, 0.05, "fail", ["fail: mean_target_depth 62 < 100"]),
        (500, 0.45, "warn", ["warn: duplicate_fraction 0.45 > 0.3"]),
        (
            62,
            0.45,
            "fail",
            ["fail: mean_target_depth 62 < 100", "warn: duplicate_fraction 0.45 > 0.3"],
        ),
        (500, 0.7, "fail", ["fail: duplicate_fraction 0.7 > 0.6"]),
    ],
)
def test_qc_verdict(depth, duplicates, verdict, reasons):
    metrics = {"mean_target_depth": depth, "duplicate_fraction": duplicates}
    assert qc_verdict(metrics, RULES) == (verdict, reasons)


def test_metric_names_follow_depth_thresholds():
    names = qc_metric_names([100, 500])
    assert "fraction_target_at_100x" in names and "fraction_target_at_500x" in names
    assert "fraction_target_at_250x" not in names


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"mean_depth": {"warn_below": 1}}, "qc.verdict.mean_depth: unknown metric"),
        ({"fraction_target_at_250x": {"warn_below": 1}}, "unknown metric"),
        ({"mean_target_depth": {"below": 1}}, "qc.verdict.mean_target_depth.below: unknown bound"),
    ],
)
def test_check_verdict_rules_rejects_unknown_keys(rules, message):
    with pytest.raises(ValueError, match=message):
        check_verdict_rules(rules, [100, 500])


def test_parsers_and_metrics(tmp_path):
    summary = tmp_path / "s.mosdepth.summary.txt"
    summary.write_text(
        "chrom\tlength\tbases\tmean\tmin\tmax\n"
        "chr2\t1000000\t2000000\t2.00\t0\t900\n"
        "chr2_region\t2000\t1000000\t500.00\t0\t900\n"
        "total\t1000000\t2000000\t2.00\t0\t900\n"
        "total_region\t2000\t1000000\t500.00\t0\t900\n"
    )
    thresholds = tmp_path / "s.thresholds.bed.gz"
    with gzip.open(thresholds, "wt") as handle:
        handle.write("#chrom\tstart\tend\tregion\t100X\t500X\n")
        handle.write("chr2\t0\t1000\tA\t1000\t800\n")
        handle.write("chr2\t5000\t6000\tB\t600\t0\n")
    stats = tmp_path / "s.stats"
    stats.write_text(
        "# comment\nSN\traw total sequences:\t1000\nSN\treads mapped:\t990\n"
        "SN\treads properly paired:\t980\t# proper-pair bit set\nSN\treads duplicated:\t99\n"
        "SN\tinsert size average:\t251.3\n"
    )
    metrics = sample_metrics(
        parse_mosdepth_summary(summary),
        parse_thresholds(thresholds),
        parse_samtools_stats(stats),
        {"G1202": 480, "L1196": 510, "I1171": 300},
        [100, 500],
    )
    assert metrics["fraction_target_at_100x"] == pytest.approx(0.8)
    assert metrics["fraction_target_at_500x"] == pytest.approx(0.4)
    assert metrics["mapped_fraction"] == pytest.approx(0.99)
    assert metrics["properly_paired_fraction"] == pytest.approx(0.98)
    assert metrics["duplicate_fraction"] == pytest.approx(0.1)
    assert metrics["on_target_fraction"] == pytest.approx(0.5)
    assert metrics["mean_target_depth"] == 500
    assert metrics["min_hotspot_codon_depth"] == 300
    assert metrics["median_hotspot_codon_depth"] == 480
    assert set(metrics) == set(qc_metric_names([100, 500]))


def test_hotspot_codon_depth_is_lowest_base_and_joins_split_codons(tmp_path):
    plain = tmp_path / "s.per-base.bed"
    plain.write_text(
        "chr2\t0\t100\t0\n"
        "chr2\t100\t101\t40\n"  # first base of codon A is the weakest
        "chr2\t101\t200\t55\n"
        "chr2\t200\t300\t70\n"
        "chr2\t300\t1000\t0\n"
    )
    compressed = pysam.tabix_index(str(plain), preset="bed", csi=True, force=True)
    rows = [
        ("chr2", 100, 103, "A"),
        ("chr2", 198, 200, "B"),  # codon split across two exons: two rows, one label
        ("chr2", 250, 251, "B"),
        ("chr2", 500, 503, "C"),  # no coverage
        ("chr7", 10, 13, "D"),  # contig absent from the per-base output
    ]
    assert hotspot_codon_depths(compressed, rows) == {"A": 40, "B": 55, "C": 0, "D": 0}


def test_base_depths_reads_each_position_in_one_pass(tmp_path):
    plain = tmp_path / "s.per-base.bed"
    plain.write_text(
        "chr2\t0\t100\t0\nchr2\t100\t101\t40\nchr2\t101\t200\t55\nchr2\t200\t300\t70\n"
    )
    compressed = pysam.tabix_index(str(plain), preset="bed", csi=True, force=True)
    # 1-based positions: 100 is in the first run (0-based 99), 101 in the 40x run, ...
    depths = base_depths(compressed, "chr2", [101, 100, 102, 200, 201, 300, 301, 101])
    assert depths == {100: 0, 101: 40, 102: 55, 200: 55, 201: 70, 300: 70, 301: 0}
    assert base_depths(compressed, "chr7", [5]) == {5: 0}
    assert base_depths(compressed, "chr2", []) == {}


def test_final_verdict_adds_fusion_flags_and_a_flat_reference():
    from alkres.qc.verdict import FLAT_REFERENCE_WARNING, final_verdict

    not_seen = "fusion not detected: tumour content may be too low for a confident negative"
    tumour = {"sample_type": "tumor", "verdict": "pass", "reasons": ""}
    failed = {
        "sample_type": "tumor",
        "verdict": "fail",
        "reasons": "fail: mean_target_depth 60 < 100",
    }
    normal = {"sample_type": "normal", "verdict": "pass", "reasons": ""}
    # A fusion flag raises a pass to warn; a note is added and changes nothing.
    assert final_verdict(tumour, {"flags": [not_seen], "notes": ["no MC/MQ tags"]}, False) == (
        "warn",
        f"warn: {not_seen}; note: no MC/MQ tags",
    )
    assert final_verdict(tumour, {"flags": [], "notes": ["no MC/MQ tags"]}, False) == (
        "pass",
        "note: no MC/MQ tags",
    )
    # A fail stays a fail, its reasons first.
    assert final_verdict(failed, {"flags": [not_seen]}, False) == (
        "fail",
        f"fail: mean_target_depth 60 < 100; warn: {not_seen}",
    )
    # Without normals the copy-number reference is flat: tumours warn, normals do not.
    assert final_verdict(tumour, {}, True) == ("warn", FLAT_REFERENCE_WARNING)
    assert final_verdict(normal, {}, True) == ("pass", "")
    assert final_verdict(normal, None, False) == ("pass", "")
