"""The ALK TKI vocabulary (resources/tki_vocabulary.tsv): generic, brand and code names to one
generic name, so that the sheets may name a drug any way a clinic does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from alkres.inputs.sheet_tables import SheetError, read_table

TKI_VOCABULARY = Path(__file__).resolve().parents[4] / "resources" / "tki_vocabulary.tsv"
VOCABULARY_COLUMNS = ("name", "synonyms")
ALL_COLUMNS = ("name", "synonyms", "role", "approval", "source")
# The only drugs a report may list as predicted active are approved ALK TKIs.
APPROVED = "approved ALK TKI"
INVESTIGATIONAL = "investigational"
OTHER = "other"
ROLES = (APPROVED, INVESTIGATIONAL, OTHER)


@dataclass(frozen=True)
class Agent:
    """A drug of the vocabulary: its generic name, its role and what its approval is."""

    name: str
    role: str
    approval: str
    source: str


def load_agents(path: Path | None = None) -> dict[str, Agent]:
    """Every drug of the vocabulary by generic name, with its role (approved ALK TKI,
    investigational, other)."""
    path = Path(path) if path is not None else TKI_VOCABULARY
    table = read_table(path, str(path), ALL_COLUMNS, ("name", "synonyms", "role"))
    agents = {}
    for row in table.rows:
        role = row.cells["role"]
        if role not in ROLES:
            raise SheetError(
                table.file,
                f"role {role!r} is not one of {', '.join(ROLES)}",
                "give each drug one of those roles",
                line=row.line,
                row_key=row.cells["name"],
                key_name="name",
                column="role",
            )
        name = row.cells["name"].lower()
        agents[name] = Agent(name, role, row.cells.get("approval", ""), row.cells.get("source", ""))
    return agents


def load_tki_vocabulary(path: Path | None = None) -> dict[str, str]:
    """Map every lower-cased generic, brand and code name to the generic name.

    Clinicians write what is on the box (Alecensa) or in the trial (CH5424802); resistance
    tables are keyed by generic name, so names are normalised once, here.
    """
    path = Path(path) if path is not None else TKI_VOCABULARY
    table = read_table(path, str(path), ALL_COLUMNS, VOCABULARY_COLUMNS)
    vocabulary: dict[str, str] = {}
    for row in table.rows:
        generic = row.cells["name"].lower()
        for term in [generic, *split_list(row.cells["synonyms"])]:
            key = term.casefold()
            if vocabulary.get(key, generic) != generic:
                raise SheetError(
                    table.file,
                    f"'{term}' is listed for both {vocabulary[key]} and {generic}",
                    "keep each synonym under one drug",
                    line=row.line,
                    row_key=generic,
                    key_name="name",
                    column="synonyms",
                )
            vocabulary[key] = generic
    if not vocabulary:
        raise SheetError(
            table.file, "no drugs are listed", "add one row per drug", line=table.header_line
        )
    return vocabulary


def split_list(text: str) -> list[str]:
    """';'-separated items, stripped; empty items (a trailing ';') are ignored."""
    return [item.strip() for item in text.split(";") if item.strip()]


def normalise_tki(name: str, vocabulary: Mapping[str, str]) -> str | None:
    return vocabulary.get(name.strip().casefold())


def unknown_tki_problem(name: str, vocabulary: Mapping[str, str]) -> str:
    known = ", ".join(sorted(set(vocabulary.values())))
    return f"'{name}' is not a known ALK TKI (known: {known})"


UNKNOWN_TKI_FIX = (
    "use a generic, brand or code name from resources/tki_vocabulary.tsv, "
    "separate several drugs with ';', or add the drug to that file"
)


# --- sample sheet ----------------------------------------------------------------------
