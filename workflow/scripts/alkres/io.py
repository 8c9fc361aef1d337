"""Output helpers: a file appears under its final name only once it is complete."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


def reference_contig(fai_path: str | os.PathLike, chromosome: str = "2") -> str:
    """The reference's name for a chromosome: UCSC ("chr2") or Ensembl ("2") naming."""
    with open(fai_path) as handle:
        contigs = {line.split("\t", 1)[0] for line in handle}
    for name in (f"chr{chromosome}", chromosome):
        if name in contigs:
            return name
    raise ValueError(
        f"{fai_path}: the reference has no contig chr{chromosome} or {chromosome}. "
        "Fix: point reference.fasta at a human GRCh38/GRCh37 FASTA."
    )
