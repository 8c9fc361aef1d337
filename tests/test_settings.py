"""The run's config: the user's keys over alkres's defaults, never the test cohort's data."""

from __future__ import annotations

import pytest
import yaml

from alkres.inputs.settings import (
    REQUIRED_INPUTS,
    deep_merge,
    effective_config,
    load_defaults,
    lookup,
    missing_inputs,
    run_config,
    validate_config,
)
from alkres.inputs.sheet_tables import SheetError
from conftest import REPO

BUNDLED = REPO / "config.yaml"
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
USER = {"samples": "s.tsv", "reference": {"fasta": "g.fa"}, "panel": {"targets": "p.bed"}}


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load(SCHEMA.read_text())


def test_the_bundled_config_holds_the_demo_data_only():
    """Every default is written once, in the schema: config.yaml names the test cohort."""
    bundled = yaml.safe_load(BUNDLED.read_text())
    assert set(bundled) == {"samples", "clinical", "reference", "panel"}
    assert set(bundled["reference"]) <= {"fasta", "build"} and set(bundled["panel"]) == {"targets"}


def test_defaults_are_every_setting_of_the_schema_but_the_data(schema):
    defaults = load_defaults()
    for key in (*REQUIRED_INPUTS, "clinical"):
        assert lookup(defaults, key) is None, key
    assert set(defaults) == set(schema["properties"]) - {"samples", "clinical", "panel"}
    assert defaults["reference"] == {"build": "GRCh38"}
    # Every rule has its resources, and the QC verdict rules have their default bounds.
    assert defaults["resources"]["call_freebayes"] == {"threads": 1, "mem_mb": 4000, "runtime": 120}
    assert defaults["qc"]["verdict"]["mean_target_depth"] == {"warn_below": 250, "fail_below": 100}


def test_the_settings_dataclasses_take_the_schemas_defaults():
    from alkres.copy_number.cnv_genes import AmplificationRule
    from alkres.fusion.evidence import FusionSettings
    from alkres.mutations.annotate_sample import CallerFilters
    from alkres.mutations.genotype import ReadFilters
    from alkres.mutations.statistics import CallingParameters

    defaults = load_defaults()
    for settings, section in (
        (FusionSettings(), defaults["fusions"]),
        (ReadFilters(), defaults["hotspots"]),
        (CallingParameters(), defaults["hotspots"]),
        (CallerFilters(), defaults["calling"]["filters"]),
        (AmplificationRule(), defaults["copy_number"]["amplification"]),
    ):
        for field in settings.__dataclass_fields__:
            assert getattr(settings, field) == section[field], (type(settings).__name__, field)


def test_a_misspelt_section_stops_with_the_key():
    config = run_config({**USER, "fusion": {"min_clip": 30}}, load_defaults(), "my.yaml")
    with pytest.raises(SheetError, match="'fusion' was unexpected"):
        validate_config(config)


def test_user_keys_win_and_sections_merge():
    defaults = load_defaults()
    user = deep_merge(USER, {"resources": {"call_freebayes": {"mem_mb": 7777}},
                             "calling": {"callers": ["bcftools"]}})  # fmt: skip
    config = run_config(user, defaults, "my.yaml")
    freebayes = config["resources"]["call_freebayes"]
    assert freebayes["mem_mb"] == 7777
    assert freebayes["runtime"] == defaults["resources"]["call_freebayes"]["runtime"]
    assert config["calling"]["callers"] == ["bcftools"]  # a list is replaced, not merged
    assert config["calling"]["filters"] == defaults["calling"]["filters"]
    assert config["copy_number"] == defaults["copy_number"]
    assert config["samples"] == "s.tsv" and config["panel"]["targets"] == "p.bed"


def test_no_clinical_table_unless_the_user_names_one():
    assert run_config(USER, load_defaults(), "my.yaml")["clinical"] == ""
    named = run_config({**USER, "clinical": "c.tsv"}, load_defaults(), "my.yaml")
    assert named["clinical"] == "c.tsv"


@pytest.mark.parametrize("key", REQUIRED_INPUTS)
def test_a_missing_data_input_stops_naming_the_config(key):
    parent, _, last = key.rpartition(".")
    user = deep_merge(USER, {})
    (lookup(user, parent) if parent else user).pop(last)
    assert missing_inputs(user) == [key]
    with pytest.raises(SheetError, match=rf"^my.yaml: {key} not set.*Fix: name your sample sheet"):
        run_config(user, load_defaults(), "my.yaml")


def test_every_missing_input_is_listed():
    assert missing_inputs({"reference": {"build": "GRCh37"}, "panel": {}}) == list(REQUIRED_INPUTS)


def test_merging_does_not_change_its_arguments():
    base, override = {"a": {"b": 1, "c": [1]}}, {"a": {"b": 2}}
    merged = deep_merge(base, override)
    merged["a"]["c"].append(2)
    assert base == {"a": {"b": 1, "c": [1]}} and override == {"a": {"b": 2}}


def test_effective_config_is_the_bundled_data_over_the_schema_defaults(tmp_path):
    """What the benchmarks read: every section, the file's values winning."""
    effective = effective_config(BUNDLED)
    assert set(load_defaults()) <= set(effective)
    assert effective["fusions"] == load_defaults()["fusions"]
    mine = tmp_path / "my.yaml"
    mine.write_text(yaml.safe_dump({**yaml.safe_load(BUNDLED.read_text()),
                                    "fusions": {"min_supporting_fragments": 5}}))  # fmt: skip
    changed = effective_config(mine)["fusions"]
    assert changed["min_supporting_fragments"] == 5
    assert changed["window_margin"] == load_defaults()["fusions"]["window_margin"]
