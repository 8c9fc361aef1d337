"""The panel BED as the workflow reads it: checked against the reference and coordinate-sorted.

Vendors ship BEDs in any order (ALK exons in transcript order, i.e. descending coordinates on
the minus strand); tabix-indexing tools (freebayes, bcftools) stop on unsorted positions. The
user's BED is checked and sorted once; every step reads that copy.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from alkres.inputs import InputError, fail
from alkres.io import atomic_output, log_to, read_fai
from alkres.tables import write_bed

BedRow = tuple[str, int, int, str]  # chrom, 0-based start, end, name
SKIPPED_PREFIXES = ("#", "track", "browser")


def natural_key(contig: str) -> tuple:
    """chr1 < chr2 < chr10 < chrX: digit runs compare as numbers, before letters."""
    parts = re.split(r"(\d+)", contig)
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts if part)


def bed_problem(path: str | Path, line: int, problem: str, fix: str) -> InputError:
    return InputError(f"{path}: line {line}: {problem}. Fix: {fix}.")


def check_interval(
    path: str | Path, line: int, fields: list[str], contigs: Mapping[str, int], reference: str
) -> tuple[str, int, int]:
    """chrom, start, end of a BED line: whole numbers, start < end, on a contig of the reference."""
    chrom, start_text, end_text = (field.strip() for field in fields[:3])
    if not (start_text.isdigit() and end_text.isdigit()):
        raise bed_problem(
            path,
            line,
            f"start '{start_text}' and end '{end_text}' must be whole numbers",
            "write 0-based start and end as integers (no commas)",
        )
    start, end = int(start_text), int(end_text)
    if start >= end:
        raise bed_problem(
            path,
            line,
            f"start {start} is not below end {end}",
            "give each target a start below its end (BED is 0-based, half-open)",
        )
    if chrom not in contigs:
        raise bed_problem(
            path,
            line,
            f"contig '{chrom}' is not in the reference {reference} "
            f"(its contigs: {', '.join(list(contigs)[:5])}...)",
            "use the panel BED of the reference the reads were aligned to, with its contig "
            "names (chr2 or 2)",
        )
    if end > contigs[chrom]:
        raise bed_problem(
            path,
            line,
            f"end {end} is beyond the end of {chrom} ({contigs[chrom]} bp) in {reference}",
            "use the panel BED of the reference's build",
        )
    return chrom, start, end


def parse_bed_line(
    path: str | Path, line: int, text: str, contigs: Mapping[str, int], reference: str
) -> BedRow | None:
    """One target, or None for a line that carries none (blank, comment, track, browser)."""
    if not text.strip() or text.startswith(SKIPPED_PREFIXES):
        return None
    fields = text.split("\t")
    if len(fields) < 3:
        raise bed_problem(
            path,
            line,
            f"{len(fields)} column(s), but a BED needs chrom, start and end",
            "separate chrom, start, end and name by tabs",
        )
    chrom, start, end = check_interval(path, line, fields, contigs, reference)
    name = fields[3].strip() if len(fields) > 3 else ""
    return chrom, start, end, name or f"{chrom}:{start + 1}-{end}"


def is_column_header(text: str) -> bool:
    """A first line such as 'chrom<TAB>start<TAB>end<TAB>name', without '#'."""
    fields = text.split("\t")
    return len(fields) >= 3 and not fields[1].strip().isdigit() and not fields[2].strip().isdigit()


def read_panel_bed(path: str | Path, contigs: Mapping[str, int], reference: str) -> list[BedRow]:
    """Every target of the BED in file order, checked against the reference's contigs (.fai)."""
    rows: list[BedRow] = []
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        for number, raw in enumerate(handle, start=1):
            text = raw.rstrip("\r\n")
            if not rows and text.strip() and is_column_header(text):
                continue
            row = parse_bed_line(path, number, text, contigs, reference)
            if row is not None:
                rows.append(row)
    if not rows:
        raise InputError(
            f"{path}: no targets. Fix: set panel.targets to the panel's BED file "
            "(chrom, start, end, name per line)."
        )
    return rows


def sorted_targets(rows: Iterable[BedRow]) -> list[BedRow]:
    """Coordinate order (contigs in natural order), each identical line once, names kept."""
    unique = dict.fromkeys(rows)
    return sorted(unique, key=lambda row: (natural_key(row[0]), row[1], row[2], row[3]))


def main(snakemake) -> None:
    """Rule panel_targets: the user's BED, checked and coordinate-sorted, under outdir."""
    log_to(snakemake.log[0])
    try:
        rows = read_panel_bed(
            snakemake.input.targets, read_fai(snakemake.input.fai), snakemake.params.reference
        )
    except InputError as error:
        fail(error)
    targets = sorted_targets(rows)
    print(f"{len(rows)} targets read from {snakemake.input.targets}, {len(rows) - len(targets)} "
          f"repeated lines dropped, {len(targets)} written in coordinate order", file=sys.stderr)  # fmt: skip
    with atomic_output(snakemake.output.bed) as path:
        write_bed(path, targets)
