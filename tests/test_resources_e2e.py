"""The bundled resources are declared inputs: editing one re-runs the rules that read it, and
nothing else. Checked with a dry run of a copy of the workflow (file times kept) over the
finished run's outdir, with one copied resource made newer than every output."""

import os
import re
import shutil
import time

import pytest

from conftest import REPO, read_tsv, run_snakemake

pytestmark = pytest.mark.e2e

TEST_DATA = REPO / "test_data"

# resource -> the rules that may re-run after it is edited (downstream ones included)
EXPECTED = {
    "alk_tki_activity.tsv": {
        "biopsy",
        "cohort_tables",
        "patient_report",
        "cohort_report",
        "multiqc",
        "all",
    },
    "fusion_partners.tsv": {
        "fusion_calls",
        "biopsy",
        "cohort_tables",
        "patient_report",
        "qc_summary",
        "cohort_report",
        "multiqc",
        "all",
    },
}

# resource -> the rule that reads it, and whether it runs per tumour or per sample
READERS = {
    "alk_tki_activity.tsv": ("biopsy", "tumours"),
    "fusion_partners.tsv": ("fusion_calls", "samples"),
}


def workflow_copy(tmp_path):
    """Snakefile, config, rules, scripts, schemas and resources, with their file times."""
    copy = tmp_path / "alkres"
    copy.mkdir()
    for name in ("Snakefile", "config.yaml"):
        shutil.copy2(REPO / name, copy / name)
    for name in ("workflow", "resources", "profiles"):
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def planned_jobs(output: str) -> dict[str, int]:
    """rule -> job count from the job-stats table of a dry run."""
    rows = re.findall(r"^([a-z_]+)\s+(\d+)$", output, flags=re.MULTILINE)
    return {rule: int(count) for rule, count in rows if rule != "total"}


def dry_run(copy, outdir):
    """A dry run of the copy over the finished outdir, re-running on file times only."""
    result = run_snakemake(
        "-s", str(copy / "Snakefile"), "--configfile", str(copy / "config.yaml"),
        "-n", "--quiet", "rules", "--rerun-triggers", "mtime", "--config", f"outdir={outdir}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.mark.parametrize("resource", sorted(EXPECTED))
def test_editing_a_bundled_resource_reruns_its_readers_only(pipeline_run, tmp_path, resource):
    copy = workflow_copy(tmp_path)
    newest = max(p.stat().st_mtime for p in pipeline_run.rglob("*") if p.is_file())
    stamp = max(time.time(), newest + 10)
    os.utime(copy / "resources" / resource, (stamp, stamp))
    result = dry_run(copy, pipeline_run)
    jobs = planned_jobs(result.stdout)
    assert jobs, result.stdout[-2000:]
    assert set(jobs) <= EXPECTED[resource], jobs
    sheet = read_tsv(TEST_DATA / "samples.tsv")
    n_tumours = sum(row["sample_type"] == "tumor" for row in sheet)
    patients = {row["patient_id"] for row in sheet if row["sample_type"] == "tumor"}
    reader, readers = READERS[resource]
    assert jobs.get(reader) == (n_tumours if readers == "tumours" else len(sheet)), jobs
    assert jobs.get("patient_report") == len(patients), jobs


def test_an_untouched_copy_reruns_nothing(pipeline_run, tmp_path):
    """The control: the same copy, nothing edited, plans no job."""
    copy = workflow_copy(tmp_path)
    result = dry_run(copy, pipeline_run)
    assert not planned_jobs(result.stdout), result.stdout[-2000:]
