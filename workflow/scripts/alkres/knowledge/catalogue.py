"""Hotspot codons named by the ALK resistance catalogue.

The catalogue is curated by hand, so every single-mutation row is checked against the
ALK protein: a wrong residue number would silently point the caller at the wrong codon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from alkres.knowledge.resources import read_resource_rows
from alkres.knowledge.transcript import (
    DEFAULT_RESOURCES_DIR,
    SEQUENCE_FILES,
    read_fasta,
)

CATALOGUE_FILE = "alk_resistance_catalogue.tsv"

# Heads such as G1202R, R1275*, G1202del, T1151dup; a trailing note ("T1151dup (1151Tins)") is allowed.
_SINGLE_CHANGE = re.compile(
    r"^(?P<ref>[A-Z])(?P<codon>\d+)(?:[A-Z*]|del|dup|ins[A-Z]*|delins[A-Z]+)(?=\s|\(|$)"
)


@dataclass(frozen=True)
class Hotspot:
    """A catalogued codon; label ("G1202") is how reports and BED files name it."""

    codon: int
    ref_aa: str
    label: str


def is_compound(protein_change: str) -> bool:
    """Compound rows ("G1202R+L1196M") combine mutations already listed singly."""
    return "+" in protein_change


def is_copy_number(protein_change: str) -> bool:
    return "amplification" in protein_change.lower()


def parse_single_change(protein_change: str) -> tuple[str, int]:
    """Reference amino acid and codon of a single-mutation protein_change."""
    match = _SINGLE_CHANGE.match(protein_change.strip())
    if match is None:
        raise ValueError(f"cannot read a single protein change from {protein_change!r}")
    return match.group("ref"), int(match.group("codon"))


def _read_catalogue(path: Path) -> list[tuple[int, str]]:
    """(line number, protein_change) for every data row."""
    rows = read_resource_rows(path)
    if rows and "protein_change" not in rows[0][1]:
        raise ValueError(f"{path}: no protein_change column")
    return [(line, row["protein_change"]) for line, row in rows]


def _check_reference(
    path: Path, line: int, change: str, ref: str, codon: int, protein: str
) -> None:
    if not 1 <= codon <= len(protein):
        raise ValueError(f"{path} line {line} ({change}): codon {codon} is outside the protein")
    if protein[codon - 1] != ref:
        raise ValueError(
            f"{path} line {line} ({change}): reference {ref}{codon} disagrees with the ALK "
            f"protein, which has {protein[codon - 1]}{codon}"
        )


def catalogued_hotspots(
    catalogue_path: Path | None = None, protein: str | None = None
) -> list[Hotspot]:
    """Unique codons of the catalogue's single mutations, sorted by codon number.

    Compound rows and the amplification row add no new codon and are skipped; any
    other row that cannot be parsed is an error, so no catalogue entry is dropped silently.
    """
    path = (
        DEFAULT_RESOURCES_DIR / CATALOGUE_FILE if catalogue_path is None else Path(catalogue_path)
    )
    if protein is None:
        _, protein = read_fasta(DEFAULT_RESOURCES_DIR / SEQUENCE_FILES["ALK"][1])
    hotspots: dict[int, Hotspot] = {}
    for line, change in _read_catalogue(path):
        if is_compound(change) or is_copy_number(change):
            continue
        try:
            ref, codon = parse_single_change(change)
        except ValueError as error:
            raise ValueError(f"{path} line {line}: {error}") from error
        _check_reference(path, line, change, ref, codon, protein)
        hotspots.setdefault(codon, Hotspot(codon=codon, ref_aa=ref, label=f"{ref}{codon}"))
    return [hotspots[codon] for codon in sorted(hotspots)]
