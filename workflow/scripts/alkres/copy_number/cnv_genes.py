"""One tumour's copy number (rule cnv_genes): CNVkit's bin ratios and segments, then
gene-level estimates, purity-adjusted, and amplification calls.

CNVkit gives per-bin log2 ratios against the normals. A gene's estimate is the weighted mean
over its bins, with a bootstrap interval over the bins. With a tumour purity p and a diploid
background, a region at tumour copy number CN has the ratio R = (p*CN + 2*(1-p)) / 2, so
CN = (2*R - 2*(1-p)) / p. Without a purity, p = 1 is assumed: for a gain that gives the lowest
copy number consistent with the ratio, so an amplification call never rests on a guessed purity.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from alkres.copy_number.cnvkit_cli import run_cnvkit
from alkres.defaults import section_defaults
from alkres.io import atomic_output, log_to, read_fai
from alkres.knowledge.resources import read_resource_table
from alkres.tables import write_alterations, write_gene_table

BOOTSTRAP_ROUNDS = 2000
BOOTSTRAP_SEED = 20191  # fixed: the same bins always give the same interval


@dataclass(frozen=True)
class GeneRegion:
    name: str  # ALK, ALK_5prime, ALK_kinase, MET
    gene: str
    chrom: str
    start: int
    end: int
    classification: str  # resistance | bypass
    description: str
    change: str = "gain"  # gain (amplification called) | loss (loss called)
    focal_against: str = ""  # "chromosome": an amplification must stand out of its chromosome
    min_copy_number: float | None = None  # the region's own sourced threshold (None: config's)


_AMPLIFICATION_DEFAULTS = section_defaults(
    "copy_number", "amplification"
)  # the schema's, the one place


@dataclass(frozen=True)
class AmplificationRule:
    min_copy_number: float = _AMPLIFICATION_DEFAULTS["min_copy_number"]
    min_bins: int = _AMPLIFICATION_DEFAULTS["min_bins"]
    confidence: float = _AMPLIFICATION_DEFAULTS["confidence"]
    ploidy: float = _AMPLIFICATION_DEFAULTS["ploidy"]
    focal_ratio: float = _AMPLIFICATION_DEFAULTS["focal_ratio"]
    loss_max_copy_number: float = _AMPLIFICATION_DEFAULTS["loss_max_copy_number"]


@dataclass(frozen=True)
class GeneEstimate:
    region: GeneRegion
    n_bins: int
    log2: float | None
    ratio: float | None
    copy_number: float | None
    ci_low: float | None
    ci_high: float | None
    purity: float | None
    amplified: bool
    status: str  # amplified | not_amplified | gained (polysomy) | lost | not_lost | not_assessable
    detail: str

    @property
    def lost(self) -> bool:
        return self.status == "lost"


def read_gene_regions(
    path: str | Path, build: str, chrom_names: Mapping[str, str] | None = None
) -> list[GeneRegion]:
    """Regions of resources/cnv_genes.tsv on the chosen build (contigs renamed if needed)."""
    regions = []
    for row in read_resource_table(path):
        chrom = row["chrom"]
        if chrom_names:
            chrom = chrom_names.get(chrom, chrom)
        key = build.lower()
        regions.append(
            GeneRegion(
                row["name"],
                row["gene"],
                chrom,
                int(row[f"{key}_start"]),
                int(row[f"{key}_end"]),
                row["classification"],
                row["description"],
                row["change"],
                row["focal_against"],
                float(row["min_copy_number"]) if row.get("min_copy_number") else None,
            )
        )
    return regions


def read_cnr(path: str | Path) -> pd.DataFrame:
    table = pd.read_csv(path, sep="\t", dtype={"chromosome": str})
    return table[np.isfinite(table["log2"])]


def in_region(bins: pd.DataFrame, region: GeneRegion) -> pd.Series:
    return (
        (bins["chromosome"] == region.chrom)
        & (bins["end"] > region.start - 1)
        & (bins["start"] < region.end)
    )


def recentre(
    bins: pd.DataFrame, regions: Sequence[GeneRegion], min_bins: int = 20
) -> tuple[pd.DataFrame, float]:
    """Shift log2 so that the bins outside the regions under test have median 0.

    CNVkit centres on all bins, so a strong amplification on a small panel pulls every other
    bin down a little and its own ratio with it; the rest of the panel is the better baseline.
    """
    outside = np.ones(len(bins), dtype=bool)
    for region in regions:
        outside &= ~in_region(bins, region).to_numpy()
    if outside.sum() < min_bins:
        return bins, 0.0
    shift = float(np.median(bins.loc[outside, "log2"]))
    shifted = bins.copy()
    shifted["log2"] = shifted["log2"] - shift
    return shifted, shift


def copy_number_from_ratio(ratio: float, purity: float | None, ploidy: float = 2.0) -> float:
    """Tumour copy number of a region from its ratio to a diploid reference."""
    p = purity if purity and purity > 0 else 1.0
    return max(0.0, (ploidy * ratio - ploidy * (1 - p)) / p)


def ratio_for_copy_number(copy_number: float, purity: float | None, ploidy: float = 2.0) -> float:
    p = purity if purity and purity > 0 else 1.0
    return (p * copy_number + (1 - p) * ploidy) / ploidy


def bootstrap_interval(
    values: np.ndarray, weights: np.ndarray, confidence: float
) -> tuple[float, float]:
    """Interval of the weighted mean over resampled bins."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    picks = rng.integers(0, len(values), size=(BOOTSTRAP_ROUNDS, len(values)))
    means = (values[picks] * weights[picks]).sum(axis=1) / weights[picks].sum(axis=1)
    tail = (1 - confidence) / 2
    return float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))


