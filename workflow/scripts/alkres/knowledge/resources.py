"""Reading the bundled tables of resources/ (transcripts, catalogue, partner genes, variant
names and notes, gene regions): tab-separated, a header line, '#' lines as comments, no
quoting (a quote mark is text). The knowledge base's two tables have a versioned format of
their own (alkres.knowledge.knowledge)."""

from __future__ import annotations

import csv
from pathlib import Path


def read_resource_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """(physical line number, row) of every data line, for messages that name the line."""
    with open(path, newline="") as handle:
        numbered = [(number, line) for number, line in enumerate(handle, start=1)
                    if not line.startswith("#") and line.strip()]  # fmt: skip
    if not numbered:
        raise ValueError(f"{path}: no header line")
    reader = csv.DictReader((line for _, line in numbered), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [(number, row) for (number, _), row in zip(numbered[1:], reader, strict=True)]


def read_resource_table(path: str | Path) -> list[dict[str, str]]:
    """Every data row of a bundled table, by column name."""
    return [row for _, row in read_resource_rows(path)]
