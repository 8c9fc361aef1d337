"""Transcript model: c. <-> genome arithmetic checked against stated anchors and the catalogue."""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from alkres.knowledge.transcript import (
    BUILDS,
    DEFAULT_RESOURCES_DIR,
    GENETIC_CODE,
    Transcript,
    load_exons,
    load_transcript,
    reverse_complement,
    translate,
)

CATALOGUE = DEFAULT_RESOURCES_DIR / "alk_resistance_catalogue.tsv"
SHARED_EXON_TABLE = Path("/work/shared/reference/alk_exons.tsv")
GRCH37_MINUS_GRCH38 = 222866


@pytest.fixture(scope="module", params=BUILDS)
def alk(request: pytest.FixtureRequest) -> Transcript:
    return load_transcript(request.param)


def alk_on(build: str) -> Transcript:
    return load_transcript(build)


# ---------------------------------------------------------------- c. -> genome anchors

C_TO_G_CASES = [
    # build, c., genomic position, why this anchor
    ("GRCh38", 1, 29920659, "A of ATG (FIX cds_g_end, NCBI join)"),
    ("GRCh37", 1, 30143525, "A of ATG (hg19 refGene cdsEnd)"),
    ("GRCh38", 4863, 29193224, "last stop base (FIX cds_g_start)"),
    ("GRCh37", 4863, 29416090, "last stop base (hg19 refGene cdsStart + 1)"),
    ("GRCh38", 3604, 29220747, "G1202R c.3604G>A"),
    ("GRCh37", 3604, 29443613, "G1202R c.3604G>A (MOAlmanac)"),
    ("GRCh38", 3586, 29220765, "L1196M c.3586C>A"),
    ("GRCh37", 3512, 29445213, "I1171N c.3512T>A (ANNOVAR, DoCM)"),
    ("GRCh37", 3520, 29443697, "F1174I c.3520T>A (HGVS unit test)"),
    ("GRCh38", 3173, 29223528, "first base of exon 20"),
    ("GRCh37", 3173, 29446394, "first base of exon 20"),
    ("GRCh38", 3172, 29225461, "last base of exon 19"),
    ("GRCh38", 4796, 29193291, "ClinVar P1599H c.4796C>A"),
    ("GRCh37", 4796, 29416157, "ClinVar P1599H c.4796C>A"),
    ("GRCh38", 667, 29919993, "last coding base of exon 1"),
    ("GRCh38", 668, 29717697, "first base of exon 2"),
    ("GRCh38", 3515, 29222344, "last base of exon 22"),
    ("GRCh38", 3516, 29220835, "first base of exon 23"),
    ("GRCh38", 4165, 29193922, "first base of exon 29"),
]


@pytest.mark.parametrize(("build", "c", "pos", "why"), C_TO_G_CASES)
def test_c_to_g_anchor(build: str, c: int, pos: int, why: str) -> None:
    transcript = alk_on(build)
    assert transcript.c_to_g(c) == pos, why
    assert transcript.g_to_c(pos) == c, why


@pytest.mark.parametrize("c", [0, -1, 4864, 10_000])
def test_c_to_g_rejects_positions_outside_the_cds(alk: Transcript, c: int) -> None:
    with pytest.raises(ValueError, match="outside the CDS"):
        alk.c_to_g(c)


def test_builds_differ_by_the_stated_constant_offset() -> None:
    grch38, grch37 = alk_on("GRCh38"), alk_on("GRCh37")
    offsets = {grch37.c_to_g(c) - grch38.c_to_g(c) for c in range(1, len(grch38.cds) + 1)}
    assert offsets == {GRCH37_MINUS_GRCH38}


def test_g_to_c_round_trips_every_coding_base(alk: Transcript) -> None:
    positions = [alk.c_to_g(c) for c in range(1, len(alk.cds) + 1)]
    assert len(set(positions)) == len(alk.cds)
    assert [alk.g_to_c(pos) for pos in positions] == list(range(1, len(alk.cds) + 1))


def test_coding_positions_decrease_with_c_on_the_minus_strand(alk: Transcript) -> None:
    assert alk.strand == -1
    positions = [alk.c_to_g(c) for c in range(1, len(alk.cds) + 1)]
    assert positions == sorted(positions, reverse=True)


