#!/usr/bin/env python3
"""Detection benchmark of EML4-ALK fusions from DNA across the conventions labs' pipelines
leave in their BAMs: the same simulated reads aligned with ``bwa mem`` (default), with
``bwa mem -M`` (split parts secondary), without MC/MQ tags, and as a ctDNA vendor's pipeline
leaves them (-M, no MC/MQ, UMI-collapsed reads without duplicate flags). alkres (the fusion
table exactly as rule fusion_calls writes it, Delly's calls included) against Delly run alone.

    .venv/bin/python benchmarks/fusion_benchmark.py              # full grid (~50 min on 2 cores)
    .venv/bin/python benchmarks/fusion_benchmark.py --quick      # a subset, ~10 minutes
    .venv/bin/python benchmarks/fusion_benchmark.py --report-only

Each sample is simulated once with test_data/simulate.py (ART reads over the ALK
exon 20 - intron 19 - exon 19 capture island) on a benchmark reference of its own: chr2
truncated after EML4, with sequence over ALK, the EML4 gene and a mate-trap locus at their real GRCh38 coordinates, and
three small contigs (chr6, chr7, chr14) carrying copies of a 300-bp repeat of EML4 intron 13.
Every sample, fusion-free ones included, carries library chimeras that join fragments of ALK
exons from all over the gene to the trap locus (3.7 Mb from ALK, as a real panel's BAMs show):
their mates stack at one position. A fusion sample carries one EML4-ALK inversion (v1, v2, v3,
a random other EML4 intron, or "repeat": a v1 whose EML4 breakpoint lies inside the repeat, so
every split read's EML4 part maps to four places) at a fusion fraction and a depth of the grid;
half are balanced. Writes benchmarks/out/fusion_benchmark.tsv and
benchmarks/results/fusion_benchmark.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
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
sys.path.insert(0, str(REPO / "test_data"))  # the read simulator
sys.path.insert(0, str(REPO / "benchmarks"))

import pysam  # noqa: E402
from hotspot_benchmark import machine  # noqa: E402
from simulate import (  # noqa: E402
    CONVENTIONS,
    FUSION_FLANK,
    GRCH38_CHR2_LENGTH,
    Fusion,
    MateTrap,
    SampleSpec,
    Target,
    align,
    build_reference,
    merge_targets_into_islands,
    simulate_reads,
    stable_seed,
    write_fasta,
)

from alkres.fusion.evidence import FusionSettings, breakpoint_window  # noqa: E402
from alkres.fusion.fusion_calls import assess_sample, read_caller_junctions  # noqa: E402
from alkres.fusion.naming import load_partners, load_variant_names, type_fusion  # noqa: E402
from alkres.inputs.settings import effective_config  # noqa: E402
from alkres.knowledge.transcript import load_exons, load_transcript  # noqa: E402

OUT = REPO / "benchmarks" / "out" / "fusion"
RESULTS = REPO / "benchmarks" / "results"
TSV_PATH = REPO / "benchmarks" / "out" / "fusion_benchmark.tsv"
META_PATH = REPO / "benchmarks" / "out" / "fusion_benchmark.json"
CONFIG_PATH = REPO / "config.yaml"
BUILD, CHROM = "GRCh38", "chr2"
REFERENCE_SEED = stable_seed("fusion-benchmark-reference")
FRACTIONS = (0.005, 0.01, 0.02, 0.05, 0.10, 0.25)
DEPTHS = (250, 500, 1000, 2000)
KINDS = ("v1", "v2", "v3", "random", "repeat")
KIND_INTRON = {"v1": 13, "v2": 20, "v3": 6, "repeat": 13}
REPLICATES = 4
N_FUSION_FREE = 40
CONVENTION_NAMES = ("default", "bwa_mem_M", "no_mate_tags", "vendor")
# A junction found within this distance of the truth (both sides) is a detection; rows within
# EVENT_DISTANCE of it (either orientation) belong to the same event.
MATCH_DISTANCE = 150
EVENT_DISTANCE = 1_000
# The trap locus, as in the bundled cohort and the real panel BAMs; chimeras per sample.
TRAP_POS = 32_916_487
TRAP_PAIRS_PER_DEPTH = 0.2  # 100 chimeric pairs at 500x, ~17 of them in the ALK window
# An Alu-like stretch of EML4 intron 13 and the contigs holding its copies (at COPY_AT).
REPEAT = (42_300_151, 42_300_450)
COPY_CONTIGS = ("chr6", "chr7", "chr14")
COPY_CONTIG_LENGTH, COPY_AT = 60_000, 30_001


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


def alk_exon_islands(alk) -> tuple[tuple[int, int], ...]:
    """Every captured ALK exon (± 10 bp, with the island flank): where chimeras' ALK reads lie."""
    targets = [Target(CHROM, e.start - 10, e.end + 10, f"ALK_exon{e.number}") for e in alk.exons]
    return tuple((i.start, i.end) for i in merge_targets_into_islands(targets))


