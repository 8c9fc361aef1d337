#!/usr/bin/env python3
"""Detection benchmark of the catalogued ALK resistance mutations: alkres's codon-aware
genotyper versus bcftools and freebayes run alone, on the same simulated BAMs.

    .venv/bin/python benchmarks/hotspot_benchmark.py            # full grid (~30 min on 2 cores)
    .venv/bin/python benchmarks/hotspot_benchmark.py --quick    # a subset, a few minutes
    .venv/bin/python benchmarks/hotspot_benchmark.py --report-only   # redo the summary only

Every sample is simulated with test_data/simulate.py (ART reads, bwa mem, samtools markdup) on a
benchmark reference of its own (chr2 truncated to 29.3 Mb, real sequence only around ALK exons
20-29), genotyped with the pipeline's default settings (config.yaml) and a background built from
simulated normals exactly as the pipeline builds it, and called with the pipeline's bcftools and
freebayes command lines. Writes benchmarks/out/hotspot_benchmark.tsv (one row per sample x
mutation x method) and benchmarks/results/hotspot_benchmark.md. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))
sys.path.insert(0, str(REPO / "test_data"))  # the read simulator

import pysam  # noqa: E402
from simulate import (  # noqa: E402
    GRCH38_CHR2_LENGTH,
    Haplotype,
    Island,
    SampleSpec,
    Target,
    align,
    build_reference,
    merge_targets_into_islands,
    simulate_reads,
    stable_seed,
    write_fasta,
)

from alkres.inputs.settings import effective_config  # noqa: E402
from alkres.knowledge.knowledge import load_knowledge_base  # noqa: E402
from alkres.knowledge.transcript import GENETIC_CODE, load_exons, load_transcript, translate  # noqa: E402
from alkres.mutations.annotate import annotate_variant  # noqa: E402
from alkres.mutations.annotate_sample import CallerFilters  # noqa: E402
from alkres.mutations.caller_vcf import read_caller_vcf  # noqa: E402
from alkres.mutations.hotspot_background import background_rows  # noqa: E402
from alkres.mutations.hotspot_calls import call_sample, calling_parameters  # noqa: E402
from alkres.mutations.hotspot_counts import (  # noqa: E402
    GeneSites,
    count_rows,
    genotype_alignment,
    hotspot_sites,
    read_filters,
)
from alkres.mutations.statistics import background_from_normals  # noqa: E402
from alkres.mutations.variants import Variant, cds_edit_to_variant, codon_substitution  # noqa: E402
from alkres.tables import BACKGROUND_COLUMNS, COUNT_COLUMNS, read_background, read_counts, write_tsv  # noqa: E402

OUT = REPO / "benchmarks" / "out"
RESULTS = REPO / "benchmarks" / "results"
TSV_PATH = OUT / "hotspot_benchmark.tsv"
META_PATH = OUT / "hotspot_benchmark.meta.json"
CACHE = OUT / "hotspots"  # reference, BAMs, VCFs and normals' counts (other benchmarks share out/)
REPORT_PATH = RESULTS / "hotspot_benchmark.md"
CONFIG_PATH = REPO / "config.yaml"

CHROM = "chr2"
BUILD = "GRCh38"
CONTIG_LENGTH = 29_300_000  # keeps ALK exons 20-29 (chr2:29.19-29.23 Mb) at their real place
KINASE_EXONS = range(20, 30)
TARGET_PAD = 10  # as test_data/make_test_data.py: splice-site padding of each coding exon
REFERENCE_SEED = stable_seed("alkres hotspot benchmark reference")
MIN_SPIKE_DISTANCE = 400  # mutations sharing a BAM are at least this far apart

VAFS = (0.005, 0.01, 0.02, 0.05, 0.10, 0.20)
DEPTHS = (250, 500, 1000, 2000)
QUICK_VAFS = (0.01, 0.05)
QUICK_DEPTHS = (500, 2000)
N_NEGATIVES, QUICK_NEGATIVES = 20, 5
N_NORMALS, NORMAL_DEPTH = 4, 1000
COMPOUND_VAF, COMPOUND_DEPTH = 0.10, 1000
COMPOUND_REPLICATES, QUICK_COMPOUND_REPLICATES = 3, 1
NAMING_VAF, NAMING_DEPTH = 0.10, 1000
NAMING_REPLICATES, QUICK_NAMING_REPLICATES = 2, 1

# Two-base changes at catalogued codons, besides the catalogued ones whose only routes need two
# bases (G1269S GGA>AGC, C1156T TGC>ACC). Each gives a catalogued residue by a route whose
# single-base parts name something else, or a VUS residue whose single-base parts include a
# catalogued resistance mutation (what a per-base caller would then report).
TWO_BASE_CHANGES = (
    (1156, "AAC"),  # C1156N (VUS); parts C1156S + C1156Y
    (1171, "GCC"),  # I1171A (VUS); parts I1171V + I1171T
    (1156, "TAT"),  # C1156Y; parts C1156Y + C1156=
    (1245, "TGT"),  # F1245C; parts F1245C + F1245=
    (1269, "ACA"),  # G1269T (VUS); parts G1269R + G1269A
    (1269, "GCC"),  # G1269A; parts G1269A + G1269=
    (1275, "CAG"),  # R1275Q; parts R1275Q + R1275=
    (1202, "AAA"),  # G1202K (VUS); parts G1202R + G1202E
    (1196, "AAG"),  # L1196K (VUS); parts L1196M + L1196Q
    (1174, "GCC"),  # F1174A (VUS); parts F1174V + F1174S
    (1202, "AGG"),  # G1202R; parts G1202R + G1202=
    (1198, "TTT"),  # L1198F; parts L1198F + L1198=
)
COMPOUND = ("G1202R", "L1196M")
METHODS = ("alkres", "bcftools", "freebayes")

TSV_COLUMNS = [
    "set", "sample_id", "replicate", "depth", "target_vaf", "method", "row_type", "mutation",
    "purpose", "catalogued", "route", "bases_changed", "detected", "reported", "vaf_estimate",
    "passes_caller_filters", "expected_phase", "phase", "detail",
]  # fmt: skip


# ------------------------------------------------------------------ what is simulated


@dataclass(frozen=True)
class Spike:
    """One simulated mutation and the name every method should give it."""

    name: str
    kind: str  # substitution | deletion | duplication
    codon: int
    route: str  # c. change and, for substitutions, the codon change
    bases_changed: str  # "1", "2" or "indel"
    catalogued: bool
    purpose: str  # catalogue (the catalogue's typical route) | naming (extra two-base change)
    variant: Variant


@dataclass(frozen=True)
class Plan:
    """One simulated BAM."""

    sample_id: str
    set: str  # normal | negative | grid | naming | compound
    depth: int
    vaf: float
    replicate: int
    haplotypes: tuple[tuple[tuple[Spike, ...], float], ...] = ()
    expected_phase: str = ""

    @property
    def spikes(self) -> list[Spike]:
        seen: list[Spike] = []
        for spikes, _ in self.haplotypes:
            seen.extend(s for s in spikes if s not in seen)
        return seen

    def spec(self) -> SampleSpec:
        return SampleSpec(
            self.sample_id,
            self.depth,
            [Haplotype(tuple(s.variant for s in spikes), vaf) for spikes, vaf in self.haplotypes],
        )


def vaf_label(vaf: float) -> str:
    return f"{vaf * 100:g}"


def kinase_targets(alk) -> list[Target]:
    """ALK exons 20-29, coding part only, padded like the bundled panel's targets."""
    targets = []
    for exon in load_exons(BUILD, "ALK"):
        if exon.number not in KINASE_EXONS:
            continue
        ends = (alk.c_to_g(exon.cds_start_c), alk.c_to_g(exon.cds_end_c))
        targets.append(
            Target(CHROM, min(ends) - TARGET_PAD, max(ends) + TARGET_PAD, f"ALK_exon{exon.number}")
        )
    return sorted(targets, key=lambda t: t.start)


