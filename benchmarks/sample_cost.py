#!/usr/bin/env python3
"""What one sample costs alkres on a realistic panel BAM, against the same tools run by hand.

    .venv/bin/python benchmarks/sample_cost.py                   # everything (~30 min, 2 cores)
    .venv/bin/python benchmarks/sample_cost.py --cohorts 1 10    # smaller cohorts only

The BAM: one tumour biopsy (G1202R at 20% VAF), simulated with test_data/simulate.py (ART reads,
bwa mem, samtools markdup) at 1000x fold coverage over a panel of the ALK coding exons and 400
control targets of 250 bp on a 30-Mb chr2 (real GRCh38 positions, real ALK coding sequence),
plus the bundled panel's bypass-gene and TP53 targets and controls on its other contigs (their
sequence copied from the bundled reference, test_data/). `--alk-only` leaves the bypass genes
out (the panel measured before they were genotyped). Cached in benchmarks/out/sample_cost/ and
rebuilt only when its recipe changes.

Measured, CPU = user + system seconds of a process and every process it waited for:
  1. the whole pipeline per sample: cohorts of 1, 10 and 40 tumours (links to the one BAM)
     run with `snakemake --cores 2`; per-sample CPU = (CPU(10) - CPU(1)) / 9, so the
     once-per-run steps drop out. Snakemake, its job scripts and every tool are included.
  2. the tools a peer pipeline runs on the same BAM, one by one: mosdepth, samtools stats,
     bcftools mpileup | call and freebayes over the ALK exons, CNVkit batch (one process).
  3. one `samtools view -c` pass: the cost of reading the BAM once.
  4. alkres's codon genotyper against one `bcftools mpileup` over the same codons.
  5. alkres's fusion evidence (rule fusion_calls' work, its own process with Python's start
     and imports) on the BAM as aligned and rewritten in a vendor's conventions (split parts
     secondary, no MC/MQ tags, no duplicate flags), so that every discordant mate is read
     from the file. `--fusion-only` measures this alone (benchmarks/results/fusion_cost.md).
  6. the wall time of each cohort, per sample.
Writes benchmarks/results/sample_cost.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "test_data"))

import pysam  # noqa: E402
import yaml  # noqa: E402
from hotspot_benchmark import machine  # noqa: E402
from make_test_data import alk_targets  # noqa: E402
from simulate import (  # noqa: E402
    Haplotype,
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
from alkres.knowledge.transcript import load_transcript  # noqa: E402
from alkres.mutations.hotspot_counts import hotspot_sites  # noqa: E402
from alkres.mutations.variants import codon_substitution  # noqa: E402

OUT = REPO / "benchmarks" / "out" / "sample_cost"
RESULTS = REPO / "benchmarks" / "results" / "sample_cost.md"
FUSION_RESULTS = REPO / "benchmarks" / "results" / "fusion_cost.md"
CHROM = "chr2"
CONTIG_LENGTH = 30_000_000
N_CONTROLS, CONTROL_LENGTH = 400, 250
CONTROL_FIRST, CONTROL_STEP = 1_000_000, 65_000  # last one at 26.9 Mb, below ALK (29.2 Mb)
FOLD_COVERAGE = 1000
TUMOUR = "T00"
RECIPE = {"contig": CONTIG_LENGTH, "controls": [N_CONTROLS, CONTROL_LENGTH, CONTROL_FIRST,
          CONTROL_STEP], "fold": FOLD_COVERAGE, "mutation": ["G1202R", 0.2], "version": 2}  # fmt: skip
BUNDLED_REFERENCE = REPO / "test_data" / "reference" / "chr2_alk_panel.fa.gz"
BUNDLED_PANEL = REPO / "test_data" / "panel" / "alk_panel_targets.bed"
WITH_GENES = True  # the bundled panel's bypass genes, TP53 and their controls (--alk-only: no)
CHAIN_TARGET = 1.25  # the chain may cost at most this times the tools run by hand


@dataclass
class Cost:
    cpu: float
    wall: float


def measured(command: str, cwd: Path = OUT, env: dict | None = None) -> Cost:
    """Run a shell command; CPU of it and of everything it started (bash waits for them)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], cwd=cwd, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"sample_cost: failed ({done.returncode}): {command}\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Cost(round(cpu, 2), round(wall, 2))


# ------------------------------------------------------------------ the panel BAM