def alk_span(alk) -> tuple[int, int]:
    return min(e.start for e in alk.exons), max(e.end for e in alk.exons)


def make_plans(alk, quick: bool) -> list[Plan]:
    rng = random.Random(stable_seed("fusion-benchmark-plans"))
    eml4 = load_exons(BUILD, "EML4")
    exons = {exon.number: exon for exon in alk.exons}
    alk_low, alk_high = exons[20].end + 1, exons[19].start - 1  # intron 19
    replicates = 1 if quick else REPLICATES
    fractions = (0.01, 0.05) if quick else FRACTIONS
    depths = (500, 1000) if quick else DEPTHS
    plans = []
    for depth in depths:
        for fraction in fractions:
            for kind in KINDS:
                for _ in range(replicates):
                    intron = KIND_INTRON.get(kind) or rng.choice(
                        [n for n in range(1, len(eml4)) if n not in KIND_INTRON.values()]
                    )
                    if kind == "repeat":
                        # Inside the repeat, 60+ bases from its lower end: every split read's
                        # EML4 part next to the junction is repeat sequence.
                        low, high = REPEAT[0] + 60, REPEAT[1] - 20
                    else:
                        low, high = eml4[intron - 1].end + 1, eml4[intron].start - 1
                    plans.append(
                        Plan(
                            f"F{len(plans) + 1:03d}_{kind}_{fraction:g}_{depth}x",
                            depth, fraction, kind,
                            rng.randint(alk_low, alk_high), rng.randint(low, high), intron,
                            reciprocal=len(plans) % 2 == 0,
                        )
                    )  # fmt: skip
    for index in range(8 if quick else N_FUSION_FREE):
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
              "eml4": list(span), "trap": TRAP_POS, "repeat": list(REPEAT),
              "copies": list(COPY_CONTIGS), "alk_islands": list(alk_exon_islands(alk))}  # fmt: skip
    if stamp.exists() and Path(f"{fasta}.bwt").exists() and json.loads(stamp.read_text()) == wanted:
        return fasta
    folder.mkdir(parents=True, exist_ok=True)
    sequence_regions = [
        Target(CHROM, island.start - 3_000, island.end + 3_000, "ALK_intron19"),
        Target(CHROM, *span, "EML4"),
        Target(CHROM, TRAP_POS - 500, TRAP_POS + 700, "trap"),
        *(Target(CHROM, start, end, "ALK_exon") for start, end in alk_exon_islands(alk)),
    ]
    full = build_reference(
        merge_targets_into_islands(sequence_regions, flank=0), [alk], GRCH38_CHR2_LENGTH,
        seed=REFERENCE_SEED,
    )  # fmt: skip
    repeat = full[REPEAT[0] - 1 : REPEAT[1]]
    copy = b"N" * (COPY_AT - 1) + repeat
    copy += b"N" * (COPY_CONTIG_LENGTH - len(copy))
    write_fasta(fasta, [(CHROM, full[:length]), *((name, copy) for name in COPY_CONTIGS)])
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
        trap_sources=alk_exon_islands(alk), alk_span=alk_span(alk),
    )  # fmt: skip


def spec_of(plan: Plan) -> SampleSpec:
    fusions = []
    if plan.fraction:
        # One fused copy per tumour cell: the fraction at the ALK breakpoint is purity / 2.
        fusions.append(
            Fusion(CHROM, plan.alk_break, plan.partner_break, fused_copies=1.0,
                   reciprocal=plan.reciprocal, purity=2 * plan.fraction)
        )  # fmt: skip
    trap = MateTrap(
        CHROM, TRAP_POS, round(plan.depth * TRAP_PAIRS_PER_DEPTH), _WORKER["alk_span"],
        source_islands=_WORKER["trap_sources"],
    )  # fmt: skip
    return SampleSpec(plan.sample_id, plan.depth, [], [], fusions=fusions, traps=[trap])