def name_of(alk, variant: Variant):
    return annotate_variant(alk, variant.chrom, variant.pos, variant.ref, variant.alt)


def substitution_spike(alk, codon: int, new_codon: str, purpose: str, known: set[str]) -> Spike:
    ref = alk.codon_ref(codon)
    variant = codon_substitution(alk, codon, new_codon)
    annotation = name_of(alk, variant)
    expected = f"{alk.protein[codon - 1]}{codon}{translate(new_codon)}"
    if annotation.alteration != expected:
        raise AssertionError(f"{ref}>{new_codon} at {codon} annotates to {annotation.alteration}")
    changed = sum(a != b for a, b in zip(ref, new_codon, strict=True))
    return Spike(
        expected,
        "substitution",
        codon,
        f"{annotation.hgvs_c} ({ref}>{new_codon})",
        str(changed),
        expected in known,
        purpose,
        variant,
    )


def typical_codon(alk, mutation) -> str:
    """The catalogue's stated single-base route if it has one, else the route with the fewest
    changed bases (alphabetically first codon on ties): deterministic for F1174L and the like."""
    ref = alk.codon_ref(mutation.codon)
    match = re.fullmatch(r"c\.(\d+)([ACGT])>([ACGT])", mutation.hgvs_c)
    if match:
        index = int(match[1]) - 1 - (mutation.codon - 1) * 3
        if 0 <= index < 3 and ref[index] == match[2]:
            new = ref[:index] + match[3] + ref[index + 1 :]
            if translate(new) == mutation.alt_aa:
                return new
    candidates = sorted(
        (sum(a != b for a, b in zip(ref, codon, strict=True)), codon)
        for codon, aa in GENETIC_CODE.items()
        if aa == mutation.alt_aa
    )
    return candidates[0][1]


def indel_spike(alk, mutation) -> Spike:
    first = (mutation.codon - 1) * 3 + 1
    match = re.fullmatch(r"c\.(\d+)_(\d+)(del|dup)", mutation.hgvs_c)
    start, end = (int(match[1]), int(match[2])) if match else (first, first + 2)
    if mutation.kind == "deletion":
        variant = cds_edit_to_variant(alk, start, end, "")
    else:
        variant = cds_edit_to_variant(alk, end + 1, end, alk.cds[start - 1 : end])
    annotation = name_of(alk, variant)
    if annotation.alteration != mutation.alteration:
        raise AssertionError(f"{mutation.alteration}: simulated as {annotation.alteration}")
    return Spike(
        mutation.alteration,
        mutation.kind,
        mutation.codon,
        annotation.hgvs_c,
        "indel",
        True,
        "catalogue",
        variant,
    )


def catalogue_spikes(alk, knowledge) -> list[Spike]:
    known = catalogued_names(knowledge)
    spikes = []
    for mutation in knowledge.mutations.values():
        if mutation.kind == "substitution":
            new = typical_codon(alk, mutation)
            spikes.append(substitution_spike(alk, mutation.codon, new, "catalogue", known))
        elif mutation.kind in ("deletion", "duplication"):
            spikes.append(indel_spike(alk, mutation))
    return spikes


def catalogued_names(knowledge) -> set[str]:
    return {
        m.alteration
        for m in knowledge.mutations.values()
        if m.kind in ("substitution", "deletion", "duplication")
    }


def island_index(islands: Sequence[Island], spike: Spike) -> int:
    for index, island in enumerate(islands):
        if island.contains(spike.variant.pos):
            return index
    raise AssertionError(f"{spike.name} is outside the simulated islands")


def pack(spikes: Sequence[Spike], islands: Sequence[Island]) -> list[list[Spike]]:
    """Spikes into BAMs, at most one per island (so per exon), in catalogue order."""
    by_island: dict[int, list[Spike]] = defaultdict(list)
    for spike in spikes:
        by_island[island_index(islands, spike)].append(spike)
    n_bams = max(len(group) for group in by_island.values())
    bams = [[group[i] for group in by_island.values() if i < len(group)] for i in range(n_bams)]
    for bam in bams:
        positions = sorted(s.variant.pos for s in bam)
        gaps = [b - a for a, b in zip(positions, positions[1:], strict=False)]
        assert all(gap >= MIN_SPIKE_DISTANCE for gap in gaps), bam
    return bams