NON_CODING_CASES = [
    ("GRCh38", 29920660, "5'UTR base next to c.1"),
    ("GRCh38", 29193223, "3'UTR base next to c.4863"),
    ("GRCh38", 29223529, "first base of intron 19"),
    ("GRCh38", 29225460, "last base of intron 19"),
    ("GRCh38", 29222343, "intron 22"),
    ("GRCh37", 30143526, "5'UTR base next to c.1"),
    ("GRCh37", 29416089, "3'UTR base next to c.4863"),
    ("GRCh38", 42295516, "EML4 exon 13"),
]


@pytest.mark.parametrize(("build", "pos", "why"), NON_CODING_CASES)
def test_g_to_c_is_none_off_the_cds(build: str, pos: int, why: str) -> None:
    transcript = alk_on(build)
    assert transcript.g_to_c(pos) is None, why
    with pytest.raises(ValueError, match="not a coding base"):
        transcript.genomic_ref(pos)


# ---------------------------------------------------------------- reference bases and codons

GENOMIC_REF_CASES = [
    # build, position, plus-strand base, source of the claim
    ("GRCh38", 29220747, "C", "G1202R chr2:29220747 C>T"),
    ("GRCh37", 29443613, "C", "G1202R chr2:29443613 C>T (MOAlmanac)"),
    ("GRCh38", 29220765, "G", "L1196M chr2:29220765 G>T"),
    ("GRCh37", 29445213, "A", "I1171N chr2:29445213 A>T"),
    ("GRCh38", 29209798, "C", "R1275Q chr2:29209798 C>T (ClinGen)"),
    ("GRCh37", 29432664, "C", "R1275Q chr2:29432664 C>T (ClinGen)"),
    ("GRCh38", 29193291, "G", "P1599H c.4796C>A on the minus strand"),
    ("GRCh38", 29920659, "T", "A of ATG on the minus strand"),
]


@pytest.mark.parametrize(("build", "pos", "base", "why"), GENOMIC_REF_CASES)
def test_genomic_ref(build: str, pos: int, base: str, why: str) -> None:
    assert alk_on(build).genomic_ref(pos) == base, why


CODON_POSITION_CASES = [
    # build, codon, positions in c. order
    ("GRCh38", 1, (29920659, 29920658, 29920657)),
    ("GRCh38", 1202, (29220747, 29220746, 29220745)),
    ("GRCh37", 1202, (29443613, 29443612, 29443611)),
    ("GRCh38", 1196, (29220765, 29220764, 29220763)),
    ("GRCh38", 1171, (29222348, 29222347, 29222346)),
    ("GRCh38", 1269, (29209817, 29209816, 29209815)),
    ("GRCh37", 1269, (29432683, 29432682, 29432681)),
    # codon 1172 = c.3514-3516: two bases at the end of exon 22, one at the start of exon 23
    ("GRCh38", 1172, (29222345, 29222344, 29220835)),
    ("GRCh37", 1172, (29445211, 29445210, 29443701)),
    # codon 1058 = c.3172-3174: one base in exon 19, two in exon 20 (the fusion junction codon)
    ("GRCh38", 1058, (29225461, 29223528, 29223527)),
    ("GRCh38", 1621, (29193226, 29193225, 29193224)),
]


@pytest.mark.parametrize(("build", "codon", "positions"), CODON_POSITION_CASES)
def test_codon_positions(build: str, codon: int, positions: tuple[int, int, int]) -> None:
    assert alk_on(build).codon_positions(codon) == positions


def test_split_codon_1172_spans_exons_22_and_23(alk: Transcript) -> None:
    exons = [alk.exon_of(pos) for pos in alk.codon_positions(1172)]
    assert exons == [22, 22, 23]


