#!/usr/bin/env python3
"""Copy-number benchmark: ALK 3' (kinase part) amplification calls by the pipeline's CNVkit chain.

    .venv/bin/python benchmarks/cnv_benchmark.py            # full grid (2 replicates, 12 negatives)
    .venv/bin/python benchmarks/cnv_benchmark.py --quick    # 1 replicate, 3 negatives

Tumours are simulated with the bundled cohort's reference, panel and simulator (simulate:
ART reads, bwa mem, samtools markdup; see test_data/make_test_data.py), with the ALK 3' part
(exons 20-29, from mid-intron 19) at copy number 4, 6 and 10 and purity 0.3, 0.5 and 0.8, plus
non-amplified tumours and normals, all at 400x. The calls go through the pipeline's commands
(workflow/rules/qc.smk, copy_number.smk: mosdepth per-base depth, cnvkit.py target / coverage /
reference / fix) and its gene-level code (alkres.copy_number.cnv_genes: recentre,
estimate_region with config.yaml's copy_number.amplification rule), once with each tumour's purity and once without
(purity 1 assumed). Simulated BAMs are cached under benchmarks/out/cnv/bams; a re-run only
recomputes the calls. Writes benchmarks/out/cnv/cnv_benchmark.tsv (one row per sample) and
benchmarks/results/cnv_benchmark.md. A measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))
sys.path.insert(0, str(REPO / "benchmarks"))  # bundled_inputs
sys.path.insert(0, str(REPO / "test_data"))  # the read simulator

import numpy as np  # noqa: E402
import pysam  # noqa: E402
from bundled_inputs import (  # noqa: E402
    PANEL_BED,
    REFERENCE_GZ,
    FastaSlices,
    file_md5,
    panel_islands,
    plain_reference_with_index,
)
from simulate import (  # noqa: E402
    SampleSpec,
    align,
    amplification_multiplier,
    simulate_reads,
)

from alkres.copy_number.cnv_genes import (  # noqa: E402
    AmplificationRule,
    estimate_region,
    read_cnr,
    read_gene_regions,
    recentre,
)
from alkres.inputs.settings import effective_config  # noqa: E402
from alkres.knowledge.transcript import load_transcript  # noqa: E402

OUT = REPO / "benchmarks" / "out" / "cnv"
BAMS = OUT / "bams"
CALLS = OUT / "calls"
LOGS = OUT / "logs"
TSV_PATH = OUT / "cnv_benchmark.tsv"
META_PATH = OUT / "cnv_benchmark.meta.json"
REPORT_PATH = REPO / "benchmarks" / "results" / "cnv_benchmark.md"
CONFIG_PATH = REPO / "config.yaml"
REGIONS_TSV = REPO / "resources" / "cnv_genes.tsv"

CHROM = "chr2"
BUILD = "GRCh38"
REGION = "ALK_kinase"  # the region whose call is scored (resources/cnv_genes.tsv)
FOLD = 400  # ART fold coverage, as the bundled cohort's normals and copy-number tumours
COPY_NUMBERS = (4, 6, 10)
PURITIES = (0.3, 0.5, 0.8)
REPLICATES, QUICK_REPLICATES = 2, 1
N_NEGATIVES, QUICK_NEGATIVES = 12, 3  # purities cycle through PURITIES
N_NORMALS = 6
ESTIMATE_TOLERANCE = 0.25  # target: estimated copy number within 25% of the truth

TSV_COLUMNS = [
    "sample_id", "group", "true_copy_number", "purity", "replicate", "fold_coverage",
    "depth_multiplier", "n_bins", "recentre_shift", "log2", "ratio", "expected_ratio",
    "copy_number", "ci_low", "ci_high", "status", "called", "relative_error",
    "copy_number_no_purity", "ci_low_no_purity", "ci_high_no_purity", "status_no_purity",
    "called_no_purity", "other_regions_called", "other_regions_called_no_purity",
]  # fmt: skip


# ------------------------------------------------------------------ what is simulated


@dataclass(frozen=True)
class Plan:
    """One simulated BAM."""

    sample_id: str
    group: str  # amplified | negative | normal
    copy_number: int  # of the ALK 3' part in the tumour cells (2 = not amplified)
    purity: float | None  # None for normals
    replicate: int

    @property
    def multiplier(self) -> float:
        if self.group != "amplified":
            return 1.0
        return amplification_multiplier(self.copy_number, self.purity)

    def spec(self, alk_3prime: tuple[str, int, int]) -> SampleSpec:
        gains = [(*alk_3prime, self.multiplier)] if self.group == "amplified" else []
        return SampleSpec(self.sample_id, FOLD, [], gains)


def plan_samples(quick: bool) -> list[Plan]:
    """Sample ids feed simulate's seeds, so every replicate has its own reads."""
    replicates = QUICK_REPLICATES if quick else REPLICATES
    n_negatives = QUICK_NEGATIVES if quick else N_NEGATIVES
    plans = [Plan(f"cnvb_normal_{i:02d}", "normal", 2, None, i) for i in range(1, N_NORMALS + 1)]
    for copy_number in COPY_NUMBERS:
        for purity in PURITIES:
            for rep in range(1, replicates + 1):
                sample_id = f"cnvb_cn{copy_number}_p{purity:g}_r{rep}"
                plans.append(Plan(sample_id, "amplified", copy_number, purity, rep))
    for i in range(1, n_negatives + 1):
        purity = PURITIES[(i - 1) % len(PURITIES)]
        plans.append(Plan(f"cnvb_neg_{i:02d}", "negative", 2, purity, i))
    return plans


