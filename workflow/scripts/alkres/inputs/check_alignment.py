"""Is each BAM/CRAM complete, and does it fit the reference: ALK's contig present, the same
contig lengths, and every contig of its header in the FASTA?

Each problem is one line naming the file and the fix: a truncated BAM read as low depth is
worse than a stopped run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

import pysam

from alkres.inputs import InputError, fail
from alkres.io import alk_contig, atomic_output, log_to, read_fai
from alkres.tables import write_check_record


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


def main(snakemake) -> None:
    """Rule check_alignment: stop this sample's jobs, or record what was checked."""
    log_to(snakemake.log[0])
    try:
        record = check_alignment_file(
            snakemake.wildcards.sample,
            snakemake.params.source,
            snakemake.input.fasta,
            snakemake.input.fai,
            reference_name=snakemake.params.reference,
        )
    except InputError as error:
        fail(error)
    with atomic_output(snakemake.output.record) as path:
        write_check_record(path, record)
