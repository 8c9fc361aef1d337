"""alkres run from the user's own folder: `snakemake -s /path/to/alkres/Snakefile --configfile
my.yaml`, and as a module of the user's Snakefile (as the Snakemake workflow catalog deploys
workflows). The user's config names only the data, with paths relative to the user's folder;
every setting comes from alkres's defaults, and alkres's own files from its folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from alkres.defaults import section_defaults
from conftest import REPO, TEST_DATA, read_tsv, run_snakemake, venv_environment

USER_CONFIG = {"samples": "data/samples.tsv", "reference": {"fasta": "data/genome.fa.gz"},
               "panel": {"targets": "data/panel.bed"}}  # fmt: skip
MODULE_SNAKEFILE = f"""configfile: "config.yaml"


module alkres:
    snakefile:
        "{REPO / "Snakefile"}"
    config:
        config


use rule * from alkres as alkres_*
"""


def small_cohort(truth) -> list[str]:
    """A tumour with small variants in truth.tsv, and the first normal."""
    tumour = next(row["sample_id"] for row in truth if row["type"] in ("snv", "indel"))
    normal = next(row["sample_id"] for row in truth if row["sample_type"] == "normal")
    return [tumour, normal]


def user_folder(root: Path, samples: list[str]) -> Path:
    """data/ with the sheet (BAMs relative to it), the reference and the panel; no config yet."""
    data = root / "data"
    data.mkdir(parents=True)
    (data / "bams").symlink_to(TEST_DATA / "bams")
    for suffix in ("", ".fai", ".gzi"):
        source = TEST_DATA / "reference" / f"chr2_alk_panel.fa.gz{suffix}"
        if source.exists():
            (data / f"genome.fa.gz{suffix}").symlink_to(source)
    (data / "panel.bed").write_text((TEST_DATA / "panel" / "alk_panel_targets.bed").read_text())
    lines = (TEST_DATA / "samples.tsv").read_text().splitlines(keepends=True)
    header = next(line for line in lines if line.startswith("sample_id\t"))
    rows = [line for line in lines if line.split("\t")[0] in samples]
    (data / "samples.tsv").write_text(header + "".join(rows))
    return root


def snakemake_here(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Snakemake with the folder's own Snakefile (no --snakefile)."""
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=folder,
                          capture_output=True, text=True, env=venv_environment())  # fmt: skip


def expected_variants(truth, sample: str) -> set[str]:
    return {row["alteration"] for row in truth
            if row["sample_id"] == sample and row["type"] in ("snv", "indel")}  # fmt: skip


def check_results(folder: Path, truth, samples: list[str]) -> None:
    """Results under the user's folder, with the user's data and alkres's default settings."""
    results = folder / "results"  # the default outdir, relative to the working directory
    qc = read_tsv(results / "qc" / "qc_summary.tsv")
    assert sorted(row["sample_id"] for row in qc) == sorted(samples)
    for depth in section_defaults("qc")["depth_thresholds"]:
        assert f"fraction_target_at_{depth}x" in qc[0]
    regions = read_tsv(REPO / section_defaults("copy_number")["regions"])  # in the alkres folder
    copy_number = read_tsv(results / "cohort" / "copy_number.tsv")
    assert {row["region"] for row in copy_number} == {row["name"] for row in regions}
    called = {row["alteration"] for row in read_tsv(results / "cohort" / "alterations.tsv")
              if row["sample_id"] == samples[0]}  # fmt: skip
    assert expected_variants(truth, samples[0]) <= called
    assert (folder / ".snakemake").is_dir()


@pytest.mark.e2e
def test_run_from_another_folder_with_snakefile_option(tmp_path, truth):
    samples = small_cohort(truth)
    folder = user_folder(tmp_path / "project", samples)
    (folder / "my.yaml").write_text(yaml.safe_dump(USER_CONFIG))
    result = run_snakemake("--cores", "2", "--configfile", "my.yaml", cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    check_results(folder, truth, samples)


@pytest.mark.e2e
def test_run_as_a_module_of_the_users_snakefile(tmp_path, truth):
    samples = small_cohort(truth)
    folder = user_folder(tmp_path / "project", samples)
    (folder / "config.yaml").write_text(yaml.safe_dump(USER_CONFIG))
    (folder / "Snakefile").write_text(MODULE_SNAKEFILE)
    dry = snakemake_here(folder, "-n")
    assert dry.returncode == 0, dry.stderr[-3000:]
    jobs = {line.split()[0] for line in dry.stdout.splitlines() if line.startswith("alkres_")}
    assert {"alkres_panel_targets", "alkres_call_freebayes", "alkres_multiqc"} <= jobs
    result = snakemake_here(folder, "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    check_results(folder, truth, samples)


def test_a_config_without_the_data_stops_naming_it(tmp_path, truth):
    """From another folder, and in the alkres folder: never the bundled test cohort."""
    folder = user_folder(tmp_path / "project", small_cohort(truth))
    config = {key: value for key, value in USER_CONFIG.items() if key != "panel"}
    (folder / "my.yaml").write_text(yaml.safe_dump(config))
    for cwd in (folder, REPO):
        result = run_snakemake("-n", "--configfile", str(folder / "my.yaml"), cwd=cwd)
        assert result.returncode != 0
        message = result.stdout + result.stderr
        assert f"{folder / 'my.yaml'}: panel.targets not set" in message, message[-2000:]
        assert "Fix: name your sample sheet, reference FASTA and panel BED" in message


def test_a_module_without_the_data_stops_naming_it(tmp_path, truth):
    folder = user_folder(tmp_path / "project", small_cohort(truth))
    (folder / "config.yaml").write_text(yaml.safe_dump({"outdir": "out"}))
    (folder / "Snakefile").write_text(MODULE_SNAKEFILE)
    result = snakemake_here(folder, "-n")
    assert result.returncode != 0
    assert "samples, reference.fasta, panel.targets not set" in result.stdout + result.stderr
    assert not (folder / "out").exists()
