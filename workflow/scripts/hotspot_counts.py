"""Fragment counts per allele at the catalogued sites of one normal (Snakemake script)."""

import sys

from alkres.hotspots import (
    COUNT_COLUMNS,
    count_rows,
    genotype_alignment,
    hotspot_sites,
    read_filters,
    write_tsv,
)
from alkres.io import atomic_output, reference_contig
from alkres.knowledge import load_knowledge_base
from alkres.transcript import load_transcript

sys.stderr = open(snakemake.log[0], "w")

transcript = load_transcript(
    snakemake.params.build, "ALK", chrom=reference_contig(snakemake.input.fai)
)
sites = hotspot_sites(transcript, load_knowledge_base())
_, counts = genotype_alignment(
    snakemake.input.bam,
    snakemake.input.fasta,
    transcript,
    sites,
    read_filters(snakemake.params.settings),
)
with atomic_output(snakemake.output.counts) as path:
    write_tsv(path, count_rows(counts), COUNT_COLUMNS)
