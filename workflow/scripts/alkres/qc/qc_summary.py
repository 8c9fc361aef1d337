"""The cohort's QC table: every sample's metrics with its final verdict and fusion status, and
its MultiQC custom-content copy (rule qc_summary)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from alkres.io import atomic_output, log_to
from alkres.qc.verdict import final_verdict
from alkres.tables import (
    read_fusion_statuses,
    read_qc_metrics,
    write_multiqc_table,
    write_qc_summary,
)


def qc_summary(
    metrics: pd.DataFrame, statuses: Mapping[str, Mapping], copy_number_reference: str
) -> pd.DataFrame:
    """One row per sample: its metrics, the copy-number reference, its final verdict and reasons
    and its fusion status."""
    summary = metrics.copy()
    summary["copy_number_reference"] = copy_number_reference
    flat = copy_number_reference.startswith("flat")
    for index, row in summary.iterrows():
        status = statuses.get(row["sample_id"], {})
        summary.at[index, "verdict"], summary.at[index, "reasons"] = final_verdict(
            row, status, flat
        )
    sample_status = [statuses.get(sample, {}) for sample in summary["sample_id"]]
    summary["fusion_status"] = [status.get("status", "") for status in sample_status]
    summary["fusions"] = ["; ".join(status.get("fusions", [])) for status in sample_status]
    summary["intron19_spanning_fragments"] = [
        status.get("intron19_spanning_fragments", "") for status in sample_status
    ]
    return summary


def custom_table_headers(depth_thresholds: Sequence[int]) -> dict[str, dict]:
    """Column titles and formats shown by MultiQC (the order is the table's column order)."""
    headers: dict[str, dict] = {
        "verdict": {
            "title": "Verdict",
            "description": "alkres QC verdict",
            "bgcols": {"pass": "#d4edda", "warn": "#fff3cd", "fail": "#f8d7da"},
        },
        "sample_type": {"title": "Type", "description": "tumor or normal"},
        "mean_target_depth": {
            "title": "Target depth",
            "description": "Mean depth over the panel targets (mosdepth)",
            "suffix": "x",
            "format": "{:,.0f}",
        },
    }
    for depth in depth_thresholds:
        headers[f"fraction_target_at_{depth}x"] = {
            "title": f"≥{depth}x",
            "description": f"Fraction of target bases at depth {depth}x or more",
            "max": 1,
            "min": 0,
            "format": "{:.1%}",
        }
    headers.update(
        {
            "min_hotspot_codon_depth": {
                "title": "Min codon depth",
                "description": "Lowest depth over the catalogued ALK resistance codons",
                "format": "{:,.0f}",
            },
            "on_target_fraction": {
                "title": "On target",
                "description": "Share of aligned bases on target",
                "max": 1,
                "min": 0,
                "format": "{:.1%}",
            },
            "duplicate_fraction": {
                "title": "Duplicates",
                "description": "Duplicate-flagged share of mapped reads",
                "max": 1,
                "min": 0,
                "format": "{:.1%}",
            },
            "fusions": {
                "title": "ALK fusion",
                "description": "Fusions alkres detected around ALK intron 19 (partner, exon pair, variant)",
            },
            "fusion_status": {
                "title": "Fusion status",
                "description": "detected / not detected (depth enough to see one) / not assessable",
            },
            "reasons": {"title": "Reasons", "description": "Verdict rules that were broken"},
            "low_depth_codons": {
                "title": "Low-depth codons",
                "description": "Hotspot codons under the warning depth",
            },
        }
    )
    return headers


def write_custom_table(
    summary: pd.DataFrame, path: str | Path, depth_thresholds: Sequence[int]
) -> None:
    """Write ``*_mqc.tsv`` with the YAML header MultiQC reads for custom content."""
    headers = custom_table_headers(depth_thresholds)
    meta = {
        "id": "alkres_qc",
        "section_name": "alkres panel QC",
        "description": "Per-sample verdict from the thresholds in config qc.verdict; the full table is qc/qc_summary.tsv.",
        "plot_type": "table",
        "pconfig": {
            "id": "alkres_qc_table",
            "title": "alkres: panel QC",
            "namespace": "alkres",
            "col1_header": "Sample",
        },
        "headers": headers,
    }
    columns = [column for column in headers if column in summary.columns]
    table = summary.set_index("sample_id")[columns].fillna("")
    write_multiqc_table(path, table, meta)


def main(snakemake) -> None:
    """Rule qc_summary."""
    log_to(snakemake.log[0])
    summary = qc_summary(
        read_qc_metrics(snakemake.input.metrics),
        read_fusion_statuses(snakemake.input.fusion_status),
        snakemake.params.copy_number_reference,
    )
    with atomic_output(snakemake.output.summary) as path:
        write_qc_summary(path, summary)
    with atomic_output(snakemake.output.multiqc_table) as path:
        write_custom_table(summary, path, snakemake.params.depth_thresholds)
