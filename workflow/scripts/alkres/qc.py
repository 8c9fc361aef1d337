"""Panel QC: metrics from mosdepth and samtools stats, hotspot-codon depth, and a verdict.

The verdict rules are data (config ``qc.verdict``), so a lab tunes them without code changes.
"""

from __future__ import annotations

import bisect
import gzip
import statistics
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd
import pysam

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


def read_bed(path: Path) -> list[tuple[str, int, int, str]]:
    rows = []
    with open(path) as handle:
        for line in handle:
            if line.strip() and not line.startswith(("#", "track", "browser")):
                chrom, start, end, name = line.rstrip("\n").split("\t")[:4]
                rows.append((chrom, int(start), int(end), name))
    return rows


def hotspot_codon_depths(
    per_base_bed: Path, hotspot_rows: Iterable[tuple[str, int, int, str]]
) -> dict[str, int]:
    """Depth of each hotspot codon = the lowest depth over its bases (mosdepth per-base output).

    A codon split across two exons has two BED rows with one label; its depth is the minimum
    over both. Bases mosdepth did not report (contig absent) count as depth 0.
    """
    depths: dict[str, int] = {}
    with pysam.TabixFile(str(per_base_bed), index=f"{per_base_bed}.csi") as tabix:
        contigs = set(tabix.contigs)
        for chrom, start, end, label in hotspot_rows:
            lowest = 0
            if chrom in contigs:
                covered = 0
                lowest = None
                for record in tabix.fetch(chrom, start, end):
                    _, run_start, run_end, depth = record.split("\t")
                    overlap = min(end, int(run_end)) - max(start, int(run_start))
                    if overlap > 0:
                        covered += overlap
                        lowest = int(depth) if lowest is None else min(lowest, int(depth))
                if lowest is None or covered < end - start:
                    lowest = 0
            depths[label] = min(depths.get(label, lowest), lowest)
    return depths


def base_depths(per_base_bed: Path, chrom: str, positions: Iterable[int]) -> dict[int, int]:
    """Depth at each 1-based position, from one pass over their span of the mosdepth per-base
    output (one fetch, not one per base); positions mosdepth did not report have depth 0."""
    wanted = sorted(set(positions))
    depths = dict.fromkeys(wanted, 0)
    if not wanted:
        return depths
    with pysam.TabixFile(str(per_base_bed), index=f"{per_base_bed}.csi") as tabix:
        if chrom not in tabix.contigs:
            return depths
        for record in tabix.fetch(chrom, wanted[0] - 1, wanted[-1]):
            _, run_start, run_end, depth = record.split("\t")
            low = bisect.bisect_left(wanted, int(run_start) + 1)
            high = bisect.bisect_right(wanted, int(run_end))
            for position in wanted[low:high]:
                depths[position] = int(depth)
    return depths


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


def add_fusion_status(summary: pd.DataFrame, statuses: Sequence[Mapping]) -> pd.DataFrame:
    """QC table with each sample's fusion status and its flags as warnings.

    A tumour with no fusion evidence although its depth could show one, a normal with fusion
    evidence, and a BAM without split alignments raise a pass to warn: each changes how the
    sample's other results read. Notes (how the reads were read: bwa mem -M split parts, no
    MC/MQ tags, no duplicate flags, mapping artefacts with their counts) are added as
    ``note:`` reasons and leave the verdict as it is.
    """
    by_sample = {status["sample_id"]: status for status in statuses}
    summary = summary.copy()
    summary["fusion_status"] = [
        by_sample.get(sample, {}).get("status", "") for sample in summary["sample_id"]
    ]
    summary["fusions"] = [
        "; ".join(by_sample.get(sample, {}).get("fusions", [])) for sample in summary["sample_id"]
    ]
    summary["intron19_spanning_fragments"] = [
        by_sample.get(sample, {}).get("intron19_spanning_fragments", "")
        for sample in summary["sample_id"]
    ]
    for index, sample in summary["sample_id"].items():
        status = by_sample.get(sample, {})
        flags, notes = status.get("flags", []), status.get("notes", [])
        reasons = [
            summary.at[index, "reasons"],
            *(f"warn: {flag}" for flag in flags),
            *(f"note: {note}" for note in notes),
        ]
        summary.at[index, "reasons"] = "; ".join(filter(None, reasons))
        if flags and summary.at[index, "verdict"] == "pass":
            summary.at[index, "verdict"] = "warn"
    return summary
