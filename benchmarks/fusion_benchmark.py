#!/usr/bin/env python3
"""Detection benchmark of EML4-ALK fusions from DNA: alkres's split-read / soft-clip /
discordant-pair evidence versus Delly run alone, on the same simulated BAMs.

    .venv/bin/python benchmarks/fusion_benchmark.py              # full grid (~25 min on 2 cores)
    .venv/bin/python benchmarks/fusion_benchmark.py --quick      # a subset, a few minutes
    .venv/bin/python benchmarks/fusion_benchmark.py --report-only

Each sample is simulated with alkres.simulate (ART reads over the ALK exon 20 - intron 19 -
exon 19 capture island, bwa mem, samtools markdup) on a benchmark reference of its own: chr2
truncated after EML4, with sequence around ALK intron 19 and over the EML4 gene at their real
GRCh38 coordinates. A sample carries one EML4-ALK inversion (v1, v2, v3 or a random other EML4
intron; breakpoints uniform inside ALK intron 19 and the EML4 intron; half of them balanced,
with the reciprocal junction) at a fusion fraction (fragments over the ALK breakpoint that
carry the junction) and a depth of the grid, or no fusion. alkres runs with the pipeline's
default fusion settings (config.yaml); Delly runs as the pipeline's rule runs it. Writes
benchmarks/out/fusion_benchmark.tsv and benchmarks/results/fusion_benchmark.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))
sys.path.insert(0, str(REPO / "benchmarks"))

import pysam  # noqa: E402
import yaml  # noqa: E402
from hotspot_benchmark import machine  # noqa: E402

from alkres.fusion_calls import read_caller_junctions  # noqa: E402
from alkres.fusion_types import load_partners, load_variant_names, type_fusion  # noqa: E402
from alkres.fusions import (  # noqa: E402
    FusionSettings,
    breakpoint_window,
    call_junctions,
    gather_junctions,
)
from alkres.simulate import (  # noqa: E402
    FUSION_FLANK,
    GRCH38_CHR2_LENGTH,
    Fusion,
    SampleSpec,
    Target,
    align,
    build_reference,
    merge_targets_into_islands,
    simulate_reads,
    stable_seed,
    write_fasta,
)
from alkres.transcript import load_exons, load_transcript  # noqa: E402

OUT = REPO / "benchmarks" / "out" / "fusion"
RESULTS = REPO / "benchmarks" / "results"
TSV_PATH = REPO / "benchmarks" / "out" / "fusion_benchmark.tsv"
META_PATH = REPO / "benchmarks" / "out" / "fusion_benchmark.json"
CONFIG_PATH = REPO / "config.yaml"
BUILD, CHROM = "GRCh38", "chr2"
REFERENCE_SEED = stable_seed("fusion-benchmark-reference")
FRACTIONS = (0.005, 0.01, 0.02, 0.05, 0.10, 0.25)
DEPTHS = (250, 500, 1000, 2000)
KINDS = ("v1", "v2", "v3", "random")
KIND_INTRON = {"v1": 13, "v2": 20, "v3": 6}
N_FUSION_FREE = 40
# A junction found within this distance of the truth (both sides) is a detection.
MATCH_DISTANCE = 150


@dataclass(frozen=True)
class Plan:
    sample_id: str
    depth: int
    fraction: float  # 0 = fusion-free
    kind: str
    alk_break: int
    partner_break: int
    eml4_intron: int
    reciprocal: bool

    @property
    def expected_exon_pair(self) -> str:
        return f"E{self.eml4_intron};A20" if self.fraction else ""


def capture_island(alk):
    """ALK exon 20, intron 19 and exon 19 as the panel captures them (one island)."""
    exons = {exon.number: exon for exon in alk.exons}
    targets = [
        Target(CHROM, exons[20].start - 10, exons[20].end + 10, "ALK_exon20"),
        Target(CHROM, exons[20].end + 1, exons[19].start - 1, "ALK_intron19"),
        Target(CHROM, exons[19].start - 10, exons[19].end + 10, "ALK_exon19"),
    ]
    islands = merge_targets_into_islands(targets)
    assert len(islands) == 1
    return islands[0]


def make_plans(alk, quick: bool) -> list[Plan]:
    rng = random.Random(stable_seed("fusion-benchmark-plans"))
    eml4 = load_exons(BUILD, "EML4")
    exons = {exon.number: exon for exon in alk.exons}
    alk_low, alk_high = exons[20].end + 1, exons[19].start - 1  # intron 19
    replicates = 1 if quick else 5
    fractions = (0.005, 0.01, 0.05) if quick else FRACTIONS
    depths = (500, 2000) if quick else DEPTHS
    plans = []
    for depth in depths:
        for fraction in fractions:
            for kind in KINDS:
                for _ in range(replicates):
                    intron = KIND_INTRON.get(kind) or rng.choice(
                        [n for n in range(1, len(eml4)) if n not in KIND_INTRON.values()]
                    )
                    low, high = eml4[intron - 1].end + 1, eml4[intron].start - 1
                    plans.append(
                        Plan(
                            f"F{len(plans) + 1:03d}_{kind}_{fraction:g}_{depth}x",
                            depth, fraction, kind,
                            rng.randint(alk_low, alk_high), rng.randint(low, high), intron,
                            reciprocal=len(plans) % 2 == 0,
                        )
                    )  # fmt: skip
    for index in range(4 if quick else N_FUSION_FREE):
        depth = DEPTHS[index % len(DEPTHS)]
        plans.append(Plan(f"N{index + 1:03d}_{depth}x", depth, 0.0, "none", 0, 0, 0, False))
    return plans


def prepare_reference(alk, island) -> Path:
    """Plain FASTA + .fai + bwa index in benchmarks/out/fusion/reference (cached)."""
    eml4 = load_exons(BUILD, "EML4")
    span = (eml4[0].start - 2_000, eml4[-1].end + 2_000)
    length = span[1] + 10_000
    folder = OUT / "reference"
    fasta = folder / "chr2_alk_eml4.fa"
    stamp = folder / "stamp.json"
    wanted = {"length": length, "seed": REFERENCE_SEED, "island": [island.start, island.end],
              "eml4": list(span)}  # fmt: skip
    if stamp.exists() and Path(f"{fasta}.bwt").exists() and json.loads(stamp.read_text()) == wanted:
        return fasta
    folder.mkdir(parents=True, exist_ok=True)
    sequence_regions = [
        Target(CHROM, island.start - 3_000, island.end + 3_000, "ALK"),
        Target(CHROM, *span, "EML4"),
    ]
    full = build_reference(
        merge_targets_into_islands(sequence_regions, flank=0), [alk], GRCH38_CHR2_LENGTH,
        seed=REFERENCE_SEED,
    )  # fmt: skip
    write_fasta(fasta, [(CHROM, full[:length])])
    del full
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    subprocess.run(["bwa", "index", "-a", "is", str(fasta)], check=True, stderr=subprocess.DEVNULL)
    stamp.write_text(json.dumps(wanted))
    return fasta


_WORKER: dict = {}


def init_worker(fasta: str, island, settings: dict, delly_extra: str) -> None:
    pysam.set_verbosity(0)
    alk = load_transcript(BUILD, "ALK", chrom=CHROM)
    with pysam.FastaFile(fasta) as handle:
        reference = handle.fetch(CHROM).encode()
    _WORKER.update(
        fasta=fasta, island=island, reference=reference, alk=alk,
        settings=FusionSettings.from_config(settings), delly_extra=delly_extra,
        mapq=settings.get("min_mapping_quality", 20),
        partners=load_partners(BUILD), names=load_variant_names(),
    )  # fmt: skip


def spec_of(plan: Plan) -> SampleSpec:
    fusions = []
    if plan.fraction:
        # One fused copy per tumour cell: the fraction at the ALK breakpoint is purity / 2.
        fusions.append(
            Fusion(CHROM, plan.alk_break, plan.partner_break, fused_copies=1.0,
                   reciprocal=plan.reciprocal, purity=2 * plan.fraction)
        )  # fmt: skip
    return SampleSpec(plan.sample_id, plan.depth, [], [], fusions=fusions)


def simulate_bam(plan: Plan) -> Path:
    bam = OUT / "bams" / f"{plan.sample_id}.bam"
    stamp = bam.with_suffix(".plan.json")
    wanted = json.dumps(
        asdict(plan) | {"seed": REFERENCE_SEED, "flank": FUSION_FLANK}, sort_keys=True
    )
    if (
        bam.exists()
        and Path(f"{bam}.bai").exists()
        and stamp.exists()
        and stamp.read_text() == wanted
    ):
        return bam
    workdir = OUT / "work" / plan.sample_id
    shutil.rmtree(workdir, ignore_errors=True)
    reads = simulate_reads(spec_of(plan), [_WORKER["island"]], _WORKER["reference"], workdir)
    align(plan.sample_id, reads, Path(_WORKER["fasta"]), bam, workdir, threads=1)
    stamp.write_text(wanted)
    shutil.rmtree(workdir, ignore_errors=True)
    return bam


def evaluate(plan: Plan, method: str, found: list[dict]) -> dict:
    """One row: detected?, exon pair, breakpoint distances, false calls."""
    hit = None
    false_calls = 0
    for call in found:
        if (
            plan.fraction
            and abs(call["alk_pos"] - plan.alk_break) <= MATCH_DISTANCE
            and abs(call["partner_pos"] - plan.partner_break) <= MATCH_DISTANCE
            and call["sides"] == ("left", "left")
            and hit is None
        ):
            hit = call
        elif (
            call["sides"] == ("left", "left")
            or not plan.fraction
            or not (
                plan.reciprocal
                and abs(call["alk_pos"] - plan.alk_break - 1) <= MATCH_DISTANCE
                and abs(call["partner_pos"] - plan.partner_break - 1) <= MATCH_DISTANCE
            )
        ):
            false_calls += 1
    return {
        **{k: v for k, v in asdict(plan).items()},
        "method": method,
        "detected": int(hit is not None),
        "exon_pair": hit["exon_pair"] if hit else "",
        "exon_pair_right": int(bool(hit) and hit["exon_pair"] == plan.expected_exon_pair),
        "alk_distance": abs(hit["alk_pos"] - plan.alk_break) if hit else "",
        "partner_distance": abs(hit["partner_pos"] - plan.partner_break) if hit else "",
        "supporting_fragments": hit.get("supporting", "") if hit else "",
        "fraction_estimate": hit.get("fraction", "") if hit else "",
        "false_calls": false_calls,
    }


def run_sample(plan: Plan) -> list[dict]:
    bam = simulate_bam(plan)
    alk, settings = _WORKER["alk"], _WORKER["settings"]
    window = breakpoint_window(alk, settings.window_margin)
    spans = [(CHROM, p.span[0] - 2_000, p.span[1] + 2_000) for p in _WORKER["partners"]]
    started = time.perf_counter()
    with (
        pysam.AlignmentFile(str(bam)) as alignment,
        pysam.FastaFile(_WORKER["fasta"]) as fasta,
    ):
        junctions, _ = gather_junctions(alignment, fasta, window, settings, spans)
    alkres_seconds = time.perf_counter() - started

    def exon_pair(alk_pos, alk_side, chrom, partner_pos, partner_side):
        return type_fusion(alk, _WORKER["partners"], _WORKER["names"], alk_pos, alk_side,
                           chrom, partner_pos, partner_side).exon_pair  # fmt: skip

    alkres_found = [
        {
            "alk_pos": j.alk_pos, "partner_pos": j.partner_pos,
            "sides": (j.alk_side, j.partner_side), "supporting": j.supporting_fragments,
            "fraction": round(j.fraction, 4),
            "exon_pair": exon_pair(j.alk_pos, j.alk_side, j.partner_chrom, j.partner_pos,
                                   j.partner_side),
        }
        for j, called in zip(junctions, call_junctions(junctions, settings)[0], strict=True)
        if called
    ]  # fmt: skip
    vcf = OUT / "delly" / f"{plan.sample_id}.bcf"
    vcf.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        ["delly", "call", "--genome", _WORKER["fasta"], "--map-qual", str(_WORKER["mapq"]),
         *_WORKER["delly_extra"].split(), "--outfile", str(vcf), str(bam)],
        check=True, capture_output=True,
    )  # fmt: skip
    delly_seconds = time.perf_counter() - started
    delly_found = []
    if vcf.exists():
        for call in read_caller_junctions(vcf, "delly", window):
            delly_found.append(
                {
                    "alk_pos": call.alk_pos, "partner_pos": call.partner_pos,
                    "sides": (call.alk_side, call.partner_side), "passed": call.passed,
                    "exon_pair": exon_pair(call.alk_pos, call.alk_side, call.partner_chrom,
                                           call.partner_pos, call.partner_side),
                }
            )  # fmt: skip
    rows = [evaluate(plan, "alkres", alkres_found) | {"seconds": round(alkres_seconds, 3)}]
    rows.append(evaluate(plan, "delly", delly_found) | {"seconds": round(delly_seconds, 3)})
    rows.append(
        evaluate(plan, "delly_pass", [c for c in delly_found if c["passed"]])
        | {"seconds": round(delly_seconds, 3)}
    )
    return rows


def run_all(plans, workers, initargs) -> list[dict]:
    rows, started = [], time.time()
    with ProcessPoolExecutor(workers, initializer=init_worker, initargs=initargs) as pool:
        futures = [pool.submit(run_sample, plan) for plan in plans]
        for done, future in enumerate(as_completed(futures), start=1):
            rows += future.result()
            if done % 20 == 0 or done == len(plans):
                print(f"  {done}/{len(plans)} samples ({time.time() - started:.0f} s)",
                      file=sys.stderr, flush=True)  # fmt: skip
    return sorted(rows, key=lambda r: (r["sample_id"], r["method"]))


def pct(k: int, n: int) -> str:
    return f"{100 * k / n:.0f}% ({k}/{n})" if n else "–"


def report(rows: list[dict], meta: dict) -> None:
    """benchmarks/results/fusion_benchmark.md: sensitivity grid, false calls, typing, distance."""
    for row in rows:
        for key in ("depth", "detected", "exon_pair_right", "false_calls"):
            row[key] = int(row[key])
        row["fraction"] = float(row["fraction"])
    methods = ("alkres", "delly", "delly_pass")
    fusion_rows = [r for r in rows if r["fraction"] > 0]
    free_rows = [r for r in rows if r["fraction"] == 0]
    cell = defaultdict(lambda: [0, 0])
    for row in fusion_rows:
        entry = cell[(row["method"], row["fraction"], row["depth"])]
        entry[0] += row["detected"]
        entry[1] += 1
    fractions = sorted({r["fraction"] for r in fusion_rows})
    depths = sorted({r["depth"] for r in fusion_rows})
    lines = [
        "# EML4-ALK fusion benchmark",
        "",
        f"Made by `benchmarks/fusion_benchmark.py{' --quick' if meta.get('quick') else ''}`"
        f" on {meta['date']} ({meta['machine']['nproc']} cores, {meta['machine']['cpu']});"
        f" {meta['samples']} simulated samples in {meta['seconds'] / 60:.1f} min.",
        f"Tools: {meta['tools']}. alkres settings: the `fusions` section of config.yaml"
        f" (min_supporting_fragments {meta['settings'].get('min_supporting_fragments')},"
        f" min_fraction {meta['settings'].get('min_fraction')}).",
        "",
        "Sensitivity per cell (detected / simulated): a detection is a called junction in the"
        f" fusion's orientation within {MATCH_DISTANCE} bp of both true breakpoints."
        " `delly` counts every Delly call, `delly (PASS)` only those passing its filters.",
        "",
    ]
    for method, title in zip(methods, ("alkres", "delly", "delly (PASS)"), strict=True):
        lines += [f"## {title}", "", "| fraction | " + " | ".join(f"{d}x" for d in depths) + " |",
                  "|---|" + "---|" * len(depths)]  # fmt: skip
        for fraction in fractions:
            cells = [pct(*cell[(method, fraction, depth)]) for depth in depths]
            lines.append(f"| {fraction:.1%} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## False calls, typing and breakpoints", "",
              "| method | fusion-free samples with a call | false calls in fusion samples |"
              " exon pair right (of detections) | ALK breakpoint within 5 bp | median ALK / partner distance (bp) |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    for method, title in zip(methods, ("alkres", "delly", "delly (PASS)"), strict=True):
        free = [r for r in free_rows if r["method"] == method]
        fused = [r for r in fusion_rows if r["method"] == method]
        detected = [r for r in fused if r["detected"]]
        within = [r for r in detected if int(r["alk_distance"]) <= 5]
        alk_d = sorted(int(r["alk_distance"]) for r in detected)
        partner_d = sorted(int(r["partner_distance"]) for r in detected)
        medians = (
            f"{alk_d[len(alk_d) // 2]} / {partner_d[len(partner_d) // 2]}" if detected else "–"
        )
        lines.append(
            f"| {title} | {sum(1 for r in free if r['false_calls'])}/{len(free)} |"
            f" {sum(r['false_calls'] for r in fused)} |"
            f" {pct(sum(r['exon_pair_right'] for r in detected), len(detected))} |"
            f" {pct(len(within), len(detected))} | {medians} |"
        )
    lines += ["", "## Targets", ""]
    lines += targets(cell, fractions, depths)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fusion_benchmark.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def targets(cell, fractions, depths) -> list[str]:
    def rate(method, fraction, depth):
        k, n = cell[(method, fraction, depth)]
        return k / n if n else None

    out = []
    checks = [
        ("100% at fraction >= 5% and depth >= 500x",
         [(f, d) for f in fractions for d in depths if f >= 0.05 and d >= 500], 1.0),
        (">= 95% at 1% and 1000x", [(0.01, 1000)], 0.95),
        (">= 80% at 0.5% and 2000x", [(0.005, 2000)], 0.80),
    ]  # fmt: skip
    for label, cells, goal in checks:
        rates = [rate("alkres", f, d) for f, d in cells if rate("alkres", f, d) is not None]
        met = bool(rates) and min(rates) >= goal
        out.append(f"- {label}: {'met' if met else 'MISSED'} (lowest {min(rates):.0%})"
                   if rates else f"- {label}: not in this run")  # fmt: skip
    below = [
        (f, d) for f in fractions for d in depths
        if (rate("alkres", f, d) or 0) < (rate("delly", f, d) or 0)
    ]  # fmt: skip
    out.append(
        "- never below Delly's sensitivity: "
        + ("met" if not below else "MISSED in " + ", ".join(f"{f:.1%}/{d}x" for f, d in below))
    )
    return out


def tool_versions() -> str:
    def first(command, pattern):
        done = subprocess.run(command, capture_output=True, text=True, errors="replace")
        return next((ln.strip() for ln in (done.stdout + done.stderr).splitlines()
                     if pattern in ln), "?")  # fmt: skip

    return (
        f"{first(['delly', '--version'], 'Delly')}, {first(['bwa'], 'Version')} (bwa),"
        f" {first(['art_illumina'], 'Version')} (ART)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a subset that runs in minutes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    if args.report_only:
        with open(TSV_PATH) as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        report(rows, json.loads(META_PATH.read_text()))
        return
    for tool in ("art_illumina", "bwa", "samtools", "delly"):
        if shutil.which(tool) is None:
            sys.exit(f"fusion_benchmark: '{tool}' not found on PATH (make setup installs it)")
    started = time.time()
    config = yaml.safe_load(CONFIG_PATH.read_text())
    settings = config["fusions"]
    alk = load_transcript(BUILD, "ALK", chrom=CHROM)
    island = capture_island(alk)
    fasta = prepare_reference(alk, island)
    plans = make_plans(alk, args.quick)
    print(f"fusion_benchmark: {len(plans)} samples", file=sys.stderr)
    rows = run_all(
        plans,
        args.workers,
        (str(fasta), island, settings, settings.get("delly", {}).get("extra", "")),
    )
    TSV_PATH.parent.mkdir(parents=True, exist_ok=True)
    with open(TSV_PATH, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t",
                                lineterminator="\n")  # fmt: skip
        writer.writeheader()
        writer.writerows(rows)
    meta = {
        "date": time.strftime("%Y-%m-%d"), "quick": args.quick, "samples": len(plans),
        "seconds": round(time.time() - started, 1), "machine": machine(),
        "tools": tool_versions(), "settings": {k: v for k, v in settings.items() if k != "delly"},
    }  # fmt: skip
    META_PATH.write_text(json.dumps(meta, indent=2))
    report(rows, meta)


if __name__ == "__main__":
    main()
