#!/usr/bin/env python3
"""Detection benchmark of the bypass alterations: the whole alkres pipeline on simulated
tumours carrying KRAS G12C, BRAF V600E, PIK3CA E545K, EGFR L858R, an EGFR exon 19 deletion, a
MET exon 14 splice-donor deletion and TP53 R273H over a grid of VAF and depth; focal MET
amplification over copy number and purity; chr7 polysomy; and negatives.

    .venv/bin/python benchmarks/bypass_benchmark.py            # full grid (~40 min on 2 cores)
    .venv/bin/python benchmarks/bypass_benchmark.py --quick    # a subset (~10 min)
    .venv/bin/python benchmarks/bypass_benchmark.py --report-only   # redo the summary only

Every sample is simulated with test_data/simulate.py (ART reads, bwa mem, samtools markdup) on
the bundled reference and panel (test_data/), over the panel's islands off ALK and EML4, and the cohort
goes through the pipeline itself (`snakemake`, the default settings of the schema) with 4
simulated normals. Scored from the pipeline's own tables: cohort/alterations.tsv (bypass and
co-mutation rows) and cohort/copy_number.tsv (MET: amplified and focal, or gained).
Writes benchmarks/out/bypass/bypass_benchmark.tsv and benchmarks/results/bypass_benchmark.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))
sys.path.insert(0, str(REPO / "benchmarks"))  # bundled_inputs
sys.path.insert(0, str(REPO / "test_data"))

import pysam  # noqa: E402
import yaml  # noqa: E402
from bundled_inputs import (  # noqa: E402
    PANEL_BED,
    REFERENCE_GZ,
    FastaSlices,
    file_md5,
    panel_islands,
    plain_reference_with_index,
)
from simulate import (  # noqa: E402
    Haplotype,
    SampleSpec,
    align,
    amplification_multiplier,
    simulate_reads,
)

from alkres.knowledge.transcript import load_gene_transcript  # noqa: E402
from alkres.mutations.variants import Variant, cds_edit_to_variant, codon_substitution  # noqa: E402

OUT = REPO / "benchmarks" / "out" / "bypass"
BAMS = OUT / "bams"
RUN = OUT / "run"
TSV_PATH = OUT / "bypass_benchmark.tsv"
META_PATH = OUT / "bypass_benchmark.meta.json"
REPORT_PATH = REPO / "benchmarks" / "results" / "bypass_benchmark.md"
BUILD = "GRCh38"

VAFS, QUICK_VAFS = (0.02, 0.05, 0.10), (0.05,)
DEPTHS, QUICK_DEPTHS = (250, 500, 1000), (500,)
REPLICATES, QUICK_REPLICATES = 1, 1
TARGET_REPLICATES = 3  # more replicates at the target cell (5% VAF, 500x)
MET_COPY_NUMBERS, QUICK_MET_COPY_NUMBERS = (4, 5, 6, 8, 12), (6, 10)
PURITIES, QUICK_PURITIES = (0.3, 0.5, 0.7), (0.5,)
POLYSOMY_COPY_NUMBERS, QUICK_POLYSOMY = (3, 4, 6), (4,)
POLYSOMY_PURITIES = (0.5, 0.8)
N_NEGATIVES, QUICK_NEGATIVES = 20, 4
N_NORMALS = 4
CNV_FOLD = 400
NORMAL_FOLD = 500
# MET region of resources/cnv_genes.tsv (GRCh38); the gain a focal amplification makes.
MET_REGION = ("chr7", 116_672_196, 116_798_377)
# Targets the issue sets: every planted alteration found at this VAF and depth, no false call.
TARGET_VAF, TARGET_DEPTH = 0.05, 500
TARGET_FOCAL_CN, TARGET_FOCAL_PURITY = 6, 0.5

TSV_COLUMNS = [
    "sample_id", "group", "fold", "vaf", "purity", "copy_number", "replicate", "gene",
    "alteration", "expected", "found", "found_vaf", "classification", "detail",
]  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """One simulated BAM."""

    sample_id: str
    group: str  # small | negative | met_focal | polysomy | normal
    fold: int
    vaf: float = 0.0
    purity: float | None = None
    copy_number: int = 2
    replicate: int = 1
    gains: tuple = field(default=())


@dataclass(frozen=True)
class Planted:
    """A small variant the small-variant samples carry, and what the pipeline must call it."""

    gene: str
    alteration: str  # as alterations.tsv names it
    classification: str  # bypass | co_mutation
    variant: Variant


def planted_variants(reference: Path) -> list[Planted]:
    """The small variants, built on the bundled reference's transcripts (each on its own
    panel island, so that every sample carries all of them as separate haplotypes)."""

    def gene(name: str):
        return load_gene_transcript(BUILD, name, reference)

    kras, braf, pik3ca, egfr, met, tp53 = (
        gene(g) for g in ("KRAS", "BRAF", "PIK3CA", "EGFR", "MET", "TP53")
    )
    exon14 = next(e for e in met.exons if e.number == 14)
    with pysam.FastaFile(str(reference)) as fasta:
        anchor = exon14.end - 6  # the last 6 exon bases and 14 intron bases deleted
        bases = fasta.fetch("chr7", anchor - 1, exon14.end + 14).upper()
    return [
        Planted("KRAS", "G12C", "bypass", codon_substitution(kras, 12, "TGT")),
        Planted("BRAF", "V600E", "bypass", codon_substitution(braf, 600, "GAG")),
        Planted("PIK3CA", "E545K", "bypass", codon_substitution(pik3ca, 545, "AAG")),
        Planted("EGFR", "L858R", "bypass", codon_substitution(egfr, 858, "CGG")),
        Planted("EGFR", "E746_A750del", "bypass", cds_edit_to_variant(egfr, 2235, 2249, "")),
        Planted("MET", "exon 14 skipping", "bypass", Variant("chr7", anchor, bases, bases[0])),
        Planted("TP53", "R273H", "co_mutation", codon_substitution(tp53, 273, "CAT")),
    ]


def plan_samples(quick: bool) -> list[Plan]:
    """Sample ids feed simulate's seeds, so every replicate has its own reads."""
    vafs, depths = (QUICK_VAFS, QUICK_DEPTHS) if quick else (VAFS, DEPTHS)
    replicates = QUICK_REPLICATES if quick else REPLICATES
    plans = [Plan(f"byb_normal_{i:02d}", "normal", NORMAL_FOLD) for i in range(1, N_NORMALS + 1)]
    for vaf in vafs:
        for depth in depths:
            at_target = (vaf, depth) == (TARGET_VAF, TARGET_DEPTH)
            for rep in range(1, (TARGET_REPLICATES if at_target else replicates) + 1):
                plans.append(Plan(f"byb_snv_v{vaf:g}_d{depth}_r{rep}", "small", depth, vaf, 0.5,
                                  replicate=rep))  # fmt: skip
    n_negatives = QUICK_NEGATIVES if quick else N_NEGATIVES
    for i in range(1, n_negatives + 1):
        depth = (250, 500, 1000)[(i - 1) % 3]
        plans.append(Plan(f"byb_neg_{i:02d}", "negative", depth, purity=0.5, replicate=i))
    for cn in QUICK_MET_COPY_NUMBERS if quick else MET_COPY_NUMBERS:
        for purity in QUICK_PURITIES if quick else PURITIES:
            gain = (*MET_REGION, amplification_multiplier(cn, purity))
            plans.append(Plan(f"byb_met_cn{cn}_p{purity:g}", "met_focal", CNV_FOLD,
                              purity=purity, copy_number=cn, gains=(gain,)))  # fmt: skip
    for cn in QUICK_POLYSOMY if quick else POLYSOMY_COPY_NUMBERS:
        for purity in QUICK_PURITIES if quick else POLYSOMY_PURITIES:
            gain = ("chr7", 1, 10**9, amplification_multiplier(cn, purity))
            plans.append(Plan(f"byb_chr7_cn{cn}_p{purity:g}", "polysomy", CNV_FOLD,
                              purity=purity, copy_number=cn, gains=(gain,)))  # fmt: skip
    return plans


