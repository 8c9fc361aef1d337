"""Files at the bottom of everything: outputs that appear under their final name only once
complete, and the reference's contig table (.fai)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` only if the block succeeds.

    A job killed mid-write then leaves no file that looks finished.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.partial")
    try:
        yield temporary
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)


def log_to(path: str | os.PathLike):
    """Send a job's messages (stderr) to its log file; returns the open log."""
    log = open(path, "w")  # noqa: SIM115 - open for the job's lifetime
    sys.stderr = log
    return log


def read_fai(path: str | os.PathLike) -> dict[str, int]:
    """The reference's contigs and their lengths, from its .fai (the one reader of it)."""
    with open(path) as handle:
        return {line.split("\t")[0]: int(line.split("\t")[1]) for line in handle if line.strip()}


def alk_contig(contigs: Mapping[str, int] | set[str]) -> str | None:
    """ALK's contig among the reference's (chr2 or 2), or None."""
    for name in ("chr2", "2"):
        if name in contigs:
            return name
    return None


def reference_contig(fai_path: str | os.PathLike, chromosome: str = "2") -> str:
    """The reference's name for a chromosome: UCSC ("chr2") or Ensembl ("2") naming."""
    contigs = read_fai(fai_path)
    for name in (f"chr{chromosome}", chromosome):
        if name in contigs:
            return name
    raise ValueError(
        f"{fai_path}: the reference has no contig chr{chromosome} or {chromosome}. "
        "Fix: point reference.fasta at a human GRCh38/GRCh37 FASTA."
    )
