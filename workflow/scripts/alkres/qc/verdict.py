"""A sample's final QC verdict, given once for every table and report that shows it.

The metrics give the first verdict (alkres.qc.qc_sample). Two later findings raise a pass to
warn: a flat copy-number reference (no normals in the run, tumours only) and the fusion stage's
flags (no fusion where the depth could show one, fusion evidence in a normal, no split
alignments). The fusion stage's notes (how the reads were read) are added as ``note:`` reasons
and change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

FLAT_REFERENCE_WARNING = "warn: flat copy-number reference (no normals)"


def final_verdict(
    metrics: Mapping, fusion_status: Mapping | None, flat_reference: bool
) -> tuple[str, str]:
    """(verdict, reasons) of a sample from its qc.tsv row, its fusion status.json and whether
    the run's copy-number reference is flat."""
    verdict = str(metrics["verdict"])
    reasons = [str(metrics["reasons"])]
    if flat_reference and metrics["sample_type"] == "tumor":
        reasons.append(FLAT_REFERENCE_WARNING)
        verdict = "warn" if verdict == "pass" else verdict
    status = fusion_status or {}
    flags, notes = status.get("flags", []), status.get("notes", [])
    reasons += [f"warn: {flag}" for flag in flags]
    reasons += [f"note: {note}" for note in notes]
    if flags and verdict == "pass":
        verdict = "warn"
    return verdict, "; ".join(filter(None, reasons))