def spec(plan: Plan, planted: list[Planted]) -> SampleSpec:
    haplotypes = (
        [Haplotype((p.variant,), plan.vaf) for p in planted] if plan.group == "small" else []
    )
    return SampleSpec(plan.sample_id, plan.fold, haplotypes, list(plan.gains))


# ------------------------------------------------------------------ simulation


def cache_key(plan: Plan, planted: list[Planted]) -> dict:
    sample = spec(plan, planted)
    return {
        "sample_id": sample.sample_id, "fold": sample.fold_coverage,
        "haplotypes": [[[v.chrom, v.pos, v.ref, v.alt] for v in h.variants] + [h.allele_fraction]
                       for h in sample.haplotypes],
        "gains": [list(g) for g in sample.gains],
        "reference_md5": file_md5(REFERENCE_GZ), "panel_md5": file_md5(PANEL_BED),
        "simulate_md5": file_md5(REPO / "test_data" / "simulate.py"),
    }  # fmt: skip


def simulate_one(plan: Plan, planted: list[Planted], plain: Path, fresh: bool) -> dict:
    bam = BAMS / f"{plan.sample_id}.bam"
    key_path = BAMS / f"{plan.sample_id}.spec.json"
    key = cache_key(plan, planted)
    if not fresh and bam.exists() and key_path.exists() and json.loads(key_path.read_text()) == key:
        return {"sample_id": plan.sample_id, "simulated": False, "seconds": 0.0}
    started = time.time()
    key_path.unlink(missing_ok=True)
    with pysam.FastaFile(str(REFERENCE_GZ)) as fasta:
        reference = {chrom: FastaSlices(fasta, chrom) for chrom in fasta.references}
        with tempfile.TemporaryDirectory(prefix=f"byb_{plan.sample_id}_", dir=OUT) as tmp:
            reads = simulate_reads(
                spec(plan, planted), panel_islands(leave_out=("ALK_", "EML4_")), reference,
                Path(tmp),
            )  # fmt: skip
            align(plan.sample_id, reads, plain, bam, Path(tmp))
    key_path.write_text(json.dumps(key, indent=1))
    return {"sample_id": plan.sample_id, "simulated": True, "seconds": time.time() - started}


