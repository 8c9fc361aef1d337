"""Statistics of the hotspot calls: background, test, power, limit of detection, phase."""

import pytest

from alkres.mutations.genotype import SiteCounts
from alkres.mutations.statistics import (
    BackgroundRate,
    CallingParameters,
    background_from_normals,
    call_site,
    critical_count,
    detection_power,
    limit_of_detection,
    phase,
)

PARAMS = CallingParameters()


def counts(depth, alleles, forward=None, reverse=None):
    site = SiteCounts()
    site.depth = depth
    for allele, n in alleles.items():
        site.alleles[allele] = n
        site.forward[allele] = (forward or {}).get(allele, n // 2 + n % 2)
        site.reverse[allele] = (reverse or {}).get(allele, n // 2)
    return site


def test_background_pools_normals_and_keeps_unseen_alleles_nonzero():
    normals = [{"G1202": counts(400, {"G": 399, "R": 1})}, {"G1202": counts(600, {"G": 600})}]
    background = background_from_normals(normals)
    assert background[("G1202", "R")] == BackgroundRate(1, 1000, 2)
    # an allele no normal showed gets the site's depth with one pseudo-error
    assert background[("G1202", "*")].rate(PARAMS) == pytest.approx(1 / 1001)
    assert background[("G1202", "R")].rate(PARAMS) == pytest.approx(2 / 1001)


def test_min_error_rate_floors_deep_clean_normals():
    assert BackgroundRate(0, 10**6, 4).rate(PARAMS) == PARAMS.min_error_rate


@pytest.mark.parametrize(
    ("depth", "rate"),
    [(100, 1e-3), (500, 1e-3), (2000, 5e-4), (812, 2e-3)],
)
def test_critical_count_is_the_smallest_significant_count(depth, rate):
    from scipy.stats import binom

    k = critical_count(depth, rate, PARAMS.alpha, PARAMS.min_alt_fragments)
    assert binom.sf(k - 1, depth, rate) < PARAMS.alpha
    assert k == PARAMS.min_alt_fragments or binom.sf(k - 2, depth, rate) >= PARAMS.alpha


def test_power_grows_with_depth_and_lod_falls():
    assert (
        detection_power(50, 0.05, 1e-3, PARAMS) < 0.95 < detection_power(1000, 0.05, 1e-3, PARAMS)
    )
    assert limit_of_detection(2000, 1e-3, PARAMS) < limit_of_detection(500, 1e-3, PARAMS) < 0.05
    assert limit_of_detection(2, 1e-3, PARAMS) is None  # 2 fragments can never reach 3 alt


@pytest.mark.parametrize(
    ("site_counts", "status", "detail"),
    [
        (counts(628, {"G": 484, "R": 144}), "mutant", "G1202R 22.9% (144/628 fragments"),
        (counts(812, {"G": 811, "R": 1}), "wild_type", "wild type; detectable down to"),
        (counts(60, {"G": 60}), "not_assessable", "60x gives"),
        # alt fragments all on one strand while the reference's are balanced: artefact
        (
            counts(800, {"G": 760, "R": 40}, forward={"R": 40}, reverse={"R": 0}),
            "not_assessable",
            "one strand",
        ),
        (
            counts(700, {"G": 690, "E": 10}),
            "mutant",
            "G1202E",
        ),  # non-catalogued allele still called
    ],
)
def test_call_site(site_counts, status, detail):
    background = {("G1202", "*"): BackgroundRate(0, 1600, 4)}
    call = call_site("G1202", False, site_counts, background, ["R"], PARAMS)
    assert call.status == status
    assert detail in call.detail


def test_wild_type_detail_names_lod_and_depth():
    call = call_site(
        "G1202",
        False,
        counts(812, {"G": 812}),
        {("G1202", "*"): BackgroundRate(0, 1600, 4)},
        ["R"],
        PARAMS,
    )
    assert call.detail.startswith("wild type; detectable down to ")
    assert call.detail.endswith("VAF at 812x")
    assert call.lod_vaf < PARAMS.limit_vaf


def test_failed_qc_never_gives_wild_type():
    call = call_site(
        "G1202",
        False,
        counts(900, {"G": 900}),
        {},
        ["R"],
        PARAMS,
        sample_failed_qc="fail: mean_target_depth 65 < 100",
    )
    assert call.status == "not_assessable"
    assert "sample failed QC" in call.detail


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"both": 135, "first_only": 0, "second_only": 1, "neither": 455}, "cis"),
        ({"both": 0, "first_only": 60, "second_only": 55, "neither": 400}, "trans"),
        ({"both": 30, "first_only": 40, "second_only": 35, "neither": 400}, "mixed"),
        ({"both": 1, "first_only": 1, "second_only": 1, "neither": 400}, "unknown"),
        ({"both": 0, "first_only": 0, "second_only": 0, "neither": 0}, "unknown"),
    ],
)
def test_phase(table, expected):
    assert phase(table) == expected
