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
    "fusion": {"title": "Fusion", "description": "ALK fusion (partner-ALK, exon pair, variant), or not detected / not assessable; the driver, not a mechanism"},
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


def write_section_table(
    rows: Sequence[dict],
    path: str | Path,
    headers: dict,
    index: str,
    section: dict,
    pconfig: dict | None = None,
) -> None:
    """One alkres table section (``id``, ``section_name``, ``description``, ``title``, and
    ``col1_header`` in ``section``) as MultiQC custom content."""
    meta = {
        "id": section["id"],
        "section_name": section["section_name"],
        "description": section["description"],
        "plot_type": "table",
        "pconfig": {
            "id": f"{section['id']}_table",
            "title": section["title"],
            "namespace": "alkres",
            "col1_header": section["col1_header"],
            **(pconfig or {}),
        },
        "headers": headers,
    }
    table = pd.DataFrame(rows, columns=[index, *headers]).set_index(index)
    write_table_with_header(table, meta, path)


def write_resistance_table(rows: Sequence[dict], path: str | Path) -> None:
    """The "ALK resistance" section: one row per tumour biopsy."""
    section = {
        "id": "alkres_resistance",
        "section_name": "ALK resistance",
        "description": (
            "Per-biopsy resistance mechanisms and hotspot status; details in "
            "cohort/alterations.tsv, cohort/hotspots.tsv and the patient reports."
        ),
        "title": "alkres: ALK resistance",
        "col1_header": "Sample",
    }
    write_section_table(rows, path, RESISTANCE_HEADERS, "sample_id", section)


FUSION_VARIANT_HEADERS = {
    "patients": {"title": "Patients", "format": "{:,.0f}"},
    "post_tki_biopsies": {"title": "Post-TKI biopsies", "description": "Biopsies taken after at least one ALK TKI", "format": "{:,.0f}"},
    "biopsies_with_alk_mutation": {"title": "ALK mutation", "description": "Post-TKI biopsies with an ALK resistance mutation, n/N (%)"},
    "biopsies_with_g1202r": {"title": "G1202R", "description": "Post-TKI biopsies with ALK G1202R, n/N (%)"},
    "alk_mutations_seen": {"title": "Mutations seen", "description": "ALK resistance mutations (biopsies)"},
}  # fmt: skip


def write_fusion_variant_table(rows: Sequence[dict], path: str | Path) -> None:
    """The "ALK fusion variant" section: one row per variant group."""
    section = {
        "id": "alkres_fusion_variants",
        "section_name": "ALK fusion variant and resistance mutations",
        "description": (
            "Post-TKI biopsies with an ALK resistance mutation and with G1202R by the patient's "
            "EML4-ALK variant, the comparison reported by Lin et al., J Clin Oncol 2018; "
            "cohort/fusion_variants.tsv holds the same table."
        ),
        "title": "alkres: ALK fusion variant",
        "col1_header": "Fusion variant",
    }
    # v1, v2, v3a/b, other, as in the cohort table
    write_section_table(
        rows, path, FUSION_VARIANT_HEADERS, "fusion_variant", section, {"sort_rows": False}
    )