def alk_3prime_region() -> tuple[str, int, int]:
    """As test_data/make_test_data.py: ALK exons 20-29, from mid-intron 19 to past the stop."""
    alk = load_transcript(BUILD, "ALK", chrom=CHROM)
    exon20_start = alk.c_to_g(3173)
    return (CHROM, alk.c_to_g(len(alk.cds)) - 2_000, exon20_start + 900)


def cache_key(plan: Plan, alk_3prime: tuple[str, int, int]) -> dict:
    """What a cached BAM must match: the spec, the reference, the panel and the simulator."""
    spec = plan.spec(alk_3prime)
    return {
        "sample_id": spec.sample_id,
        "fold": spec.fold_coverage,
        "gains": [list(g) for g in spec.gains],
        "reference_md5": file_md5(REFERENCE_GZ),
        "panel_md5": file_md5(PANEL_BED),
        "simulate_md5": file_md5(REPO / "test_data" / "simulate.py"),
    }


def simulate_one(plan: Plan, alk_3prime, plain_reference: Path, fresh: bool) -> dict:
    """Simulate one BAM unless a cached one matches its key; returns timing and whether it ran."""
    bam = BAMS / f"{plan.sample_id}.bam"
    key_path = BAMS / f"{plan.sample_id}.spec.json"
    key = cache_key(plan, alk_3prime)
    if (
        not fresh
        and bam.exists()
        and Path(f"{bam}.bai").exists()
        and key_path.exists()
        and json.loads(key_path.read_text()) == key
    ):
        return {"sample_id": plan.sample_id, "simulated": False, "seconds": 0.0}
    started = time.time()
    key_path.unlink(missing_ok=True)
    islands = panel_islands()
    # Every contig of the bundled reference: the panel's islands lie on several.
    with (
        pysam.FastaFile(str(REFERENCE_GZ)) as fasta,
        tempfile.TemporaryDirectory(prefix=f"cnvb_{plan.sample_id}_", dir=OUT) as tmp,
    ):
        reference = {chrom: FastaSlices(fasta, chrom) for chrom in fasta.references}
        workdir = Path(tmp)
        reads = simulate_reads(plan.spec(alk_3prime), islands, reference, workdir)
        align(plan.sample_id, reads, plain_reference, bam, workdir)
    key_path.write_text(json.dumps(key, indent=1))
    return {"sample_id": plan.sample_id, "simulated": True, "seconds": time.time() - started}


def cnvkit() -> str:
    found = shutil.which("cnvkit.py")
    return found or str(Path(sys.executable).parent / "cnvkit.py")