def make_plans(alk, knowledge, islands, quick: bool) -> tuple[list[Plan], list[Plan]]:
    """(normals, everything else)."""
    known = catalogued_names(knowledge)
    catalogue = catalogue_spikes(alk, knowledge)
    two_base = [substitution_spike(alk, c, n, "naming", known) for c, n in TWO_BASE_CHANGES]
    exon23 = {island_index(islands, s) for s in catalogue if s.name == "G1202R"}
    # The exon-23 island already needs the most BAMs per grid cell; its extra two-base
    # changes go to the naming set only.
    grid_extras = [s for s in two_base if island_index(islands, s) not in exon23]
    normals = [
        Plan(f"normal_{i + 1:02d}", "normal", NORMAL_DEPTH, 0.0, i + 1) for i in range(N_NORMALS)
    ]
    plans: list[Plan] = []
    vafs, depths = (QUICK_VAFS, QUICK_DEPTHS) if quick else (VAFS, DEPTHS)
    for depth in depths:
        for vaf in vafs:
            for index, bam in enumerate(pack(catalogue + grid_extras, islands)):
                plans.append(
                    Plan(
                        f"grid_v{vaf_label(vaf)}_d{depth}_{index + 1:02d}",
                        "grid",
                        depth,
                        vaf,
                        1,
                        tuple(((spike,), vaf) for spike in bam),
                    )
                )
    n_negatives = QUICK_NEGATIVES if quick else N_NEGATIVES
    for i in range(n_negatives):
        depth = depths[i % len(depths)]
        plans.append(Plan(f"negative_d{depth}_{i + 1:02d}", "negative", depth, 0.0, i + 1))
    naming = [s for s in catalogue if s.bases_changed == "2"] + two_base
    for replicate in range(QUICK_NAMING_REPLICATES if quick else NAMING_REPLICATES):
        for index, bam in enumerate(pack(naming, islands)):
            plans.append(
                Plan(
                    f"naming_{index + 1:02d}_r{replicate + 1}",
                    "naming",
                    NAMING_DEPTH,
                    NAMING_VAF,
                    replicate + 1,
                    tuple(((spike,), NAMING_VAF) for spike in bam),
                )
            )
    by_name = {s.name: s for s in catalogue}
    first, second = by_name[COMPOUND[0]], by_name[COMPOUND[1]]
    for replicate in range(QUICK_COMPOUND_REPLICATES if quick else COMPOUND_REPLICATES):
        cis = (((first, second), COMPOUND_VAF),)
        trans = (((first,), COMPOUND_VAF), ((second,), COMPOUND_VAF))
        for phase, haplotypes in (("cis", cis), ("trans", trans)):
            plans.append(
                Plan(
                    f"compound_{phase}_r{replicate + 1}",
                    "compound",
                    COMPOUND_DEPTH,
                    COMPOUND_VAF,
                    replicate + 1,
                    haplotypes,
                    phase,
                )
            )
    return normals, plans


# ------------------------------------------------------------------ reference


def prepare_reference(alk, islands: Sequence[Island], targets: Sequence[Target]) -> Path:
    """Plain FASTA + .fai + bwa index + targets BED in benchmarks/out/reference (cached)."""
    folder = CACHE / "reference"
    fasta = folder / "chr2_alk_kinase.fa"
    stamp = folder / "stamp.json"
    wanted = {
        "length": CONTIG_LENGTH,
        "seed": REFERENCE_SEED,
        "islands": [[i.start, i.end] for i in islands],
    }
    bed = folder / "alk_kinase_targets.bed"
    if stamp.exists() and fasta.with_suffix(".fa.bwt").exists():
        built = json.loads(stamp.read_text())
        if built.pop("build_seconds", None) is not None and built == wanted:
            return fasta
    started = time.time()
    folder.mkdir(parents=True, exist_ok=True)
    # build_reference writes every ALK coding base, so build the whole chromosome, then keep
    # the islands only (exons 1-19 would otherwise stay as lone bases in the N sea).
    full = build_reference(islands, [alk], GRCH38_CHR2_LENGTH, seed=REFERENCE_SEED)
    sequence = bytearray(b"N" * CONTIG_LENGTH)
    for island in islands:
        sequence[island.start - 1 : island.end] = full[island.start - 1 : island.end]
    del full
    write_fasta(fasta, [(CHROM, sequence)])
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    # The "is" algorithm indexes this mostly-N contig in ~30 s (bwa's automatic choice for a
    # 29 Mb sequence, bwtsw, takes ~2.5 min); the index is the same.
    subprocess.run(["bwa", "index", "-a", "is", str(fasta)], check=True, stderr=subprocess.DEVNULL)
    with open(bed, "w") as handle:
        for target in targets:
            handle.write(f"{target.chrom}\t{target.start - 1}\t{target.end}\t{target.name}\n")
    stamp.write_text(json.dumps(wanted | {"build_seconds": round(time.time() - started, 1)}))
    return fasta


# ------------------------------------------------------------------ per-sample work (workers)

_WORKER: dict = {}


def init_worker(fasta: str, islands: Sequence[Island], settings: dict, calling: dict) -> None:
    pysam.set_verbosity(0)  # freebayes's header declares MQ/GQ types htslib warns about
    alk = load_transcript(BUILD, "ALK", chrom=CHROM)
    knowledge = load_knowledge_base()
    with pysam.FastaFile(fasta) as handle:
        reference = handle.fetch(CHROM).encode()
    _WORKER.update(
        fasta=fasta,
        bed=str(Path(fasta).parent / "alk_kinase_targets.bed"),
        islands=list(islands),
        reference=reference,
        alk=alk,
        knowledge=knowledge,
        known=catalogued_names(knowledge),
        hotspot_codons={m.codon for m in knowledge.mutations.values() if m.codon},
        sites=hotspot_sites(alk, knowledge),
        filters=read_filters(settings),
        params=calling_parameters(settings),
        calling=calling,
        caller_filters=CallerFilters(**calling["filters"]),
        background={},
    )


