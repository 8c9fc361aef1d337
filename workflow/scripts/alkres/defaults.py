"""Every setting's default, read from the config schema (workflow/schemas/config.schema.yaml),
the one place a default is written. The run's config is the user's over these
(alkres.inputs.settings); the settings dataclasses take theirs from here too."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CONFIG_SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "config.schema.yaml"


def schema_defaults(schema: dict) -> dict[str, Any]:
    """The defaults of an object schema: a property's ``default``, else its own properties'."""
    defaults: dict[str, Any] = {}
    for key, prop in (schema.get("properties") or {}).items():
        if "default" in prop:
            defaults[key] = copy.deepcopy(prop["default"])
        elif prop.get("properties"):
            nested = schema_defaults(prop)
            if nested:
                defaults[key] = nested
    return defaults


@lru_cache(maxsize=4)
def _config_defaults(schema_path: str) -> dict[str, Any]:
    # libyaml's loader when PyYAML has it: every step reads the schema at import.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(schema_path, encoding="utf-8") as handle:
        return schema_defaults(yaml.load(handle, Loader=loader))  # noqa: S506 (a safe loader)


def config_defaults(schema_path: str | Path = CONFIG_SCHEMA) -> dict[str, Any]:
    """Every default of the config schema, as a config dict."""
    return copy.deepcopy(_config_defaults(str(schema_path)))


def section_defaults(*keys: str) -> dict[str, Any]:
    """The defaults of one config section, e.g. section_defaults("fusions")."""
    section: Any = _config_defaults(str(CONFIG_SCHEMA))
    for key in keys:
        section = section[key]
    return copy.deepcopy(section)
