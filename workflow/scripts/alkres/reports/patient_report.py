"""One patient's resistance report: report.json and a self-contained report.html (rule
patient_report). Each biopsy's part is its record's (rule biopsy); this step only puts the
patient's records in date order, adds the follow-up and the provenance, and draws the figures
(VAF across biopsies, depth over the kinase exons, CNVkit's copy-ratio plot)."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from alkres.biopsy.biopsy import biopsy_from_record
from alkres.io import atomic_output, log_to, reference_contig
from alkres.knowledge.knowledge import load_knowledge_base
from alkres.knowledge.transcript import load_transcript
from alkres.qc.depth import base_depths
from alkres.reports.html import render_patient_html
from alkres.reports.patients import FollowUp, follow_up
from alkres.reports.plots import codon_depth_profile, vaf_across_biopsies
from alkres.reports.provenance import provenance
from alkres.tables import read_biopsies, read_versions, write_patient_report_json

REPORT_SCHEMA = "alkres-patient-report/1"
CODON = re.compile(r"^[A-Z](\d+)(?:del|dup)?$")
KINASE_EXONS = range(20, 30)  # ALK exons 20-29: the part a fusion keeps, kinase domain included


def patient_report(
    patient_id: str,
    records: Sequence[Mapping],
    follow: FollowUp | None,
    provenance: Mapping,
) -> dict:
    """Everything the report shows, in a JSON-ready dict: the biopsies' record sections in date
    order, the latest biopsy's interpretation, the follow-up and the provenance."""
    records = sorted(records, key=lambda r: (r["collection_date"], r["sample_id"]))
    latest = records[-1]
    return {
        "schema": REPORT_SCHEMA,
        "patient_id": patient_id,
        "biopsies": [record["report_section"] for record in records],
        "latest_biopsy": latest["sample_id"],
        "interpretation": latest["interpretation"],
        "follow_up": None
        if follow is None
        else {
            "next_tki": follow.next_tki,
            "best_response": follow.best_response,
            "progressed_on": follow.progressed_on,
            "next_tki_activity": follow.activity,
            "comment": follow.comment,
        },
        "provenance": dict(provenance),
    }


def codon_number(codon: str) -> int:
    match = CODON.match(codon)
    if not match:
        raise ValueError(f"not a codon label: {codon!r}")
    return int(match.group(1))


def vaf_series(report: Mapping) -> dict[str, list[float | None]]:
    """Per small ALK variant, its VAF at each biopsy: the called VAF, 0 where its codon was
    wild type, None where it was not assessable."""
    names: list[str] = []
    for biopsy in report["biopsies"]:
        for row in biopsy["alk_alterations"]:
            if row["type"] != "amplification" and row["alteration"] not in names:
                names.append(row["alteration"])
    series = {}
    for name in names:
        values: list[float | None] = []
        for biopsy in report["biopsies"]:
            called = [r for r in biopsy["alk_alterations"] if r["alteration"] == name]
            if called:
                values.append(float(called[0]["vaf"]))
                continue
            codon = re.match(r"^([A-Z]\d+)", name)
            labels = {name, codon[1] if codon else name}
            status = next((h["status"] for h in biopsy["hotspots"] if h["codon"] in labels), "")
            values.append(0.0 if status == "wild_type" else None)
        series[name] = values
    return series


def image_data_uri(path: str | Path) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return f"data:image/png;base64,{data}"


def depth_figures(report: Mapping, per_base: Mapping[str, str], alk) -> dict[str, str]:
    """Per biopsy, the depth over ALK exons 20-29 (mosdepth) with its catalogued codons."""
    codons, exon_starts, positions = [], {}, {}
    for codon in range(1, alk.n_codons + 1):
        exon = alk.exon_of(alk.codon_positions(codon)[0])
        if exon not in KINASE_EXONS:
            continue
        codons.append(codon)
        exon_starts.setdefault(exon, codon)
        positions[codon] = alk.codon_positions(codon)
    figures = {}
    for biopsy in report["biopsies"]:
        bases = base_depths(
            per_base[biopsy["sample_id"]], alk.chrom, [p for ps in positions.values() for p in ps]
        )
        # A codon's depth is that of its least-covered base.
        depths = {codon: min(bases[p] for p in ps) for codon, ps in positions.items()}
        # Markers sit on the profile (mosdepth depth); the fragment depth used for calling is
        # in the hotspot table.
        hotspots = [
            {
                "codon_number": codon_number(row["codon"]),
                "depth": depths.get(codon_number(row["codon"]), 0),
                "status": row["status"],
            }
            for row in biopsy["hotspots"]
        ]
        figures[biopsy["sample_id"]] = codon_depth_profile(
            codons,
            [depths[codon] for codon in codons],
            hotspots,
            exon_starts,
            None,
            f"{biopsy['sample_id']}: depth over ALK exons 20-29",
        )
    return figures


def main(snakemake) -> None:
    """Rule patient_report."""
    log_to(snakemake.log[0])
    records = read_biopsies(snakemake.input.biopsies)
    biopsies = [biopsy_from_record(record) for record in records]
    biopsies.sort(key=lambda b: (b.collection_date, b.sample_id))
    report = patient_report(
        snakemake.wildcards.patient,
        records,
        follow_up(biopsies, snakemake.params.clinical),
        provenance(
            read_versions(snakemake.input.versions),
            load_knowledge_base().version,
            snakemake.params.build,
            snakemake.config,
        ),
    )
    figures = {"depth": {}, "copy_ratio": {}}
    series = vaf_series(report)
    if series:
        figures["vaf"] = vaf_across_biopsies([b["sample_id"] for b in report["biopsies"]], series)
    alk = load_transcript(
        snakemake.params.build, "ALK", chrom=reference_contig(snakemake.input.fai)
    )
    per_base = dict(zip(snakemake.params.sample_ids, snakemake.input.per_base, strict=True))
    plots = dict(zip(snakemake.params.sample_ids, snakemake.input.copy_ratio_plots, strict=True))
    figures["depth"] = depth_figures(report, per_base, alk)
    for biopsy in report["biopsies"]:
        figures["copy_ratio"][biopsy["sample_id"]] = image_data_uri(plots[biopsy["sample_id"]])
    with atomic_output(snakemake.output.json) as path:
        write_patient_report_json(path, report)
    with atomic_output(snakemake.output.html) as path:
        path.write_text(render_patient_html(report, figures))
