"""ALK alterations of one tumour: hotspot calls and caller variants, annotated, classified,
written as a table and an annotated VCF (Snakemake script)."""

import os
import sys

import pandas as pd

from alkres.alterations import (
    ALTERATION_COLUMNS,
    CallerFilters,
    caller_alteration_rows,
    caller_support_by_alteration,
    hotspot_alteration_rows,
    merge_caller_variants,
    read_caller_vcf,
    read_normal_variants,
    write_annotated_vcf,
)
from alkres.hotspots import write_tsv
from alkres.io import atomic_output, reference_contig
from alkres.knowledge import load_knowledge_base
from alkres.transcript import load_transcript

sys.stderr = open(snakemake.log[0], "w")

sample_id = snakemake.wildcards.sample
transcript = load_transcript(
    snakemake.params.build, "ALK", chrom=reference_contig(snakemake.input.fai)
)
knowledge = load_knowledge_base()
catalogued = {m.alteration for m in knowledge.mutations.values() if m.kind != "compound"}
hotspot_codons = {m.codon for m in knowledge.mutations.values() if m.codon}
callers = snakemake.params.callers
merged = merge_caller_variants(
    {
        caller: read_caller_vcf(path, caller)
        for caller, path in zip(callers, snakemake.input.vcfs, strict=True)
    }
)
# No normals, no pooled table: then no variant is called germline from a normal.
normal_tables = snakemake.input.normal_variants
normal_vafs = read_normal_variants(normal_tables[0]) if normal_tables else {}
germline_min_vaf = snakemake.params.germline_min_vaf

mutations = pd.read_csv(
    snakemake.input.mutations, sep="\t", dtype=str, keep_default_na=False
).to_dict("records")
hotspot_rows = hotspot_alteration_rows(
    mutations,
    transcript,
    catalogued,
    caller_support_by_alteration(merged, transcript),
    normal_vafs,
    germline_min_vaf,
)
caller_rows, annotated = caller_alteration_rows(
    sample_id,
    snakemake.params.patient_id,
    merged,
    transcript,
    hotspot_codons,
    catalogued,
    CallerFilters(**snakemake.params.caller_filters),
    normal_vafs,
    germline_min_vaf,
)
rows = sorted(
    hotspot_rows + caller_rows, key=lambda r: (str(r["chrom"]), int(r["pos"] or 0), r["alteration"])
)
with atomic_output(snakemake.output.alterations) as path:
    write_tsv(path, rows, ALTERATION_COLUMNS)

with open(snakemake.input.fai) as handle:
    contigs = [(line.split("\t")[0], int(line.split("\t")[1])) for line in handle]
vcf_partial = f"{snakemake.output.vcf}.partial.vcf.gz"
write_annotated_vcf(vcf_partial, sample_id, contigs, merged, annotated, rows)
os.replace(f"{vcf_partial}.tbi", snakemake.output.tbi)
os.replace(vcf_partial, snakemake.output.vcf)
