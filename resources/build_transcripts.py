"""Build resources/transcripts.tsv from the annotated exon table (alk_exons.tsv).

The source table mixes coordinates with free-text notes. The pipeline needs one typed
row per exon, and every c. <-> genome conversion depends on it. So this script
re-derives the stated CDS anchors from the exon coordinates and refuses to write the
table if any of them disagree.

Usage: python resources/build_transcripts.py path/to/alk_exons.tsv [-o resources/transcripts.tsv]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ALK_CDS_LENGTH = 4863
# c.1 (A of ATG) and c.4863 (last stop-codon base), as stated in alk_domain_notes.md section 1.
ALK_CDS_ANCHORS = {
    "GRCh38": {1: 29920659, ALK_CDS_LENGTH: 29193224},
    "GRCh37": {1: 30143525, ALK_CDS_LENGTH: 29416090},
}
# Stated constant GRCh37 - GRCh38 offset over the whole ALK locus.
STATED_GRCH37_MINUS_GRCH38 = {"ALK": 222866}

OUTPUT_COLUMNS = (
    "gene",
    "transcript",
    "refseq",
    "strand",
    "exon",
    "grch38_start",
    "grch38_end",
    "grch37_start",
    "grch37_end",
    "cds_start_c",
    "cds_end_c",
    "source",
)

_TRANSCRIPT_LABEL = re.compile(r"^(?P<transcript>ENST\d+)\s*\((?P<gene>[A-Za-z0-9-]+)")
_REFSEQ = re.compile(r"\bNM_\d+(?:\.\d+)?")
_DECLARED_STRAND = re.compile(r"([+-]) strand")
_CODING_NOTE = re.compile(r"\bcoding c\.(\d+)-(\d+)")


@dataclass(frozen=True)
class ExonRow:
    gene: str
    transcript: str
    refseq: str
    exon: int
    grch38_start: int
    grch38_end: int
    grch37_start: int
    grch37_end: int
    cds_start_c: int | None
    cds_end_c: int | None
    source: str

    def span(self, build: str) -> tuple[int, int]:
        if build == "GRCh38":
            return self.grch38_start, self.grch38_end
        return self.grch37_start, self.grch37_end

    @property
    def coding_length(self) -> int:
        if self.cds_start_c is None or self.cds_end_c is None:
            return 0
        return self.cds_end_c - self.cds_start_c + 1


def parse_coding_note(note: str) -> tuple[int, int] | None:
    """The "coding c.X-Y" range of a cds_note, or None for a non-coding exon."""
    match = _CODING_NOTE.search(note)
    if match is None:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    if start > end:
        raise ValueError(f"coding range c.{start}-{end} runs backwards in note: {note!r}")
    return start, end


def parse_row(row: dict[str, str]) -> ExonRow:
    """One typed exon row from one line of alk_exons.tsv."""
    label = row["transcript"]
    match = _TRANSCRIPT_LABEL.match(label)
    if match is None:
        raise ValueError(f"cannot read transcript id and gene from {label!r}")
    refseq = _REFSEQ.search(label)
    coding = parse_coding_note(row["cds_note"])
    return ExonRow(
        gene=match.group("gene"),
        transcript=match.group("transcript"),
        refseq=refseq.group(0) if refseq else "",
        exon=int(row["exon"]),
        grch38_start=int(row["grch38_start"]),
        grch38_end=int(row["grch38_end"]),
        grch37_start=int(row["grch37_start"]),
        grch37_end=int(row["grch37_end"]),
        cds_start_c=coding[0] if coding else None,
        cds_end_c=coding[1] if coding else None,
        source=row["source"].strip(),
    )


def read_exon_table(path: Path) -> tuple[list[ExonRow], dict[str, set[str]]]:
    """Typed rows plus the strands each transcript's labels declare, if any do."""
    rows: list[ExonRow] = []
    declared_strand: dict[str, set[str]] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            exon_row = parse_row(row)
            rows.append(exon_row)
            strand = _DECLARED_STRAND.search(row["transcript"])
            if strand:
                declared_strand.setdefault(exon_row.transcript, set()).add(strand.group(1))
    return rows, declared_strand


