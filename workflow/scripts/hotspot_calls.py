"""Codon-aware genotyping, calls, limits of detection and phasing for one tumour (Snakemake script)."""

import sys

import pandas as pd

from alkres.hotspots import (
    COUNT_COLUMNS,
    HOTSPOT_COLUMNS,
    LINKAGE_COLUMNS,
    MUTATION_COLUMNS,
    call_sample,
    calling_parameters,
    count_rows,
    genotype_alignment,
    hotspot_sites,
    read_background,
    read_filters,
    write_tsv,
)
from alkres.io import atomic_output, reference_contig
from alkres.knowledge import load_knowledge_base
from alkres.transcript import load_transcript

sys.stderr = open(snakemake.log[0], "w")

settings = snakemake.params.settings
transcript = load_transcript(
    snakemake.params.build, "ALK", chrom=reference_contig(snakemake.input.fai)
)
knowledge = load_knowledge_base()
sites = hotspot_sites(transcript, knowledge)
fragments, counts = genotype_alignment(
    snakemake.input.bam, snakemake.input.fasta, transcript, sites, read_filters(settings)
)
qc = pd.read_csv(snakemake.input.qc, sep="\t", keep_default_na=False).iloc[0]
failed_qc = qc["reasons"] if qc["verdict"] == "fail" else ""
result = call_sample(
    snakemake.wildcards.sample,
    snakemake.params.patient_id,
    transcript,
    sites,
    fragments,
    counts,
    read_background(snakemake.input.background),
    knowledge,
    calling_parameters(settings),
    failed_qc,
)
outputs = [
    (snakemake.output.counts, count_rows(counts), COUNT_COLUMNS),
    (snakemake.output.hotspots, result.hotspot_rows, HOTSPOT_COLUMNS),
    (snakemake.output.mutations, result.mutation_rows, MUTATION_COLUMNS),
    (snakemake.output.linkage, result.linkage_rows, LINKAGE_COLUMNS),
]
for output, rows, columns in outputs:
    with atomic_output(output) as path:
        write_tsv(path, rows, columns)
