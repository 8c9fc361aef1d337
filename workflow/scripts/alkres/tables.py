"""Reading the pipeline's own TSV tables back: every cell as the string written, so values
shown in reports are exactly those of the tables."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd


def read_rows(paths: Iterable[str | Path]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in paths:
        frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, comment=None)
        rows.extend(frame.to_dict(orient="records"))
    return rows