def gene_targets() -> list[Target]:
    """The bundled panel's targets off chr2: the bypass genes, TP53 and their controls."""
    targets = []
    with open(BUNDLED_PANEL) as handle:
        for line in handle:
            chrom, start, end, name = line.rstrip("\n").split("\t")[:4]
            if chrom != CHROM:
                targets.append(Target(chrom, int(start) + 1, int(end), name))
    return targets


def panel_targets() -> list[Target]:
    controls = [
        Target(CHROM, start, start + CONTROL_LENGTH - 1, f"CTRL_{index + 1:03d}")
        for index, start in enumerate(
            range(CONTROL_FIRST, CONTROL_FIRST + N_CONTROLS * CONTROL_STEP, CONTROL_STEP)
        )
    ]
    chr2 = sorted(alk_targets() + controls, key=lambda t: t.start)
    return chr2 + (gene_targets() if WITH_GENES else [])


def recipe() -> dict:
    if not WITH_GENES:
        return RECIPE
    genes = {"reference": hashlib.md5(BUNDLED_REFERENCE.read_bytes()).hexdigest(),
             "panel": hashlib.md5(BUNDLED_PANEL.read_bytes()).hexdigest()}  # fmt: skip
    return {**RECIPE, "genes": genes}


def gene_contigs() -> dict[str, bytes]:
    """The bundled reference's contigs besides chr2 (N outside their islands)."""
    if not WITH_GENES:
        return {}
    with pysam.FastaFile(str(BUNDLED_REFERENCE)) as fasta:
        return {name: fasta.fetch(name).encode() for name in fasta.references if name != CHROM}