def simulate_bams(plan: Plan) -> dict[str, Path]:
    """One read set per plan, aligned in every convention (cached by a stamp of the plan)."""
    bams = {name: OUT / "bams" / name / f"{plan.sample_id}.bam" for name in CONVENTION_NAMES}
    wanted = json.dumps(
        asdict(plan) | {"seed": REFERENCE_SEED, "flank": FUSION_FLANK, "trap": TRAP_POS,
                        "trap_pairs": TRAP_PAIRS_PER_DEPTH},
        sort_keys=True,
    )  # fmt: skip
    stamps = {name: bam.with_suffix(".plan.json") for name, bam in bams.items()}
    if all(
        bam.exists() and Path(f"{bam}.bai").exists() and stamps[name].exists()
        and stamps[name].read_text() == wanted
        for name, bam in bams.items()
    ):  # fmt: skip
        return bams
    workdir = OUT / "work" / plan.sample_id
    shutil.rmtree(workdir, ignore_errors=True)
    reads = simulate_reads(spec_of(plan), [_WORKER["island"]], _WORKER["reference"], workdir)
    for name, bam in bams.items():
        align(plan.sample_id, reads, Path(_WORKER["fasta"]), bam, workdir, threads=1,
              convention=CONVENTIONS[name])  # fmt: skip
        stamps[name].write_text(wanted)
    shutil.rmtree(workdir, ignore_errors=True)
    return bams


def near(row_alk: int, row_partner: int, plan: Plan, distance: int, offset: int = 0) -> bool:
    return (
        abs(row_alk - plan.alk_break - offset) <= distance
        and abs(row_partner - plan.partner_break - offset) <= distance
    )


def evaluate(plan: Plan, method: str, found: list[dict], rows: list[dict] | None = None) -> dict:
    """One row: detected?, exon pair, breakpoint distances, false calls, rows of the event."""
    hit = None
    false_calls = 0
    for call in found:
        driver = call["sides"] == ("left", "left")
        if (
            plan.fraction
            and call.get("partner_chrom", CHROM) == CHROM
            and near(call["alk_pos"], call["partner_pos"], plan, MATCH_DISTANCE)
            and driver
            and hit is None
        ):
            hit = call
        elif (
            driver
            or not plan.fraction
            or not (
                plan.reciprocal
                and near(call["alk_pos"], call["partner_pos"], plan, MATCH_DISTANCE, offset=1)
            )
        ):
            false_calls += 1
    event_rows = extra_rows = ""
    if rows is not None:
        event = [
            r for r in rows
            if plan.fraction and r["partner_chrom"] == CHROM
            and near(int(r["alk_pos"]), int(r["partner_pos"]), plan, EVENT_DISTANCE)
        ]  # fmt: skip
        event_rows, extra_rows = len(event), len(rows) - len(event)
    return {
        **{k: v for k, v in asdict(plan).items()},
        "method": method,
        "detected": int(hit is not None),
        "exon_pair": hit["exon_pair"] if hit else "",
        "exon_pair_right": int(bool(hit) and hit["exon_pair"] == plan.expected_exon_pair),
        "alk_distance": abs(hit["alk_pos"] - plan.alk_break) if hit else "",
        "partner_distance": abs(hit["partner_pos"] - plan.partner_break) if hit else "",
        "supporting_fragments": hit.get("supporting", "") if hit else "",
        "ambiguous_fragments": hit.get("ambiguous", "") if hit else "",
        "fraction_estimate": hit.get("fraction", "") if hit else "",
        "false_calls": false_calls,
        "event_rows": event_rows,
        "extra_rows": extra_rows,
    }