def estimate_region(
    bins: pd.DataFrame, region: GeneRegion, purity: float | None, rule: AmplificationRule
) -> GeneEstimate:
    inside = bins[in_region(bins, region)]
    if len(inside) < rule.min_bins:
        detail = f"{len(inside)} panel bins in {region.name} (needs {rule.min_bins}): not covered by the panel"
        return GeneEstimate(
            region,
            len(inside),
            None,
            None,
            None,
            None,
            None,
            purity,
            False,
            "not_assessable",
            detail,
        )
    values = inside["log2"].to_numpy(dtype=float)
    weights = inside["weight"].to_numpy(dtype=float) if "weight" in inside else np.ones(len(inside))
    weights = np.where(weights > 0, weights, 1e-6)
    log2 = float(np.average(values, weights=weights))
    low_log2, high_log2 = bootstrap_interval(values, weights, rule.confidence)
    ratio = 2**log2
    copy_number = copy_number_from_ratio(ratio, purity, rule.ploidy)
    ci_low = copy_number_from_ratio(2**low_log2, purity, rule.ploidy)
    ci_high = copy_number_from_ratio(2**high_log2, purity, rule.ploidy)
    # Copy numbers are integer states: an interval whose lower bound rounds to the threshold
    # (>= threshold - 0.5) excludes every state below it. A region may carry its own sourced
    # threshold (MET: 5, resources/cnv_genes.tsv); the rest use the configured one.
    threshold = region.min_copy_number or rule.min_copy_number
    amplified = region.change == "gain" and ci_low >= threshold - 0.5
    purity_note = (
        f"purity {purity:g}" if purity else "no purity given: purity 1 assumed (lowest copy number)"
    )
    interval = f"{copy_number:.1f} ({rule.confidence:.0%} CI {ci_low:.1f}-{ci_high:.1f})"
    if region.change == "loss":
        # The same interval logic the other way: the upper bound must round to the threshold.
        limit = rule.loss_max_copy_number
        if ci_high <= limit + 0.5:
            status = "lost"
            detail = f"copy number {interval}, clear of {limit + 1:g}; {purity_note}"
        else:
            status, detail = "not_lost", f"copy number {interval}; {purity_note}"
    elif amplified:
        status, detail = (
            "amplified",
            f"copy number {interval}, clear of {threshold - 1:g}; {purity_note}",
        )
    elif ci_high >= threshold - 0.5:
        status = "not_amplified"
        detail = f"copy number {interval}: interval reaches below {threshold:g}, not clear of it; {purity_note}"
    else:
        status, detail = "not_amplified", f"copy number {interval}; {purity_note}"
    return GeneEstimate(
        region,
        len(inside),
        log2,
        ratio,
        copy_number,
        ci_low,
        ci_high,
        purity,
        amplified,
        status,
        detail,
    )