# ------------------------------------------------------------------ the pipeline


def run_pipeline(plans: list[Plan], cores: int) -> None:
    """The cohort through alkres: its sample sheet and config, then snakemake."""
    RUN.mkdir(parents=True, exist_ok=True)
    sheet = RUN / "samples.tsv"
    with open(sheet, "w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["sample_id", "patient_id", "bam", "sample_type", "specimen",
                         "collection_date", "prior_tkis", "tumor_purity"])  # fmt: skip
        for i, plan in enumerate(plans):
            normal = plan.group == "normal"
            writer.writerow([
                plan.sample_id, "" if normal else f"B{i:03d}", str(BAMS / f"{plan.sample_id}.bam"),
                "normal" if normal else "tumor", "tissue", "" if normal else "2025-01-01",
                "" if normal else "alectinib", "" if plan.purity is None else plan.purity,
            ])  # fmt: skip
    config = {
        "samples": str(sheet), "clinical": "",
        "reference": {"fasta": str(REFERENCE_GZ), "build": BUILD},
        "panel": {"targets": str(PANEL_BED)}, "outdir": str(RUN / "results"),
    }  # fmt: skip
    (RUN / "config.yaml").write_text(yaml.safe_dump(config))
    command = [
        str(Path(sys.executable).parent / "snakemake"),
        str(RUN / "results" / "cohort" / "alterations.tsv"),
        str(RUN / "results" / "cohort" / "copy_number.tsv"),
        "-s", str(REPO / "Snakefile"), "--configfile", str(RUN / "config.yaml"),
        "--cores", str(cores), "-d", str(RUN),
    ]  # fmt: skip
    # The tools the jobs call by name (cnvkit.py, multiqc, ...) are in the project's venv.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    with open(RUN / "snakemake.log", "w") as log:
        subprocess.run(command, check=True, stdout=log, stderr=subprocess.STDOUT, cwd=RUN, env=env)


def read_tsv(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")),
                                   delimiter="\t"))  # fmt: skip