def run_logged(command: Sequence[str], log: Path) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a") as handle:
        handle.write("$ " + " ".join(map(str, command)) + "\n")
        handle.flush()
        subprocess.run(list(map(str, command)), check=True, stdout=handle, stderr=handle)


def make_bins(config: dict) -> tuple[Path, Path]:
    """rule cnv_bins: split targets, no antitargets."""
    targets = CALLS / "bins.target.bed"
    antitargets = CALLS / "bins.antitarget.bed"
    bin_size = config["copy_number"]["target_bin_size"]
    log = LOGS / "cnv_bins.log"
    log.unlink(missing_ok=True)
    run_logged(
        [cnvkit(), "target", PANEL_BED, "--split", "--avg-size", bin_size, "--output", targets],
        log,
    )
    antitargets.write_text("")
    return targets, antitargets


def coverage_one(sample_id: str, fasta: Path, bins: tuple[Path, Path], config: dict) -> float:
    """rule mosdepth (qc.smk) then rule cnv_coverage: per-base depth, tabix, cnvkit coverage."""
    started = time.time()
    log = LOGS / f"{sample_id}.coverage.log"
    log.unlink(missing_ok=True)
    mosdepth_dir = CALLS / "mosdepth"
    mosdepth_dir.mkdir(parents=True, exist_ok=True)
    prefix = mosdepth_dir / sample_id
    thresholds = ",".join(str(d) for d in config["qc"]["depth_thresholds"])
    threads = int(
        {**config["resources"]["default"], **config["resources"].get("mosdepth", {})}["threads"]
    )
    run_logged(
        ["mosdepth", "--threads", threads, "--mapq", config["qc"]["min_mapping_quality"],
         "--fasta", fasta, "--by", PANEL_BED, "--thresholds", thresholds,
         prefix, BAMS / f"{sample_id}.bam"],
        log,
    )  # fmt: skip
    per_base = Path(f"{prefix}.per-base.bed.gz")
    run_logged(["tabix", "--force", "--preset", "bed", per_base], log)
    coverage = CALLS / "coverage"
    coverage.mkdir(parents=True, exist_ok=True)
    run_logged(
        [cnvkit(), "coverage", per_base, bins[0],
         "--output", coverage / f"{sample_id}.targetcoverage.cnn"],
        log,
    )  # fmt: skip
    run_logged(
        [cnvkit(), "coverage", per_base, bins[1],
         "--output", coverage / f"{sample_id}.antitargetcoverage.cnn"],
        log,
    )  # fmt: skip
    return time.time() - started


def corrections(config: dict) -> list[str]:
    """common.smk cnvkit_corrections()."""
    return [] if config["copy_number"]["edge_correction"] else ["--no-edge"]


def make_reference(normals: Sequence[str], fasta: Path, config: dict) -> Path:
    """rule cnv_reference with normals."""
    coverage = CALLS / "coverage"
    reference = CALLS / "reference.cnn"
    log = LOGS / "cnv_reference.log"
    log.unlink(missing_ok=True)
    inputs = [coverage / f"{s}.targetcoverage.cnn" for s in normals]
    inputs += [coverage / f"{s}.antitargetcoverage.cnn" for s in normals]
    run_logged(
        [cnvkit(), "reference", *inputs, "--fasta", fasta, *corrections(config),
         "--output", reference],
        log,
    )  # fmt: skip
    return reference


def fix_one(sample_id: str, reference: Path, config: dict) -> float:
    """rule cnv_fix, ratios only (the segments do not enter the gene-level estimate)."""
    started = time.time()
    coverage = CALLS / "coverage"
    log = LOGS / f"{sample_id}.fix.log"
    log.unlink(missing_ok=True)
    run_logged(
        [cnvkit(), "fix", coverage / f"{sample_id}.targetcoverage.cnn",
         coverage / f"{sample_id}.antitargetcoverage.cnn", reference, *corrections(config),
         "--output", CALLS / f"{sample_id}.cnr"],
        log,
    )  # fmt: skip
    return time.time() - started


