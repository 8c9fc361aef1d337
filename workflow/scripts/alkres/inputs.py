"""Checks of the inputs before any result is computed from them: is the reference the build
the config names, and does each BAM/CRAM fit that reference and read to its end?

Each problem is one line naming the file and the fix: a silent wrong answer (GRCh37 positions
read on a GRCh38 FASTA, a truncated BAM read as low depth) is worse than a stopped run.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pysam

from alkres.transcript import BUILDS, load_transcript

MIN_BUILD_IDENTITY = 0.95  # share of ALK coding bases that must equal the bundled CDS


class InputError(ValueError):
    """A problem with an input file, as one line with its fix."""


@dataclass(frozen=True)
class BuildCheck:
    build: str
    contig: str
    identity: float  # share of ALK coding bases equal to the bundled CDS
    compared: int


def alk_contig(contigs: Mapping[str, int] | set[str]) -> str | None:
    for name in ("chr2", "2"):
        if name in contigs:
            return name
    return None


def build_identity(fasta: pysam.FastaFile, build: str, contig: str) -> BuildCheck:
    """How well the FASTA's bases at `build`'s ALK coding positions match the bundled CDS."""
    alk = load_transcript(build, "ALK", chrom=contig)
    length = fasta.get_reference_length(contig)
    positions = [alk.c_to_g(c) for c in range(1, len(alk.cds) + 1)]
    if max(positions) > length:
        return BuildCheck(build, contig, 0.0, 0)
    low, high = min(positions), max(positions)
    window = fasta.fetch(contig, low - 1, high).upper()
    complement = str.maketrans("ACGTN", "TGCAN")
    same = 0
    for c, pos in enumerate(positions, start=1):
        base = window[pos - low]
        if alk.strand < 0:
            base = base.translate(complement)
        same += base == alk.cds[c - 1].upper()
    return BuildCheck(build, contig, same / len(positions), len(positions))


def check_reference_build(fasta_path: str | Path, build: str) -> BuildCheck:
    """The FASTA must carry the ALK coding sequence at `build`'s coordinates."""
    with pysam.FastaFile(str(fasta_path)) as fasta:
        contig = alk_contig(set(fasta.references))
        if contig is None:
            raise InputError(
                f"{fasta_path}: no contig chr2 or 2, so ALK cannot be read. "
                "Fix: point reference.fasta at a human GRCh38 or GRCh37 FASTA."
            )
        checks = {b: build_identity(fasta, b, contig) for b in BUILDS}
    chosen = checks[build]
    if chosen.identity >= MIN_BUILD_IDENTITY:
        return chosen
    other = max((c for b, c in checks.items() if b != build), key=lambda c: c.identity)
    if other.identity >= MIN_BUILD_IDENTITY:
        fix = f"set reference.build: {other.build} (the FASTA matches {other.build})"
    else:
        fix = "use the GRCh38 or GRCh37 FASTA the reads were aligned to"
    raise InputError(
        f"{fasta_path}: reference.build is {build}, but only {chosen.identity:.0%} of the ALK "
        f"coding bases at {build} positions on {contig} match NM_004304.5. Fix: {fix}."
    )


def read_fai(path: str | Path) -> dict[str, int]:
    with open(path) as handle:
        return {line.split("\t")[0]: int(line.split("\t")[1]) for line in handle if line.strip()}


def quickcheck(path: str | Path) -> str:
    """samtools quickcheck's complaint about a file ('' if it looks complete)."""
    result = subprocess.run(
        ["samtools", "quickcheck", "-vvv", str(path)], capture_output=True, text=True
    )
    if result.returncode == 0:
        return ""
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    return lines[-1] if lines else "samtools quickcheck failed"


def check_alignment_file(
    sample_id: str,
    path: str | Path,
    reference_fasta: str | Path,
    fai_path: str | Path,
    reference_name: str | Path | None = None,
) -> dict[str, str]:
    """A BAM/CRAM must be complete, and its contigs must be the reference's (same lengths).

    `reference_name` is the FASTA as the user gave it, for messages (default: reference_fasta).
    Returns what was checked, for the record; raises InputError with the fix otherwise.
    """
    problem = quickcheck(path)
    if problem:
        raise InputError(
            f"sample {sample_id}: {path} is truncated or corrupt ({problem}). "
            "Fix: copy or export the file again (samtools quickcheck must pass)."
        )
    reference = read_fai(fai_path)
    reference_name = reference_name or reference_fasta
    try:
        with pysam.AlignmentFile(str(path), reference_filename=str(reference_fasta)) as reads:
            header = dict(zip(reads.references, reads.lengths, strict=True))
    except (ValueError, OSError) as error:
        raise InputError(
            f"sample {sample_id}: {path} cannot be read ({error}). Fix: give a valid BAM or CRAM."
        ) from None
    contig = alk_contig(reference)
    if contig not in header:
        named = ", ".join(list(header)[:5]) or "none"
        raise InputError(
            f"sample {sample_id}: {path} has no contig {contig} (its contigs: {named}...), so "
            f"its reads are not on the reference {reference_name}. Fix: use the reference "
            "the reads were aligned to (UCSC chr2 or Ensembl 2 naming, as in the BAM header)."
        )
    mismatched = [
        f"{name} {length} vs {reference[name]}"
        for name, length in header.items()
        if name in reference and reference[name] != length
    ]
    if mismatched:
        raise InputError(
            f"sample {sample_id}: {path} was aligned to another reference: contig lengths "
            f"differ from {reference_name} ({'; '.join(mismatched[:3])}). Fix: set "
            "reference.fasta (and reference.build) to the FASTA the reads were aligned to."
        )
    check_header_contigs(sample_id, path, header, reference, reference_name)
    return {"sample_id": sample_id, "file": str(path), "contig": contig,
            "contigs_in_header": str(len(header)), "quickcheck": "ok"}  # fmt: skip


def check_header_contigs(
    sample_id: str,
    path: str | Path,
    header: Mapping[str, int],
    reference: Mapping[str, int],
    reference_name: str | Path,
) -> None:
    """Every @SQ contig of the BAM/CRAM must be in the FASTA: Delly, and CRAM decoding, read
    the reference of every contig the header names."""
    missing = [name for name in header if name not in reference]
    if missing:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        raise InputError(
            f"sample {sample_id}: {path} names {len(missing)} contig(s) that the reference "
            f"{reference_name} lacks ({shown}). Fix: set reference.fasta to the FASTA the reads "
            "were aligned to, which names every contig of the BAM/CRAM header."
        )


def fail(error: InputError) -> None:
    """End a check job: the one-line message in its log and on the console, exit status 1."""
    message = f"alkres input check: {error}"
    print(message, file=sys.stderr)
    if sys.stderr is not sys.__stderr__:
        print(message, file=sys.__stderr__)
    raise SystemExit(1)
