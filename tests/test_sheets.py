"""Sample sheet, clinical table and config checks: a valid cohort, then one case per mistake.

Every error must fit on one line and name the file, the physical line and the column, so a
user can fix the sheet without reading code. BAMs are empty files: only existence is checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from alkres.inputs.settings import validate_config
from alkres.inputs.sheet_tables import SheetError
from alkres.inputs.sheets import (
    ADDED_SAMPLE_COLUMNS,
    ID_PATTERN,
    SCHEMA_DIR,
    read_clinical_sheet,
    read_sample_sheet,
)
from alkres.inputs.tki_vocabulary import load_tki_vocabulary

HEADER = (
    "sample_id",
    "patient_id",
    "bam",
    "sample_type",
    "specimen",
    "collection_date",
    "prior_tkis",
    "tumor_purity",
)
# Line 1 is a comment, line 2 the header, so these rows are lines 3, 4 and 5.
VALID_ROWS = (
    ("T1", "P1", "bams/T1.bam", "tumor", "", "2023-05-17", "Xalkori;Alecensa", ""),
    ("T2", "P1", "bams/T2.cram", "tumor", "plasma", "2024-01-09", "crizotinib;alectinib", "0.3"),
    ("N1", "", "bams/N1.bam", "normal", "", "", "", ""),
)
ALIGNMENT_FILES = (
    "bams/T1.bam",
    "bams/T1.bam.bai",
    "bams/T2.cram",
    "bams/T2.cram.crai",
    "bams/N1.bam",
    "bams/N1.bai",
)
CLINICAL_HEADER = ("patient_id", "next_tki", "best_response")


@dataclass
class Cohort:
    """A sample sheet in tmp_path with its (empty) BAM/CRAM files and indexes."""

    rows: list[list[str]] = field(default_factory=lambda: [list(row) for row in VALID_ROWS])
    header: list[str] = field(default_factory=lambda: list(HEADER))
    missing_files: tuple[str, ...] = ()

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name in ALIGNMENT_FILES:
            if name not in self.missing_files:
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).touch()
        lines = ["# ALK cohort, serial biopsies", "\t".join(self.header)]
        lines += ["\t".join(row) for row in self.rows]
        sheet = folder / "samples.tsv"
        sheet.write_text("\n".join(lines) + "\n")
        return sheet


def set_cell(row: int, column: str, value: str) -> Cohort:
    cohort = Cohort()
    cohort.rows[row][HEADER.index(column)] = value
    return cohort


def drop_column(column: str) -> Cohort:
    cohort = Cohort()
    position = HEADER.index(column)
    cohort.header.pop(position)
    for row in cohort.rows:
        row.pop(position)
    return cohort


def without_files(*names: str) -> Cohort:
    return Cohort(missing_files=names)


def write_clinical(folder: Path, rows: list[tuple[str, ...]]) -> Path:
    path = folder / "clinical.tsv"
    lines = ["\t".join(CLINICAL_HEADER)] + ["\t".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def assert_one_line_error(
    error: SheetError, file: str, line: int, column: str | None, phrase: str
) -> None:
    message = str(error)
    assert "\n" not in message
    assert file in message
    assert f"line {line}" in message
    assert column is None or f"column '{column}'" in message
    assert phrase in message
    assert "Fix: " in message


# --- valid sheet -----------------------------------------------------------------------


@pytest.fixture
def samples(tmp_path: Path):
    return read_sample_sheet(Cohort().write(tmp_path / "cohort"))


def test_valid_sheet_keeps_file_order_and_index(samples) -> None:
    assert list(samples.index) == ["T1", "T2", "N1"]
    assert samples.index.name == "sample_id"
    assert list(samples["sample_id"]) == ["T1", "T2", "N1"]
    assert set(ADDED_SAMPLE_COLUMNS) <= set(samples.columns)


@pytest.mark.parametrize(
    ("sample_id", "column", "expected"),
    [
        ("T1", "prior_tkis", "crizotinib;alectinib"),
        ("T1", "prior_tkis_list", ["crizotinib", "alectinib"]),
        ("T1", "last_tki", "alectinib"),
        ("T1", "n_prior_tkis", 2),
        ("T1", "specimen", "tissue"),
        ("T2", "specimen", "plasma"),
        ("T2", "tumor_purity", 0.3),
        ("N1", "patient_id", ""),
        ("N1", "collection_date", ""),
        ("N1", "prior_tkis_list", []),
        ("N1", "last_tki", ""),
        ("N1", "n_prior_tkis", 0),
    ],
)
def test_valid_sheet_values(samples, sample_id: str, column: str, expected) -> None:
    assert samples.loc[sample_id, column] == expected


def test_valid_sheet_empty_purity_is_nan(samples) -> None:
    assert math.isnan(samples.loc["T1", "tumor_purity"])
    assert samples["tumor_purity"].dtype == "float64"
    assert samples["n_prior_tkis"].dtype == "int64"


@pytest.mark.parametrize(
    ("sample_id", "bam", "index"),
    [
        ("T1", "bams/T1.bam", "bams/T1.bam.bai"),
        ("T2", "bams/T2.cram", "bams/T2.cram.crai"),
        ("N1", "bams/N1.bam", "bams/N1.bai"),
    ],
)
def test_valid_sheet_resolves_paths_from_sheet_folder(
    samples, tmp_path: Path, sample_id: str, bam: str, index: str
) -> None:
    folder = tmp_path / "cohort"
    assert samples.loc[sample_id, "bam"] == str(folder / bam)
    assert samples.loc[sample_id, "bam_index"] == str(folder / index)


def test_unknown_columns_are_kept(tmp_path: Path) -> None:
    cohort = Cohort()
    cohort.header.append("site")
    for row, site in zip(cohort.rows, ("Boston", "Boston", "pool"), strict=True):
        row.append(site)
    table = read_sample_sheet(cohort.write(tmp_path))
    assert list(table["site"]) == ["Boston", "Boston", "pool"]


def test_check_files_false_skips_missing_bams(tmp_path: Path) -> None:
    sheet = Cohort(missing_files=ALIGNMENT_FILES).write(tmp_path)
    table = read_sample_sheet(sheet, check_files=False)
    assert list(table["bam_index"]) == ["", "", ""]


# --- invalid sample sheets -------------------------------------------------------------


SAMPLE_SHEET_ERRORS = {
    "missing column": (
        drop_column("collection_date"),
        2,
        "collection_date",
        "sample_id, patient_id, bam",
    ),
    "duplicate sample_id": (
        set_cell(1, "sample_id", "T1"),
        4,
        "sample_id",
        "already listed on line 3",
    ),
    "unknown TKI": (
        set_cell(0, "prior_tkis", "crizotinib;foobarinib"),
        3,
        "prior_tkis",
        "'foobarinib'",
    ),
    "missing BAM": (without_files("bams/T2.cram"), 4, "bam", "file not found"),
    "sample_id with path": (
        set_cell(0, "sample_id", "../x"),
        3,
        "sample_id",
        "'../x' contains characters that are not allowed",
    ),
    "sample_id with space": (
        set_cell(2, "sample_id", "a b"),
        5,
        "sample_id",
        "'a b' contains characters",
    ),
    "invalid date": (
        set_cell(1, "collection_date", "2024-02-30"),
        4,
        "collection_date",
        "not a real calendar date",
    ),
    "purity above 1": (
        set_cell(1, "tumor_purity", "1.5"),
        4,
        "tumor_purity",
        "1.5 is above the maximum 1",
    ),
    "purity not a number": (
        set_cell(1, "tumor_purity", "high"),
        4,
        "tumor_purity",
        "'high' is not a number",
    ),
    "tumour without patient": (
        set_cell(0, "patient_id", ""),
        3,
        "patient_id",
        "tumour samples need one",
    ),
    "patient with only normals": (
        set_cell(2, "patient_id", "P9"),
        5,
        "patient_id",
        "'P9' has no tumour sample",
    ),
    "unknown sample_type": (
        set_cell(2, "sample_type", "blood"),
        5,
        "sample_type",
        "'blood' is not one of",
    ),
    "not a BAM or CRAM": (
        set_cell(0, "bam", "reads/T1.fastq.gz"),
        3,
        "bam",
        "not a path ending in .bam or .cram",
    ),
    "date in another format": (
        set_cell(0, "collection_date", "17/05/2023"),
        3,
        "collection_date",
        "YYYY-MM-DD",
    ),
    "extra field": (
        set_cell(0, "tumor_purity", "0.5\tleftover"),
        3,
        None,
        "9 fields but the header has 8",
    ),
    "header commented out": (
        Cohort(header=["#sample_id", *HEADER[1:]]),
        2,
        "sample_id",
        "remove the '#'",
    ),
    "empty sheet": (Cohort(rows=[]), 3, "sample_id", "no sample rows"),
}


@pytest.mark.parametrize(
    ("cohort", "line", "column", "phrase"),
    list(SAMPLE_SHEET_ERRORS.values()),
    ids=list(SAMPLE_SHEET_ERRORS),
)
def test_invalid_sample_sheet(
    tmp_path: Path, cohort: Cohort, line: int, column: str | None, phrase: str
) -> None:
    sheet = cohort.write(tmp_path / "cohort")
    with pytest.raises(SheetError) as caught:
        read_sample_sheet(sheet)
    assert_one_line_error(caught.value, "samples.tsv", line, column, phrase)


def test_unknown_tki_lists_known_names(tmp_path: Path) -> None:
    sheet = set_cell(0, "prior_tkis", "foobarinib").write(tmp_path)
    with pytest.raises(
        SheetError, match=r"known: alectinib, asp3026, azd3463, brigatinib, ceritinib, crizotinib"
    ):
        read_sample_sheet(sheet)


def test_missing_index_is_left_to_the_workflow(tmp_path: Path) -> None:
    """No index beside a BAM is not an error: the workflow indexes a link under outdir."""
    sheet = without_files("bams/T1.bam.bai").write(tmp_path)
    samples = read_sample_sheet(sheet)
    assert samples.loc["T1", "bam_index"] == ""
    assert not (tmp_path / "bams" / "T1.bam.bai").exists()


def test_error_names_row_sample_id(tmp_path: Path) -> None:
    sheet = set_cell(1, "tumor_purity", "1.5").write(tmp_path)
    with pytest.raises(
        SheetError, match=r"samples\.tsv: line 4 \(sample_id T2\), column 'tumor_purity'"
    ):
        read_sample_sheet(sheet)


# --- clinical table --------------------------------------------------------------------


def test_valid_clinical_table(tmp_path: Path, samples) -> None:
    path = write_clinical(tmp_path, [("P1", "Lorviqua", "pr")])
    clinical = read_clinical_sheet(path, samples)
    assert clinical.index.name == "patient_id"
    assert clinical.loc["P1", "next_tki"] == "lorlatinib"
    assert clinical.loc["P1", "best_response"] == "PR"


def test_no_clinical_table_gives_empty_frame(samples) -> None:
    clinical = read_clinical_sheet("", samples)
    assert clinical.empty
    assert list(clinical.columns) == list(CLINICAL_HEADER)


CLINICAL_ERRORS = {
    "unknown patient": ([("P9", "lorlatinib", "PR")], 2, "patient_id", "'P9' has no tumour sample"),
    "duplicate patient": (
        [("P1", "lorlatinib", "PR"), ("P1", "brigatinib", "SD")],
        3,
        "patient_id",
        "line 2",
    ),
    "bad response": (
        [("P1", "lorlatinib", "good")],
        2,
        "best_response",
        "'good' is not one of CR, PR",
    ),
    "unknown TKI": ([("P1", "aspirin", "PR")], 2, "next_tki", "'aspirin' is not a known ALK TKI"),
}


@pytest.mark.parametrize(
    ("rows", "line", "column", "phrase"),
    list(CLINICAL_ERRORS.values()),
    ids=list(CLINICAL_ERRORS),
)
def test_invalid_clinical_table(
    tmp_path: Path, samples, rows: list[tuple[str, ...]], line: int, column: str, phrase: str
) -> None:
    path = write_clinical(tmp_path, rows)
    with pytest.raises(SheetError) as caught:
        read_clinical_sheet(path, samples)
    assert_one_line_error(caught.value, "clinical.tsv", line, column, phrase)


# --- TKI vocabulary --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "generic"),
    [
        ("crizotinib", "crizotinib"),
        ("xalkori", "crizotinib"),
        ("pf-02341066", "crizotinib"),
        ("zykadia", "ceritinib"),
        ("ldk378", "ceritinib"),
        ("alecensa", "alectinib"),
        ("ch5424802", "alectinib"),
        ("ro5424802", "alectinib"),
        ("af802", "alectinib"),
        ("alunbrig", "brigatinib"),
        ("ap26113", "brigatinib"),
        ("lorbrena", "lorlatinib"),
        ("lorviqua", "lorlatinib"),
        ("pf-06463922", "lorlatinib"),
        ("ensacove", "ensartinib"),
        ("x-396", "ensartinib"),
        ("rozlytrek", "entrectinib"),
        ("rxdx-101", "entrectinib"),
        ("nvl-655", "neladalkib"),
    ],
)
def test_vocabulary_maps_synonyms_to_generic(written: str, generic: str) -> None:
    assert load_tki_vocabulary()[written] == generic


def test_vocabulary_rejects_synonym_of_two_drugs(tmp_path: Path) -> None:
    path = tmp_path / "vocab.tsv"
    path.write_text("name\tsynonyms\tsource\nalpha\tX1\tnone\nbeta\tx1\tnone\n")
    with pytest.raises(SheetError, match=r"vocab\.tsv: line 3 .*column 'synonyms'"):
        load_tki_vocabulary(path)


# --- config and schemas ----------------------------------------------------------------

MINIMAL_CONFIG = {
    "samples": "test_data/samples.tsv",
    "reference": {"fasta": "ref.fa"},
    "panel": {"targets": "panel.bed"},
}


def test_config_defaults_and_no_unknown_sections() -> None:
    config = validate_config(MINIMAL_CONFIG)
    assert config["clinical"] == ""
    assert config["outdir"] == "results"
    assert config["reference"]["build"] == "GRCh38"
    assert "build" not in MINIMAL_CONFIG["reference"]
    with pytest.raises(SheetError, match="'future_stage' was unexpected") as caught:
        validate_config({**MINIMAL_CONFIG, "future_stage": {"min_depth": 200}})
    assert "Fix: correct or remove that section; the sections are: " in str(caught.value)
    assert "copy_number" in str(caught.value)


CONFIG_ERRORS = {
    "bad build": ({"reference": {"fasta": "ref.fa", "build": "hg19"}}, "reference.build", "'hg19'"),
    "no fasta": ({"reference": {"build": "GRCh37"}}, "reference.fasta", "no value given"),
    "outdir not text": ({"outdir": 3}, "outdir", "'3' is not of type string"),
    "typo in qc": ({"qc": {"min_depth": 200}}, "qc", "'min_depth' was unexpected"),
}


@pytest.mark.parametrize(
    ("change", "key", "phrase"), list(CONFIG_ERRORS.values()), ids=list(CONFIG_ERRORS)
)
def test_invalid_config(change: dict, key: str, phrase: str) -> None:
    with pytest.raises(SheetError) as caught:
        validate_config({**MINIMAL_CONFIG, **change})
    message = str(caught.value)
    assert message.startswith(f"config: key '{key}': ")
    assert phrase in message
    assert "Fix: " in message


def test_config_without_panel() -> None:
    config = {key: value for key, value in MINIMAL_CONFIG.items() if key != "panel"}
    with pytest.raises(SheetError, match=r"config: key 'panel'"):
        validate_config(config)


def property_schemas(schema: dict) -> list[tuple[str, dict]]:
    found = []
    for name, subschema in schema.get("properties", {}).items():
        found.append((name, subschema))
        found += property_schemas(subschema)
    return found


@pytest.mark.parametrize("name", ["samples", "clinical", "config"])
def test_schemas_are_draft7_and_describe_every_property(name: str) -> None:
    schema = yaml.safe_load((SCHEMA_DIR / f"{name}.schema.yaml").read_text())
    Draft7Validator.check_schema(schema)
    undocumented = [
        key for key, subschema in property_schemas(schema) if not subschema.get("description")
    ]
    assert undocumented == []


def test_config_null_clinical_means_none() -> None:
    assert validate_config({**MINIMAL_CONFIG, "clinical": None})["clinical"] == ""


@pytest.mark.parametrize(
    ("name", "column"),
    [("samples", "sample_id"), ("samples", "patient_id"), ("clinical", "patient_id")],
)
def test_id_pattern_matches_schemas(name: str, column: str) -> None:
    schema = yaml.safe_load((SCHEMA_DIR / f"{name}.schema.yaml").read_text())
    assert schema["properties"][column]["pattern"] == ID_PATTERN