def focality(
    bins: pd.DataFrame,
    estimate: GeneEstimate,
    regions: Sequence[GeneRegion],
    purity: float | None,
    rule: AmplificationRule,
) -> GeneEstimate:
    """An amplification of a region checked against the rest of its chromosome: focal where
    its copy number is at least ``focal_ratio`` times that of the chromosome's other panel
    bins (the DNA analogue of MET/CEP7 >= 2); a gain of the whole chromosome (polysomy) is
    "gained", never an amplification. With too few other bins the kind is not assessable and
    the detail says so."""
    region = estimate.region
    if region.focal_against != "chromosome" or not estimate.amplified:
        return estimate
    same_chrom = bins["chromosome"] == region.chrom
    outside = np.ones(len(bins), dtype=bool)
    for other in regions:
        outside &= ~in_region(bins, other).to_numpy()
    flank = bins[same_chrom.to_numpy() & outside]
    if len(flank) < rule.min_bins:
        return replace(
            estimate,
            detail=f"{estimate.detail}; focal or polysomy not assessable: {len(flank)} other"
            f" {region.chrom} bins on the panel (needs {rule.min_bins})",
        )
    weights = flank["weight"].to_numpy(dtype=float) if "weight" in flank else np.ones(len(flank))
    weights = np.where(weights > 0, weights, 1e-6)
    background = copy_number_from_ratio(
        2 ** float(np.average(flank["log2"].to_numpy(dtype=float), weights=weights)),
        purity,
        rule.ploidy,
    )
    ratio = (estimate.copy_number or 0) / background if background > 0 else float("inf")
    text = (
        f"{region.gene}/{region.chrom} copy-number ratio {ratio:.1f} ({region.chrom} elsewhere"
        f" {background:.1f}, {len(flank)} bins)"
    )
    if ratio >= rule.focal_ratio:
        return replace(
            estimate,
            detail=f"{estimate.detail}; focal: {text}, at least {rule.focal_ratio:g}"
            f" (the DNA analogue of {region.gene}/CEP{region.chrom.removeprefix('chr')})",
        )
    return replace(
        estimate,
        amplified=False,
        status="gained",
        detail=f"{estimate.detail}; {region.chrom} polysomy, not a focal amplification: {text},"
        f" below {rule.focal_ratio:g}",
    )


def gene_table_rows(sample_id: str, estimates: Sequence[GeneEstimate]) -> list[dict]:
    def number(value: float | None, digits: int = 3) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    return [
        {
            "sample_id": sample_id,
            "region": e.region.name,
            "gene": e.region.gene,
            "chrom": e.region.chrom,
            "start": e.region.start,
            "end": e.region.end,
            "n_bins": e.n_bins,
            "log2": number(e.log2),
            "ratio": number(e.ratio),
            "copy_number": number(e.copy_number, 2),
            "ci_low": number(e.ci_low, 2),
            "ci_high": number(e.ci_high, 2),
            "purity": "" if e.purity is None else f"{e.purity:g}",
            "status": e.status,
            "detail": e.detail,
        }
        for e in estimates
    ]


def amplification_rows(
    sample_id: str, patient_id: str, estimates: Sequence[GeneEstimate]
) -> list[dict]:
    """One alterations.tsv row per amplified gene, and one per lost gene (NF2). For a gene measured whole and in parts (ALK,
    ALK_5prime, ALK_kinase) the row reports the part with the highest copy number, and its
    `detail` names that part: a gain of the 3' part only points at an amplified fusion."""
    best: dict[str, GeneEstimate] = {}
    losses = [estimate for estimate in estimates if estimate.lost]
    for estimate in estimates:
        if not estimate.amplified:
            continue
        gene = estimate.region.gene
        # Highest copy number; on a tie the named part (e.g. ALK_kinase) over the whole gene.
        rank = (round(estimate.copy_number or 0, 1), estimate.region.name != gene)
        if gene not in best or rank > (
            round(best[gene].copy_number or 0, 1),
            best[gene].region.name != gene,
        ):
            best[gene] = estimate
    rows = []
    for gene, e in sorted(best.items()):
        rows.append(
            {
                "patient_id": patient_id,
                "sample_id": sample_id,
                "gene": gene,
                "alteration": "amplification",
                "hgvs_p": "",
                "hgvs_c": "",
                "type": "amplification",
                "chrom": e.region.chrom,
                "pos": e.region.start,
                "ref": "",
                "alt": "",
                "depth": "",
                "alt_count": "",
                "vaf": "",
                "copy_number": f"{e.copy_number:.1f}",
                "phase_set": "",
                "classification": e.region.classification,
                "phase": "",
                "callers": "cnvkit",
                "detail": f"{e.region.description}: {e.detail}",
            }
        )
    for e in losses:
        rows.append(
            {
                "patient_id": patient_id, "sample_id": sample_id, "gene": e.region.gene,
                "alteration": "loss", "hgvs_p": "", "hgvs_c": "", "type": "loss",
                "chrom": e.region.chrom, "pos": e.region.start, "ref": "", "alt": "",
                "depth": "", "alt_count": "", "vaf": "", "copy_number": f"{e.copy_number:.1f}",
                "phase_set": "", "classification": e.region.classification, "phase": "",
                "callers": "cnvkit", "detail": f"{e.region.description}: {e.detail}",
            }
        )  # fmt: skip
    return rows


REGION_COLOURS = {"ALK_kinase": "#c0392b", "ALK_5prime": "#e67e22", "MET": "#8e44ad"}