def estimate_sample(plan: Plan, regions, rule: AmplificationRule) -> dict:
    """cnv_genes.py: recentre on the bins outside the gene regions, estimate each region; once
    with the sample's purity and once with none (purity 1 assumed)."""
    bins, shift = recentre(read_cnr(CALLS / f"{plan.sample_id}.cnr"), regions)
    with_purity = [estimate_region(bins, region, plan.purity, rule) for region in regions]
    without = [estimate_region(bins, region, None, rule) for region in regions]
    main = next(e for e in with_purity if e.region.name == REGION)
    main_np = next(e for e in without if e.region.name == REGION)

    def others(estimates) -> str:
        return ";".join(e.region.name for e in estimates if e.amplified and e.region.name != REGION)

    def number(value, digits=3) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    truth = plan.copy_number
    error = (main.copy_number - truth) / truth if main.copy_number is not None else None
    return {
        "sample_id": plan.sample_id,
        "group": plan.group,
        "true_copy_number": truth,
        "purity": "" if plan.purity is None else f"{plan.purity:g}",
        "replicate": plan.replicate,
        "fold_coverage": FOLD,
        "depth_multiplier": f"{plan.multiplier:.3f}",
        "n_bins": main.n_bins,
        "recentre_shift": f"{shift:.4f}",
        "log2": number(main.log2, 4),
        "ratio": number(main.ratio, 4),
        "expected_ratio": f"{plan.multiplier:.4f}",
        "copy_number": number(main.copy_number, 2),
        "ci_low": number(main.ci_low, 2),
        "ci_high": number(main.ci_high, 2),
        "status": main.status,
        "called": int(main.amplified),
        "relative_error": number(error, 4),
        "copy_number_no_purity": number(main_np.copy_number, 2),
        "ci_low_no_purity": number(main_np.ci_low, 2),
        "ci_high_no_purity": number(main_np.ci_high, 2),
        "status_no_purity": main_np.status,
        "called_no_purity": int(main_np.amplified),
        "other_regions_called": others(with_purity),
        "other_regions_called_no_purity": others(without),
    }


# ------------------------------------------------------------------ the report


def summarise(rows: list[dict], suffix: str) -> dict:
    """Per CN x purity cell and for the negatives, for one of the two call sets
    (suffix "" = with purity, "_no_purity" = purity not given)."""
    cells = {}
    for copy_number in COPY_NUMBERS:
        for purity in PURITIES:
            members = [
                r
                for r in rows
                if r["group"] == "amplified"
                and r["true_copy_number"] == copy_number
                and r["purity"] == f"{purity:g}"
            ]
            if not members:
                continue
            estimates = np.array([float(r[f"copy_number{suffix}"]) for r in members])
            cells[(copy_number, purity)] = {
                "called": sum(int(r[f"called{suffix}"]) for r in members),
                "n": len(members),
                "mean": float(estimates.mean()),
                "min": float(estimates.min()),
                "max": float(estimates.max()),
                "ci_low": float(np.mean([float(r[f"ci_low{suffix}"]) for r in members])),
                "ci_high": float(np.mean([float(r[f"ci_high{suffix}"]) for r in members])),
                "mean_error": float(estimates.mean() / copy_number - 1),
                "max_abs_error": float(np.max(np.abs(estimates / copy_number - 1))),
            }
    negatives = [r for r in rows if r["group"] == "negative"]
    neg_estimates = np.array([float(r[f"copy_number{suffix}"]) for r in negatives] or [np.nan])
    neg = {
        "n": len(negatives),
        "called": [r["sample_id"] for r in negatives if int(r[f"called{suffix}"])],
        "other": [
            f"{r['sample_id']}:{r[f'other_regions_called{suffix}']}"
            for r in negatives
            if r[f"other_regions_called{suffix}"]
        ],
        "mean": float(np.mean(neg_estimates)),
        "max": float(np.max(neg_estimates)),
        "max_ci_low": max((float(r[f"ci_low{suffix}"]) for r in negatives), default=float("nan")),
        "by_purity": {
            p: [float(r[f"copy_number{suffix}"]) for r in negatives if r["purity"] == f"{p:g}"]
            for p in PURITIES
        },
    }
    return {"cells": cells, "negatives": neg}