@pytest.mark.parametrize("codon", [0, 1622])
def test_codon_numbers_outside_the_cds_are_rejected(alk: Transcript, codon: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        alk.codon_positions(codon)
    with pytest.raises(ValueError, match="outside"):
        alk.codon_ref(codon)


CODON_REF_CASES = [
    (1, "ATG"),
    (1202, "GGA"),
    (1196, "CTG"),
    (1171, "ATC"),
    (1174, "TTC"),
    (1156, "TGC"),
    (1269, "GGA"),
    (1203, "GAC"),
    (1151, "ACG"),
    (1058, "GTG"),
    (1621, "TGA"),
]


@pytest.mark.parametrize(("codon", "ref"), CODON_REF_CASES)
def test_codon_ref(alk: Transcript, codon: int, ref: str) -> None:
    assert alk.codon_ref(codon) == ref
    plus_strand = "".join(alk.genomic_ref(pos) for pos in sorted(alk.codon_positions(codon)))
    assert reverse_complement(plus_strand) == ref


def test_full_cds_translates_to_the_protein(alk: Transcript) -> None:
    assert len(alk.cds) == 4863
    assert len(alk.protein) == 1620
    assert translate(alk.cds) == alk.protein + "*"


EXON_OF_CASES = [
    ("GRCh38", 29220747, 23),
    ("GRCh38", 29223528, 20),
    ("GRCh38", 29223342, 20),
    ("GRCh38", 29224000, None),
    ("GRCh38", 29921566, 1),
    ("GRCh38", 29192774, 29),
    ("GRCh38", 29192773, None),
    ("GRCh37", 29443613, 23),
    ("GRCh37", 29220747, None),
]


@pytest.mark.parametrize(("build", "pos", "exon"), EXON_OF_CASES)
def test_exon_of(build: str, pos: int, exon: int | None) -> None:
    assert alk_on(build).exon_of(pos) == exon


def test_with_chrom_keeps_the_arithmetic(alk: Transcript) -> None:
    ensembl = alk.with_chrom("2")
    assert ensembl.chrom == "2"
    assert alk.chrom == "chr2"
    assert ensembl.c_to_g(3604) == alk.c_to_g(3604)
    assert ensembl.genomic_ref(alk.c_to_g(3604)) == "C"


def test_transcript_metadata(alk: Transcript) -> None:
    assert (alk.gene, alk.transcript_id, alk.refseq) == ("ALK", "ENST00000389048", "NM_004304.5")
    assert [exon.number for exon in alk.exons] == list(range(1, 30))


# ---------------------------------------------------------------- sequence helpers

TRANSLATE_CASES = [
    ("ATGTAA", "M*"),
    ("atgtga", "M*"),
    ("GGA", "G"),
    ("AGA", "R"),
    ("GGN", "X"),
    ("ATGA", "M"),
    ("", ""),
]


@pytest.mark.parametrize(("seq", "protein"), TRANSLATE_CASES)
def test_translate(seq: str, protein: str) -> None:
    assert translate(seq) == protein


def test_genetic_code_is_complete() -> None:
    assert len(GENETIC_CODE) == 64
    assert sorted(codon for codon, aa in GENETIC_CODE.items() if aa == "*") == ["TAA", "TAG", "TGA"]


REVERSE_COMPLEMENT_CASES = [
    ("ACGT", "ACGT"),
    ("GGA", "TCC"),
    ("AAN", "NTT"),
    ("acg", "cgt"),
    ("", ""),
]


@pytest.mark.parametrize(("seq", "expected"), REVERSE_COMPLEMENT_CASES)
def test_reverse_complement(seq: str, expected: str) -> None:
    assert reverse_complement(seq) == expected


def test_reverse_complement_rejects_non_dna() -> None:
    with pytest.raises(ValueError, match="cannot complement"):
        reverse_complement("ACGU")


# ---------------------------------------------------------------- EML4 exons

EML4_EXON_CASES = [
    # build, exon, start, end (1-based inclusive), cross-check in eml4_alk_fusion_notes.md
    ("GRCh38", 6, 42264706, 42264731),
    ("GRCh37", 6, 42491846, 42491871),
    ("GRCh38", 13, 42295381, 42295516),
    ("GRCh38", 20, 42325467, 42325554),
    ("GRCh37", 13, 42522521, 42522656),
]


@pytest.mark.parametrize(("build", "number", "start", "end"), EML4_EXON_CASES)
def test_eml4_exons(build: str, number: int, start: int, end: int) -> None:
    exons = load_exons(build, "EML4")
    assert len(exons) == 23
    exon = exons[number - 1]
    assert (exon.number, exon.start, exon.end) == (number, start, end)
    assert all(e.cds_start_c is None and e.cds_end_c is None for e in exons)


def test_eml4_has_no_coding_model() -> None:
    with pytest.raises(ValueError, match="no CDS"):
        load_transcript("GRCh38", gene="EML4")


@pytest.mark.parametrize("build", ["hg38", "GRCh36", ""])
def test_unknown_build_is_rejected(build: str) -> None:
    with pytest.raises(ValueError, match="unknown build"):
        load_transcript(build)


# ---------------------------------------------------------------- validation on load


def _copy_resources(tmp_path: Path) -> Path:
    for name in ("transcripts.tsv", "alk_cds_ENST00000389048.fa", "alk_protein_Q9UM73.fa"):
        shutil.copy(DEFAULT_RESOURCES_DIR / name, tmp_path / name)
    return tmp_path


def _edit_transcripts(directory: Path, exon: int, column: str, value: str) -> None:
    path = directory / "transcripts.tsv"
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        if row["gene"] == "ALK" and row["exon"] == str(exon):
            row[column] = value
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=fields, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE
        )
        writer.writeheader()
        writer.writerows(rows)