def plot_copy_ratios(
    bins: pd.DataFrame,
    estimates: Sequence[GeneEstimate],
    path: str | Path,
    sample_id: str,
    purity: float | None,
    rule: AmplificationRule,
) -> None:
    """Bin log2 ratios in panel order, ALK (5' and kinase parts) and MET highlighted, with the
    ratio each amplification threshold (the configured one, and MET's own) means at this
    sample's purity."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(10, 3.2), dpi=110)
    x = np.arange(len(bins))
    colours = np.array(["#9e9e9e"] * len(bins), dtype=object)
    for estimate in estimates:
        colour = REGION_COLOURS.get(estimate.region.name)
        if colour is None:
            continue
        colours[in_region(bins, estimate.region).to_numpy()] = colour
    axis.scatter(x, bins["log2"], s=9, c=list(colours), linewidths=0)
    axis.axhline(0, color="#555555", linewidth=0.8)
    # One dashed line per threshold: the configured one, and a region's own (MET: 5).
    lines: dict[float, list[str]] = {rule.min_copy_number: []}
    for estimate in estimates:
        if estimate.region.change == "gain":
            copies = estimate.region.min_copy_number or rule.min_copy_number
            lines.setdefault(copies, []).append(estimate.region.gene)
    for index, (copies, genes) in enumerate(lines.items()):
        threshold = np.log2(ratio_for_copy_number(copies, purity, rule.ploidy))
        axis.axhline(threshold, color="#c0392b", linewidth=0.8, linestyle="--")
        axis.text(  # the configured threshold labelled right, a region's own left
            len(bins) - 1 if index == 0 else 0,
            threshold,
            f" CN {copies:g} ({', '.join(dict.fromkeys(genes)) or 'ALK'}) ",
            va="bottom" if index == 0 else "top",
            ha="right" if index == 0 else "left",
            fontsize=8,
            color="#c0392b",
        )
    for name, colour in REGION_COLOURS.items():
        axis.scatter([], [], s=12, c=colour, label=name.replace("_", " "))
    axis.legend(loc="lower right", fontsize=8, frameon=False, ncol=3)
    axis.set_xlabel("panel bins (genomic order)")
    axis.set_ylabel("log2 copy ratio")
    purity_text = f"purity {purity:g}" if purity else "purity not given"
    axis.set_title(f"{sample_id}: copy ratio against the normals ({purity_text})", fontsize=10)
    axis.set_ylim(
        min(-2.0, float(bins["log2"].min()) - 0.2), max(2.5, float(bins["log2"].max()) + 0.3)
    )
    figure.tight_layout()
    figure.savefig(path, format="png")
    plt.close(figure)


def sample_purity(value) -> float | None:
    """The sheet's purity as a number (None when the sheet gives none)."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def fix_and_segment(inputs, params, outputs, log) -> None:
    """CNVkit fix (ratios against the reference) and segment, in this process."""
    run_cnvkit(
        [
            ["fix", inputs.targets, inputs.antitargets, inputs.reference,
             *params.corrections.split(), "--output", outputs.ratios],
            ["segment", outputs.ratios, "--method", params.segment_method,
             "--output", outputs.segments],
        ],
        log,
    )  # fmt: skip


def main(snakemake) -> None:
    """Rule cnv_genes: the tumour's copy ratios and segments (CNVkit), then the gene table,
    the amplification rows and the copy-ratio plot. One process: CNVkit's imports (pandas,
    matplotlib) serve both."""
    log = log_to(snakemake.log[0])
    fix_and_segment(snakemake.input, snakemake.params, snakemake.output, log)
    # Ensembl-named references ("2", "7") get the table's UCSC names translated.
    renames = {
        f"chr{name}": name for name in read_fai(snakemake.input.fai) if not name.startswith("chr")
    }
    regions = read_gene_regions(snakemake.input.regions, snakemake.params.build, renames)
    purity = sample_purity(snakemake.params.purity)
    rule = AmplificationRule(**snakemake.params.amplification)
    bins, shift = recentre(read_cnr(snakemake.output.ratios), regions)
    print(f"log2 re-centred by {-shift:+.3f} on the bins outside the gene regions", file=sys.stderr)
    estimates = [
        focality(bins, estimate_region(bins, region, purity, rule), regions, purity, rule)
        for region in regions
    ]
    sample_id = snakemake.wildcards.sample
    with atomic_output(snakemake.output.genes) as path:
        write_gene_table(path, gene_table_rows(sample_id, estimates))
    with atomic_output(snakemake.output.alterations) as path:
        write_alterations(
            path, amplification_rows(sample_id, snakemake.params.patient_id, estimates)
        )
    with atomic_output(snakemake.output.plot) as path:
        plot_copy_ratios(bins, estimates, path, sample_id, purity, rule)
