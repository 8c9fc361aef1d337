#!/usr/bin/env python3
"""How long Snakemake takes to build alkres's job graph for large sample sheets (a dry run).

    .venv/bin/python benchmarks/dag_benchmark.py                 # 1,000 and 10,000 samples
    .venv/bin/python benchmarks/dag_benchmark.py --sizes 100 1000

Each sheet lists its samples as links to one bundled CRAM (the sheet refuses the same file
twice), one normal per ten tumours, every tumour its own patient. The time is the wall time
of `snakemake -n` (parse, sheet validation, DAG, job listing) with the bundled config.
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


def dry_run(sheet: Path, outdir: Path) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "-n",
               "--quiet", "rules", "--config", f"samples={sheet}", "clinical=",
               f"outdir={outdir}"]  # fmt: skip
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"dry run failed for {sheet}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    total = next(
        (int(line.split()[-1]) for line in result.stdout.splitlines() if line.startswith("total")),
        0,
    )
    return seconds, total, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    lines = [
        "# DAG (dry-run) time",
        "",
        f"`benchmarks/dag_benchmark.py`, {time.strftime('%Y-%m-%d %H:%M')}; "
        f"{os.cpu_count()} cores; Python {sys.version.split()[0]}.",
        "",
        "| samples | jobs | dry-run wall time | target | met |",
        "|---|---|---|---|---|",
    ]
    for n in args.sizes:
        sheet = make_sheet(n)
        seconds, jobs, _ = dry_run(sheet, OUT / str(n) / "results")
        target = TARGETS.get(n)
        met = "" if target is None else ("yes" if seconds < target else "no")
        lines.append(
            f"| {n:,} | {jobs:,} | {seconds:.1f} s | {f'< {target:g} s' if target else ''} | {met} |"
        )
        print(lines[-1], flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