CORRUPT_TABLE_CASES = [
    # exon, column, value, expected message
    (23, "cds_end_c", "3644", "starts at c.3646, expected c.3645"),
    (29, "cds_end_c", "4860", "add up to 4860"),
    (12, "grch38_start", "29251104", "neither the first nor the last coding exon"),
    (12, "grch38_start", "29251106", "163 coding bases in a 162-base exon"),
]


@pytest.mark.parametrize(("exon", "column", "value", "message"), CORRUPT_TABLE_CASES)
def test_load_rejects_an_inconsistent_exon_table(
    tmp_path: Path, exon: int, column: str, value: str, message: str
) -> None:
    directory = _copy_resources(tmp_path)
    _edit_transcripts(directory, exon, column, value)
    with pytest.raises(ValueError, match="transcripts.tsv") as error:
        load_transcript("GRCh38", resources_dir=directory)
    assert message in str(error.value)


def test_load_rejects_a_protein_that_the_cds_does_not_encode(tmp_path: Path) -> None:
    directory = _copy_resources(tmp_path)
    protein_path = directory / "alk_protein_Q9UM73.fa"
    header, sequence = protein_path.read_text().split("\n", 1)
    sequence = sequence.replace("\n", "")
    mutated = sequence[:1201] + "R" + sequence[1202:]
    protein_path.write_text(f"{header}\n{mutated}\n")
    with pytest.raises(ValueError, match="alk_protein_Q9UM73.fa") as error:
        load_transcript("GRCh38", resources_dir=directory)
    assert "codon 1202" in str(error.value)


# ---------------------------------------------------------------- independent check: catalogue

_ALLELE = re.compile(r"chr2:(\d+) ([ACGT])>([ACGT])")
_SNV_LABEL = re.compile(r"^([A-Z])(\d+)([A-Z*])$")
_LABELLED_PART = re.compile(r"^\s*([A-Z]\d+[A-Z*]):\s*(.*)$")
_HGVS_C_SNV = re.compile(r"\bc\.(\d+)([ACGT])>([ACGT])")


def _catalogue_rows() -> list[dict[str, str]]:
    with CATALOGUE.open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _labelled_alleles(cell: str, row_label: str) -> list[tuple[str, int, str, str]]:
    """(mutation label, position, ref, alt) for every single-base allele in a coordinate cell.

    Compound rows write "G1202R: chr2:... or ... | L1196M: chr2:..."; single rows write
    "chr2:29220747 C>T; chr2:29220747 C>G".
    """
    alleles = []
    for part in cell.split("|"):
        labelled = _LABELLED_PART.match(part)
        label, text = (labelled.group(1), labelled.group(2)) if labelled else (row_label, part)
        alleles += [(label, int(pos), ref, alt) for pos, ref, alt in _ALLELE.findall(text)]
    return alleles


def _catalogue_coordinate_cases() -> list[tuple[str, str, str, dict[str, str]]]:
    cases = []
    for row in _catalogue_rows():
        for build in BUILDS:
            cell = row[f"{build.lower()}_genomic"]
            if _labelled_alleles(cell, row["protein_change"]):
                cases.append((row["protein_change"], build, cell, row))
    return cases


CATALOGUE_COORDINATE_CASES = _catalogue_coordinate_cases()


def _apply_snv(transcript: Transcript, pos: int, alt_plus: str) -> str:
    """Amino acid after a plus-strand substitution at a coding position."""
    c = transcript.g_to_c(pos)
    assert c is not None
    codon = (c + 2) // 3
    ref_codon = transcript.codon_ref(codon)
    alt_coding = alt_plus if transcript.strand > 0 else reverse_complement(alt_plus)
    offset = (c - 1) % 3
    return translate(ref_codon[:offset] + alt_coding + ref_codon[offset + 1 :])


