"""The config a run uses: the user's config over alkres's defaults.

alkres's own config.yaml holds the default of every setting, and the data of the demo run
(the bundled test cohort). The data inputs are never defaults: a run on the user's data that
forgot one must stop, not quietly analyse the test cohort.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from alkres.sheets import SheetError

REQUIRED_INPUTS = ("samples", "reference.fasta", "panel.targets")
OPTIONAL_INPUTS = {"clinical": ""}  # key -> value when the user's config has none


def lookup(config: Mapping[str, Any], dotted: str) -> Any:
    """config['a']['b'] for 'a.b'; None when a level is missing."""
    value: Any = config
    for key in dotted.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def without(config: Mapping[str, Any], dotted_keys: tuple[str, ...]) -> dict:
    """A deep copy of config with the dotted keys removed."""
    pruned = copy.deepcopy(dict(config))
    for dotted in dotted_keys:
        *parents, last = dotted.split(".")
        section = lookup(pruned, ".".join(parents)) if parents else pruned
        if isinstance(section, dict):
            section.pop(last, None)
    return pruned


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict:
    """override over base: sections merge key by key, anything else (lists too) is replaced."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_defaults(bundled_config: str | Path) -> dict:
    """Every setting of the bundled config.yaml except the data inputs (the test cohort)."""
    with open(bundled_config, encoding="utf-8") as handle:
        bundled = yaml.safe_load(handle) or {}
    return without(bundled, (*REQUIRED_INPUTS, *OPTIONAL_INPUTS))


def missing_inputs(user: Mapping[str, Any]) -> list[str]:
    """The required data inputs the user's config does not set."""
    return [key for key in REQUIRED_INPUTS if lookup(user, key) in (None, "")]


def run_config(user: Mapping[str, Any], defaults: Mapping[str, Any], source: str) -> dict:
    """The user's config over the defaults; SheetError naming `source` if a data input is unset."""
    missing = missing_inputs(user)
    if missing:
        raise SheetError(
            source,
            f"{', '.join(missing)} not set; alkres has defaults for its settings, not for your data",
            "name your sample sheet, reference FASTA and panel BED in your config, e.g. "
            "samples: samples.tsv, reference: {fasta: genome.fa}, panel: {targets: panel.bed} "
            "(relative paths are read from the working directory)",
        )
    return deep_merge(deep_merge(defaults, OPTIONAL_INPUTS), user)