def run_convention(plan: Plan, convention: str, bam: Path) -> list[dict]:
    alk, settings = _WORKER["alk"], _WORKER["settings"]
    window = breakpoint_window(alk, settings.window_margin)
    vcf = OUT / "delly" / convention / f"{plan.sample_id}.bcf"
    vcf.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        ["delly", "call", "--genome", _WORKER["fasta"], "--map-qual", str(_WORKER["mapq"]),
         *_WORKER["delly_extra"].split(), "--outfile", str(vcf), str(bam)],
        check=True, capture_output=True,
    )  # fmt: skip
    delly_seconds = time.perf_counter() - started
    started = time.process_time()
    result = assess_sample(
        plan.sample_id, "tumor", bam, _WORKER["fasta"], alk, settings, {"delly": vcf}
    )
    alkres_seconds = time.process_time() - started
    sides = {"3to3": ("left", "left"), "5to5": ("right", "right"), "3to5": ("left", "right"),
             "5to3": ("right", "left")}  # fmt: skip
    alkres_found = [
        {"alk_pos": int(r["alk_pos"]), "partner_pos": int(r["partner_pos"]),
         "partner_chrom": r["partner_chrom"], "sides": sides.get(r["orientation"], ("?", "?")),
         "supporting": r["supporting_fragments"], "ambiguous": r["ambiguous_fragments"],
         "fraction": r["fraction"], "exon_pair": r["exon_pair"]}
        for r in result.rows
        if r["alkres"] == "detected"
    ]  # fmt: skip

    def exon_pair(call):
        return type_fusion(alk, _WORKER["partners"], _WORKER["names"], call.alk_pos,
                           call.alk_side, call.partner_chrom, call.partner_pos,
                           call.partner_side).exon_pair  # fmt: skip

    delly_found = [
        {"alk_pos": c.alk_pos, "partner_pos": c.partner_pos, "partner_chrom": c.partner_chrom,
         "sides": (c.alk_side, c.partner_side), "passed": c.passed, "exon_pair": exon_pair(c)}
        for c in (read_caller_junctions(vcf, "delly", window) if vcf.exists() else [])
    ]  # fmt: skip
    extra = {"convention": convention, "artefacts": len(result.status["artefacts"]),
             "status": status_kind(result.status["status"])}  # fmt: skip
    return [
        evaluate(plan, "alkres", alkres_found, result.rows)
        | extra | {"seconds": round(alkres_seconds, 3)},
        evaluate(plan, "delly", delly_found) | extra | {"seconds": round(delly_seconds, 3)},
        evaluate(plan, "delly_pass", [c for c in delly_found if c["passed"]])
        | extra | {"seconds": round(delly_seconds, 3)},
    ]  # fmt: skip


def status_kind(status: str) -> str:
    """The sample's fusion status (status.json) without its numbers."""
    for kind in ("detected", "ALK breakpoint without a placed partner", "fusion not detected",
                 "fusion not assessable"):  # fmt: skip
        if status.startswith(kind):
            return kind
    return status


def run_sample(plan: Plan) -> list[dict]:
    bams = simulate_bams(plan)
    return [row for name, bam in bams.items() for row in run_convention(plan, name, bam)]


def code_digest() -> str:
    """Hash of the library, the simulator and this script: cached rows from other code are stale."""
    digest = hashlib.sha256()
    files = sorted((REPO / "workflow" / "scripts" / "alkres").rglob("*.py"))
    for path in [*files, REPO / "test_data" / "simulate.py", Path(__file__).resolve()]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached_rows(plan: Plan, key: dict) -> list[dict] | None:
    path = OUT / "rows" / f"{plan.sample_id}.json"
    if not path.exists():
        return None
    cached = json.loads(path.read_text())
    return cached["rows"] if cached.get("key") == key else None


def run_all(plans, workers, initargs) -> list[dict]:
    """Every sample's rows; a sample whose rows were cached by the same code and settings is
    not recomputed, so an interrupted run resumes where it stopped."""
    rows, started = [], time.time()
    key_base = {"code": code_digest(), "settings": initargs[2], "delly": initargs[3]}
    todo = []
    for plan in plans:
        cached = cached_rows(plan, key_base | {"plan": asdict(plan)})
        if cached is None:
            todo.append(plan)
        else:
            rows += cached
    if len(todo) < len(plans):
        print(f"  {len(plans) - len(todo)} samples from benchmarks/out/fusion/rows",
              file=sys.stderr)  # fmt: skip
    (OUT / "rows").mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(workers, initializer=init_worker, initargs=initargs) as pool:
        futures = {pool.submit(run_sample, plan): plan for plan in todo}
        for done, future in enumerate(as_completed(futures), start=1):
            plan = futures[future]
            result = future.result()
            (OUT / "rows" / f"{plan.sample_id}.json").write_text(
                json.dumps({"key": key_base | {"plan": asdict(plan)}, "rows": result})
            )
            rows += result
            if done % 20 == 0 or done == len(todo):
                print(f"  {done}/{len(todo)} samples ({time.time() - started:.0f} s)",
                      file=sys.stderr, flush=True)  # fmt: skip
    return sorted(rows, key=lambda r: (r["sample_id"], r["convention"], r["method"]))


def pct(k: int, n: int) -> str:
    return f"{100 * k / n:.0f}% ({k}/{n})" if n else "–"