@pytest.mark.parametrize(
    ("change", "build", "cell", "row"),
    CATALOGUE_COORDINATE_CASES,
    ids=[f"{change}-{build}" for change, build, _, _ in CATALOGUE_COORDINATE_CASES],
)
def test_catalogue_coordinates_match_the_model(
    change: str, build: str, cell: str, row: dict[str, str]
) -> None:
    """Every stated allele sits in its codon, on the stated reference base, and makes its amino acid."""
    transcript = alk_on(build)
    for label, pos, ref, alt in _labelled_alleles(cell, change):
        c = transcript.g_to_c(pos)
        assert c is not None, f"{label}: {pos} is not coding"
        assert transcript.genomic_ref(pos) == ref, f"{label}: ref at {pos}"
        snv = _SNV_LABEL.match(label)
        if snv is None:
            continue
        ref_aa, codon, alt_aa = snv.group(1), int(snv.group(2)), snv.group(3)
        assert pos in transcript.codon_positions(codon), f"{label}: {pos} outside codon {codon}"
        assert translate(transcript.codon_ref(codon)) == ref_aa
        assert _apply_snv(transcript, pos, alt) == alt_aa, f"{label}: {ref}>{alt} at {pos}"


def test_catalogue_coordinate_check_covers_enough_rows() -> None:
    for build in BUILDS:
        checked = {
            change for change, case_build, _, _ in CATALOGUE_COORDINATE_CASES if case_build == build
        }
        assert len(checked) >= 25, build


SINGLE_SNV_ROWS = [row for row in _catalogue_rows() if _SNV_LABEL.match(row["protein_change"])]


@pytest.mark.parametrize(
    "row", SINGLE_SNV_ROWS, ids=[row["protein_change"] for row in SINGLE_SNV_ROWS]
)
def test_catalogue_hgvs_c_and_exon_match_the_model(row: dict[str, str]) -> None:
    """The c. changes in hgvs_c_typical map to stated positions; the exon column agrees."""
    grch38 = alk_on("GRCh38")
    stated = {
        pos for _, pos, _, _ in _labelled_alleles(row["grch38_genomic"], row["protein_change"])
    }
    for c_text, ref, _alt in _HGVS_C_SNV.findall(row["hgvs_c_typical"]):
        c = int(c_text)
        assert grch38.cds[c - 1] == ref, f"c.{c} is {grch38.cds[c - 1]}, not {ref}"
        if stated:
            assert grch38.c_to_g(c) in stated, f"c.{c}"
    codon = int(_SNV_LABEL.match(row["protein_change"]).group(2))
    exons = {grch38.exon_of(pos) for pos in grch38.codon_positions(codon)}
    assert exons == {int(row["exon"])}


_C_RANGE = re.compile(r"c\.(\d+)_(\d+)\w* = chr2:(\d+)-(\d+)")
_CODON_RANGE = re.compile(r"codon (\d+) chr2:(\d+)-(\d+)")
RANGE_CASES = [
    (row["protein_change"], build, row[f"{build.lower()}_genomic"])
    for row in _catalogue_rows()
    for build in BUILDS
    if _C_RANGE.search(row[f"{build.lower()}_genomic"])
    or _CODON_RANGE.search(row[f"{build.lower()}_genomic"])
]


@pytest.mark.parametrize(
    ("change", "build", "cell"), RANGE_CASES, ids=[f"{c}-{b}" for c, b, _ in RANGE_CASES]
)
def test_catalogue_ranges_match_the_model(change: str, build: str, cell: str) -> None:
    transcript = alk_on(build)
    for c_start, c_end, low, high in _C_RANGE.findall(cell):
        span = {transcript.c_to_g(int(c_start)), transcript.c_to_g(int(c_end))}
        assert span == {int(low), int(high)}, change
    for codon, low, high in _CODON_RANGE.findall(cell):
        assert sorted(transcript.codon_positions(int(codon))) == list(
            range(int(low), int(high) + 1)
        )


def test_catalogue_range_rows_are_checked() -> None:
    assert {change.split()[0] for change, _, _ in RANGE_CASES} >= {"G1202del", "T1151dup", "G1269S"}


# ---------------------------------------------------------------- resources/build_transcripts.py