def prepare_bam() -> dict[str, Path]:
    """Reference (plain FASTA, .fai, bwa index), panel BED, ALK-exon BED and the tumour BAM."""
    paths = {
        "fasta": OUT / "reference" / "chr2_panel.fa",
        "targets": OUT / "reference" / "panel_targets.bed",
        "alk_targets": OUT / "reference" / "alk_targets.bed",
        "bam": OUT / "bams" / f"{TUMOUR}.bam",
    }
    stamp = OUT / "recipe.json"
    if stamp.exists() and json.loads(stamp.read_text()) == recipe() and paths["bam"].exists():
        return paths
    shutil.rmtree(OUT, ignore_errors=True)
    for folder in ("reference", "bams", "work"):
        (OUT / folder).mkdir(parents=True, exist_ok=True)
    alk = load_transcript("GRCh38", "ALK", chrom=CHROM)
    targets = panel_targets()
    islands = merge_targets_into_islands(targets)
    print(f"building the reference ({len(targets)} targets)", file=sys.stderr, flush=True)
    chr2_islands = [island for island in islands if island.chrom == CHROM]
    sequence = build_reference(chr2_islands, [alk], CONTIG_LENGTH,
                               stable_seed("alkres sample cost"))  # fmt: skip
    contigs = {CHROM: sequence, **gene_contigs()}
    write_fasta(paths["fasta"], list(contigs.items()))
    subprocess.run(["samtools", "faidx", str(paths["fasta"])], check=True)
    subprocess.run(["bwa", "index", "-a", "is", str(paths["fasta"])], check=True,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    with open(paths["targets"], "w") as panel, open(paths["alk_targets"], "w") as alk_bed:
        for target in targets:
            line = f"{target.chrom}\t{target.start - 1}\t{target.end}\t{target.name}\n"
            panel.write(line)
            if target.name.startswith("ALK_"):
                alk_bed.write(line)
    spec = SampleSpec(
        TUMOUR, FOLD_COVERAGE, [Haplotype((codon_substitution(alk, 1202, "AGA"),), 0.2)]
    )
    print(f"simulating {TUMOUR} at {FOLD_COVERAGE}x", file=sys.stderr, flush=True)
    reads = simulate_reads(spec, islands, contigs if WITH_GENES else sequence, OUT / "work")
    align(TUMOUR, reads, paths["fasta"], paths["bam"], OUT / "work")
    shutil.rmtree(OUT / "work")
    stamp.write_text(json.dumps(recipe()))
    return paths


def bam_facts(paths: dict[str, Path]) -> dict:
    """Reads, target bases and mean target depth of the BAM (mosdepth over the panel)."""
    work = OUT / "facts"
    work.mkdir(exist_ok=True)
    reads = int(subprocess.run(["samtools", "view", "-c", str(paths["bam"])], check=True,
                               capture_output=True, text=True).stdout)  # fmt: skip
    subprocess.run(["mosdepth", "--no-per-base", "--by", str(paths["targets"]),
                    str(work / "facts"), str(paths["bam"])], check=True)  # fmt: skip
    total_bases = covered = 0
    with open(work / "facts.mosdepth.summary.txt") as handle:
        for line in handle:
            fields = line.split("\t")
            if fields[0] == "total_region":
                total_bases, covered = int(fields[1]), float(fields[3])
    return {"reads": reads, "target_bases": total_bases, "mean_target_depth": covered}


# ------------------------------------------------------------------ the pipeline


def write_cohort(paths: dict[str, Path], samples: int) -> Path:
    """A cohort of `samples` tumours, each its own patient, each a link to the one BAM."""
    case = OUT / f"cohort_{samples}"
    shutil.rmtree(case, ignore_errors=True)
    (case / "bams").mkdir(parents=True)
    rows = ["sample_id\tpatient_id\tbam\tsample_type\tspecimen\tcollection_date\tprior_tkis"
            "\ttumor_purity"]  # fmt: skip
    for index in range(samples):
        sample = f"S{index:03d}"
        for suffix in ("", ".bai"):
            (case / "bams" / f"{sample}.bam{suffix}").symlink_to(f"{paths['bam']}{suffix}")
        rows.append(f"{sample}\tP{index:03d}\tbams/{sample}.bam\ttumor\ttissue\t2024-01-01"
                    "\tcrizotinib;alectinib\t0.6")  # fmt: skip
    (case / "samples.tsv").write_text("\n".join(rows) + "\n")
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config.update(samples=str(case / "samples.tsv"), clinical="", outdir=str(case / "results"))
    config["reference"]["fasta"] = str(paths["fasta"])
    config["panel"]["targets"] = str(paths["targets"])
    (case / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return case


def run_cohort(paths: dict[str, Path], samples: int, cores: int, scheduler: str) -> dict:
    case = write_cohort(paths, samples)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    command = (f"{sys.executable} -m snakemake --snakefile {REPO / 'Snakefile'} "
               f"--directory {case} --configfile {case / 'config.yaml'} --cores {cores} "
               f"--scheduler {scheduler} "
               f"> {case / 'snakemake.log'} 2>&1")  # fmt: skip
    print(f"pipeline: {samples} samples", file=sys.stderr, flush=True)
    cost = measured(command, cwd=case, env=env)
    return {
        "samples": samples,
        "cores": cores,
        **asdict(cost),
        "rules": rule_seconds(case / "results"),
    }


def rule_seconds(outdir: Path) -> dict[str, float]:
    """Mean wall seconds of each per-sample or per-patient step (Snakemake benchmark: files)."""
    seconds: dict[str, list[float]] = {}
    for path in sorted((outdir / "benchmarks").glob("*/[SP][0-9][0-9][0-9].tsv")):
        lines = path.read_text().splitlines()
        seconds.setdefault(path.parent.name, []).append(float(lines[1].split("\t")[0]))
    return {rule: round(sum(values) / len(values), 2) for rule, values in seconds.items()}


# ------------------------------------------------------------------ tools by hand


def by_hand(paths: dict[str, Path]) -> dict[str, Cost]:
    """What a peer pipeline runs on the BAM, with the pipeline's own thresholds."""
    work = OUT / "by_hand"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    fasta, bam, alk = paths["fasta"], paths["bam"], paths["alk_targets"]
    targets = paths["targets"]
    commands = {
        "mosdepth": f"mosdepth --by {targets} --thresholds 100,250,500 mosdepth {bam}",
        "samtools stats": f"samtools stats --reference {fasta} {bam} > stats.txt",
        "bcftools mpileup \\| call (ALK exons)": (
            f"bcftools mpileup -f {fasta} -R {alk} -d 100000 -q 20 -Q 20 -a AD,DP -Ou {bam}"
            " | bcftools call -mv -Oz -o bcftools.vcf.gz"
        ),
        "freebayes (ALK exons)": (
            f"freebayes -f {fasta} -t {alk} --pooled-continuous -F 0.01 -C 3 -m 20 -q 20 {bam}"
            " > freebayes.vcf"
        ),
        # One process per sample, as peers run it; its bins and flat reference are built
        # once per run, beforehand (setup below, not counted).
        "CNVkit batch (coverage, fix, segment, call)": (
            f"cnvkit.py batch {bam} -r flat.cnn -m amplicon --segment-method haar -p 1 -d cnvkit"
        ),
    }
    setup = (
        f"cnvkit.py target {targets} --split --avg-size 120 -o bins.bed && : > anti.bed"
        f" && cnvkit.py reference --targets bins.bed --antitargets anti.bed -f {fasta} -o flat.cnn"
    )
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    measured(setup, cwd=work, env=env)
    costs = {}
    for name, command in commands.items():
        print(f"by hand: {name}", file=sys.stderr, flush=True)
        costs[name] = measured(command, cwd=work, env=env)
    return costs


def genotyper_against_mpileup(paths: dict[str, Path]) -> dict[str, Cost]:
    """alkres's codon genotyper (as its own process, imports included) and one bcftools
    mpileup over the same codons with the same depth cap and quality thresholds."""
    work = OUT / "genotyper"
    work.mkdir(exist_ok=True)
    alk = load_transcript("GRCh38", "ALK", chrom=CHROM)
    sites = hotspot_sites(alk, load_knowledge_base())
    with open(work / "codons.bed", "w") as handle:
        for site in sorted(sites, key=lambda s: s.positions[0]):
            handle.write(f"{CHROM}\t{site.positions[0] - 1}\t{site.positions[-1]}\n")
    settings = effective_config(REPO / "config.yaml")["hotspots"]
    program = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import yaml\n"
        "from alkres.mutations.hotspot_counts import genotype_alignment, hotspot_sites, read_filters\n"
        "from alkres.knowledge.knowledge import load_knowledge_base\n"
        "from alkres.knowledge.transcript import load_transcript\n"
        "alk = load_transcript('GRCh38', 'ALK', chrom='chr2')\n"
        "sites = hotspot_sites(alk, load_knowledge_base())\n"
        "settings = yaml.safe_load(open(sys.argv[4]))\n"
        "genotype_alignment(sys.argv[2], sys.argv[3], alk, sites, read_filters(settings))\n"
    )
    (work / "genotype.py").write_text(program)
    (work / "settings.yaml").write_text(yaml.safe_dump(settings))
    scripts = REPO / "workflow" / "scripts"
    fasta, bam = paths["fasta"], paths["bam"]
    return {
        "alkres codon genotyper (one process)": measured(
            f"{sys.executable} genotype.py {scripts} {bam} {fasta} settings.yaml", cwd=work
        ),
        "bcftools mpileup over the same codons": measured(
            f"bcftools mpileup -f {fasta} -R codons.bed -d 100000 -q 20 -Q 20 -a AD,DP"
            f" -Ou {bam} > /dev/null",
            cwd=work,
        ),
        "site count": len(sites),
    }


def vendor_copy(bam: Path, target: Path) -> Path:
    """The BAM as a vendor's pipeline would leave it: split parts secondary (bwa mem -M), no
    MC/MQ tags, no duplicate flags."""
    import pysam

    if target.exists():
        return target
    with (
        pysam.AlignmentFile(str(bam)) as reader,
        pysam.AlignmentFile(str(target), "wb", template=reader) as writer,
    ):
        for read in reader:
            if read.is_supplementary:
                read.is_supplementary, read.is_secondary = False, True
            read.is_duplicate = False
            for tag in ("MC", "MQ"):
                if read.has_tag(tag):
                    read.set_tag(tag, None)
            writer.write(read)
    pysam.index(str(target))
    return target


def fusion_evidence_cost(paths: dict[str, Path], repeats: int = 3) -> dict[str, Cost]:
    """CPU of rule fusion_calls' work (one process, imports included, Delly's VCF aside): the
    median of ``repeats`` runs on the BAM as aligned and on its vendor-convention copy."""
    work = OUT / "fusion"
    work.mkdir(exist_ok=True)
    program = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import yaml\n"
        "from alkres.fusion.fusion_calls import assess_sample\n"
        "from alkres.fusion.evidence import FusionSettings\n"
        "from alkres.knowledge.transcript import load_transcript\n"
        "alk = load_transcript('GRCh38', 'ALK', chrom='chr2')\n"
        "settings = FusionSettings.from_config(yaml.safe_load(open(sys.argv[4])))\n"
        "result = assess_sample('T00', 'tumor', sys.argv[2], sys.argv[3], alk, settings, {})\n"
        "print(result.status['status'])\n"
    )
    (work / "fusion_calls.py").write_text(program)
    # The fusions section as the rule gets it (the schema's defaults under config.yaml).
    section = work / "fusions.yaml"
    section.write_text(yaml.safe_dump(effective_config(REPO / "config.yaml")["fusions"]))
    scripts = REPO / "workflow" / "scripts"
    bams = {"as aligned (bwa mem, MC/MQ, duplicates flagged)": paths["bam"],
            "vendor conventions (-M, no MC/MQ, no duplicate flags)":
                vendor_copy(paths["bam"], work / "vendor.bam")}  # fmt: skip
    costs = {}
    for name, bam in bams.items():
        runs = sorted(
            (
                measured(
                    f"{sys.executable} fusion_calls.py {scripts} {bam} {paths['fasta']} {section}",
                    cwd=work,
                )
                for _ in range(repeats)
            ),
            key=lambda cost: cost.cpu,
        )
        costs[name] = runs[len(runs) // 2]
    return costs


FUSION_TARGET = 2.0  # CPU s of fusion_calls per sample


def fusion_lines(costs: dict[str, Cost]) -> list[str]:
    worst = max(c.cpu for c in costs.values())
    lines = [
        "## Fusion evidence (rule fusion_calls)",
        "",
        "| BAM | CPU s | wall s |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {c.cpu:.2f} | {c.wall:.2f} |" for name, c in costs.items()]
    return lines + [
        "",
        f"One process with Python's start and imports, median of 3 runs; target under"
        f" {FUSION_TARGET:.0f} CPU s: {'met' if worst < FUSION_TARGET else 'missed'}.",
        "",
    ]


# ------------------------------------------------------------------ report


def tool_versions() -> list[str]:
    """First line of each measured tool's version output."""
    bin_dir = Path(sys.executable).parent
    commands = [["samtools", "--version"], ["bcftools", "--version"], ["freebayes", "--version"],
                ["mosdepth", "--version"], [str(bin_dir / "cnvkit.py"), "version"],
                [sys.executable, "-m", "snakemake", "--version"]]  # fmt: skip
    versions = []
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace")
        line = (done.stdout or done.stderr).strip().splitlines()[0].strip()
        name = Path(command[0]).name if command[0] != sys.executable else "snakemake"
        versions.append(line if name.removesuffix(".py") in line.lower() else f"{name} {line}")
    return versions


def report(facts, read_once, hand, genotyper, cohorts, started, scheduler, fusion) -> str:
    hand_cpu = sum(c.cpu for c in hand.values())
    by_size = {c["samples"]: c for c in cohorts}
    lines = [
        "# Per-sample cost",
        "",
        f"`benchmarks/sample_cost.py`, {time.strftime('%Y-%m-%d %H:%M')} "
        f"({(time.time() - started) / 60:.0f} min). Machine: {machine()['cpu']}, "
        f"{machine()['nproc']} cores; {machine()['system']}; Python {machine()['python']}.",
        "Tools: " + "; ".join(tool_versions()) + ".",
        "",
        f"BAM: {facts['reads']:,} reads, {facts['target_bases']:,} target bases, mean target "
        f"depth {facts['mean_target_depth']:.0f}x (mosdepth).",
        "",
        "## Tools by hand on the BAM",
        "",
        "| step | CPU s | wall s |",
        "|---|---|---|",
        f"| one `samtools view -c` pass (reading the BAM once) | {read_once.cpu:.2f} "
        f"| {read_once.wall:.2f} |",
    ]
    lines += [f"| {name} | {c.cpu:.2f} | {c.wall:.2f} |" for name, c in hand.items()]
    lines += [f"| **sum of the tools** | **{hand_cpu:.2f}** | |", ""]
    if 1 in by_size and 10 in by_size:
        chain = (by_size[10]["cpu"] - by_size[1]["cpu"]) / 9
        ratio = chain / hand_cpu
        lines += [
            "## The whole pipeline per sample",
            "",
            f"(CPU of 10 samples - CPU of 1) / 9 = **{chain:.1f} CPU s per sample**, "
            f"{ratio:.2f}x the tools by hand (target at most {CHAIN_TARGET}x: "
            f"{'met' if ratio <= CHAIN_TARGET else 'missed'}); {chain / read_once.cpu:.0f}x "
            "one read pass.",
            "",
        ]
    geno, mpileup = (
        genotyper["alkres codon genotyper (one process)"],
        genotyper["bcftools mpileup over the same codons"],
    )
    lines += [
        f"## Codon genotyper ({genotyper['site count']} catalogued sites)",
        "",
        "| | CPU s | wall s |",
        "|---|---|---|",
        f"| alkres codon genotyper, one process (Python start and imports included) "
        f"| {geno.cpu:.2f} | {geno.wall:.2f} |",
        f"| one bcftools mpileup over the same codons | {mpileup.cpu:.2f} | {mpileup.wall:.2f} |",
        "",
        f"Genotyper / mpileup = {geno.cpu / mpileup.cpu:.2f} "
        f"({'met' if geno.cpu <= mpileup.cpu else 'missed'}: target at most 1).",
        "",
        *fusion_lines(fusion),
        f"## Cohorts on --cores {cohorts[0]['cores']} (--scheduler {scheduler})",
        "",
        "| samples | wall | wall per sample | CPU | CPU per sample |",
        "|---|---|---|---|---|",
    ]
    for c in cohorts:
        lines.append(
            f"| {c['samples']} | {c['wall']:.0f} s | {c['wall'] / c['samples']:.1f} s "
            f"| {c['cpu']:.0f} s | {c['cpu'] / c['samples']:.1f} s |"
        )
    if 10 in by_size and 40 in by_size:
        marginal = (by_size[40]["cpu"] - by_size[10]["cpu"]) / 30
        lines += ["", f"Marginal CPU per sample from 10 to 40 samples: {marginal:.1f} s."]
    largest = cohorts[-1]
    lines += [
        "",
        f"## Steps per sample (mean wall s over the {largest['samples']}-sample run, "
        "Snakemake `benchmark:` files)",
        "",
        "| step | wall s |",
        "|---|---|",
    ]
    rules = sorted(largest["rules"].items(), key=lambda item: -item[1])
    lines += [f"| {rule} | {seconds:.2f} |" for rule, seconds in rules]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohorts", type=int, nargs="+", default=[1, 10, 40])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument(
        "--scheduler",
        default="greedy",
        choices=["greedy", "ilp"],
        help="Snakemake's job scheduler (profiles/default uses greedy)",
    )
    parser.add_argument(
        "--fusion-only",
        action="store_true",
        help="measure the fusion evidence alone (writes benchmarks/results/fusion_cost.md)",
    )
    parser.add_argument(
        "--alk-only",
        action="store_true",
        help="the panel without the bypass genes (writes benchmarks/results/sample_cost_alk_only.md)",
    )
    args = parser.parse_args()
    if args.alk_only:
        global OUT, RESULTS, WITH_GENES
        OUT, WITH_GENES = OUT.parent / "sample_cost_alk_only", False
        RESULTS = RESULTS.with_name("sample_cost_alk_only.md")
    started = time.time()
    paths = prepare_bam()
    if args.fusion_only:
        fusion = fusion_evidence_cost(paths)
        text = "\n".join([
            "# Fusion evidence cost", "",
            f"`benchmarks/sample_cost.py --fusion-only`, {time.strftime('%Y-%m-%d %H:%M')}."
            f" Machine: {machine()['cpu']}, {machine()['nproc']} cores. The 1000x panel BAM of"
            " the per-sample cost benchmark (see sample_cost.md).", "",
            *fusion_lines(fusion),
        ])  # fmt: skip
        FUSION_RESULTS.write_text(text)
        print(text)
        return
    facts = bam_facts(paths)
    print(f"BAM: {facts}", file=sys.stderr, flush=True)
    read_once = measured(f"samtools view -c {paths['bam']} > /dev/null")
    hand = by_hand(paths)
    genotyper = genotyper_against_mpileup(paths)
    fusion = fusion_evidence_cost(paths)
    cohorts = [run_cohort(paths, n, args.cores, args.scheduler) for n in sorted(args.cohorts)]
    (OUT / "measurements.json").write_text(json.dumps(
        {"facts": facts, "read_once": asdict(read_once),
         "hand": {k: asdict(v) for k, v in hand.items()},
         "genotyper": {k: asdict(v) if isinstance(v, Cost) else v for k, v in genotyper.items()},
         "cohorts": cohorts}, indent=1))  # fmt: skip
    text = report(facts, read_once, hand, genotyper, cohorts, started, args.scheduler, fusion)
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