def cell_table(summary: dict) -> list[str]:
    lines = [
        "| CN \\ purity | " + " | ".join(f"{p:g}" for p in PURITIES) + " |",
        "|---|" + "---|" * len(PURITIES),
    ]
    for copy_number in COPY_NUMBERS:
        cells = []
        for purity in PURITIES:
            c = summary["cells"].get((copy_number, purity))
            if c is None:
                cells.append("–")
                continue
            cells.append(
                f"{c['called']}/{c['n']} called; CN {c['mean']:.2f} "
                f"({c['mean_error']:+.0%}; CI {c['ci_low']:.1f}-{c['ci_high']:.1f})"
            )
        lines.append(f"| **{copy_number}** | " + " | ".join(cells) + " |")
    return lines


def detail_table(summary: dict) -> list[str]:
    lines = [
        "| true CN | purity | called / replicates | mean estimated CN | range | "
        "mean error | max abs error | mean 95% CI |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (copy_number, purity), c in sorted(summary["cells"].items()):
        lines.append(
            f"| {copy_number} | {purity:g} | {c['called']}/{c['n']} | {c['mean']:.2f} | "
            f"{c['min']:.2f}-{c['max']:.2f} | {c['mean_error']:+.1%} | {c['max_abs_error']:.1%} | "
            f"{c['ci_low']:.2f}-{c['ci_high']:.2f} |"
        )
    return lines


def negatives_lines(summary: dict) -> list[str]:
    neg = summary["negatives"]
    by_purity = "; ".join(
        f"purity {p:g}: {np.mean(v):.2f} (max {np.max(v):.2f}, n={len(v)})"
        for p, v in neg["by_purity"].items()
        if v
    )
    return [
        f"- Non-amplified tumours (CN 2): **{len(neg['called'])}/{neg['n']}** called amplified"
        + (f" ({', '.join(neg['called'])})" if neg["called"] else "")
        + f"; estimated CN mean {neg['mean']:.2f}, max {neg['max']:.2f}; highest CI lower bound "
        f"{neg['max_ci_low']:.2f} (a call needs ≥ 5.5).",
        f"- Estimated CN of the negatives by purity: {by_purity}.",
        "- Other regions (ALK whole gene, ALK_5prime, MET) called amplified in negatives: "
        + (", ".join(neg["other"]) if neg["other"] else "none")
        + ".",
    ]


def targets_check(summary: dict) -> list[tuple[str, bool, str]]:
    scored = {k: c for k, c in summary["cells"].items() if k[0] >= 6 and k[1] >= 0.5}
    all_called = all(c["called"] == c["n"] for c in scored.values())
    missed = [f"CN {k[0]} p {k[1]:g}: {c['called']}/{c['n']}" for k, c in scored.items()]
    within = all(c["max_abs_error"] <= ESTIMATE_TOLERANCE for c in scored.values())
    worst = max(scored.items(), key=lambda kv: kv[1]["max_abs_error"]) if scored else None
    worst_text = (
        f"worst replicate: CN {worst[0][0]} purity {worst[0][1]:g}, "
        f"{worst[1]['max_abs_error']:.1%} off"
        if worst
        else "no cells"
    )
    neg = summary["negatives"]
    no_false = not neg["called"] and not neg["other"]
    return [
        ("Every CN ≥ 6 at purity ≥ 0.5 called", all_called, "; ".join(missed)),
        (
            f"Estimated CN within {ESTIMATE_TOLERANCE:.0%} of the truth for those (every replicate)",
            within,
            worst_text,
        ),
        (
            "No amplification call on the non-amplified tumours",
            no_false,
            f"{len(neg['called'])}/{neg['n']} ALK_kinase calls, {len(neg['other'])} other-region calls",
        ),
    ]


def tool_versions() -> dict[str, str]:
    def first_line(command: Sequence[str], pattern: str = "") -> str:
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, errors="replace", timeout=60
            )
        except (OSError, subprocess.TimeoutExpired):
            return "?"
        for line in (done.stdout + done.stderr).splitlines():
            if line.strip() and (not pattern or pattern in line):
                return line.strip()
        return "?"

    return {
        "art_illumina": first_line(["art_illumina"], "Version"),
        "bwa": first_line(["bwa"], "Version"),
        "samtools": first_line(["samtools", "--version"]),
        "mosdepth": first_line(["mosdepth", "--version"]),
        "cnvkit": first_line([cnvkit(), "version"]),
    }