def spec_json(plan: Plan) -> str:
    spec = plan.spec()
    return json.dumps(
        {
            "sample_id": spec.sample_id,
            "fold": spec.fold_coverage,
            "haplotypes": [
                [[asdict(v) for v in h.variants], h.allele_fraction] for h in spec.haplotypes
            ],
            "reference_seed": REFERENCE_SEED,
            "contig_length": CONTIG_LENGTH,
        },
        sort_keys=True,
    )


def simulate_bam(plan: Plan, fresh: bool) -> tuple[Path, bool]:
    """The sample's BAM, simulated unless an identical one is cached; (path, simulated?)."""
    bam = CACHE / "bams" / f"{plan.sample_id}.bam"
    stamp = bam.with_suffix(".spec.json")
    wanted = spec_json(plan)
    if (
        not fresh
        and bam.exists()
        and Path(f"{bam}.bai").exists()
        and stamp.exists()
        and stamp.read_text() == wanted
    ):
        return bam, False
    workdir = CACHE / "work" / plan.sample_id
    shutil.rmtree(workdir, ignore_errors=True)
    reads = simulate_reads(plan.spec(), _WORKER["islands"], _WORKER["reference"], workdir)
    align(plan.sample_id, reads, Path(_WORKER["fasta"]), bam, workdir, threads=1)
    stamp.write_text(wanted)
    shutil.rmtree(workdir, ignore_errors=True)
    return bam, True


def shell(command: str, log: Path) -> None:
    with open(log, "w") as handle:
        subprocess.run(
            ["bash", "-c", f"set -euo pipefail; {command}"],
            check=True,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def caller_commands(bam: Path, out: Path) -> dict[str, str]:
    """The command lines of workflow/rules/callers/{bcftools,freebayes}.smk."""
    c = _WORKER["calling"]
    fasta, bed, q = _WORKER["fasta"], _WORKER["bed"], shlex.quote
    norm = (
        f"bcftools norm --fasta-ref {q(fasta)} --multiallelics -any "
        f"--output-type z --output {{vcf}}"
    )
    bcftools = (
        f"bcftools mpileup --fasta-ref {q(fasta)} --regions-file {q(bed)} "
        f"--max-depth {c['bcftools']['max_depth']} --min-MQ {c['min_mapping_quality']} "
        f"--min-BQ {c['min_base_quality']} --annotate FORMAT/AD,FORMAT/DP --output-type u "
        f"{q(str(bam))} | bcftools call --multiallelic-caller --variants-only "
        f"{c['bcftools']['extra_call']} --output-type u | {norm}"
    )
    freebayes = (
        f"freebayes --fasta-reference {q(fasta)} --targets {q(bed)} --pooled-continuous "
        f"--min-alternate-fraction {c['freebayes']['min_alternate_fraction']} "
        f"--min-alternate-count {c['freebayes']['min_alternate_count']} "
        f"--min-mapping-quality {c['min_mapping_quality']} "
        f"--min-base-quality {c['min_base_quality']} {c['freebayes']['extra']} {q(str(bam))} "
        f"| {norm}"
    )
    commands = {}
    for caller, command in (("bcftools", bcftools), ("freebayes", freebayes)):
        vcf = out / f"{caller}.vcf.gz"
        commands[caller] = command.format(vcf=q(str(vcf))) + f" && tabix -f -p vcf {q(str(vcf))}"
    return commands


@dataclass
class Call:
    """A protein-level call of one method: name, the codons it touches, VAF."""

    name: str
    codons: frozenset[int]
    vaf: float
    detail: str = ""
    passes_filters: bool | None = None  # callers: the pipeline's calling.filters


def alkres_calls(mutation_rows: Iterable[dict]) -> list[Call]:
    calls = []
    for row in mutation_rows:
        codon = int(re.match(r"[A-Z](\d+)", row["site"])[1])
        detail = f"{row['alt_count']}/{row['depth']} fragments, p={row['p_value']}"
        calls.append(Call(row["alteration"], frozenset({codon}), float(row["vaf"]), detail))
    return calls


def caller_calls(vcf: Path, caller: str) -> list[Call]:
    alk = _WORKER["alk"]
    calls = []
    for variant in read_caller_vcf(vcf, caller):
        if variant.chrom != alk.chrom:
            continue
        try:
            annotation = annotate_variant(alk, variant.chrom, variant.pos, variant.ref, variant.alt)
        except ValueError:
            continue
        codons = (
            frozenset(range(annotation.codon_start, annotation.codon_end + 1))
            if annotation.codon_start is not None and annotation.codon_end is not None
            else frozenset()
        )
        detail = (
            f"{variant.pos}{variant.ref}>{variant.alt} {annotation.hgvs_c} "
            f"AD={variant.alt_count}/{variant.depth} QUAL={variant.quality:.0f}"
        )
        filters = _WORKER["caller_filters"]
        passes = not (
            variant.quality < filters.min_quality
            or variant.alt_count < filters.min_alt_reads
            or variant.vaf < filters.min_vaf
        )
        calls.append(Call(annotation.alteration, codons, round(variant.vaf, 4), detail, passes))
    return calls


def evaluate(plan: Plan, method: str, calls: Sequence[Call], phase: dict) -> list[dict]:
    """TSV rows of one method on one sample: each spike, each unexpected call, or 'negative'."""
    known, hotspot_codons = _WORKER["known"], _WORKER["hotspot_codons"]
    base = {
        "set": plan.set,
        "sample_id": plan.sample_id,
        "replicate": plan.replicate,
        "depth": plan.depth,
        "target_vaf": plan.vaf,
        "method": method,
        "expected_phase": plan.expected_phase,
    }
    rows = []
    spiked = {s.name for s in plan.spikes}
    spiked_codons = {s.codon for s in plan.spikes}

    def passes(calls: Sequence[Call]) -> str:
        if method == "alkres":
            return ""
        return "yes" if any(c.passes_filters for c in calls) else "no"

    for spike in plan.spikes:
        at_codon = sorted({c.name for c in calls if spike.codon in c.codons and c.name})
        matching = [c for c in calls if c.name == spike.name]
        rows.append(
            base
            | {
                "row_type": "spike",
                "mutation": spike.name,
                "purpose": spike.purpose,
                "catalogued": "yes" if spike.catalogued else "no",
                "route": spike.route,
                "bases_changed": spike.bases_changed,
                "detected": "yes" if matching else "no",
                "reported": ";".join(at_codon),
                "vaf_estimate": max(c.vaf for c in matching) if matching else "",
                "passes_caller_filters": passes(matching),
                "phase": phase.get("phase", "") if plan.set == "compound" else "",
                "detail": phase.get("detail", "")
                if plan.set == "compound"
                else "; ".join(c.detail for c in matching),
            }
        )
    unexpected = [
        c
        for c in calls
        if c.name not in spiked
        and (c.name in known or (c.codons & hotspot_codons and not c.codons & spiked_codons))
    ]
    for call in unexpected:
        rows.append(
            base
            | {
                "row_type": "unexpected",
                "catalogued": "yes" if call.name in known else "no",
                "reported": call.name,
                "vaf_estimate": call.vaf,
                "passes_caller_filters": passes([call]),
                "detail": call.detail,
            }
        )
    if plan.set == "negative":
        resistance = [c for c in unexpected if c.name in known]
        rows.append(
            base
            | {
                "row_type": "negative",
                "mutation": "none",
                "detected": "yes" if resistance else "no",
                "passes_caller_filters": passes(resistance),
                "reported": ";".join(sorted({c.name for c in unexpected})),
            }
        )
    return rows


def run_sample(plan: Plan, fresh: bool, background_path: str | None, key: str) -> dict:
    """Simulate (or reuse) one BAM and run every method on it.

    A tumour's result is kept in benchmarks/out/hotspots/results/ under a key of its spec, the
    settings, the background and the code, so that an interrupted run resumes where it stopped.
    """
    cache = CACHE / "results" / f"{plan.sample_id}.json"
    key = hashlib.sha256(f"{key}|{spec_json(plan)}".encode()).hexdigest()
    if plan.set != "normal" and not fresh and cache.exists():
        cached = json.loads(cache.read_text())
        if cached.get("key") == key:
            return cached | {"simulated": False, "reused": True}
    result = compute_sample(plan, fresh, background_path)
    if plan.set != "normal":
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".partial")
        partial.write_text(json.dumps(result | {"key": key}))
        partial.replace(cache)
    return result | {"reused": False}