def score(plans: list[Plan], planted: list[Planted]) -> list[dict]:
    """One row per sample and expected or called bypass alteration."""
    alterations = read_tsv(RUN / "results" / "cohort" / "alterations.tsv")
    genes = read_tsv(RUN / "results" / "cohort" / "copy_number.tsv")
    called = defaultdict(list)
    for row in alterations:
        if row["classification"] in ("bypass", "co_mutation"):
            called[row["sample_id"]].append(row)
    met = {row["sample_id"]: row for row in genes if row.get("region") == "MET"}
    rows = []
    for plan in plans:
        if plan.group == "normal":
            continue
        base = {"sample_id": plan.sample_id, "group": plan.group, "fold": plan.fold,
                "vaf": plan.vaf or "", "purity": plan.purity or "",
                "copy_number": plan.copy_number, "replicate": plan.replicate}  # fmt: skip
        expected = []
        if plan.group == "small":
            expected = [(p.gene, p.alteration) for p in planted]
        elif plan.group == "met_focal":
            expected = [("MET", "amplification")]
        calls = {(r["gene"], r["alteration"]): r for r in called[plan.sample_id]}
        for gene, alteration in expected:
            row = calls.get((gene, alteration))
            if row and alteration == "amplification":  # a focal call, not only amplified
                row = row if "focal:" in met.get(plan.sample_id, {}).get("detail", "") else None
            rows.append({**base, "gene": gene, "alteration": alteration, "expected": "yes",
                         "found": "yes" if row else "no", "found_vaf": row["vaf"] if row else "",
                         "classification": row["classification"] if row else "",
                         "detail": met.get(plan.sample_id, {}).get("detail", "")
                         if gene == "MET" and alteration == "amplification" else ""})  # fmt: skip
        for (gene, alteration), row in calls.items():
            if (gene, alteration) not in expected:
                rows.append({**base, "gene": gene, "alteration": alteration, "expected": "no",
                             "found": "yes", "found_vaf": row["vaf"],
                             "classification": row["classification"],
                             "detail": met.get(plan.sample_id, {}).get("detail", "")
                             if gene == "MET" else row.get("detail", "")})  # fmt: skip
        if plan.group == "polysomy":
            gene_row = met.get(plan.sample_id, {})
            rows.append({**base, "gene": "MET", "alteration": "chr7 polysomy (gene table)",
                         "expected": "no", "found": "yes" if gene_row.get("status") == "amplified"
                         else "no", "found_vaf": "", "classification": gene_row.get("status", ""),
                         "detail": gene_row.get("detail", "")})  # fmt: skip
    return rows


# ------------------------------------------------------------------ report


