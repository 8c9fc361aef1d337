"""A sheet's BAM/CRAM paths: resolved from the sheet's folder, checked to exist, and each one's
index found beside it (or none: alkres then indexes a link under outdir)."""

from __future__ import annotations

import os

from alkres.inputs.sheet_tables import Row, SheetContext


def index_candidates(bam: str) -> list[str]:
    """Index names htslib finds beside a BAM or CRAM, in the order it looks for them."""
    stem, extension = os.path.splitext(bam)
    if extension.lower() == ".cram":
        return [bam + ".crai", stem + ".crai"]
    return [bam + ".bai", stem + ".bai", bam + ".csi", stem + ".csi"]


def resolve_path(path: str, base_dir: str) -> str:
    """Absolute, normalised path; relative paths are taken from the sheet's folder."""
    expanded = os.path.expanduser(path)
    return os.path.abspath(
        expanded if os.path.isabs(expanded) else os.path.join(base_dir, expanded)
    )


def find_index(bam: str) -> str:
    return next((candidate for candidate in index_candidates(bam) if os.path.isfile(candidate)), "")


def check_alignment_files(context: SheetContext, row: Row, bam: str, base_dir: str) -> str:
    """The BAM/CRAM must exist; returns the index beside it, or "" when there is none (the
    workflow then indexes a link to it under outdir: inputs are never written to)."""
    if not os.path.isfile(bam):
        raise context.error(
            row,
            "bam",
            f"file not found: {bam}",
            f"correct the path; relative paths are read from the sheet's folder {base_dir}",
        )
    return find_index(bam)
