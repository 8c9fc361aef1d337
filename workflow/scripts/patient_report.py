"""One patient's resistance report: report.json and a self-contained report.html (Snakemake script)."""

import json
import sys

import pandas as pd

from alkres.cohort import build_biopsies, follow_up, read_fusion_statuses
from alkres.io import atomic_output
from alkres.knowledge import load_knowledge_base
from alkres.plots import codon_depth_profile, vaf_across_biopsies
from alkres.provenance import provenance, read_versions
from alkres.qc import add_fusion_status, base_depths
from alkres.report import (
    codon_number,
    image_data_uri,
    patient_report,
    render_patient_html,
    vaf_series,
)
from alkres.tables import read_rows
from alkres.transcript import load_transcript

sys.stderr = open(snakemake.log[0], "w")
KINASE_EXONS = range(20, 30)  # ALK exons 20-29: the part a fusion keeps, kinase domain included

patient_id = snakemake.wildcards.patient
samples = snakemake.params.samples  # this patient's tumour rows of the sample sheet
fusion_statuses = read_fusion_statuses(snakemake.input.fusion_status)
# The fusion flags raise the QC verdict as in qc_summary.tsv, so both reports agree.
qc_table = add_fusion_status(
    pd.DataFrame(read_rows(snakemake.input.qc)), list(fusion_statuses.values())
)
qc = {row["sample_id"]: row for row in qc_table.to_dict(orient="records")}
biopsies = build_biopsies(
    samples,
    qc,
    read_rows(
        [
            *snakemake.input.alterations,
            *snakemake.input.amplifications,
            *snakemake.input.fusion_alterations,
        ]
    ),
    read_rows(snakemake.input.hotspots),
    read_rows(snakemake.input.copy_number),
    read_rows(snakemake.input.fusions),
    fusion_statuses,
)
knowledge = load_knowledge_base()
follow = follow_up(biopsies, snakemake.params.clinical, knowledge)
report = patient_report(
    patient_id,
    biopsies,
    follow,
    knowledge,
    provenance(
        read_versions(snakemake.input.versions),
        knowledge.version,
        snakemake.params.build,
        snakemake.config,
    ),
)

# Figures: VAF across biopsies; codon depth over exons 20-29 from mosdepth; CNVkit's plot.
figures = {"depth": {}, "copy_ratio": {}}
series = vaf_series(report)
if series:
    figures["vaf"] = vaf_across_biopsies([b["sample_id"] for b in report["biopsies"]], series)
with open(snakemake.input.fai) as handle:
    contigs = {line.split("\t", 1)[0] for line in handle}
chrom = "chr2" if "chr2" in contigs else "2"
alk = load_transcript(snakemake.params.build, "ALK", chrom=chrom)
codons, exon_starts, positions = [], {}, {}
for codon in range(1, alk.n_codons + 1):
    exon = alk.exon_of(alk.codon_positions(codon)[0])
    if exon not in KINASE_EXONS:
        continue
    codons.append(codon)
    exon_starts.setdefault(exon, codon)
    positions[codon] = alk.codon_positions(codon)
per_base = dict(zip(snakemake.params.sample_ids, snakemake.input.per_base, strict=True))
plots = dict(zip(snakemake.params.sample_ids, snakemake.input.copy_ratio_plots, strict=True))
for biopsy in report["biopsies"]:
    bases = base_depths(
        per_base[biopsy["sample_id"]], chrom, [p for ps in positions.values() for p in ps]
    )
    # A codon's depth is that of its least-covered base.
    depths = {codon: min(bases[p] for p in ps) for codon, ps in positions.items()}
    # Markers sit on the profile (mosdepth depth); the fragment depth used for calling is in
    # the hotspot table.
    hotspots = [
        {
            "codon_number": codon_number(row["codon"]),
            "depth": depths.get(codon_number(row["codon"]), 0),
            "status": row["status"],
        }
        for row in biopsy["hotspots"]
    ]
    figures["depth"][biopsy["sample_id"]] = codon_depth_profile(
        codons,
        [depths[codon] for codon in codons],
        hotspots,
        exon_starts,
        None,
        f"{biopsy['sample_id']}: depth over ALK exons 20-29",
    )
    figures["copy_ratio"][biopsy["sample_id"]] = image_data_uri(plots[biopsy["sample_id"]])

with atomic_output(snakemake.output.json) as path:
    path.write_text(json.dumps(report, indent=1, sort_keys=False) + "\n")
with atomic_output(snakemake.output.html) as path:
    path.write_text(render_patient_html(report, figures))