@functools.cache
def _load_builder() -> ModuleType:
    """resources/build_transcripts.py, imported from its path (resources/ is no package)."""
    path = DEFAULT_RESOURCES_DIR / "build_transcripts.py"
    spec = importlib.util.spec_from_file_location("build_transcripts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


CODING_NOTE_CASES = [
    ("coding c.3516-3645; codons 1172-1215; exon length 130 bp", (3516, 3645)),
    ("coding c.1-667; codons 1-223", (1, 667)),
    ("EML4 exon (plus strand)", None),
]


@pytest.mark.parametrize(("note", "expected"), CODING_NOTE_CASES)
def test_builder_parses_coding_notes(note: str, expected: tuple[int, int] | None) -> None:
    assert _load_builder().parse_coding_note(note) == expected


def _exon_table_from_resources(path: Path) -> None:
    """An alk_exons.tsv-style table rebuilt from resources/transcripts.tsv."""
    labels = {
        "ALK": "ENST00000389048 (ALK; CDS identical to NM_004304.5)",
        "EML4": "ENST00000318522 (EML4, + strand)",
    }
    with (DEFAULT_RESOURCES_DIR / "transcripts.tsv").open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    columns = [
        "transcript",
        "exon",
        "grch38_start",
        "grch38_end",
        "grch37_start",
        "grch37_end",
        "cds_note",
        "source",
    ]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
        writer.writerow(columns)
        for row in rows:
            note = (
                f"coding c.{row['cds_start_c']}-{row['cds_end_c']}"
                if row["cds_start_c"]
                else "exon"
            )
            coords = [row[key] for key in columns[2:6]]
            writer.writerow([labels[row["gene"]], row["exon"], *coords, note, row["source"]])


def _corrupt(path: Path, edits: tuple[tuple[int, int, str], ...]) -> None:
    """Overwrite (data line, column index, value) cells of a TSV file."""
    lines = path.read_text().splitlines()
    for line, column, value in edits:
        fields = lines[line].split("\t")
        fields[column] = value
        lines[line] = "\t".join(fields)
    path.write_text("\n".join(lines) + "\n")


def test_builder_reproduces_the_committed_table(tmp_path: Path) -> None:
    source, output = tmp_path / "alk_exons.tsv", tmp_path / "transcripts.tsv"
    _exon_table_from_resources(source)
    assert _load_builder().main([str(source), "-o", str(output)]) == 0
    assert output.read_text() == (DEFAULT_RESOURCES_DIR / "transcripts.tsv").read_text()


# Columns: 0 transcript, 1 exon, 2 grch38_start, 3 grch38_end, 4 grch37_start, 5 grch37_end, 6 cds_note.
# Data line n is ALK exon n for n <= 29; line 30 is EML4 exon 1.
BUILDER_CORRUPTION_CASES = [
    (((1, 2, "29919994"), (1, 4, "30142860")), "ALK c.1 on GRCh38: derived 29920660"),
    (((29, 3, "29193923"), (29, 5, "29416789")), "ALK c.4863 on GRCh38: derived 29193225"),
    (((29, 5, "29416789"),), "offset is not constant"),
    (((23, 6, "coding c.3516-3644"),), "expected c.3645"),
    (((29, 6, "coding c.4165-4862"),), "add up to 4862"),
    (((12, 1, "13"),), "exon numbers are not 1..N"),
    (((30, 0, "ENST00000318522 (EML4, - strand)"),), "exon order gives strand +, not -"),
]


@pytest.mark.parametrize(("edits", "message"), BUILDER_CORRUPTION_CASES)
def test_builder_rejects_an_inconsistent_exon_table(
    tmp_path: Path, edits: tuple[tuple[int, int, str], ...], message: str
) -> None:
    builder = _load_builder()
    source, output = tmp_path / "alk_exons.tsv", tmp_path / "transcripts.tsv"
    _exon_table_from_resources(source)
    _corrupt(source, edits)
    rows, declared = builder.read_exon_table(source)
    with pytest.raises(ValueError, match=re.escape(message)):
        builder.build_rows(rows, declared)
    assert builder.main([str(source), "-o", str(output)]) == 1
    assert not output.exists()


@pytest.mark.skipif(not SHARED_EXON_TABLE.exists(), reason="shared reference table not mounted")
def test_committed_table_is_rebuilt_from_the_shared_source(tmp_path: Path) -> None:
    output = tmp_path / "transcripts.tsv"
    assert _load_builder().main([str(SHARED_EXON_TABLE), "-o", str(output)]) == 0
    assert output.read_text() == (DEFAULT_RESOURCES_DIR / "transcripts.tsv").read_text()
