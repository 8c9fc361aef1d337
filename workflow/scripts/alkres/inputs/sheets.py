"""Read and check the sample sheet and the clinical table before any job runs.

A wrong row found after hours of calling costs a rerun; found here it costs one line of
text that names the file, the line, the column and the fix.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from alkres.inputs.alignment_files import check_alignment_files, find_index, resolve_path
from alkres.inputs.schema import make_validator, validate_row
from alkres.inputs.sheet_tables import Row, SheetContext, SheetError, read_table
from alkres.inputs.tki_vocabulary import (
    UNKNOWN_TKI_FIX,
    load_tki_vocabulary,
    normalise_tki,
    split_list,
    unknown_tki_problem,
)

REPO_DIR = Path(__file__).resolve().parents[4]
SCHEMA_DIR = REPO_DIR / "workflow" / "schemas"
SAMPLES_SCHEMA = SCHEMA_DIR / "samples.schema.yaml"
CLINICAL_SCHEMA = SCHEMA_DIR / "clinical.schema.yaml"

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
