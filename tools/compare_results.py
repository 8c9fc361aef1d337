#!/usr/bin/env python3
"""Compare two alkres result folders file by file: the tables and reports a refactor must leave
byte-identical.

    python tools/compare_results.py BEFORE/results AFTER/results
    python tools/compare_results.py BEFORE/results AFTER/results --allow 'patients/*/report.json'

Compared: every cohort table (cohort/*.tsv), qc/qc_summary.tsv, every per-sample hotspot,
mutation, fusion and alteration table, every fusion status, every copy-number gene table and
every patient report.json. A file present on one side only is a difference. Exit status 0 when
everything compared is identical (files matching --allow may differ; their differences are
listed), 1 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import hashlib
import sys
from pathlib import Path

PATTERNS = (
    "cohort/*.tsv",
    "qc/qc_summary.tsv",
    "qc/multiqc_custom/*.tsv",
    "hotspots/*.hotspots.tsv",
    "hotspots/*.mutations.tsv",
    "hotspots/*.counts.tsv",
    "hotspots/*.linkage.tsv",
    "hotspots/background.tsv",
    "variants/*.alterations.tsv",
    "fusions/*.fusions.tsv",
    "fusions/*.status.json",
    "fusions/*.alterations.tsv",
    "cnv/*.genes.tsv",
    "cnv/*.amplifications.tsv",
    "calls/normal_variants.tsv",
    "patients/*/report.json",
)


def files(folder: Path) -> dict[str, Path]:
    found = {}
    for pattern in PATTERNS:
        for path in folder.glob(pattern):
            found[str(path.relative_to(folder))] = path
    return found


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def diff_lines(before: Path, after: Path, limit: int = 12) -> list[str]:
    lines = difflib.unified_diff(
        before.read_text().splitlines(), after.read_text().splitlines(), lineterm="", n=0
    )
    return [line[:200] for line in list(lines)[2 : 2 + limit]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument(
        "--allow", action="append", default=[], help="glob of files that may differ"
    )
    args = parser.parse_args()
    before, after = files(args.before), files(args.after)
    failed = False
    same = 0
    for name in sorted(set(before) | set(after)):
        allowed = any(fnmatch.fnmatch(name, pattern) for pattern in args.allow)
        if name not in before or name not in after:
            print(f"{'ALLOWED' if allowed else 'MISSING'} {name}: only in "
                  f"{'after' if name in after else 'before'}")  # fmt: skip
            failed |= not allowed
            continue
        if digest(before[name]) == digest(after[name]):
            same += 1
            continue
        print(f"{'ALLOWED' if allowed else 'DIFFERS'} {name}")
        for line in diff_lines(before[name], after[name]):
            print(f"    {line}")
        failed |= not allowed
    print(f"{same} of {len(set(before) | set(after))} files byte-identical")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