def compute_sample(plan: Plan, fresh: bool, background_path: str | None) -> dict:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    bam, simulated = simulate_bam(plan, fresh)
    timings["simulate"] = time.perf_counter() - start
    w = _WORKER
    start = time.perf_counter()
    fragments, counts = genotype_alignment(bam, w["fasta"], w["alk"], w["sites"], w["filters"])
    if plan.set == "normal":
        path = CACHE / "normals" / f"{plan.sample_id}.counts.tsv"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_tsv(path, count_rows(counts), COUNT_COLUMNS)
        timings["alkres"] = time.perf_counter() - start
        return {"plan": plan.sample_id, "rows": [], "timings": timings, "simulated": simulated}
    if background_path not in w["background"]:
        w["background"][background_path] = read_background(background_path)
    result = call_sample(
        plan.sample_id,
        "",
        [GeneSites("ALK", w["alk"], tuple(w["sites"]))],
        fragments,
        counts,
        w["background"][background_path],
        w["knowledge"],
        w["params"],
    )
    timings["alkres"] = time.perf_counter() - start
    phase = {}
    for link in result.linkage_rows:
        if {link["first"], link["second"]} == set(COMPOUND):
            phase = {
                "phase": link["phase"],
                "detail": f"both={link['both']} {link['first']}_only={link['first_only']} "
                f"{link['second']}_only={link['second_only']} neither={link['neither']}",
            }
    rows = evaluate(plan, "alkres", alkres_calls(result.mutation_rows), phase)
    out = CACHE / "calls" / plan.sample_id
    out.mkdir(parents=True, exist_ok=True)
    for caller, command in caller_commands(bam, out).items():
        start = time.perf_counter()
        shell(command, out / f"{caller}.log")
        timings[caller] = time.perf_counter() - start
        rows += evaluate(plan, caller, caller_calls(out / f"{caller}.vcf.gz", caller), {})
    return {"plan": plan.sample_id, "rows": rows, "timings": timings, "simulated": simulated}


# ------------------------------------------------------------------ driver