def strand_from_exon_order(exons: Sequence[ExonRow]) -> str:
    """'+' if exon numbers increase along the genome, '-' if they decrease."""
    starts = [exon.grch38_start for exon in exons]
    if len(starts) < 2:
        raise ValueError(f"{exons[0].transcript}: strand cannot be inferred from one exon")
    if all(a < b for a, b in zip(starts, starts[1:], strict=False)):
        return "+"
    if all(a > b for a, b in zip(starts, starts[1:], strict=False)):
        return "-"
    raise ValueError(f"{exons[0].transcript}: exons are not in genomic order")


def check_exon_numbers(exons: Sequence[ExonRow]) -> None:
    numbers = [exon.exon for exon in exons]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"{exons[0].transcript}: exon numbers are not 1..N: {numbers}")


def check_spans_and_offset(exons: Sequence[ExonRow]) -> None:
    """Both builds give every exon the same length, shifted by one constant per gene."""
    offsets = {exon.grch37_start - exon.grch38_start for exon in exons}
    offsets |= {exon.grch37_end - exon.grch38_end for exon in exons}
    gene = exons[0].gene
    if len(offsets) != 1:
        raise ValueError(f"{gene}: GRCh37 - GRCh38 offset is not constant: {sorted(offsets)}")
    stated = STATED_GRCH37_MINUS_GRCH38.get(gene)
    if stated is not None and offsets != {stated}:
        raise ValueError(f"{gene}: GRCh37 - GRCh38 offset {offsets.pop()} != stated {stated}")
    for exon in exons:
        for build in ("GRCh38", "GRCh37"):
            start, end = exon.span(build)
            if start > end:
                raise ValueError(f"{gene} exon {exon.exon}: {build} start {start} > end {end}")


def coding_position(exon: ExonRow, c: int, strand: str, cds_length: int, build: str) -> int:
    """Genomic position of c. base `c` inside `exon`.

    A partly coding exon holds its coding bases at its transcript-3' end if it carries
    c.1, and at its transcript-5' end if it carries the last CDS base.
    """
    if exon.cds_start_c is None or exon.cds_end_c is None:
        raise ValueError(f"{exon.gene} exon {exon.exon} has no coding bases")
    start, end = exon.span(build)
    exon_length = end - start + 1
    five_prime, step = (start, 1) if strand == "+" else (end, -1)
    holds_first = exon.cds_start_c == 1
    holds_last = exon.cds_end_c == cds_length
    if exon.coding_length == exon_length or (holds_last and not holds_first):
        first = five_prime
    elif holds_first and not holds_last:
        first = five_prime + step * (exon_length - exon.coding_length)
    else:
        raise ValueError(f"{exon.gene} exon {exon.exon}: cannot place its coding bases")
    return first + step * (c - exon.cds_start_c)


def check_coding(exons: Sequence[ExonRow], strand: str, cds_length: int) -> None:
    """c. ranges tile 1..cds_length in exon order, and fit inside their exons."""
    coding = [exon for exon in exons if exon.cds_start_c is not None]
    gene = exons[0].gene
    expected_start = 1
    for exon in coding:
        if exon.cds_start_c != expected_start:
            raise ValueError(
                f"{gene} exon {exon.exon}: coding starts at c.{exon.cds_start_c}, "
                f"expected c.{expected_start}"
            )
        start, end = exon.span("GRCh38")
        if exon.coding_length > end - start + 1:
            raise ValueError(f"{gene} exon {exon.exon}: more coding bases than exon bases")
        expected_start = exon.cds_end_c + 1
    total = sum(exon.coding_length for exon in coding)
    if total != cds_length:
        raise ValueError(f"{gene}: coding lengths add up to {total}, expected {cds_length}")
    numbers = [exon.exon for exon in coding]
    if numbers != list(range(numbers[0], numbers[-1] + 1)):
        raise ValueError(f"{gene}: coding exons are not consecutive: {numbers}")