def rate(cell, key) -> float | None:
    k, n = cell.get(key, (0, 0))
    return k / n if n else None


def tally(rows: list[dict]) -> dict:
    """(method, convention, fraction, depth) -> [detected, simulated]."""
    cell: dict = defaultdict(lambda: [0, 0])
    for row in rows:
        if row["fraction"] > 0:
            entry = cell[(row["method"], row["convention"], row["fraction"], row["depth"])]
            entry[0] += row["detected"]
            entry[1] += 1
    return cell


def report(rows: list[dict], meta: dict) -> None:
    """benchmarks/results/fusion_benchmark.md: a grid per convention, the convention table,
    false calls and rows per event, and the targets."""
    for row in rows:
        for key in ("depth", "detected", "exon_pair_right", "false_calls"):
            row[key] = int(row[key])
        row["fraction"] = float(row["fraction"])
    conventions = [c for c in CONVENTION_NAMES if any(r["convention"] == c for r in rows)]
    cell = tally(rows)
    fused = [r for r in rows if r["fraction"] > 0]
    fractions = sorted({r["fraction"] for r in fused})
    depths = sorted({r["depth"] for r in fused})
    lines = [
        "# EML4-ALK fusion benchmark across BAM conventions",
        "",
        f"Made by `benchmarks/fusion_benchmark.py{' --quick' if meta.get('quick') else ''}`"
        f" on {meta['date']} ({meta['machine']['nproc']} cores, {meta['machine']['cpu']});"
        f" {meta['samples']} simulated samples, each aligned in {len(conventions)} conventions,"
        f" in {meta['seconds'] / 60:.1f} min.",
        f"Tools: {meta['tools']}. alkres settings: the `fusions` section of config.yaml"
        f" (min_supporting_fragments {meta['settings'].get('min_supporting_fragments')},"
        f" min_fraction {meta['settings'].get('min_fraction')}).",
        "",
        "Conventions: `default` = `bwa mem` + samtools fixmate/markdup (MC and MQ tags,"
        " supplementary split parts); `bwa_mem_M` = `bwa mem -M` (split parts secondary);"
        " `no_mate_tags` = default without MC/MQ; `vendor` = `-M`, no MC/MQ, UMI-collapsed reads"
        " (RX/MI tags) without duplicate flags. Every sample carries chimeras whose mates stack"
        " at a trap locus 3.7 Mb from ALK; `repeat` fusions break EML4 inside a repeat copied on"
        " three other contigs.",
        "",
        "A detection is a called junction (rule fusion_calls' table, `alkres = detected`) in the"
        f" fusion's orientation within {MATCH_DISTANCE} bp of both true breakpoints.",
        "",
        "## Sensitivity by convention",
        "",
        "| fraction | depth | " + " | ".join(conventions) + " | delly (default) |",
        "|---|---|" + "---|" * (len(conventions) + 1),
    ]
    for fraction in fractions:
        for depth in depths:
            cells = [pct(*cell[("alkres", c, fraction, depth)]) for c in conventions]
            cells.append(pct(*cell[("delly", "default", fraction, depth)]))
            lines.append(f"| {fraction:.1%} | {depth}x | " + " | ".join(cells) + " |")
    lines += ["", "## False calls, rows per event, typing", "",
              "| | " + " | ".join(conventions) + " |", "|---|" + "---|" * len(conventions)]  # fmt: skip
    summary = convention_summary(rows, conventions)
    for label in summary[conventions[0]]:
        lines.append(f"| {label} | " + " | ".join(summary[c][label] for c in conventions) + " |")
    lines += ["", "## By kind (alkres, all cells)", "",
              "| kind | " + " | ".join(conventions) + " |", "|---|" + "---|" * len(conventions)]  # fmt: skip
    for kind in KINDS:
        counts = []
        for convention in conventions:
            chosen = [r for r in fused if r["method"] == "alkres" and r["convention"] == convention
                      and r["kind"] == kind]  # fmt: skip
            counts.append(pct(sum(r["detected"] for r in chosen), len(chosen)))
        lines.append(f"| {kind} | " + " | ".join(counts) + " |")
    lines += ["", "## Targets", "", *targets(rows, cell, conventions, fractions, depths)]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fusion_benchmark.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def convention_summary(rows: list[dict], conventions: list[str]) -> dict[str, dict[str, str]]:
    out = {}
    for convention in conventions:
        mine = [r for r in rows if r["method"] == "alkres" and r["convention"] == convention]
        free = [r for r in mine if r["fraction"] == 0]
        fused = [r for r in mine if r["fraction"] > 0]
        detected = [r for r in fused if r["detected"]]
        missed = [r for r in fused if not r["detected"]]
        one_row = [r for r in detected if int(r["event_rows"]) == 1]
        seconds = sorted(float(r["seconds"]) for r in mine)
        out[convention] = {
            "fusion-free samples with a call": f"{sum(1 for r in free if r['false_calls'])}/{len(free)}",
            "fusion-free samples with the trap reported as an artefact": (
                f"{sum(1 for r in free if int(r['artefacts']))}/{len(free)}"
            ),
            "false calls in fusion samples": str(sum(r["false_calls"] for r in fused)),
            "detected events with exactly one row": pct(len(one_row), len(detected)),
            "most rows for one event": str(max((int(r["event_rows"]) for r in fused), default=0)),
            "rows of other events (any verdict)": str(sum(int(r["extra_rows"]) for r in mine)),
            "fusions not detected, status ALK breakpoint without a placed partner (flagged)": pct(
                sum(1 for r in missed if r["status"].startswith("ALK breakpoint")), len(missed)
            ),
            "fusions not detected, status detected (the reciprocal junction called)": pct(
                sum(1 for r in missed if r["status"] == "detected"), len(missed)
            ),
            "fusions not detected, status fusion not detected / not assessable": pct(
                sum(1 for r in missed if r["status"].startswith("fusion not")), len(missed)
            ),
            "exon pair right (of detections)": pct(
                sum(r["exon_pair_right"] for r in detected), len(detected)
            ),
            "ALK breakpoint within 5 bp": pct(
                sum(1 for r in detected if int(r["alk_distance"]) <= 5), len(detected)
            ),
            "partner breakpoint within 5 bp": pct(
                sum(1 for r in detected if int(r["partner_distance"]) <= 5), len(detected)
            ),
            "median CPU s per sample (fusion_calls)": (
                f"{seconds[len(seconds) // 2]:.2f}" if seconds else "–"
            ),
        }  # fmt: skip
    return out


