"""Checking sheet rows and the config against their JSON schemas, with defaults filled in, and
each schema error told in one line with its fix."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import ValidationError

from alkres.inputs.sheet_tables import Row, SheetContext

# Cells normalised before they are checked: case-insensitive words, numbers written as text.
LOWERCASE_COLUMNS = ("sample_type", "specimen")
UPPERCASE_COLUMNS = ("best_response",)
NUMBER_COLUMNS = ("tumor_purity",)


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
