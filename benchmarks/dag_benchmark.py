#!/usr/bin/env python3
"""How long Snakemake takes to build alkres's job graph for large sample sheets (a dry run).

    .venv/bin/python benchmarks/dag_benchmark.py                 # 1,000 and 10,000 samples
    .venv/bin/python benchmarks/dag_benchmark.py --sizes 100 1000

Each sheet lists its samples as links to one bundled CRAM (the sheet refuses the same file
twice), one normal per ten tumours, every tumour its own patient. The time is the wall time
of `snakemake -n` (parse, sheet validation, DAG, job listing) with the bundled config.
For scale, the same dry run is timed for benchmarks/dag_floor/Snakefile: a workflow of nothing
but as many trivial jobs per sample as alkres has, so its time is Snakemake's own cost.
Writes benchmarks/results/dag_benchmark.md; the links live in benchmarks/out/dag/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out" / "dag"
RESULTS = REPO / "benchmarks" / "results" / "dag_benchmark.md"
SOURCE = REPO / "test_data" / "bams" / "P04_T1.cram"
TARGETS = {1000: 10.0, 10000: 60.0}  # seconds


def make_sheet(n: int) -> Path:
    folder = OUT / str(n)
    (folder / "bams").mkdir(parents=True, exist_ok=True)
    rows = ["sample_id\tpatient_id\tbam\tsample_type\tspecimen\tcollection_date\tprior_tkis"
            "\ttumor_purity"]  # fmt: skip
    for i in range(n):
        sample = f"S{i:05d}"
        for suffix in ("", ".crai"):
            link = folder / "bams" / f"{sample}.cram{suffix}"
            if not link.is_symlink():
                link.symlink_to(f"{SOURCE}{suffix}")
        if i % 10 == 9:
            rows.append(f"{sample}\t\tbams/{sample}.cram\tnormal\ttissue\t\t\t")
        else:
            rows.append(f"{sample}\tP{i:05d}\tbams/{sample}.cram\ttumor\ttissue\t2024-01-01"
                        "\tcrizotinib;alectinib\t0.5")  # fmt: skip
    sheet = folder / "samples.tsv"
    sheet.write_text("\n".join(rows) + "\n")
    return sheet


def dry_run(sheet: Path, outdir: Path, groups: bool, timeout: float) -> tuple[float | None, int]:
    command = ["--snakefile", str(REPO / "Snakefile"), "--config", f"samples={sheet}",
               "clinical=", f"outdir={outdir}", f"group_jobs={groups}"]  # fmt: skip
    return timed_dry_run(command, REPO, sheet, timeout)


def floor_dry_run(samples: int, steps: int, timeout: float) -> tuple[float | None, int]:
    """The dry run of the trivial workflow with the same jobs per sample."""
    folder = OUT / "floor"
    folder.mkdir(parents=True, exist_ok=True)
    command = ["--snakefile", str(REPO / "benchmarks" / "dag_floor" / "Snakefile"),
               "--cores", "1", "--config", f"samples={samples}", f"steps={steps}"]  # fmt: skip
    return timed_dry_run(command, folder, f"floor workflow, {samples} samples", timeout)


def timed_dry_run(arguments: list[str], cwd: Path, what, timeout: float):
    """Wall seconds (None if stopped at the timeout) and the number of jobs listed."""
    command = [sys.executable, "-m", "snakemake", "-n", "--quiet", "rules", *arguments]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    try:
        result = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None, 0
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"dry run failed for {what}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    total = next(
        (int(line.split()[-1]) for line in result.stdout.splitlines() if line.startswith("total")),
        0,
    )
    return seconds, total


def shown(seconds: float | None, jobs: int, timeout: float) -> str:
    if seconds is None:
        return f"> {timeout:.0f} s (stopped)"
    return f"{seconds:.1f} s ({1000 * seconds / jobs:.1f} ms per job)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per dry run")
    args = parser.parse_args()
    lines = [
        "# DAG (dry-run) time",
        "",
        f"`benchmarks/dag_benchmark.py`, {time.strftime('%Y-%m-%d %H:%M')}; "
        f"{os.cpu_count()} cores; Python {sys.version.split()[0]}. `snakemake -n --quiet rules`; "
        "with job groups is the default (`group_jobs: true`).",
        "",
        "| samples | jobs | with job groups | `group_jobs=False` | target | met "
        "| trivial workflow, same jobs per sample |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in args.sizes:
        sheet = make_sheet(n)
        outdir = OUT / str(n) / "results"
        grouped, jobs = dry_run(sheet, outdir, True, args.timeout)
        ungrouped, jobs_ungrouped = dry_run(sheet, outdir, False, args.timeout)
        jobs = jobs or jobs_ungrouped
        steps = max(1, round(jobs / n)) if jobs else 12
        floor_seconds, floor_jobs = floor_dry_run(n, steps, args.timeout)
        target = TARGETS.get(n)
        met = "" if target is None else ("yes" if grouped and grouped < target else "no")
        lines.append(
            f"| {n:,} | {jobs:,} | {shown(grouped, jobs, args.timeout)} "
            f"| {shown(ungrouped, jobs, args.timeout)} | {f'< {target:g} s' if target else ''} "
            f"| {met} | {shown(floor_seconds, floor_jobs, args.timeout)}, {floor_jobs:,} jobs |"
        )
        print(lines[-1], flush=True)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text("\n".join(lines) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
