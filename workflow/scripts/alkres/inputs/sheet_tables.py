"""Reading a sheet (TSV) line by line: every cell stripped, every row with its physical line
number, and one error type that tells a problem in one line: the file, the line, the column
and the fix."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


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
