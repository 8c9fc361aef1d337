"""The config a run uses: the user's config over alkres's defaults.

Every setting's default is in the config schema (alkres.defaults); alkres's own config.yaml
holds only the data of the demo run (the bundled test cohort). The data inputs are never
defaults: a run on the user's data that forgot one must stop, not quietly analyse the test
cohort.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from alkres.defaults import CONFIG_SCHEMA, config_defaults
from alkres.inputs.schema import describe_error, error_key_path, first_error, make_validator
from alkres.inputs.sheet_tables import SheetError

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


def load_defaults(schema: str | Path = CONFIG_SCHEMA) -> dict:
    """Every setting's default from the config schema, the data inputs aside."""
    return without(config_defaults(schema), (*REQUIRED_INPUTS, *OPTIONAL_INPUTS))


def missing_inputs(user: Mapping[str, Any]) -> list[str]:
    """The required data inputs the user's config does not set."""
    return [key for key in REQUIRED_INPUTS if lookup(user, key) in (None, "")]


def effective_config(path: str | Path) -> dict:
    """A config file over the schema's defaults: every setting a run of it would use."""
    with open(path) as handle:
        user = yaml.safe_load(handle) or {}
    return run_config(user, load_defaults(), str(path))


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


def validate_config(
    config: Mapping[str, Any] | None, schema_path: str | os.PathLike[str] | None = None
) -> dict:
    """Check config.yaml's top-level keys and return a copy with defaults filled in.

    An unknown top-level section (a misspelt one) stops the run with the known sections.
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
        fix = CONFIG_FIXES.get(key, "see workflow/schemas/config.schema.yaml")
        if error.validator == "additionalProperties" and not error.path:
            known = ", ".join(sorted(validator.schema["properties"]))
            fix = f"correct or remove that section; the sections are: {known}"
        raise SheetError(
            "config",
            describe_error(error),
            fix,
            column=key or None,
            column_label="key",
        )
    if filled.get("clinical") is None:
        filled["clinical"] = ""
    return filled