def machine() -> dict[str, str]:
    model = "?"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
        "cpu": model,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def write_report(rows: list[dict], meta: dict, rule: AmplificationRule) -> str:
    with_purity = summarise(rows, "")
    without = summarise(rows, "_no_purity")
    m = meta["machine"]
    per_bam = (
        f"{meta['simulate_seconds'] / meta['simulated']:.0f} s each"
        if meta["simulated"]
        else "none"
    )
    lines = [
        "# Copy-number benchmark: ALK 3' (kinase part) amplification",
        "",
        f"Mode **{meta['mode']}**, {meta['date']}. Generated by `benchmarks/cnv_benchmark.py`; "
        "per-sample rows in `benchmarks/out/cnv/cnv_benchmark.tsv`.",
        "",
        f"- Samples: {meta['counts']['amplified']} amplified tumours (CN {', '.join(map(str, COPY_NUMBERS))} × "
        f"purity {', '.join(f'{p:g}' for p in PURITIES)}, {meta['replicates']} replicate(s) each), "
        f"{meta['counts']['negative']} non-amplified tumours (CN 2; purities cycle 0.3/0.5/0.8), "
        f"{meta['counts']['normal']} normals (the CNVkit reference); all at {FOLD}x ART fold coverage "
        "on the bundled reference and panel (`test_data/`), simulated with `simulate` as "
        "`test_data/make_test_data.py` does (gain = ALK exons 20-29 from mid-intron 19, depth "
        "multiplier `amplification_multiplier(CN, purity)`).",
        "- Chain: `mosdepth --mapq 20 --by targets --thresholds 100,250,500` (per-base output) → "
        "`tabix -p bed` → `cnvkit.py target --split --avg-size 120`, empty antitargets → "
        "`cnvkit.py coverage` on the per-base bedGraph → `cnvkit.py reference` (6 normals, "
        "`--no-edge`) → `cnvkit.py fix --no-edge` → `recentre` + `estimate_region` "
        f"({REGION}) with config.yaml's amplification rule: min_copy_number {rule.min_copy_number:g}, "
        f"confidence {rule.confidence:g}, min_bins {rule.min_bins}, ploidy {rule.ploidy:g} "
        f"(called when the CI lower bound ≥ {rule.min_copy_number - 0.5:g}).",
        "- Each cell: calls / replicates; mean estimated CN (mean error relative to the truth; "
        "mean 95% CI).",
        "",
        "## With the sample's purity (as the pipeline runs when the sheet gives `tumor_purity`)",
        "",
        *cell_table(with_purity),
        "",
        *detail_table(with_purity),
        "",
        *negatives_lines(with_purity),
        "",
        "### Targets",
        "",
    ]
    for text, met, detail in targets_check(with_purity):
        lines.append(f"- {'**met**' if met else '**MISSED**'}: {text} ({detail}).")
    cn4 = [c for k, c in with_purity["cells"].items() if k[0] == 4]
    lines += [
        f"- (Not a target) CN 4, below the threshold of {rule.min_copy_number:g}: "
        f"{sum(c['called'] for c in cn4)}/{sum(c['n'] for c in cn4)} called.",
        "",
        "## Purity not given (purity 1 assumed; same BAMs and ratios)",
        "",
        "Without a purity the estimate is the lowest copy number consistent with the ratio, so "
        "low-purity gains are expected to be under-called: the conservative design.",
        "",
        *cell_table(without),
        "",
        *detail_table(without),
        "",
        *negatives_lines(without),
        "",
        "## Run",
        "",
        f"- Machine: nproc {m['nproc']}, CPU {m['cpu']}, Python {m['python']}, {m['system']}.",
        f"- Wall time: **{meta['wall_seconds'] / 60:.1f} min** in all ({meta['workers']} worker(s); "
        f"simulation {meta['simulate_seconds'] / 60:.1f} min for {meta['simulated']} BAM(s) "
        f"({per_bam}), "
        f"{meta['cached']} cached; copy-number chain {meta['calls_seconds'] / 60:.1f} min). "
        f"1-minute load average at start / end: {meta['load_average'][0]} / "
        f"{meta['load_average'][1]} (other jobs were sharing the machine when it is above "
        f"{meta['workers']}).",
        "- Tools: " + "; ".join(f"{k} `{v}`" for k, v in meta["tools"].items()) + ".",
        "",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ main


def parallel_map(workers: int, function, *iterables) -> list:
    if workers <= 1:
        return list(map(function, *iterables))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, *iterables))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 replicate, 3 negatives")
    parser.add_argument(
        "--workers", type=int, default=1, help="parallel samples (default 1; bwa uses 2 threads)"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="re-simulate every BAM even if a cached one matches"
    )
    args = parser.parse_args()
    for tool in ("art_illumina", "bwa", "samtools", "bgzip", "mosdepth", "tabix"):
        if shutil.which(tool) is None:
            sys.exit(f"cnv_benchmark: '{tool}' not found on PATH; run `make setup` first")
    started = time.time()
    load_before = os.getloadavg()
    config = effective_config(CONFIG_PATH)
    rule = AmplificationRule(**config["copy_number"]["amplification"])
    for directory in (BAMS, CALLS, LOGS):
        directory.mkdir(parents=True, exist_ok=True)

    plans = plan_samples(args.quick)
    alk_3prime = alk_3prime_region()
    plain = plain_reference_with_index(OUT)
    print(f"{len(plans)} samples; reference {plain}", file=sys.stderr)

    # 1. BAMs (cached).
    sim_started = time.time()
    n = len(plans)
    results = parallel_map(
        args.workers, simulate_one, plans, [alk_3prime] * n, [plain] * n, [args.fresh] * n
    )
    simulate_seconds = time.time() - sim_started
    simulated = sum(r["simulated"] for r in results)
    print(f"simulated {simulated}, cached {n - simulated}", file=sys.stderr)

    # 2. The copy-number chain, recomputed on every run.
    calls_started = time.time()
    bins = make_bins(config)
    ids = [p.sample_id for p in plans]
    parallel_map(args.workers, coverage_one, ids, [plain] * n, [bins] * n, [config] * n)
    normals = [p.sample_id for p in plans if p.group == "normal"]
    reference = make_reference(normals, plain, config)
    tumours = [p for p in plans if p.group != "normal"]
    k = len(tumours)
    parallel_map(
        args.workers, fix_one, [p.sample_id for p in tumours], [reference] * k, [config] * k
    )
    with open(f"{plain}.fai") as handle:
        contigs = {line.split("\t", 1)[0] for line in handle}
    renames = {f"chr{name}": name for name in contigs if not name.startswith("chr")}
    regions = read_gene_regions(REGIONS_TSV, config["reference"]["build"], renames)
    rows = [estimate_sample(p, regions, rule) for p in tumours]
    calls_seconds = time.time() - calls_started

    with open(TSV_PATH, "w", newline="") as handle:
        writer = csv.DictWriter(handle, TSV_COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    meta = {
        "mode": "quick" if args.quick else "full",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "replicates": QUICK_REPLICATES if args.quick else REPLICATES,
        "counts": {
            g: sum(p.group == g for p in plans) for g in ("amplified", "negative", "normal")
        },
        "workers": args.workers,
        "wall_seconds": round(time.time() - started, 1),
        "simulate_seconds": round(simulate_seconds, 1),
        "calls_seconds": round(calls_seconds, 1),
        "simulated": simulated,
        "cached": n - simulated,
        "load_average": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
        "machine": machine(),
        "tools": tool_versions(),
        "amplification_rule": config["copy_number"]["amplification"],
    }
    META_PATH.write_text(json.dumps(meta, indent=1))
    report = write_report(rows, meta, rule)
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
