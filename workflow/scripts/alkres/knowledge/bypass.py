"""Off-target (bypass) resistance to ALK TKIs, and TP53 as a co-mutation
(resources/bypass_catalogue.tsv): each hotspot or alteration with its role in ALK-TKI
resistance and what it implies, each with its level, source and status.

TP53's hotspot codons are genotyped like the bypass codons, but their rows are co_mutation:
a call there is a prognostic co-mutation, never a resistance mechanism (site_classification).

The catalogue names codons of other genes: a wrong residue number would send their genotyping
to the wrong codon, so loading checks every codon against the gene's bundled UniProt protein,
and every role or implication marked verified against a named source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from alkres.knowledge.knowledge import LEVELS, STATUSES
from alkres.knowledge.resources import read_resource_rows
from alkres.knowledge.transcript import DEFAULT_RESOURCES_DIR, GENE_TRANSCRIPTS_FILE, gene_protein

BYPASS_FILE = "bypass_catalogue.tsv"
COLUMNS = (
    "gene", "alteration", "kind", "codon_start", "codon_end", "classification", "role",
    "role_level", "role_source", "role_status", "implication", "implication_source",
    "implication_status", "activation_source",
)  # fmt: skip
KINDS = ("codon", "region", "splice", "amplification", "loss", "co_mutation")
CLASSIFICATIONS = ("bypass", "co_mutation")
NO_SOURCE = "none read"
_CODON = re.compile(r"^(?P<ref>[A-Z])(?P<codon>\d+)$")


@dataclass(frozen=True)
class BypassEntry:
    """One catalogued off-target alteration (or TP53), with its sourced role and implication."""

    gene: str
    alteration: str
    kind: str
    codon_start: int | None
    codon_end: int | None
    classification: str
    role: str
    role_level: str
    role_source: str
    role_status: str
    implication: str
    implication_source: str
    implication_status: str
    activation_source: str

    @property
    def label(self) -> str:
        return f"{self.gene} {self.alteration}"


# Rows that read a gene as a whole, not at hotspots: TP53 (co_mutation: a damaging variant
# anywhere) and NF2 (loss: a deletion, or a loss-of-function variant anywhere in the CDS).
WHOLE_GENE_KINDS = ("co_mutation", "loss")


def whole_gene_entries(catalogue: Iterable[BypassEntry]) -> dict[str, BypassEntry]:
    """The catalogue rows that read a gene as a whole (TP53, NF2), by gene: the genes whose
    variants anywhere in the coding sequence the callers must read."""
    return {entry.gene: entry for entry in catalogue if entry.kind in WHOLE_GENE_KINDS}


def site_classification(gene: str, label: str, catalogue: Iterable[BypassEntry]) -> str:
    """The classification of the catalogue row a genotyped site of ``gene`` belongs to: a
    TP53 hotspot codon ("R273") is a co_mutation site, a KRAS codon ("G12") a bypass site; a
    splice site's label names its side ("exon 14 skipping (donor)"). A site of no catalogue
    row is a bypass site, as every genotyped site of another gene was before TP53's."""
    name = label.rsplit(" (", 1)[0]
    entry = next((e for e in catalogue if e.gene == gene and e.alteration == name), None)
    return entry.classification if entry is not None else "bypass"


def _proteins(directory: Path) -> dict[str, str]:
    """UniProt protein of every gene of gene_transcripts.tsv, by gene."""
    rows = read_resource_rows(directory / GENE_TRANSCRIPTS_FILE)
    return {
        gene: gene_protein(gene, directory)[1] for gene in dict.fromkeys(r["gene"] for _, r in rows)
    }


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _check(row: dict[str, str], proteins: dict[str, str], fail) -> None:
    if row["gene"] not in proteins:
        raise fail("gene", f"{row['gene']!r} has no bundled transcript ({GENE_TRANSCRIPTS_FILE})")
    checks = (
        ("kind", row["kind"] in KINDS, f"is not one of {KINDS}"),
        ("classification", row["classification"] in CLASSIFICATIONS,
         f"is not one of {CLASSIFICATIONS}"),
        ("role_level", row["role_level"] in LEVELS, f"is not one of {LEVELS}"),
        ("role_status", row["role_status"] in STATUSES, f"is not one of {STATUSES}"),
        ("implication_status", row["implication_status"] in STATUSES,
         f"is not one of {STATUSES}"),
        ("role", bool(row["role"].strip()), "is empty"),
        ("role_source", row["role_status"] != "verified" or row["role_source"] != NO_SOURCE,
         "names no source, so the role cannot be verified"),
        ("implication_source",
         row["implication_status"] != "verified" or bool(row["implication_source"].strip()),
         "is empty, so the implication cannot be verified"),
    )  # fmt: skip
    for column, ok, message in checks:
        if not ok:
            raise fail(column, f"{row[column]!r} {message}")
    protein = proteins[row["gene"]]
    start, end = _optional_int(row["codon_start"]), _optional_int(row["codon_end"])
    genotyped = row["kind"] in ("codon", "region", "splice")
    if genotyped != (start is not None and end is not None):
        raise fail("codon_start", f"a {row['kind']} row needs codons only if it is genotyped")
    if start is not None and end is not None and not 1 <= start <= end <= len(protein):
        raise fail(
            "codon_end", f"codons {start}-{end} are outside {row['gene']} (1-{len(protein)})"
        )
    if row["kind"] == "codon":
        match = _CODON.match(row["alteration"])
        if match is None or int(match["codon"]) != start or start != end:
            raise fail("alteration", f"{row['alteration']!r} does not name codon {start}")
        if protein[start - 1] != match["ref"]:
            raise fail(
                "alteration",
                f"{row['gene']} {row['alteration']}: the UniProt protein has "
                f"{protein[start - 1]} at codon {start}",
            )


def load_bypass_catalogue(resources_dir: Path | None = None) -> list[BypassEntry]:
    """The checked catalogue; a bad row is an error naming file, line and column."""
    directory = DEFAULT_RESOURCES_DIR if resources_dir is None else Path(resources_dir)
    path = directory / BYPASS_FILE
    proteins = _proteins(directory)
    entries: list[BypassEntry] = []
    seen: set[tuple[str, str]] = set()
    for line, row in read_resource_rows(path):

        def fail(column: str, message: str, line: int = line) -> ValueError:
            return ValueError(f"{path}: line {line}, column {column!r}: {message}")

        if tuple(row) != COLUMNS:
            raise fail("header", f"expected {list(COLUMNS)}")
        _check(row, proteins, fail)
        key = (row["gene"], row["alteration"])
        if key in seen:
            raise fail("alteration", f"{row['gene']} {row['alteration']} is listed twice")
        seen.add(key)
        entries.append(
            BypassEntry(
                **{
                    **row,
                    "codon_start": _optional_int(row["codon_start"]),
                    "codon_end": _optional_int(row["codon_end"]),
                }
            )
        )
    return entries