def check_alk_anchors(exons: Sequence[ExonRow], strand: str) -> None:
    """The stated c.1 and c.4863 positions follow from the exon coordinates on both builds."""
    by_c = {exon.cds_start_c: exon for exon in exons if exon.cds_start_c is not None}
    last = next(exon for exon in exons if exon.cds_end_c == ALK_CDS_LENGTH)
    for build, anchors in ALK_CDS_ANCHORS.items():
        for c, stated in anchors.items():
            exon = by_c[1] if c == 1 else last
            derived = coding_position(exon, c, strand, ALK_CDS_LENGTH, build)
            if derived != stated:
                raise ValueError(f"ALK c.{c} on {build}: derived {derived}, stated {stated}")


def check_transcript(exons: Sequence[ExonRow], claimed_strands: set[str]) -> str:
    """Run every consistency check for one transcript and return its strand."""
    check_exon_numbers(exons)
    strand = strand_from_exon_order(exons)
    for claimed in sorted(claimed_strands):
        if claimed != strand:
            raise ValueError(f"{exons[0].gene}: exon order gives strand {strand}, not {claimed}")
    check_spans_and_offset(exons)
    if exons[0].gene == "ALK":
        check_coding(exons, strand, ALK_CDS_LENGTH)
        check_alk_anchors(exons, strand)
    elif any(exon.cds_start_c is not None for exon in exons):
        raise ValueError(f"{exons[0].gene}: no CDS length is known to check its coding notes")
    return strand


# The notes give ALK as a minus-strand gene; EML4 rows declare their strand themselves.
EXPECTED_STRAND = {"ALK": "-"}


def build_rows(rows: Sequence[ExonRow], declared: dict[str, set[str]]) -> list[dict[str, str]]:
    """Checked output rows, grouped by transcript in input order, exons ascending."""
    transcripts = list(dict.fromkeys(row.transcript for row in rows))
    if "ENST00000389048" not in transcripts:
        raise ValueError("ALK transcript ENST00000389048 is missing")
    output: list[dict[str, str]] = []
    for transcript in transcripts:
        exons = sorted((row for row in rows if row.transcript == transcript), key=lambda r: r.exon)
        genes = {exon.gene for exon in exons}
        if len(genes) != 1:
            raise ValueError(f"{transcript}: rows name several genes: {sorted(genes)}")
        claimed = set(declared.get(transcript, set()))
        if exons[0].gene in EXPECTED_STRAND:
            claimed.add(EXPECTED_STRAND[exons[0].gene])
        strand = check_transcript(exons, claimed)
        output.extend(output_row(exon, strand) for exon in exons)
    return output


def output_row(exon: ExonRow, strand: str) -> dict[str, str]:
    values = {
        "gene": exon.gene,
        "transcript": exon.transcript,
        "refseq": exon.refseq,
        "strand": strand,
        "exon": exon.exon,
        "grch38_start": exon.grch38_start,
        "grch38_end": exon.grch38_end,
        "grch37_start": exon.grch37_start,
        "grch37_end": exon.grch37_end,
        "cds_start_c": exon.cds_start_c,
        "cds_end_c": exon.cds_end_c,
        "source": exon.source,
    }
    return {key: "" if value is None else str(value) for key, value in values.items()}


def write_table(rows: Sequence[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(
            handle,
            fieldnames=OUTPUT_COLUMNS,
            delimiter="\t",
            lineterminator="\n",
            quoting=csv.QUOTE_NONE,
        )
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exon_table", type=Path, help="alk_exons.tsv")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path(__file__).resolve().parent / "transcripts.tsv",
        help="output TSV (default: transcripts.tsv next to this script)",
    )
    args = parser.parse_args(argv)
    try:
        rows, declared = read_exon_table(args.exon_table)
        table = build_rows(rows, declared)
    except ValueError as error:
        print(f"{args.exon_table}: {error}", file=sys.stderr)
        return 1
    write_table(table, args.output)
    print(f"wrote {len(table)} exon rows to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
