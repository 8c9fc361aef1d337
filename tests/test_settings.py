"""The run's config: the user's keys over alkres's defaults, never the test cohort's data."""

from __future__ import annotations

import pytest
import yaml

from alkres.settings import (
    REQUIRED_INPUTS,
    deep_merge,
    load_defaults,
    lookup,
    missing_inputs,
    run_config,
)
from alkres.sheets import SheetError
from conftest import REPO

BUNDLED = REPO / "config.yaml"
USER = {"samples": "s.tsv", "reference": {"fasta": "g.fa"}, "panel": {"targets": "p.bed"}}


@pytest.fixture(scope="module")
def bundled() -> dict:
    return yaml.safe_load(BUNDLED.read_text())


def test_defaults_are_every_setting_but_the_data(bundled):
    defaults = load_defaults(BUNDLED)
    for key in (*REQUIRED_INPUTS, "clinical"):
        assert lookup(bundled, key) and lookup(defaults, key) is None, key
    assert defaults["reference"]["build"] == bundled["reference"]["build"]
    assert defaults["resources"] == bundled["resources"]
    assert set(defaults) == set(bundled) - {"samples", "clinical"}


def test_user_keys_win_and_sections_merge(bundled):
    user = deep_merge(USER, {"resources": {"call_freebayes": {"mem_mb": 7777}},
                             "calling": {"callers": ["bcftools"]}})  # fmt: skip
    config = run_config(user, load_defaults(BUNDLED), "my.yaml")
    freebayes = config["resources"]["call_freebayes"]
    assert freebayes["mem_mb"] == 7777
    assert freebayes["runtime"] == bundled["resources"]["call_freebayes"]["runtime"]
    assert config["calling"]["callers"] == ["bcftools"]  # a list is replaced, not merged
    assert config["calling"]["filters"] == bundled["calling"]["filters"]
    assert config["copy_number"] == bundled["copy_number"]
    assert config["samples"] == "s.tsv" and config["panel"]["targets"] == "p.bed"


def test_no_clinical_table_unless_the_user_names_one():
    assert run_config(USER, load_defaults(BUNDLED), "my.yaml")["clinical"] == ""
    named = run_config({**USER, "clinical": "c.tsv"}, load_defaults(BUNDLED), "my.yaml")
    assert named["clinical"] == "c.tsv"


@pytest.mark.parametrize("key", REQUIRED_INPUTS)
def test_a_missing_data_input_stops_naming_the_config(key):
    parent, _, last = key.rpartition(".")
    user = deep_merge(USER, {})
    (lookup(user, parent) if parent else user).pop(last)
    assert missing_inputs(user) == [key]
    with pytest.raises(SheetError, match=rf"^my.yaml: {key} not set.*Fix: name your sample sheet"):
        run_config(user, load_defaults(BUNDLED), "my.yaml")


def test_every_missing_input_is_listed():
    assert missing_inputs({"reference": {"build": "GRCh37"}, "panel": {}}) == list(REQUIRED_INPUTS)


def test_merging_does_not_change_its_arguments():
    base, override = {"a": {"b": 1, "c": [1]}}, {"a": {"b": 2}}
    merged = deep_merge(base, override)
    merged["a"]["c"].append(2)
    assert base == {"a": {"b": 1, "c": [1]}} and override == {"a": {"b": 2}}
