"""Panel QC of one sample: metrics from mosdepth and samtools stats, hotspot-codon depth, and the
verdict of its metrics (rule qc_sample). The final verdict adds what later steps flag
(alkres.qc.verdict).

The verdict rules are data (config ``qc.verdict``), so a lab tunes them without code changes.
"""

from __future__ import annotations

import gzip
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path

from alkres.io import atomic_output, log_to
from alkres.qc.depth import hotspot_codon_depths
from alkres.tables import read_bed, write_hotspot_depths, write_qc_metrics

VERDICT_ORDER = ("pass", "warn", "fail")
VERDICT_RULE_KEYS = ("warn_below", "fail_below", "warn_above", "fail_above")
BASE_METRICS = (
    "total_reads",
    "mapped_fraction",
    "properly_paired_fraction",
    "duplicate_fraction",
    "insert_size_mean",
    "mean_target_depth",
    "on_target_fraction",
    "min_hotspot_codon_depth",
    "median_hotspot_codon_depth",
)


def qc_metric_names(depth_thresholds: Sequence[int]) -> list[str]:
    """Every numeric metric a verdict rule may refer to, in the column order of the QC table."""
    names = list(BASE_METRICS)
    insert_at = names.index("on_target_fraction")
    names[insert_at:insert_at] = [f"fraction_target_at_{depth}x" for depth in depth_thresholds]
    return names


def check_verdict_rules(
    rules: Mapping[str, Mapping[str, float]], depth_thresholds: Sequence[int]
) -> None:
    """Fail early, with the key to fix, on a rule for an unknown metric or an unknown bound."""
    known = qc_metric_names(depth_thresholds)
    for metric, bounds in rules.items():
        if metric not in known:
            raise ValueError(
                f"config qc.verdict.{metric}: unknown metric. Fix: use one of {', '.join(known)}"
            )
        for key in bounds:
            if key not in VERDICT_RULE_KEYS:
                raise ValueError(
                    f"config qc.verdict.{metric}.{key}: unknown bound. "
                    f"Fix: use {', '.join(VERDICT_RULE_KEYS)}"
                )


def parse_mosdepth_summary(path: Path) -> dict[str, dict[str, float]]:
    """Rows of ``*.mosdepth.summary.txt`` keyed by the chrom column (incl. total, total_region)."""
    rows = {}
    with open(path) as handle:
        header = handle.readline().split()
        for line in handle:
            fields = line.split()
            rows[fields[0]] = {
                key: float(value) for key, value in zip(header[1:], fields[1:], strict=True)
            }
    return rows


def parse_thresholds(path: Path) -> dict[int, float]:
    """Fraction of all target bases at or above each depth, from ``*.thresholds.bed.gz``."""
    with gzip.open(path, "rt") as handle:
        header = handle.readline().lstrip("#").split()
        depths = [int(column.rstrip("X")) for column in header[4:]]
        covered = [0] * len(depths)
        total = 0
        for line in handle:
            fields = line.split("\t")
            total += int(fields[2]) - int(fields[1])
            for index, value in enumerate(fields[4:]):
                covered[index] += int(value)
    return {depth: (covered[i] / total if total else 0.0) for i, depth in enumerate(depths)}


def parse_samtools_stats(path: Path) -> dict[str, float]:
    """The summary-number (SN) section of ``samtools stats``, keys without the trailing colon."""
    numbers = {}
    with open(path) as handle:
        for line in handle:
            if line.startswith("SN\t"):
                _, key, value = line.rstrip("\n").split("\t")[:3]
                numbers[key.rstrip(":")] = float(value)
    return numbers