def targets(rows, cell, conventions, fractions, depths) -> list[str]:
    out = []
    high = [(f, d) for f in fractions for d in depths if f >= 0.01 and d >= 1000]
    for convention in conventions:
        if convention == "default":
            continue
        gaps = []
        for fraction, depth in high:
            ours = rate(cell, ("alkres", convention, fraction, depth))
            base = rate(cell, ("alkres", "default", fraction, depth))
            if ours is not None and base is not None and base - ours > 0.05:
                gaps.append(f"{fraction:.1%}/{depth}x ({ours:.0%} vs {base:.0%})")
        out.append(
            f"- {convention}: sensitivity within 5 points of the default at >= 1% and >= 1000x: "
            + ("met" if high and not gaps else "MISSED in " + ", ".join(gaps) if gaps else "not in this run")
        )  # fmt: skip
    for convention in conventions:
        free = [r for r in rows if r["method"] == "alkres" and r["convention"] == convention
                and r["fraction"] == 0]  # fmt: skip
        calls = sum(r["false_calls"] for r in free)
        enough = len(free) >= 40
        out.append(
            f"- {convention}: 0 false calls over >= 40 fusion-free samples (trap included):"
            f" {'met' if calls == 0 and enough else 'MISSED'} ({calls} calls in {len(free)})"
        )
    for convention in conventions:
        fused = [r for r in rows if r["method"] == "alkres" and r["convention"] == convention
                 and r["fraction"] > 0]  # fmt: skip
        bad = [
            r
            for r in fused
            if int(r["event_rows"]) > 1 or (r["detected"] and int(r["event_rows"]) != 1)
        ]
        out.append(
            f"- {convention}: exactly one row per simulated event:"
            f" {'met' if not bad else 'MISSED'} ({len(bad)} events with more than one row)"
        )  # fmt: skip
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
    config = effective_config(CONFIG_PATH)
    settings = config["fusions"]
    alk = load_transcript(BUILD, "ALK", chrom=CHROM)
    island = capture_island(alk)
    fasta = prepare_reference(alk, island)
    plans = make_plans(alk, args.quick)
    print(f"fusion_benchmark: {len(plans)} samples x {len(CONVENTION_NAMES)} conventions",
          file=sys.stderr)  # fmt: skip
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