def write_report(rows: list[dict], meta: dict) -> str:
    lines = ["# Bypass benchmark", "",
             f"{meta['n_samples']} simulated samples ({meta['counts']}), {meta['date']}, "
             f"{meta['machine']}; the whole pipeline (`snakemake`, default settings) with "
             f"{N_NORMALS} simulated normals. Simulation {meta['simulate_seconds']:.0f} s, "
             f"pipeline {meta['pipeline_seconds']:.0f} s.", ""]  # fmt: skip
    small = [r for r in rows if r["group"] == "small" and r["expected"] == "yes"]
    if small:
        lines += ["## Small variants: share of planted alterations called (bypass / co-mutation)",
                  ""]  # fmt: skip
        depths = sorted({int(r["fold"]) for r in small})
        vafs = sorted({float(r["vaf"]) for r in small})
        lines.append("| alteration | VAF | " + " | ".join(f"{d}x" for d in depths) + " |")
        lines.append("|---|---|" + "---|" * len(depths))
        for gene, alteration in dict.fromkeys((r["gene"], r["alteration"]) for r in small):
            for vaf in vafs:
                cells = []
                for depth in depths:
                    cell = [r for r in small if (r["gene"], r["alteration"]) == (gene, alteration)
                            and float(r["vaf"]) == vaf and int(r["fold"]) == depth]  # fmt: skip
                    found = sum(r["found"] == "yes" for r in cell)
                    cells.append(f"{found}/{len(cell)}")
                lines.append(f"| {gene} {alteration} | {vaf:.0%} | " + " | ".join(cells) + " |")
        at_target = [r for r in small if float(r["vaf"]) == TARGET_VAF
                     and int(r["fold"]) == TARGET_DEPTH]  # fmt: skip
        for what, rows_ in (("bypass", [r for r in at_target if r["gene"] != "TP53"]),
                            ("TP53 co-mutation", [r for r in at_target if r["gene"] == "TP53"])):  # fmt: skip
            hit = sum(r["found"] == "yes" for r in rows_)
            lines.append(f"- **{what} at {TARGET_VAF:.0%} VAF and {TARGET_DEPTH}x: "
                         f"{hit}/{len(rows_)} called**" + (" (target: all)" if what == "bypass"
                         else " (no target; R273 is a genotyped TP53 hotspot codon, a co-mutation site)"))  # fmt: skip
        lines.insert(len(lines) - 2, "")
        lines.append("")
    false = [r for r in rows if r["expected"] == "no" and r["found"] == "yes"]
    n_negative_samples = meta["counts"].get("negative", 0)
    false_negatives_group = [r for r in false if r["group"] == "negative"]
    lines += ["## False calls", "",
              f"- Negatives (no bypass alteration planted): {n_negative_samples} samples, "
              f"**{len(false_negatives_group)} bypass or co-mutation calls** (target: 0).",
              f"- Every sample, calls of something not planted: **{len(false)}**.", ""]  # fmt: skip
    for r in false:
        lines.append(f"  - {r['sample_id']}: {r['gene']} {r['alteration']} "
                     f"({r['classification']}; {r['detail']})")  # fmt: skip
    focal = [r for r in rows if r["group"] == "met_focal"]
    if focal:
        lines += ["", "## Focal MET amplification (copy number x purity, 400x)", ""]
        targets = [r for r in focal if int(r["copy_number"]) >= TARGET_FOCAL_CN
                   and float(r["purity"]) >= TARGET_FOCAL_PURITY]  # fmt: skip
        called = sum(r["found"] == "yes" for r in targets)
        lines += [f"**Copy number {TARGET_FOCAL_CN} or more at purity {TARGET_FOCAL_PURITY:g} or "
                  f"more: {called}/{len(targets)} called focal** (target: all). Each cell's "
                  "estimate and interval are in the TSV (`detail`).", ""]  # fmt: skip
        purities = sorted({float(r["purity"]) for r in focal})
        lines.append("| MET copy number | " + " | ".join(f"purity {p:g}" for p in purities) + " |")
        lines.append("|---|" + "---|" * len(purities))
        for cn in sorted({int(r["copy_number"]) for r in focal}):
            cells = []
            for purity in purities:
                cell = [r for r in focal if int(r["copy_number"]) == cn
                        and float(r["purity"]) == purity]  # fmt: skip
                cells.append(" ".join("focal" if r["found"] == "yes" else "not called"
                                      for r in cell) or "-")  # fmt: skip
            lines.append(f"| {cn} | " + " | ".join(cells) + " |")
    polysomy = [r for r in rows if r["group"] == "polysomy"
                and r["alteration"].startswith("chr7 polysomy")]  # fmt: skip
    if polysomy:
        lines += ["", "## chr7 polysomy (every chr7 island gained; MET/chr7 = 1)", "",
                  "| chr7 copy number | purity | MET status | called focal |", "|---|---|---|---|"]  # fmt: skip
        for r in polysomy:
            lines.append(f"| {r['copy_number']} | {r['purity']} | {r['classification']} | "
                         f"{r['found']} |")  # fmt: skip
    report = "\n".join(lines) + "\n"
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(report)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    plans = plan_samples(args.quick)
    if args.report_only:
        rows = read_tsv(TSV_PATH)
        print(write_report(rows, json.loads(META_PATH.read_text())))
        return
    BAMS.mkdir(parents=True, exist_ok=True)
    plain = plain_reference_with_index(OUT)
    planted = planted_variants(plain)
    started = time.time()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(simulate_one, p, planted, plain, args.fresh) for p in plans]
        for future in as_completed(futures):
            result = future.result()
            if result["simulated"]:
                print(f"simulated {result['sample_id']} in {result['seconds']:.0f} s",
                      file=sys.stderr)  # fmt: skip
    simulate_seconds = time.time() - started
    started = time.time()
    run_pipeline(plans, args.workers)
    pipeline_seconds = time.time() - started
    rows = score(plans, planted)
    TSV_PATH.parent.mkdir(parents=True, exist_ok=True)
    with open(TSV_PATH, "w", newline="") as handle:
        writer = csv.DictWriter(handle, TSV_COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    counts: dict[str, int] = defaultdict(int)
    for plan in plans:
        counts[plan.group] += 1
    meta = {"n_samples": len(plans), "counts": dict(counts),
            "date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}",
            "simulate_seconds": simulate_seconds, "pipeline_seconds": pipeline_seconds,
            "quick": args.quick}  # fmt: skip
    META_PATH.write_text(json.dumps(meta, indent=1))
    print(write_report(rows, meta))


if __name__ == "__main__":
    main()