def sample_metrics(
    mosdepth_summary: Mapping[str, Mapping[str, float]],
    threshold_fractions: Mapping[int, float],
    samtools_stats: Mapping[str, float],
    codon_depths: Mapping[str, int],
    depth_thresholds: Sequence[int],
) -> dict[str, float]:
    """All QC metrics of one sample, named as in ``qc_metric_names``."""
    total_reads = samtools_stats.get("raw total sequences", 0.0)
    mapped = samtools_stats.get("reads mapped", 0.0)
    all_bases = mosdepth_summary.get("total", {}).get("bases", 0.0)
    target = mosdepth_summary.get("total_region", {})
    metrics: dict[str, float] = {
        "total_reads": int(total_reads),
        "mapped_fraction": mapped / total_reads if total_reads else 0.0,
        "properly_paired_fraction": (
            samtools_stats.get("reads properly paired", 0.0) / total_reads if total_reads else 0.0
        ),
        "duplicate_fraction": samtools_stats.get("reads duplicated", 0.0) / mapped
        if mapped
        else 0.0,
        "insert_size_mean": samtools_stats.get("insert size average", 0.0),
        "mean_target_depth": target.get("mean", 0.0),
    }
    for depth in depth_thresholds:
        metrics[f"fraction_target_at_{depth}x"] = threshold_fractions.get(depth, 0.0)
    # Share of aligned, filtered bases that fall on target (mosdepth counts both the same way).
    metrics["on_target_fraction"] = target.get("bases", 0.0) / all_bases if all_bases else 0.0
    values = list(codon_depths.values())
    metrics["min_hotspot_codon_depth"] = min(values) if values else 0
    metrics["median_hotspot_codon_depth"] = statistics.median(values) if values else 0
    return metrics


def qc_verdict(
    metrics: Mapping[str, float], rules: Mapping[str, Mapping[str, float]]
) -> tuple[str, list[str]]:
    """pass / warn / fail, and one reason per broken rule (e.g. "mean_target_depth 62 < 100")."""
    verdict, reasons = "pass", []
    for metric, bounds in rules.items():
        value = metrics[metric]
        for level in ("fail", "warn"):
            below, above = bounds.get(f"{level}_below"), bounds.get(f"{level}_above")
            broken = None
            if below is not None and value < below:
                broken = f"{metric} {format_number(value)} < {format_number(below)}"
            elif above is not None and value > above:
                broken = f"{metric} {format_number(value)} > {format_number(above)}"
            if broken:
                reasons.append(f"{level}: {broken}")
                if VERDICT_ORDER.index(level) > VERDICT_ORDER.index(verdict):
                    verdict = level
                break
    return verdict, reasons


def format_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


def low_depth_codons(codon_depths: Mapping[str, int], rules: Mapping[str, Mapping]) -> list[str]:
    """Codons under the hotspot-depth warning bound, so a reader sees which are weak."""
    rule = rules.get("min_hotspot_codon_depth", {})
    weak = rule.get("warn_below", rule.get("fail_below", 0))
    return [label for label, depth in codon_depths.items() if depth < weak]


def main(snakemake) -> None:
    """Rule qc_sample: the metrics row with its verdict, and the hotspot-codon depths."""
    log_to(snakemake.log[0])
    hotspot_rows = read_bed(snakemake.input.hotspots)
    codon_depths = hotspot_codon_depths(snakemake.input.per_base, hotspot_rows)
    metrics = sample_metrics(
        parse_mosdepth_summary(snakemake.input.mosdepth_summary),
        parse_thresholds(snakemake.input.thresholds),
        parse_samtools_stats(snakemake.input.samtools_stats),
        codon_depths,
        snakemake.params.depth_thresholds,
    )
    rules = snakemake.params.verdict_rules
    verdict, reasons = qc_verdict(metrics, rules)
    row = {
        "sample_id": snakemake.wildcards.sample,
        "sample_type": snakemake.params.sample_type,
        **metrics,
        "verdict": verdict,
        "reasons": "; ".join(reasons),
        "low_depth_codons": ",".join(low_depth_codons(codon_depths, rules)),
    }
    with atomic_output(snakemake.output.metrics) as path:
        write_qc_metrics(path, row)
    depth_rows = [
        {"codon": label, "chrom": chrom, "start": start + 1, "end": end,
         "depth": codon_depths[label]}
        for chrom, start, end, label in hotspot_rows
    ]  # fmt: skip
    with atomic_output(snakemake.output.hotspot_depth) as path:
        write_hotspot_depths(path, depth_rows)
