"""MultiQC custom content: the alkres QC table as its own section of the MultiQC report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import yaml


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
            "reasons": {"title": "Reasons", "description": "Verdict rules that were broken"},
            "low_depth_codons": {
                "title": "Low-depth codons",
                "description": "Hotspot codons under the warning depth",
            },
        }
    )
    return headers


def write_table_with_header(table: pd.DataFrame, meta: dict, path: str | Path) -> None:
    """A ``*_mqc.tsv``: MultiQC's YAML header as comment lines, then the table."""
    with open(path, "w") as handle:
        for line in yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).splitlines():
            handle.write(f"# {line}\n")
        table.to_csv(handle, sep="\t", index_label="Sample")


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
    write_table_with_header(table, meta, path)


RESISTANCE_HEADERS = {
    "patient_id": {"title": "Patient"},
    "prior_tkis": {"title": "Prior TKIs", "description": "ALK TKIs before the biopsy, in order"},
    "result": {
        "title": "Result",
        "description": "resistance mechanism / negative (confident) / inconclusive",
        "bgcols": {"mechanism": "#f8d7da", "negative": "#d4edda", "inconclusive": "#fff3cd"},
    },
    "mechanisms": {"title": "Mechanisms", "description": "ALK mutations (cis groups joined by +), ALK amplification, bypass"},
    "mutant_codons": {"title": "Mutant codons", "format": "{:,.0f}"},
    "wild_type_codons": {"title": "Wild-type codons", "description": "Wild type at the required power", "format": "{:,.0f}"},
    "not_assessable_codons": {"title": "Not assessable", "description": "Catalogued codons that cannot be called wild type at this depth", "format": "{:,.0f}"},
    "alk_copy_number": {"title": "ALK CN", "description": "Highest ALK region copy number (CNVkit, purity-adjusted)"},
    "why_inconclusive": {"title": "Why inconclusive"},
}  # fmt: skip


def write_resistance_table(rows: Sequence[dict], path: str | Path) -> None:
    """The "ALK resistance" section: one row per tumour biopsy."""
    meta = {
        "id": "alkres_resistance",
        "section_name": "ALK resistance",
        "description": (
            "Per-biopsy resistance mechanisms and hotspot status; details in "
            "cohort/alterations.tsv, cohort/hotspots.tsv and the patient reports."
        ),
        "plot_type": "table",
        "pconfig": {
            "id": "alkres_resistance_table",
            "title": "alkres: ALK resistance",
            "namespace": "alkres",
            "col1_header": "Sample",
        },
        "headers": RESISTANCE_HEADERS,
    }
    table = pd.DataFrame(rows, columns=["sample_id", *RESISTANCE_HEADERS]).set_index("sample_id")
    write_table_with_header(table, meta, path)
