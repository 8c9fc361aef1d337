"""Read and check the sample sheet, the clinical table and the config before any job runs.

A wrong row found after hours of calling costs a rerun; found here it costs one line of
text that names the file, the line, the column and the fix.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import ValidationError

REPO_DIR = Path(__file__).resolve().parents[3]
SCHEMA_DIR = REPO_DIR / "workflow" / "schemas"
SAMPLES_SCHEMA = SCHEMA_DIR / "samples.schema.yaml"
CLINICAL_SCHEMA = SCHEMA_DIR / "clinical.schema.yaml"
CONFIG_SCHEMA = SCHEMA_DIR / "config.schema.yaml"
TKI_VOCABULARY = REPO_DIR / "resources" / "tki_vocabulary.tsv"

# sample_id and patient_id end up in file names and wildcards; same pattern as the schemas.
ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"

SAMPLE_COLUMNS = (
    "sample_id",
    "patient_id",
    "bam",
    "sample_type",
    "specimen",
    "collection_date",
    "prior_tkis",
    "tumor_purity",
)
REQUIRED_SAMPLE_COLUMNS = (
    "sample_id",
    "patient_id",
    "bam",
    "sample_type",
    "collection_date",
    "prior_tkis",
)
ADDED_SAMPLE_COLUMNS = ("bam_index", "prior_tkis_list", "last_tki", "n_prior_tkis")
CLINICAL_COLUMNS = ("patient_id", "next_tki", "best_response")
VOCABULARY_COLUMNS = ("name", "synonyms")

LOWERCASE_COLUMNS = ("sample_type", "specimen")
UPPERCASE_COLUMNS = ("best_response",)
NUMBER_COLUMNS = ("tumor_purity",)

ID_RULE = (
    "use only letters, digits, '_', '.' and '-', starting with a letter or digit (no spaces or '/')"
)
SAMPLE_FIXES = {
    "sample_id": ID_RULE,
    "patient_id": "give the patient's identifier; " + ID_RULE,
    "bam": "give the path of a .bam or .cram file, relative to the sheet's folder or absolute",
    "sample_type": "write 'tumor' or 'normal'",
    "specimen": "write 'tissue' or 'plasma', or leave it empty for tissue",
    "collection_date": "write the collection date as YYYY-MM-DD, e.g. 2023-05-17",
    "prior_tkis": (
        "list the ALK TKIs given before this specimen in order, separated by ';' "
        "(e.g. crizotinib;alectinib), or leave it empty"
    ),
    "tumor_purity": "write the tumour fraction as a number from 0 to 1 (e.g. 0.4 for 40%), or leave it empty",
}
CLINICAL_FIXES = {
    "patient_id": "use the patient_id of a tumour sample in the sample sheet; " + ID_RULE,
    "next_tki": "name the ALK TKI given after the biopsy (generic, brand or code name)",
    "best_response": "write CR, PR, SD, PD or NE, or leave it empty if not yet assessed",
}
CONFIG_FIXES = {
    "samples": "set 'samples' to the path of the sample sheet, e.g. test_data/samples.tsv",
    "clinical": "set 'clinical' to the path of clinical.tsv, or \"\" for none",
    "reference": "add a 'reference' section with 'fasta' and 'build'",
    "reference.fasta": "set reference.fasta to the path of the reference FASTA",
    "reference.build": "set reference.build to GRCh38 or GRCh37",
    "panel": "add a 'panel' section with 'targets'",
    "panel.targets": "set panel.targets to the BED file of capture targets",
    "outdir": "set 'outdir' to a folder name, e.g. results",
}


class SheetError(ValueError):
    """A problem in a sheet or the config, told in one line: where it is and how to fix it.

    str(error) is "<file>: line <n> (sample_id <id>), column '<col>': <problem>. Fix: <fix>";
    parts that do not apply (no line, no key, no column) are left out.
    """

    def __init__(
        self,
        file: str | os.PathLike[str],
        problem: str,
        fix: str,
        *,
        line: int | None = None,
        row_key: str | None = None,
        key_name: str = "sample_id",
        column: str | None = None,
        column_label: str = "column",
    ) -> None:
        self.file = str(file)
        self.problem = problem
        self.fix = fix
        self.line = line
        self.row_key = row_key
        self.key_name = key_name
        self.column = column
        self.column_label = column_label
        super().__init__(self._one_line())

    def _one_line(self) -> str:
        where = []
        if self.line is not None:
            key = f" ({self.key_name} {self.row_key})" if self.row_key else ""
            where.append(f"line {self.line}{key}")
        if self.column:
            where.append(f"{self.column_label} '{self.column}'")
        location = f"{self.file}: " + (", ".join(where) + ": " if where else "")
        text = f"{location}{self.problem.rstrip('.')}. Fix: {self.fix.rstrip('.')}."
        return " ".join(text.split())


@dataclass(frozen=True)
class Row:
    """One data line of a sheet: its physical line number and its stripped cells by column."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    """A tab-separated sheet with comments and blank lines removed but line numbers kept."""

    file: str
    header_line: int
    columns: list[str]
    rows: list[Row]


@dataclass(frozen=True)
class SheetContext:
    """What a row check needs to word its error: file, line, key column, fixes."""

    file: str
    key_name: str
    fixes: Mapping[str, str]

    def error(
        self, row: Row, column: str | None, problem: str, fix: str | None = None
    ) -> SheetError:
        return SheetError(
            self.file,
            problem,
            fix if fix is not None else self.fixes.get(column or "", "see the sheet's schema"),
            line=row.line,
            row_key=row.cells.get(self.key_name) or None,
            key_name=self.key_name,
            column=column,
        )


# --- reading ---------------------------------------------------------------------------


def physical_lines(path: Path, label: str) -> list[tuple[int, str]]:
    """Number every line as an editor does, so errors point at what the user sees."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SheetError(
            label, f"file not found ({os.path.abspath(path)})", "check the path in config.yaml"
        ) from None
    except UnicodeDecodeError:
        raise SheetError(
            label, "the file is not UTF-8 text", "save it as UTF-8 tab-separated text"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return list(enumerate(text.split("\n"), start=1))


def is_content_line(text: str) -> bool:
    """Comments (# ...) and blank lines carry no data."""
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def commented_header_line(lines: list[tuple[int, str]], first_column: str) -> int | None:
    """Line of a header written as '#sample_id...', which would otherwise be read as a comment."""
    for number, text in lines:
        stripped = text.strip()
        if stripped.startswith("#") and stripped.lstrip("#").split("\t")[0].strip() == first_column:
            return number
    return None


def read_table(
    path: Path, label: str, expected_columns: Sequence[str], required_columns: Sequence[str]
) -> Table:
    """Split a TSV into header and rows by hand so each row keeps its physical line number."""
    lines = physical_lines(path, label)
    content = [(number, text) for number, text in lines if is_content_line(text)]
    expected_header = ", ".join(expected_columns)
    first_column = required_columns[0]
    commented = commented_header_line(lines, first_column)
    if commented is not None and (not content or content[0][0] > commented):
        raise SheetError(
            label,
            "the header line starts with '#', so it is read as a comment",
            "remove the '#' in front of the header line",
            line=commented,
            column=first_column,
        )
    if not content:
        raise SheetError(
            label,
            "the file has no header line and no rows",
            f"start it with the tab-separated header {expected_header}",
            line=1,
            column=first_column,
        )
    header_line, header_text = content[0]
    columns = parse_header(label, header_line, header_text)
    for column in required_columns:
        if column not in columns:
            raise SheetError(
                label,
                f"required column '{column}' is missing from the header",
                f"use the tab-separated header {expected_header}",
                line=header_line,
                column=column,
            )
    rows = [parse_row(label, columns, number, text) for number, text in content[1:]]
    return Table(file=label, header_line=header_line, columns=columns, rows=rows)


def parse_header(label: str, line: int, text: str) -> list[str]:
    """Column names, stripped; trailing empty names (a stray tab) are dropped."""
    columns = [name.strip() for name in text.split("\t")]
    while columns and not columns[-1]:
        columns.pop()
    for position, name in enumerate(columns, start=1):
        if not name:
            raise SheetError(
                label,
                f"header field {position} is empty",
                "name every column or delete the extra tab",
                line=line,
            )
        if columns.index(name) != position - 1:
            raise SheetError(
                label,
                "the column appears twice in the header",
                "keep one of them",
                line=line,
                column=name,
            )
    return columns


def parse_row(label: str, columns: list[str], line: int, text: str) -> Row:
    """Cells by column; missing trailing cells are empty, extra non-empty cells are an error."""
    fields = [field.strip() for field in text.split("\t")]
    extra = fields[len(columns) :]
    if any(extra):
        raise SheetError(
            label,
            f"the row has {len(fields)} fields but the header has {len(columns)} columns",
            "remove the extra tab-separated field or add its column to the header",
            line=line,
            row_key=fields[0] or None,
        )
    fields += [""] * (len(columns) - len(fields))
    return Row(line=line, cells=dict(zip(columns, fields, strict=False)))


# --- schemas ---------------------------------------------------------------------------


def with_defaults(validator_class: type) -> type:
    """A validator that writes each property's `default` into the instance as it validates."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(
        validator: Any, properties: dict, instance: Any, schema: dict
    ) -> Iterator[ValidationError]:
        if validator.is_type(instance, "object"):
            for name, subschema in properties.items():
                if isinstance(subschema, dict) and "default" in subschema:
                    instance.setdefault(name, copy.deepcopy(subschema["default"]))
        yield from validate_properties(validator, properties, instance, schema)

    return validators.extend(validator_class, {"properties": set_defaults})


DefaultFillingValidator = with_defaults(Draft7Validator)


@lru_cache(maxsize=16)
def load_schema(path: str) -> dict:
    """Schemas are read once per process; they do not change during a run."""
    with open(path, encoding="utf-8") as handle:
        schema = yaml.safe_load(handle)
    Draft7Validator.check_schema(schema)
    return schema


def make_validator(schema_path: Path | str | None, default: Path) -> Any:
    schema = load_schema(str(schema_path or default))
    return DefaultFillingValidator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def error_key_path(error: ValidationError) -> str:
    """Dotted path of the offending key; for a missing key, the path of that key."""
    parts = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        parts.append(missing[0] if missing else "")
    return ".".join(parts)


PATTERN_PROBLEMS = {
    "bam": "is not a path ending in .bam or .cram",
    "collection_date": "is not a date written as YYYY-MM-DD",
}


def describe_error(error: ValidationError, written: str | None = None) -> str:
    """A short human wording of a schema error, quoting the value as the user wrote it."""
    value = written if written is not None else error.instance
    kind = error.validator
    if kind == "required":
        if "then" in error.absolute_schema_path:
            return "no value given; tumour samples need one"
        return "no value given"
    if kind == "enum":
        return f"'{value}' is not one of " + ", ".join(
            str(option) for option in error.validator_value
        )
    if kind == "pattern":
        column = error_key_path(error).split(".")[-1]
        return f"'{value}' " + PATTERN_PROBLEMS.get(
            column, "contains characters that are not allowed"
        )
    if kind == "format" and error.validator_value == "date":
        return f"'{value}' is not a real calendar date"
    if kind == "type" and error.validator_value == "number":
        return f"'{value}' is not a number"
    if kind == "minimum":
        return f"{value} is below the minimum {error.validator_value:g}"
    if kind == "maximum":
        return f"{value} is above the maximum {error.validator_value:g}"
    if kind == "minLength":
        return "the value is empty"
    if kind == "type":
        return f"'{value}' is not of type {error.validator_value}"
    return error.message


def first_error(
    errors: list[ValidationError], column_order: Sequence[str]
) -> ValidationError | None:
    """The error in the leftmost column, so the message points at the first thing to fix."""

    def position(error: ValidationError) -> int:
        column = error_key_path(error).split(".")[0]
        return column_order.index(column) if column in column_order else len(column_order)

    return min(errors, key=position) if errors else None


def schema_instance(cells: Mapping[str, str]) -> dict[str, Any]:
    """Non-empty cells only, so schema defaults fill the gaps; case and numbers normalised."""
    instance: dict[str, Any] = {column: value for column, value in cells.items() if value}
    for column in LOWERCASE_COLUMNS:
        if column in instance:
            instance[column] = instance[column].lower()
    for column in UPPERCASE_COLUMNS:
        if column in instance:
            instance[column] = instance[column].upper()
    for column in NUMBER_COLUMNS:
        if column in instance:
            instance[column] = as_number(instance[column])
    return instance


def as_number(text: str) -> float | str:
    """A finite float, or the text unchanged so the schema reports it as not a number."""
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def validate_row(
    validator: Any, context: SheetContext, row: Row, columns: Sequence[str]
) -> dict[str, Any]:
    instance = schema_instance(row.cells)
    error = first_error(list(validator.iter_errors(instance)), columns)
    if error is not None:
        column = error_key_path(error).split(".")[0] or None
        raise context.error(row, column, describe_error(error, row.cells.get(column or "")))
    return instance


# --- TKI vocabulary --------------------------------------------------------------------


def load_tki_vocabulary(path: Path | None = None) -> dict[str, str]:
    """Map every lower-cased generic, brand and code name to the generic name.

    Clinicians write what is on the box (Alecensa) or in the trial (CH5424802); resistance
    tables are keyed by generic name, so names are normalised once, here.
    """
    path = Path(path) if path is not None else TKI_VOCABULARY
    table = read_table(path, str(path), ("name", "synonyms", "source"), VOCABULARY_COLUMNS)
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


def prior_tki_list(
    context: SheetContext, row: Row, text: str, vocabulary: Mapping[str, str]
) -> list[str]:
    generics = []
    for name in split_list(text):
        generic = normalise_tki(name, vocabulary)
        if generic is None:
            raise context.error(
                row, "prior_tkis", unknown_tki_problem(name, vocabulary), UNKNOWN_TKI_FIX
            )
        generics.append(generic)
    return generics


def check_unique(
    context: SheetContext, row: Row, column: str, value: str, seen: dict[str, int], what: str
) -> None:
    """Remember value -> line; a repeat names both lines."""
    if value in seen:
        raise context.error(
            row,
            column,
            f"{what} '{value}' is already listed on line {seen[value]}",
            f"give each row its own {column}",
        )
    seen[value] = row.line


def sample_record(
    instance: dict[str, Any],
    extra_columns: Sequence[str],
    bam: str,
    bam_index: str,
    tkis: list[str],
) -> dict[str, Any]:
    """One output row: sheet columns as strings, purity as float, plus derived columns."""
    record: dict[str, Any] = {column: str(instance.get(column, "")) for column in SAMPLE_COLUMNS}
    record["tumor_purity"] = float(instance.get("tumor_purity", math.nan))
    for column in extra_columns:
        record[column] = str(instance.get(column, ""))
    record["bam"] = bam
    record["prior_tkis"] = ";".join(tkis)
    record["bam_index"] = bam_index
    record["prior_tkis_list"] = tkis
    record["last_tki"] = tkis[-1] if tkis else ""
    record["n_prior_tkis"] = len(tkis)
    return record


def check_normal_only_patients(
    context: SheetContext, rows: list[Row], records: list[dict[str, Any]]
) -> None:
    """A patient_id on normals only is almost always a typo of a tumour's patient_id."""
    tumour_patients = {
        record["patient_id"] for record in records if record["sample_type"] == "tumor"
    }
    for row, record in zip(rows, records, strict=True):
        patient = record["patient_id"]
        if patient and patient not in tumour_patients:
            raise context.error(
                row,
                "patient_id",
                f"patient '{patient}' has no tumour sample",
                "add the patient's tumour row, correct the patient_id, "
                "or leave patient_id empty for a pooled normal",
            )


def read_sample_sheet(
    path: str | os.PathLike[str],
    schema_path: str | os.PathLike[str] | None = None,
    vocabulary: Mapping[str, str] | None = None,
    check_files: bool = True,
) -> pd.DataFrame:
    """Validate samples.tsv and return it indexed by sample_id, with paths and TKIs resolved.

    Added columns: bam_index (absolute path, "" if there is none beside the file),
    prior_tkis_list (generic names), last_tki (generic name or ""), n_prior_tkis (int).
    bam becomes absolute and prior_tkis holds the generic names joined by ';'.
    """
    sheet = Path(path)
    label = str(path)
    vocabulary = vocabulary if vocabulary is not None else load_tki_vocabulary()
    table = read_table(sheet, label, SAMPLE_COLUMNS, REQUIRED_SAMPLE_COLUMNS)
    if not table.rows:
        raise SheetError(
            label,
            "the sheet has a header but no sample rows",
            "add one tab-separated row per BAM/CRAM below the header",
            line=table.header_line + 1,
            column="sample_id",
        )
    context = SheetContext(label, "sample_id", SAMPLE_FIXES)
    validator = make_validator(schema_path, SAMPLES_SCHEMA)
    base_dir = os.path.dirname(os.path.abspath(sheet))
    extra_columns = [column for column in table.columns if column not in SAMPLE_COLUMNS]
    seen_ids: dict[str, int] = {}
    seen_bams: dict[str, int] = {}
    records = []
    for row in table.rows:
        instance = validate_row(validator, context, row, table.columns)
        check_unique(context, row, "sample_id", instance["sample_id"], seen_ids, "sample_id")
        tkis = prior_tki_list(context, row, instance.get("prior_tkis", ""), vocabulary)
        bam = resolve_path(instance["bam"], base_dir)
        check_unique(context, row, "bam", bam, seen_bams, "file")
        bam_index = (
            check_alignment_files(context, row, bam, base_dir) if check_files else find_index(bam)
        )
        records.append(sample_record(instance, extra_columns, bam, bam_index, tkis))
    check_normal_only_patients(context, table.rows, records)
    columns = [*SAMPLE_COLUMNS, *extra_columns, *ADDED_SAMPLE_COLUMNS]
    return indexed_frame(
        records, columns, "sample_id", {"n_prior_tkis": "int64", "tumor_purity": "float64"}
    )


def indexed_frame(
    records: list[dict[str, Any]], columns: Sequence[str], key: str, dtypes: Mapping[str, str]
) -> pd.DataFrame:
    """Records in file order, indexed by the key column (kept as a column too)."""
    frame = pd.DataFrame.from_records(records, columns=list(columns))
    for column in columns:
        if column in dtypes:
            frame[column] = frame[column].astype(dtypes[column])
        elif not records or all(isinstance(record[column], str) for record in records):
            frame[column] = frame[column].astype(str)
    frame.index = pd.Index(frame[key], name=key)
    return frame


# --- clinical table --------------------------------------------------------------------


def read_clinical_sheet(
    path: str | os.PathLike[str] | None,
    samples: pd.DataFrame,
    schema_path: str | os.PathLike[str] | None = None,
    vocabulary: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Validate clinical.tsv against the sample sheet; return it indexed by patient_id.

    An empty path ("" in config) means no follow-up data and gives an empty table with the
    same columns. next_tki becomes the generic name, best_response upper case ("" if empty).
    """
    if path is None or str(path) == "":
        return indexed_frame([], CLINICAL_COLUMNS, "patient_id", {})
    label = str(path)
    vocabulary = vocabulary if vocabulary is not None else load_tki_vocabulary()
    table = read_table(Path(path), label, CLINICAL_COLUMNS, CLINICAL_COLUMNS)
    context = SheetContext(label, "patient_id", CLINICAL_FIXES)
    validator = make_validator(schema_path, CLINICAL_SCHEMA)
    tumour_patients = set(samples.loc[samples["sample_type"] == "tumor", "patient_id"])
    extra_columns = [column for column in table.columns if column not in CLINICAL_COLUMNS]
    seen_patients: dict[str, int] = {}
    records = []
    for row in table.rows:
        instance = validate_row(validator, context, row, table.columns)
        patient = instance["patient_id"]
        if patient not in tumour_patients:
            raise context.error(
                row,
                "patient_id",
                f"patient '{patient}' has no tumour sample in the sample sheet",
                "correct the patient_id, or add the patient's tumour sample to the sample sheet",
            )
        check_unique(context, row, "patient_id", patient, seen_patients, "patient")
        next_tki = normalise_tki(instance["next_tki"], vocabulary)
        if next_tki is None:
            raise context.error(
                row,
                "next_tki",
                unknown_tki_problem(instance["next_tki"], vocabulary),
                UNKNOWN_TKI_FIX,
            )
        record = {
            column: str(instance.get(column, "")) for column in (*CLINICAL_COLUMNS, *extra_columns)
        }
        record["next_tki"] = next_tki
        records.append(record)
    return indexed_frame(records, [*CLINICAL_COLUMNS, *extra_columns], "patient_id", {})


# --- config ----------------------------------------------------------------------------


def validate_config(
    config: Mapping[str, Any] | None, schema_path: str | os.PathLike[str] | None = None
) -> dict:
    """Check config.yaml's top-level keys and return a copy with defaults filled in.

    Sections added by later stages (qc, calling, ...) pass through untouched.
    """
    if not isinstance(config, Mapping):
        raise SheetError(
            "config",
            "the configuration is empty or not a mapping",
            "pass a config.yaml with samples, reference and panel (snakemake --configfile config.yaml)",
        )
    filled = copy.deepcopy(dict(config))
    validator = make_validator(schema_path, CONFIG_SCHEMA)
    error = first_error(
        list(validator.iter_errors(filled)), list(filled) + list(validator.schema["properties"])
    )
    if error is not None:
        key = error_key_path(error)
        raise SheetError(
            "config",
            describe_error(error),
            CONFIG_FIXES.get(key, "see workflow/schemas/config.schema.yaml"),
            column=key or None,
            column_label="key",
        )
    if filled.get("clinical") is None:
        filled["clinical"] = ""
    return filled
