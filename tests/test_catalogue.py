"""Catalogue hotspots: parsing, reference checks against the protein, and BED rows."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from alkres.inputs.hotspot_codons_bed import hotspot_bed_rows
from alkres.knowledge.catalogue import (
    Hotspot,
    catalogued_hotspots,
    is_compound,
    is_copy_number,
    parse_single_change,
)
from alkres.knowledge.transcript import DEFAULT_RESOURCES_DIR, Transcript, load_transcript

CATALOGUE = DEFAULT_RESOURCES_DIR / "alk_resistance_catalogue.tsv"


@pytest.fixture(scope="module")
def hotspots() -> list[Hotspot]:
    return catalogued_hotspots()


@pytest.fixture(scope="module")
def grch38() -> Transcript:
    return load_transcript("GRCh38")


PARSE_CASES = [
    ("G1202R", ("G", 1202)),
    ("G1202del", ("G", 1202)),
    ("T1151dup (1151Tins; T1151_L1152insT)", ("T", 1151)),
    ("L1152P", ("L", 1152)),
    ("F1174L", ("F", 1174)),
    ("R1275*", ("R", 1275)),
]


@pytest.mark.parametrize(("change", "expected"), PARSE_CASES)
def test_parse_single_change(change: str, expected: tuple[str, int]) -> None:
    assert parse_single_change(change) == expected


@pytest.mark.parametrize("change", ["ALK amplification", "1202R", "G1202R+L1196M", "g1202r", ""])
def test_parse_single_change_rejects_other_text(change: str) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        parse_single_change(change)


ROW_KIND_CASES = [
    # protein_change, compound?, copy number?
    ("G1202R", False, False),
    ("G1202R+L1196M", True, False),
    ("G1202R+I1171N+L1196M", True, False),
    ("ALK amplification (of rearranged ALK)", False, True),
    ("T1151dup (1151Tins; T1151_L1152insT)", False, False),
]


@pytest.mark.parametrize(("change", "compound", "copy_number"), ROW_KIND_CASES)
def test_row_kinds(change: str, compound: bool, copy_number: bool) -> None:
    assert is_compound(change) is compound
    assert is_copy_number(change) is copy_number


REQUIRED_HOTSPOT_CASES = [
    (1202, "G"),
    (1196, "L"),
    (1171, "I"),
    (1269, "G"),
    (1151, "T"),
    (1156, "C"),
    (1174, "F"),
    (1198, "L"),
    (1203, "D"),
]


@pytest.mark.parametrize(("codon", "ref_aa"), REQUIRED_HOTSPOT_CASES)
def test_catalogued_hotspots_include(hotspots: list[Hotspot], codon: int, ref_aa: str) -> None:
    by_codon = {hotspot.codon: hotspot for hotspot in hotspots}
    assert by_codon[codon] == Hotspot(codon=codon, ref_aa=ref_aa, label=f"{ref_aa}{codon}")


def test_catalogued_hotspots_are_unique_and_sorted(hotspots: list[Hotspot]) -> None:
    codons = [hotspot.codon for hotspot in hotspots]
    assert codons == sorted(set(codons))


def test_every_single_mutation_row_has_a_hotspot(hotspots: list[Hotspot]) -> None:
    with CATALOGUE.open(newline="") as handle:
        changes = [
            row["protein_change"]
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]
    singles = [c for c in changes if not is_compound(c) and not is_copy_number(c)]
    assert {parse_single_change(c)[1] for c in singles} == {h.codon for h in hotspots}
    compound_codons = {int(part[1:-1]) for c in changes if is_compound(c) for part in c.split("+")}
    assert compound_codons <= {h.codon for h in hotspots}


def test_hotspot_ref_aa_matches_the_protein(hotspots: list[Hotspot], grch38: Transcript) -> None:
    assert all(grch38.protein[h.codon - 1] == h.ref_aa for h in hotspots)


def _catalogue_with_change(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "catalogue.tsv"
    shutil.copy(CATALOGUE, path)
    lines = path.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.split("\t", 1)[0] == old)
    lines[index] = new + lines[index][len(old) :]
    path.write_text("".join(lines))
    return path


BAD_ROW_CASES = [
    # original protein_change, replacement, expected message fragment
    (
        "G1202R",
        "A1202R",
        "line 2 (A1202R): reference A1202 disagrees with the ALK protein, which has G1202",
    ),
    ("L1196M", "L1197M", "line 4 (L1197M)"),
    ("I1268V", "I9999V", "codon 9999 is outside the protein"),
    ("G1128A", "Gly1128Ala", "line 24: cannot read"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_ROW_CASES)
def test_bad_rows_are_rejected_with_their_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _catalogue_with_change(tmp_path, old, new)
    with pytest.raises(ValueError, match="catalogue.tsv") as error:
        catalogued_hotspots(path)
    assert message in str(error.value)


def test_the_protein_can_be_supplied(grch38: Transcript) -> None:
    mutated = grch38.protein[:1201] + "R" + grch38.protein[1202:]
    with pytest.raises(ValueError, match="G1202R"):
        catalogued_hotspots(protein=mutated)


BED_CASES = [
    # build, hotspot, BED rows (0-based half-open)
    ("GRCh38", Hotspot(1202, "G", "G1202"), [("chr2", 29220744, 29220747, "G1202")]),
    ("GRCh37", Hotspot(1202, "G", "G1202"), [("chr2", 29443610, 29443613, "G1202")]),
    ("GRCh38", Hotspot(1196, "L", "L1196"), [("chr2", 29220762, 29220765, "L1196")]),
    ("GRCh38", Hotspot(1151, "T", "T1151"), [("chr2", 29222405, 29222408, "T1151")]),
    ("GRCh37", Hotspot(1269, "G", "G1269"), [("chr2", 29432680, 29432683, "G1269")]),
    (
        "GRCh38",
        Hotspot(1172, "S", "S1172"),
        [("chr2", 29220834, 29220835, "S1172"), ("chr2", 29222343, 29222345, "S1172")],
    ),
    (
        "GRCh38",
        Hotspot(1058, "V", "V1058"),
        [("chr2", 29223526, 29223528, "V1058"), ("chr2", 29225460, 29225461, "V1058")],
    ),
]


@pytest.mark.parametrize(("build", "hotspot", "rows"), BED_CASES)
def test_hotspot_bed_rows(
    build: str, hotspot: Hotspot, rows: list[tuple[str, int, int, str]]
) -> None:
    assert hotspot_bed_rows(load_transcript(build), [hotspot]) == rows


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_bed_rows_cover_three_bases_per_hotspot(build: str, hotspots: list[Hotspot]) -> None:
    transcript = load_transcript(build)
    rows = hotspot_bed_rows(transcript, hotspots)
    assert rows == sorted(rows, key=lambda row: (row[1], row[2], row[3]))
    for hotspot in hotspots:
        covered = {
            pos + 1
            for _, start, end, label in rows
            if label == hotspot.label
            for pos in range(start, end)
        }
        assert covered == set(transcript.codon_positions(hotspot.codon)), hotspot.label


def test_bed_rows_follow_the_contig_name(grch38: Transcript) -> None:
    rows = hotspot_bed_rows(grch38.with_chrom("2"), [Hotspot(1202, "G", "G1202")])
    assert rows == [("2", 29220744, 29220747, "G1202")]
