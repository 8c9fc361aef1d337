#!/usr/bin/env python3
"""Peak memory, CPU and wall time per rule, from the `benchmark:` files of a finished run.

    .venv/bin/python benchmarks/rule_resources.py                # results/ of `make run`
    .venv/bin/python benchmarks/rule_resources.py path/to/outdir

Reads {outdir}/benchmarks/**.tsv (Snakemake's benchmark format: s, max_rss in MB, cpu_time,
...), one file per job, and writes benchmarks/results/rule_resources.md: per rule the number
of jobs, the median and largest wall time, the summed CPU time and the largest peak RSS, next
to the mem_mb the config requests for it (so a cluster request can be checked against use).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

from alkres.inputs.settings import effective_config  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "rule_resources.md"


def rule_of(path: Path, root: Path) -> str:
    """benchmarks/<rule>/<sample>.tsv or benchmarks/<rule>.tsv -> rule name."""
    relative = path.relative_to(root)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def collect(outdir: Path) -> dict[str, list[dict]]:
    root = outdir / "benchmarks"
    if not root.is_dir():
        sys.exit(f"rule_resources: no {root}; run the pipeline first (make run)")
    jobs: dict[str, list[dict]] = defaultdict(list)
    for path in sorted(root.rglob("*.tsv")):
        table = pd.read_csv(path, sep="\t")
        for row in table.to_dict(orient="records"):
            jobs[rule_of(path, root)].append(row)
    return jobs


def requested_mem_mb(rule: str, config: dict) -> int:
    table = config.get("resources", {})
    return int({**table.get("default", {}), **table.get(rule, {})}.get("mem_mb", 1000))


def report(outdir: Path, jobs: dict[str, list[dict]], config: dict) -> str:
    def number(value) -> float:
        try:
            return float(value)
        except (TypeError, ValueError):
            return 0.0

    lines = [
        "# Resources per rule",
        "",
        f"From `{outdir}/benchmarks/` (`benchmarks/rule_resources.py`). Wall and CPU in seconds, "
        "peak RSS and requested memory in MB.",
        "",
        "| rule | jobs | median wall | max wall | CPU (all jobs) | max peak RSS | mem_mb requested |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in sorted(jobs, key=lambda r: -max(number(j["max_rss"]) for j in jobs[r])):
        walls = [number(j["s"]) for j in jobs[rule]]
        cpu = sum(number(j.get("cpu_time")) for j in jobs[rule])
        rss = max(number(j["max_rss"]) for j in jobs[rule])
        lines.append(
            f"| {rule} | {len(walls)} | {statistics.median(walls):.1f} | {max(walls):.1f} | "
            f"{cpu:.1f} | {rss:,.0f} | {requested_mem_mb(rule, config):,} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", default=str(REPO / "results"))
    args = parser.parse_args()
    outdir = Path(args.outdir).resolve()
    config = effective_config(REPO / "config.yaml")
    text = report(outdir, collect(outdir), config)
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