def run_all(
    plans: Sequence[Plan], workers: int, initargs, fresh: bool, background: str | None, key: str
):
    """Run plans on a pool of worker processes, biggest first; return results in plan order."""
    order = sorted(plans, key=lambda p: -p.depth)
    results: dict[str, dict] = {}
    started = time.time()
    with ProcessPoolExecutor(workers, initializer=init_worker, initargs=initargs) as pool:
        futures = {pool.submit(run_sample, plan, fresh, background, key): plan for plan in order}
        for done, future in enumerate(as_completed(futures), start=1):
            result = future.result()
            results[result["plan"]] = result
            if done % 10 == 0 or done == len(order):
                print(
                    f"  {done}/{len(order)} samples done ({time.time() - started:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    return [results[p.sample_id] for p in plans]


def code_and_settings_key(config: dict) -> str:
    """What a cached sample result depends on besides its spec: settings, this script, alkres."""
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode())
    digest.update(Path(__file__).read_bytes())
    for path in sorted((REPO / "workflow" / "scripts" / "alkres").glob("*.py")):
        digest.update(path.read_bytes())
    for path in sorted((REPO / "resources").glob("alk_*")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def tool_versions() -> dict[str, str]:
    def first_line(command: Sequence[str], pattern: str = "") -> str:
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, errors="replace", timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            return "?"
        for line in (done.stdout + done.stderr).splitlines():
            if not pattern or pattern in line:
                return line.strip()
        return "?"

    return {
        "art_illumina": first_line(["art_illumina"], "Version"),
        "bwa": first_line(["bwa"], "Version"),
        "samtools": first_line(["samtools", "--version"]),
        "bcftools": first_line(["bcftools", "--version"]),
        "freebayes": first_line(["freebayes", "--version"]),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a subset that runs in minutes")
    parser.add_argument("--workers", type=int, default=2, help="parallel samples (default 2)")
    parser.add_argument(
        "--fresh", action="store_true", help="re-simulate every BAM even if a cached one matches"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="rebuild the summary from the last run's TSV"
    )
    args = parser.parse_args()
    if args.report_only:
        report(read_rows(TSV_PATH), json.loads(META_PATH.read_text()))
        return
    for tool in ("art_illumina", "bwa", "samtools", "bcftools", "freebayes", "tabix"):
        if shutil.which(tool) is None:
            sys.exit(f"hotspot_benchmark: '{tool}' not found on PATH")

    started = time.time()
    load_before = os.getloadavg()
    config = effective_config(CONFIG_PATH)
    alk = load_transcript(BUILD, "ALK", chrom=CHROM)
    knowledge = load_knowledge_base()
    targets = kinase_targets(alk)
    islands = merge_targets_into_islands(targets)
    print("benchmark reference (chr2:1-29.3 Mb, ALK exons 20-29) ...", file=sys.stderr)
    fasta = prepare_reference(alk, islands, targets)
    reference_seconds = time.time() - started
    normals, plans = make_plans(alk, knowledge, islands, args.quick)
    initargs = (str(fasta), islands, config["hotspots"], config["calling"])

    print(f"{len(normals)} normals ...", file=sys.stderr)
    key = code_and_settings_key(config)
    normal_results = run_all(normals, args.workers, initargs, args.fresh, None, key)
    counts = [read_counts(CACHE / "normals" / f"{p.sample_id}.counts.tsv") for p in normals]
    background_path = CACHE / "normals" / "background.tsv"
    write_tsv(background_path, background_rows(background_from_normals(counts)), BACKGROUND_COLUMNS)

    print(f"{len(plans)} samples ...", file=sys.stderr)
    key += hashlib.sha256(background_path.read_bytes()).hexdigest()
    results = run_all(plans, args.workers, initargs, args.fresh, str(background_path), key)
    rows = [row for result in results for row in result["rows"]]
    OUT.mkdir(parents=True, exist_ok=True)
    write_tsv(TSV_PATH, rows, TSV_COLUMNS)

    cpu = Counter()
    for result in normal_results + results:
        cpu.update(result["timings"])
    simulated = sum(r["simulated"] for r in normal_results + results)
    reused = sum(r["reused"] for r in results)
    stamp = json.loads((CACHE / "reference" / "stamp.json").read_text())
    meta = {
        "mode": "quick" if args.quick else "full",
        "wall_seconds": round(time.time() - started, 1),
        "reference_seconds": round(reference_seconds, 1),
        "reference_build_seconds": stamp.get("build_seconds", 0.0),
        "reused": reused,
        "workers": args.workers,
        # Other jobs on the machine slow the run down; the 1-minute load at start and end.
        "load_average": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
        "samples": len(normals) + len(plans),
        "simulated": simulated,
        "cpu_seconds": {key: round(value, 1) for key, value in cpu.items()},
        "machine": machine(),
        "tools": tool_versions(),
        "settings": {"hotspots": config["hotspots"], "calling": config["calling"]},
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    META_PATH.write_text(json.dumps(meta, indent=1))
    report(read_rows(TSV_PATH), meta)


# ------------------------------------------------------------------ summary


def read_rows(path: Path) -> list[dict]:
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def pct(k: int, n: int) -> str:
    return f"{k}/{n} ({100 * k / n:.0f}%)" if n else "-"


FILTERED = ("bcftools+filters", "freebayes+filters")
ALL_METHODS = METHODS + FILTERED
SENSITIVITY_TARGETS = (
    ("100% at VAF >= 5% and depth >= 500x", lambda v, d: v >= 0.05 and d >= 500, 1.0),
    (">= 95% at VAF 2% and depth >= 1000x", lambda v, d: v == 0.02 and d >= 1000, 0.95),
    (">= 80% at VAF 1% and 2000x", lambda v, d: v == 0.01 and d == 2000, 0.80),
)


def with_filtered(rows: list[dict]) -> list[dict]:
    """Add each caller's rows as they stand after the pipeline's calling.filters
    (QUAL, alt reads, VAF), as methods '<caller>+filters'."""
    extra = []
    for r in rows:
        if r["method"] not in ("bcftools", "freebayes"):
            continue
        method = f"{r['method']}+filters"
        if r["row_type"] in ("spike", "negative"):
            extra.append(r | {"method": method, "detected": r["passes_caller_filters"]})
        elif r["passes_caller_filters"] == "yes":
            extra.append(r | {"method": method})
    return rows + extra


def version(text: str) -> str:
    """The version number in a tool's version line ('Version: 0.7.17-r1188' -> 0.7.17-r1188)."""
    match = re.search(r"\d+(?:\.\d+)+(?:-r\d+)?", text)
    return match[0] if match else text


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def report(rows: list[dict], meta: dict) -> None:
    rows = with_filtered(rows)
    catalogue = [
        r
        for r in rows
        if r["set"] == "grid" and r["row_type"] == "spike" and r["purpose"] == "catalogue"
    ]
    vafs = sorted({float(r["target_vaf"]) for r in catalogue})
    depths = sorted({int(r["depth"]) for r in catalogue})
    cell: dict[tuple[str, float, int], list[dict]] = defaultdict(list)
    for r in catalogue:
        cell[(r["method"], float(r["target_vaf"]), int(r["depth"]))].append(r)
    mutations = sorted({r["mutation"] for r in catalogue})
    settings = meta["settings"]
    reference_build = meta.get("reference_build_seconds", meta["reference_seconds"])
    from_scratch = sum(meta["cpu_seconds"].values()) / meta["workers"] + reference_build
    filters = settings["calling"]["filters"]
    lines = [
        "# Hotspot detection benchmark",
        "",
        "Generated by `benchmarks/hotspot_benchmark.py` (see benchmarks/README.md).",
        "",
        f"- Run: {meta['date']}, mode **{meta['mode']}**, {meta['samples']} simulated BAMs, "
        f"{meta['workers']} worker processes. In this invocation {meta['simulated']} BAMs were "
        f"simulated and {meta.get('reused', 0)} sample results were reused from an earlier, "
        "interrupted invocation (benchmarks/out/hotspots/, same code and settings).",
        f"- Machine: nproc = {meta['machine']['nproc']}, CPU: {meta['machine']['cpu']}, "
        f"Python {meta['machine']['python']}.",
        f"- Wall time of this invocation: **{meta['wall_seconds'] / 60:.1f} min** (1-minute load "
        f"average at start / end {meta['load_average'][0]} / {meta['load_average'][1]}; other "
        "jobs shared the machine when it is above the worker count). Per-sample times, summed "
        "over every sample as it was first computed: "
        + ", ".join(f"{k} {v / 60:.1f} min" for k, v in meta["cpu_seconds"].items())
        + f"; building the reference and its bwa index took {reference_build:.0f} s. "
        f"From scratch the run takes about **{from_scratch / 60:.0f} min** (summed per-sample "
        "time / workers + reference).",
        "- Tools: " + "; ".join(f"{k} {version(v)}" for k, v in meta["tools"].items()) + ".",
        "",
        f"Grid: {len(mutations)} catalogued single mutations (substitutions, the deletion and "
        "the duplication; one typical nucleotide route each) x VAF x depth (ART fold coverage), "
        "one simulated BAM per mutation and cell, several mutations per BAM in different exons. "
        "**alkres** = codon-aware genotyper + `call_sample` with config.yaml's `hotspots` "
        f"defaults (alpha {settings['hotspots']['alpha']}, min_alt_fragments "
        f"{settings['hotspots']['min_alt_fragments']}) and a background from {N_NORMALS} "
        f"simulated normals at {NORMAL_DEPTH}x. **bcftools** / **freebayes** = the pipeline's "
        "command lines (workflow/rules/callers/), every record annotated with "
        "`alkres.mutations.annotate.annotate_variant`, no filter. **+filters** = the same records after "
        f"the pipeline's `calling.filters` (QUAL >= {filters['min_quality']}, alt reads >= "
        f"{filters['min_alt_reads']}, VAF >= {filters['min_vaf']}), which the pipeline applies "
        "to caller variants outside the catalogued sites. A mutation is detected when a call "
        "carries its protein name.",
        "",
        "## Sensitivity (detected / simulated catalogued mutations)",
        "",
    ]
    for method in ALL_METHODS:
        lines += [
            f"### {method}",
            "",
            "| VAF \\ depth | " + " | ".join(f"{d}x" for d in depths) + " |",
            "|---" * (len(depths) + 1) + "|",
        ]
        for vaf in vafs:
            cells = []
            for depth in depths:
                members = cell[(method, vaf, depth)]
                cells.append(pct(sum(r["detected"] == "yes" for r in members), len(members)))
            lines.append(f"| {vaf_label(vaf)}% | " + " | ".join(cells) + " |")
        lines.append("")

    lines += [
        "### VAF estimates (median over detected catalogued mutations, all depths)",
        "",
        "| simulated VAF | " + " | ".join(METHODS) + " |",
        "|---" * (len(METHODS) + 1) + "|",
    ]
    for vaf in vafs:
        cells = []
        for method in METHODS:
            found = [
                float(r["vaf_estimate"])
                for depth in depths
                for r in cell[(method, vaf, depth)]
                if r["detected"] == "yes"
            ]
            cells.append(f"{100 * median(found):.2f}% (n={len(found)})" if found else "-")
        lines.append(f"| {vaf_label(vaf)}% | " + " | ".join(cells) + " |")
    lines.append("")

    fp = false_positives(rows)
    naming = naming_results(rows)
    phases = phase_results(rows)
    lines += [
        "## Targets",
        "",
        "Sensitivity targets are checked per grid cell: every cell in the range must reach the "
        "minimum. Targets not covered by this run's grid are 'not run'.",
        "",
        "| target | " + " | ".join(ALL_METHODS) + " |",
        "|---" * (len(ALL_METHODS) + 1) + "|",
    ]
    misses: dict[str, list[str]] = defaultdict(list)
    for text, in_range, minimum in SENSITIVITY_TARGETS:
        verdicts = []
        for method in ALL_METHODS:
            keys = [(v, d) for v in vafs for d in depths if in_range(v, d)]
            if not keys:
                verdicts.append("not run")
                continue
            worst = 1.0
            for v, d in keys:
                members = cell[(method, v, d)]
                hits = sum(r["detected"] == "yes" for r in members)
                worst = min(worst, hits / len(members))
                missed = sorted(r["mutation"] for r in members if r["detected"] != "yes")
                if missed and hits / len(members) < minimum and method == "alkres":
                    misses[method].append(
                        f"{vaf_label(v)}% x {d}x: {pct(hits, len(members))}, missed "
                        + ", ".join(missed)
                    )
            met = "met" if worst >= minimum - 1e-9 else "**not met**"
            verdicts.append(f"{met} (worst cell {100 * worst:.0f}%)")
        lines.append(f"| {text} | " + " | ".join(verdicts) + " |")
    lines.append(
        "| zero false-positive resistance calls over all negatives | "
        + " | ".join(
            "met (0)"
            if fp[m]["resistance_calls"] == 0
            else f"**not met** ({fp[m]['resistance_calls']})"
            for m in ALL_METHODS
        )
        + " |"
    )
    lines.append(
        "| correct protein name for every two-base change | "
        + " | ".join(
            (
                "met"
                if naming["ok"][m]
                else f"**not met** ({naming['wrong'][m]} samples misnamed, "
                f"{naming['never'][m]} of {len(naming['table'])} changes never named right)"
            )
            if m in METHODS
            else "-"
            for m in ALL_METHODS
        )
        + " |"
    )
    lines.append(
        "| correct cis/trans | "
        + " | ".join(
            ("met" if phases["ok"] else "**not met**") if m == "alkres" else "n/a (no phasing)"
            for m in ALL_METHODS
        )
        + " |"
    )
    lines.append("")
    if misses["alkres"]:
        lines.append("alkres misses in target cells below the minimum:")
        lines += [f"- {m}" for m in misses["alkres"]]
        lines.append("")

    lines += [
        "## False positives",
        "",
        f"Negatives: {fp['n_negatives']} samples without a mutation ({fp['negative_depths']}). "
        "Resistance call = a call named as a catalogued alteration; other = a non-catalogued "
        "change called at a catalogued codon. Spiked samples (grid, naming and compound sets): "
        "calls of a catalogued alteration that was not simulated in that sample.",
        "",
        "| method | resistance calls in negatives | negatives with one | other calls at "
        "catalogued codons in negatives | wrong resistance calls in spiked samples |",
        "|---|---|---|---|---|",
    ]
    for method in ALL_METHODS:
        f = fp[method]
        lines.append(
            f"| {method} | {f['resistance_calls']} | {f['negatives_with_call']} | "
            f"{f['other_calls']} | {f['spiked_wrong']} ({f['spiked_wrong_examples']}) |"
        )
    lines.append("")

    lines += [
        "## Names of two-base changes",
        "",
        "Every two-base change simulated (the catalogue routes that need two bases, G1269S "
        "and C1156T, plus extra changes at catalogued codons), in the grid (all cells) and in "
        f"the naming set ({vaf_label(NAMING_VAF)}% at {NAMING_DEPTH}x). Per method: samples "
        "where the names reported at the codon are exactly the expected one / samples where "
        "other names were reported there / samples with nothing at the codon; then the most "
        "common wrong set of names.",
        "",
        "| change | route | " + " | ".join(METHODS) + " |",
        "|---|---|" + "---|" * len(METHODS),
    ]
    for (name, route), per_method in naming["table"].items():
        cells = []
        for method in METHODS:
            c = per_method[method]
            text = f"{c['correct']} / {c['wrong']} / {c['none']}"
            if c["wrong_names"]:
                text += f" ({c['wrong_names'].most_common(1)[0][0]})"
            cells.append(text)
        lines.append(f"| {name} | {route} | " + " | ".join(cells) + " |")
    lines.append("")

    lines += [
        "## Cis / trans (G1202R + L1196M)",
        "",
        f"{vaf_label(COMPOUND_VAF)}% each at {COMPOUND_DEPTH}x; cis = one haplotype carries "
        "both, trans = two haplotypes. alkres phases from the fragments covering both codons; "
        "for the callers only detection of the two mutations is listed.",
        "",
        "| sample | expected | alkres phase | linking fragments | alkres found | bcftools found "
        "| freebayes found |",
        "|---|---|---|---|---|---|---|",
    ]
    for sample in phases["samples"]:
        lines.append(
            f"| {sample['sample_id']} | {sample['expected']} | {sample['phase']} | "
            f"{sample['detail']} | {sample['alkres']} | {sample['bcftools']} | "
            f"{sample['freebayes']} |"
        )
    lines.append("")
    text = "\n".join(lines)
    RESULTS.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(text)
    print(text)


def false_positives(rows: list[dict]) -> dict:
    negatives = {r["sample_id"]: int(r["depth"]) for r in rows if r["set"] == "negative"}
    by_depth = Counter(negatives.values())
    out: dict = {
        "n_negatives": len(negatives),
        "negative_depths": ", ".join(f"{n} at {d}x" for d, n in sorted(by_depth.items())),
    }
    for method in ALL_METHODS:
        mine = [r for r in rows if r["method"] == method and r["row_type"] == "unexpected"]
        negative = [r for r in mine if r["set"] == "negative"]
        spiked = [r for r in mine if r["set"] != "negative" and r["catalogued"] == "yes"]
        examples = Counter(r["reported"] for r in spiked)
        out[method] = {
            "resistance_calls": sum(r["catalogued"] == "yes" for r in negative),
            "negatives_with_call": len(
                {r["sample_id"] for r in negative if r["catalogued"] == "yes"}
            ),
            "other_calls": sum(r["catalogued"] == "no" for r in negative),
            "spiked_wrong": len(spiked),
            "spiked_wrong_examples": ", ".join(f"{n} x{k}" for n, k in examples.most_common(6))
            or "none",
        }
    return out


def naming_results(rows: list[dict]) -> dict:
    two_base = [r for r in rows if r["row_type"] == "spike" and r["bases_changed"] == "2"]
    table: dict[tuple[str, str], dict] = {}
    wrong: Counter = Counter()
    correct_once: dict[str, set] = defaultdict(set)
    for r in two_base:
        if r["method"] not in METHODS:
            continue
        key = (r["mutation"], r["route"])
        per_method = table.setdefault(
            key,
            {m: {"correct": 0, "wrong": 0, "none": 0, "wrong_names": Counter()} for m in METHODS},
        )
        c = per_method[r["method"]]
        if r["reported"] == r["mutation"]:
            c["correct"] += 1
            correct_once[r["method"]].add(key)
        elif r["reported"]:
            c["wrong"] += 1
            c["wrong_names"][r["reported"].replace(";", " + ")] += 1
            wrong[r["method"]] += 1
        else:
            c["none"] += 1
    ok = {m: wrong[m] == 0 and correct_once[m] == set(table) for m in METHODS}
    never = {m: len(set(table) - correct_once[m]) for m in METHODS}
    return {"table": dict(sorted(table.items())), "wrong": wrong, "never": never, "ok": ok}


def phase_results(rows: list[dict]) -> dict:
    samples: dict[str, dict] = {}
    for r in rows:
        if r["set"] != "compound" or r["row_type"] != "spike" or r["method"] not in METHODS:
            continue
        sample = samples.setdefault(
            r["sample_id"], {"sample_id": r["sample_id"], "expected": r["expected_phase"]}
        )
        found = sample.setdefault(f"found_{r['method']}", [])
        if r["detected"] == "yes":
            found.append(r["mutation"])
        if r["method"] == "alkres":
            sample["phase"], sample["detail"] = r["phase"] or "none", r["detail"]
    for sample in samples.values():
        for method in METHODS:
            sample[method] = " + ".join(sample.get(f"found_{method}", [])) or "none"
    ok = bool(samples) and all(s["phase"] == s["expected"] for s in samples.values())
    return {"samples": list(samples.values()), "ok": ok}


if __name__ == "__main__":
    main()
