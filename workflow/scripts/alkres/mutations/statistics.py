"""From fragment counts to a status per catalogued codon: mutant, wild type or not assessable.

A codon is called mutant when its alternative-allele count is improbable under the
background error rate that the process-matched normals show for that codon and allele
(a one-sided binomial test), with enough fragments and no strand artefact. It is called wild
type only when the depth gives at least the required power to see a mutation at the limit
VAF; otherwise it is not assessable, and the detail says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from alkres.defaults import section_defaults
from alkres.mutations.genotype import OTHER_INDEL, SiteCounts, site_label

_HOTSPOT_DEFAULTS = section_defaults("hotspots")  # the schema's, the one place


@dataclass(frozen=True)
class CallingParameters:
    alpha: float = _HOTSPOT_DEFAULTS[
        "alpha"
    ]  # per allele tested; tests per sample are a few hundred
    min_alt_fragments: int = _HOTSPOT_DEFAULTS["min_alt_fragments"]
    limit_vaf: float = _HOTSPOT_DEFAULTS["limit_vaf"]  # wild type needs power to see this VAF
    required_power: float = _HOTSPOT_DEFAULTS["required_power"]
    default_error_rate: float = _HOTSPOT_DEFAULTS[
        "default_error_rate"
    ]  # per codon and allele, when no normal has depth there
    min_error_rate: float = _HOTSPOT_DEFAULTS[
        "min_error_rate"
    ]  # floor for rates estimated from few normal fragments
    strand_bias_p: float = _HOTSPOT_DEFAULTS[
        "strand_bias_p"
    ]  # alt fragments on one strand only, beyond this, are an artefact


@dataclass(frozen=True)
class BackgroundRate:
    alt_fragments: int
    depth: int
    n_normals: int

    def rate(self, params: CallingParameters) -> float:
        """Rate with one pseudo-error, so that a clean normal panel still gives a non-zero rate."""
        if self.depth == 0:
            return params.default_error_rate
        return max(params.min_error_rate, (self.alt_fragments + 1) / (self.depth + 1))


@dataclass(frozen=True)
class AlleleTest:
    site: str
    allele: str
    alt_fragments: int
    depth: int
    vaf: float
    error_rate: float
    p_value: float
    strand_p: float
    significant: bool
    strand_biased: bool


@dataclass(frozen=True)
class SiteCall:
    site: str
    depth: int
    status: str  # mutant | wild_type | not_assessable
    detail: str
    lod_vaf: float | None
    mutant_alleles: tuple[AlleleTest, ...]


def reference_allele(site_key: str, is_indel: bool) -> str:
    return "ref" if is_indel else site_label(site_key)[0]


def background_from_normals(
    normal_counts: Sequence[Mapping[str, SiteCounts]],
) -> dict[tuple[str, str], BackgroundRate]:
    """Pooled alt fragments and depth per (site, allele) over the normals."""
    totals: dict[tuple[str, str], list[int]] = {}
    depths: dict[str, int] = {}
    for counts in normal_counts:
        for site, site_counts in counts.items():
            depths[site] = depths.get(site, 0) + site_counts.depth
            for allele, n in site_counts.alleles.items():
                totals.setdefault((site, allele), [0])[0] += n
    background = {}
    for site, depth in depths.items():
        for (key_site, allele), (n,) in totals.items():
            if key_site == site:
                background[(site, allele)] = BackgroundRate(n, depth, len(normal_counts))
        background[(site, "*")] = BackgroundRate(0, depth, len(normal_counts))
    return background


def error_rate(
    background: Mapping[tuple[str, str], BackgroundRate],
    site: str,
    allele: str,
    params: CallingParameters,
) -> float:
    """Rate for this allele at this site; an allele never seen in the normals gets the site's
    depth-based rate (one pseudo-error); no normals at all gives the configured default."""
    rate = background.get((site, allele)) or background.get((site, "*"))
    return rate.rate(params) if rate else params.default_error_rate


@lru_cache(maxsize=65536)
def critical_count(depth: int, rate: float, alpha: float, min_alt: int) -> int:
    """Smallest alt count that the test calls at this depth and error rate."""
    if depth <= 0:
        return math.inf  # type: ignore[return-value]
    from scipy.stats import binom  # not at the top: ~1 s to import, and most importers never test

    k = int(binom.isf(alpha, depth, rate)) + 1
    while k > 0 and binom.sf(k - 2, depth, rate) < alpha:
        k -= 1
    while binom.sf(k - 1, depth, rate) >= alpha:
        k += 1
    return max(k, min_alt)


def detection_power(depth: int, vaf: float, rate: float, params: CallingParameters) -> float:
    from scipy.stats import binom

    k = critical_count(depth, rate, params.alpha, params.min_alt_fragments)
    if k > depth:
        return 0.0
    return float(binom.sf(k - 1, depth, min(1.0, vaf + rate)))


def limit_of_detection(depth: int, rate: float, params: CallingParameters) -> float | None:
    """Lowest VAF seen with the required power at this depth (None if not even at 100%)."""
    if detection_power(depth, 1.0, rate, params) < params.required_power:
        return None
    low, high = 0.0, 1.0
    for _ in range(40):
        middle = (low + high) / 2
        if detection_power(depth, middle, rate, params) >= params.required_power:
            high = middle
        else:
            low = middle
    return high


def depth_needed(rate: float, params: CallingParameters, max_depth: int = 100_000) -> int:
    """Smallest depth with the required power at the limit VAF (for the 'why' of not assessable)."""
    low, high = 1, max_depth
    if detection_power(high, params.limit_vaf, rate, params) < params.required_power:
        return max_depth
    while low < high:
        middle = (low + high) // 2
        if detection_power(middle, params.limit_vaf, rate, params) >= params.required_power:
            high = middle
        else:
            low = middle + 1
    return low


def test_allele(
    site: str,
    allele: str,
    counts: SiteCounts,
    ref_allele: str,
    rate: float,
    params: CallingParameters,
) -> AlleleTest:
    from scipy.stats import binom, fisher_exact

    alt = counts.alleles.get(allele, 0)
    depth = counts.depth
    p_value = float(binom.sf(alt - 1, depth, rate)) if depth and alt else 1.0
    table = [
        [counts.forward.get(allele, 0), counts.reverse.get(allele, 0)],
        [counts.forward.get(ref_allele, 0), counts.reverse.get(ref_allele, 0)],
    ]
    strand_p = float(fisher_exact(table).pvalue) if alt else 1.0
    strand_biased = strand_p < params.strand_bias_p
    significant = p_value < params.alpha and alt >= params.min_alt_fragments
    return AlleleTest(
        site,
        allele,
        alt,
        depth,
        alt / depth if depth else 0.0,
        rate,
        p_value,
        strand_p,
        significant,
        strand_biased,
    )


def call_site(
    site: str,
    is_indel: bool,
    counts: SiteCounts,
    background: Mapping[tuple[str, str], BackgroundRate],
    watched_alleles: Iterable[str],
    params: CallingParameters,
    sample_failed_qc: str = "",
) -> SiteCall:
    """Status of one site. ``watched_alleles`` are the catalogued alleles whose background sets
    the limit of detection; every observed non-reference allele is tested."""
    ref_allele = reference_allele(site, is_indel)
    # Indels other than the catalogued ones are left to the variant callers (named there).
    tests = [
        test_allele(
            site, allele, counts, ref_allele, error_rate(background, site, allele, params), params
        )
        for allele in sorted(counts.alleles)
        if allele not in (ref_allele, OTHER_INDEL)
    ]
    mutants = tuple(t for t in tests if t.significant and not t.strand_biased)
    biased = [t for t in tests if t.significant and t.strand_biased]
    watched_rates = [
        error_rate(background, site, allele, params) for allele in watched_alleles
    ] or [error_rate(background, site, "*", params)]
    rate = max(watched_rates)
    lod = limit_of_detection(counts.depth, rate, params)
    depth = counts.depth
    if mutants:
        described = "; ".join(
            f"{describe_allele(site, t.allele)} {t.vaf:.1%} ({t.alt_fragments}/{depth} fragments, p={t.p_value:.1e})"
            for t in mutants
        )
        qc_note = f" (sample failed QC: {sample_failed_qc})" if sample_failed_qc else ""
        return SiteCall(site, depth, "mutant", described + qc_note, lod, mutants)
    if biased:
        t = biased[0]
        detail = (
            f"{describe_allele(site, t.allele)} in {t.alt_fragments}/{depth} fragments but on one strand "
            f"only (strand test p={t.strand_p:.1e}): likely artefact, neither mutant nor wild type"
        )
        return SiteCall(site, depth, "not_assessable", detail, lod, ())
    if sample_failed_qc:
        depth_note = f"{depth}x could have shown {lod:.1%} VAF" if lod is not None else f"{depth}x"
        detail = f"sample failed QC ({sample_failed_qc}); {depth_note}"
        return SiteCall(site, depth, "not_assessable", detail, lod, ())
    if lod is not None and lod <= params.limit_vaf:
        return SiteCall(
            site,
            depth,
            "wild_type",
            f"wild type; detectable down to {lod:.1%} VAF at {depth}x",
            lod,
            (),
        )
    power = detection_power(depth, params.limit_vaf, rate, params)
    needed = depth_needed(rate, params)
    detail = (
        f"{depth}x gives {power:.0%} power to see {params.limit_vaf:.0%} VAF "
        f"(needs {params.required_power:.0%}, reached at {needed}x)"
    )
    return SiteCall(site, depth, "not_assessable", detail, lod, ())


def describe_allele(site: str, allele: str) -> str:
    """G1202 + R -> G1202R, KRAS G12 + C -> G12C; a catalogued indel site is named by itself,
    a region or splice site's allele by the change it names (E746_A750del)."""
    label = site_label(site)
    if allele == OTHER_INDEL:
        return f"{label} other indel"
    if label[0].isalpha() and label[1:].isdigit():
        return f"{label}{allele}"
    if allele in (site, "ref") or " " not in site:
        return label
    return allele


def phase(table: Mapping[str, int], min_linking: int = 5) -> str:
    """cis / trans / mixed / unknown from fragments linking two mutations.

    cis: the rarer mutation is (almost) always on fragments with the other; trans: they never
    share a fragment though both are seen on linking fragments; mixed: both kinds of molecule.
    """
    both, first, second = table["both"], table["first_only"], table["second_only"]
    if both + first + second < min_linking:
        return "unknown"
    rarer = min(both + first, both + second)
    if rarer and both >= 0.8 * rarer:
        return "cis"
    if both <= max(1, 0.05 * rarer) and first >= 3 and second >= 3:
        return "trans"
    return "mixed"
