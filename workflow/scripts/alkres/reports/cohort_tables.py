"""Cohort-wide tables: the per-tumour alterations (ALK variants, amplifications, bypass, fusions,
each with its tier, as rule biopsy wrote them), hotspot statuses and gene-level copy numbers stacked (rule cohort_tables)."""

from __future__ import annotations

from alkres.io import atomic_output, log_to
from alkres.tables import (
    GENE_TABLE_COLUMNS,
    HOTSPOT_COLUMNS,
    read_alterations,
    read_gene_tables,
    read_hotspots,
    write_cohort_alterations,
    write_stacked,
)


def main(snakemake) -> None:
    log_to(snakemake.log[0])
    with atomic_output(snakemake.output.alterations) as path:
        write_cohort_alterations(path, read_alterations(snakemake.input.alterations))
    with atomic_output(snakemake.output.hotspots) as path:
        write_stacked(path, read_hotspots(snakemake.input.hotspots), HOTSPOT_COLUMNS)
    with atomic_output(snakemake.output.copy_number) as path:
        write_stacked(path, read_gene_tables(snakemake.input.genes), GENE_TABLE_COLUMNS)
