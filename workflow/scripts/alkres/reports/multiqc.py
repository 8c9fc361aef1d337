"""The alkres sections of the MultiQC report written by the cohort report: "ALK resistance"
(one row per biopsy) and "ALK fusion variant"."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from alkres.tables import write_multiqc_table

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
    "bypass": {"title": "Bypass", "description": "Genes with a bypass alteration (MET, KRAS, NF2, ...)"},
    "mutant_codons": {"title": "Mutant codons", "format": "{:,.0f}"},
    "wild_type_codons": {"title": "Wild-type codons", "description": "Wild type at the required power and below the VAF a clonal mutation would have at the tumour content", "format": "{:,.0f}"},
    "not_assessable_codons": {"title": "Not assessable", "description": "Catalogued codons that cannot be called wild type at this depth or tumour content", "format": "{:,.0f}"},
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
    write_multiqc_table(path, table, meta)


def write_resistance_table(
    rows: Sequence[dict], path: str | Path, bypass_by_gene: str = ""
) -> None:
    """The "ALK resistance" section: one row per tumour biopsy, and above it the cohort
    summary's count of patients with a bypass alteration by gene (``bypass_by_gene``, as
    cohort/summary.tsv gives it)."""
    counts = (
        f" Patients with a bypass alteration, by gene: {bypass_by_gene} (cohort/summary.tsv)."
        if bypass_by_gene
        else ""
    )
    section = {
        "id": "alkres_resistance",
        "section_name": "ALK resistance",
        "description": (
            "Per-biopsy resistance mechanisms and hotspot status; details in "
            "cohort/alterations.tsv, cohort/hotspots.tsv and the patient reports." + counts
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
