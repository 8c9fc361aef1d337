"""Gene-level copy number: purity formula, intervals, amplification calls, alteration rows."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from simulate import amplification_multiplier

from alkres.copy_number.cnv_genes import (
    AmplificationRule,
    GeneRegion,
    amplification_rows,
    copy_number_from_ratio,
    estimate_region,
    focality,
    plot_copy_ratios,
    ratio_for_copy_number,
    read_gene_regions,
    recentre,
)

RULE = AmplificationRule()
KINASE = GeneRegion(
    "ALK_kinase", "ALK", "chr2", 29192774, 29223528, "resistance", "ALK 3' kinase-domain part"
)
MET = GeneRegion(
    "MET", "MET", "chr7", 116672196, 116798377, "bypass", "MET, whole gene", "gain", "chromosome"
)
NF2 = GeneRegion("NF2", "NF2", "chr22", 29603999, 29694802, "bypass", "NF2", "loss", "")


@pytest.mark.parametrize(
    ("copy_number", "purity"),
    [(4, 0.3), (6, 0.5), (10, 0.8), (2, 0.6), (8, None)],
)
def test_copy_number_inverts_the_simulated_ratio(copy_number, purity):
    ratio = amplification_multiplier(copy_number, purity or 1.0)
    assert ratio_for_copy_number(copy_number, purity) == pytest.approx(ratio)
    assert copy_number_from_ratio(ratio, purity) == pytest.approx(copy_number)


def test_missing_purity_gives_the_lowest_copy_number():
    ratio = 2.0
    assert copy_number_from_ratio(ratio, None) == 4.0
    assert all(copy_number_from_ratio(ratio, p) > 4.0 for p in (0.3, 0.5, 0.9))


def bins(chrom, start, n, log2, noise=0.05, seed=1):
    rng = np.random.default_rng(seed)
    starts = start + np.arange(n) * 1000
    return pd.DataFrame(
        {
            "chromosome": chrom,
            "start": starts,
            "end": starts + 100,
            "log2": log2 + rng.normal(0, noise, n),
            "weight": 1.0,
        }
    )


@pytest.mark.parametrize(
    ("copy_number", "purity", "status"),
    [
        (10, 0.6, "amplified"),
        (6, 0.5, "amplified"),  # at the threshold: the interval excludes every state below 6
        (5, 0.5, "not_amplified"),
        (4, 0.8, "not_amplified"),
        (2, 0.5, "not_amplified"),
    ],
)
def test_amplification_needs_the_interval_clear_of_the_threshold(copy_number, purity, status):
    log2 = np.log2(amplification_multiplier(copy_number, purity))
    table = bins("chr2", 29193000, 16, log2)
    estimate = estimate_region(table, KINASE, purity, RULE)
    assert estimate.status == status
    assert estimate.copy_number == pytest.approx(copy_number, rel=0.15)
    assert estimate.ci_low <= estimate.copy_number <= estimate.ci_high


def test_noisy_gain_whose_interval_reaches_below_the_threshold_is_not_called():
    table = bins("chr2", 29193000, 6, np.log2(amplification_multiplier(6, 0.3)), noise=0.6, seed=3)
    estimate = estimate_region(table, KINASE, 0.3, RULE)
    assert estimate.ci_low < 5.5 <= estimate.ci_high
    assert estimate.status == "not_amplified" and "not clear of it" in estimate.detail


def test_recentring_uses_the_rest_of_the_panel():
    table = pd.concat([bins("chr2", 1_000_000, 100, -0.05), bins("chr2", 29193000, 16, 1.0)])
    shifted, shift = recentre(table, [KINASE])
    assert shift == pytest.approx(-0.05, abs=0.02)
    assert float(np.median(shifted["log2"].iloc[:100])) == pytest.approx(0.0, abs=1e-9)


def test_region_without_panel_bins_is_not_assessable():
    estimate = estimate_region(bins("chr2", 29193000, 16, 0.0), MET, 0.5, RULE)
    assert estimate.status == "not_assessable" and estimate.copy_number is None
    assert "not covered by the panel" in estimate.detail


def test_amplification_rows_classify_alk_and_met_and_keep_the_best_alk_part():
    table = pd.concat(
        [bins("chr2", 29193000, 16, np.log2(3.4)), bins("chr7", 116680000, 20, np.log2(4.0))]
    )
    whole_alk = GeneRegion(
        "ALK", "ALK", "chr2", 29192774, 29921566, "resistance", "ALK, whole gene"
    )
    estimates = [estimate_region(table, region, 0.6, RULE) for region in (whole_alk, KINASE, MET)]
    rows = {row["gene"]: row for row in amplification_rows("T1", "P1", estimates)}
    assert rows["ALK"]["classification"] == "resistance"
    assert rows["ALK"]["alteration"] == "amplification" and rows["ALK"]["type"] == "amplification"
    assert rows["ALK"]["detail"].startswith("ALK 3' kinase-domain part")
    assert float(rows["ALK"]["copy_number"]) == pytest.approx(10, rel=0.1)
    assert rows["MET"]["classification"] == "bypass"


def test_bundled_gene_regions_on_both_builds(tmp_path):
    from conftest import REPO

    for build in ("GRCh38", "GRCh37"):
        regions = {
            r.name: r for r in read_gene_regions(REPO / "resources" / "cnv_genes.tsv", build)
        }
        assert set(regions) == {"ALK", "ALK_5prime", "ALK_kinase", "MET", "KIT", "NF2"}
        assert (
            regions["ALK_kinase"].end < regions["ALK_5prime"].start
        )  # minus strand: 3' part is left
        # MET carries its own sourced threshold (5); ALK uses the configured one.
        assert regions["MET"].min_copy_number == 5
        assert regions["ALK_kinase"].min_copy_number is None
    ensembl = read_gene_regions(
        REPO / "resources" / "cnv_genes.tsv", "GRCh38",
        {"chr2": "2", "chr7": "7", "chr4": "4", "chr22": "22"},
    )  # fmt: skip
    assert {r.chrom for r in ensembl} == {"2", "7", "4", "22"}


def test_plot_is_written(tmp_path):
    table = bins("chr2", 29193000, 16, 1.5)
    estimate = estimate_region(table, KINASE, 0.6, RULE)
    path = tmp_path / "plot.png"
    plot_copy_ratios(table, [estimate], path, "T1", 0.6, RULE)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def chr7_panel(met_cn, chr7_cn, purity, flank_bins=12):
    """MET bins at met_cn and other chr7 bins (EGFR, BRAF targets) at chr7_cn."""
    met = bins("chr7", 116700000, 14, np.log2(amplification_multiplier(met_cn, purity)), seed=2)
    flank = bins("chr7", 55000000, flank_bins, np.log2(amplification_multiplier(chr7_cn, purity)),
                 seed=4)  # fmt: skip
    return pd.concat([flank, met], ignore_index=True)


@pytest.mark.parametrize(
    ("met_cn", "chr7_cn", "purity", "status", "kind"),
    [
        (10, 2, 0.6, "amplified", "focal"),  # MET/chr7 5
        (6, 2, 0.5, "amplified", "focal"),  # at the threshold, chr7 diploid
        (8, 8, 0.6, "gained", "polysomy"),  # the whole chromosome gained: never focal
        (7, 4, 0.7, "gained", "polysomy"),  # MET/chr7 1.75 < 2
        (12, 5, 0.8, "amplified", "focal"),  # MET/chr7 2.4 on a gained chr7
    ],
)
def test_met_focal_amplification_is_told_apart_from_chr7_polysomy(
    met_cn, chr7_cn, purity, status, kind
):
    table = chr7_panel(met_cn, chr7_cn, purity)
    estimate = focality(table, estimate_region(table, MET, purity, RULE), [MET], purity, RULE)
    assert estimate.status == status, estimate.detail
    assert kind in estimate.detail
    rows = amplification_rows("S", "P", [estimate])
    assert [row["gene"] for row in rows] == (["MET"] if status == "amplified" else [])


@pytest.mark.parametrize(
    ("met_cn", "chr7_cn", "purity", "status"),
    [
        (5, 2, 0.5, "amplified"),  # MET's own threshold, 5: focal MET at 5 copies is called
        (6, 2, 0.5, "amplified"),
        (4, 2, 0.8, "not_amplified"),  # a MET gain (4 copies) below MET's threshold
        (6, 6, 0.6, "gained"),  # above MET's threshold but the whole chromosome: polysomy
    ],
)
def test_met_uses_its_own_copy_number_threshold(met_cn, chr7_cn, purity, status):
    met = replace(MET, min_copy_number=5)
    table = chr7_panel(met_cn, chr7_cn, purity)
    estimate = focality(table, estimate_region(table, met, purity, RULE), [met], purity, RULE)
    assert estimate.status == status, estimate.detail
    # The same MET bins against the configured threshold (6) would not call 5 copies.
    if met_cn == 5:
        assert estimate_region(table, MET, purity, RULE).status == "not_amplified"
        assert "clear of 4" in estimate.detail


def test_focality_without_other_chr7_bins_says_it_is_not_assessable():
    table = chr7_panel(10, 2, 0.6, flank_bins=1)
    estimate = focality(table, estimate_region(table, MET, 0.6, RULE), [MET], 0.6, RULE)
    assert estimate.status == "amplified"
    assert "focal or polysomy not assessable: 1 other chr7 bins" in estimate.detail


@pytest.mark.parametrize(
    ("copy_number", "purity", "status"),
    [
        (0, 0.6, "lost"),
        (1, 0.8, "lost"),
        (1, 0.3, "lost"),
        (2, 0.6, "not_lost"),
        (1, None, "not_lost"),
    ],  # fmt: skip
)
def test_nf2_loss_uses_the_interval_logic_the_other_way(copy_number, purity, status):
    """A loss read at purity 1 (none given) looks shallower: one copy in 30% of cells reads as
    1.7 copies, not a loss, as an amplification reads lower."""
    log2 = np.log2(max(amplification_multiplier(copy_number, purity or 0.3), 1e-3))
    table = bins("chr22", 29604000, 12, log2)
    estimate = estimate_region(table, NF2, purity, RULE)
    assert estimate.status == status, estimate.detail
    rows = amplification_rows("S", "P", [estimate])
    if status == "lost":
        assert rows[0]["alteration"] == "loss" and rows[0]["classification"] == "bypass"
    else:
        assert rows == []
