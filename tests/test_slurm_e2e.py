"""The bundled cohort through a real one-node SLURM cluster (tests/slurm_cluster.py), with the
shipped profile profiles/slurm: the grouped jobs must give the same results as a local run,
byte for byte, in one SLURM job per sample, one per patient and three once-per-run jobs.
Skipped where the cluster cannot run (not root, slurm-wlm or munge missing, daemons not up)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

import slurm_cluster
from conftest import REPO, TEST_DATA, read_tsv, snakemake_command, venv_environment

pytestmark = pytest.mark.e2e
RUN_TIMEOUT = 60 * 60  # seconds; a run that loses track of its jobs would wait forever
SUBMITTED = re.compile(r"has been submitted with SLURM jobid (\d+)")


@pytest.fixture(scope="module")
def cluster(request):
    """The cluster and the outdir of the local run, which comes first (the two would compete
    for the cores) and only where the cluster can run."""
    pytest.importorskip(
        "snakemake_executor_plugin_slurm", reason="snakemake-executor-plugin-slurm not installed"
    )
    reason = slurm_cluster.unavailable_reason()
    if reason:
        pytest.skip(f"no SLURM cluster: {reason}")
    local_outdir = request.getfixturevalue("pipeline_run")
    local_slurm = slurm_cluster.LocalSlurm()
    request.addfinalizer(local_slurm.stop)
    try:
        local_slurm.start()
    except slurm_cluster.ClusterUnavailable as error:
        pytest.skip(f"no SLURM cluster: {error}")
    return local_slurm, local_outdir


def run_on_cluster(outdir: Path, workdir: Path) -> tuple[subprocess.CompletedProcess, float]:
    """snakemake --workflow-profile profiles/slurm, as the README gives it, with a short first
    status check (the plugin's default waits 40 s at every DAG level) and its logs in workdir."""
    command = snakemake_command(
        "--workflow-profile",
        str(REPO / "profiles" / "slurm"),
        "--config",
        f"outdir={outdir}",
        "--slurm-init-seconds-before-status-checks",
        "2",
        "--slurm-logdir",
        str(workdir / "slurm_logs"),
    )
    # Nothing of an enclosing SLURM job (a CI runner inside one) may leak into this run.
    env = {key: value for key, value in venv_environment().items() if not key.startswith("SLURM_")}
    log = workdir / "snakemake.log"
    started = time.monotonic()
    with open(log, "w") as handle:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT, text=True
        )
        try:
            returncode = process.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGINT)  # Snakemake cancels its SLURM jobs
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            returncode = None
    elapsed = time.monotonic() - started
    output = log.read_text()
    return subprocess.CompletedProcess(command, returncode, output, ""), elapsed


def compared_files(outdir: Path) -> list[str]:
    patterns = ("cohort/*.tsv", "qc/qc_summary.tsv", "patients/*/report.json")
    return sorted(str(path.relative_to(outdir)) for p in patterns for path in outdir.glob(p))


def test_slurm_run_equals_local_run(cluster, tmp_path):
    local_slurm, pipeline_run = cluster
    outdir = tmp_path / "results"
    result, elapsed = run_on_cluster(outdir, tmp_path)
    assert result.returncode == 0, (
        f"the SLURM run {'timed out' if result.returncode is None else 'failed'} "
        f"after {elapsed:.0f} s:\n{result.stdout[-6000:]}\n{local_slurm.logs()}"
    )

    job_ids = set(SUBMITTED.findall(result.stdout))
    sheet = read_tsv(TEST_DATA / "samples.tsv")
    patients = {row["patient_id"] for row in sheet if row["sample_type"] == "tumor"}
    # Groups (workflow/rules/common.smk): one job per sample, one per patient, one for setup
    # (profiles/slurm merges its parts); each step pooling the samples is a job of its own.
    pooled_steps = ("hotspot_background", "cnv_reference", "normal_variants", "qc_summary",
                    "cohort_tables", "cohort_report", "multiqc")  # fmt: skip
    expected_jobs = len(sheet) + len(patients) + 1 + len(pooled_steps)
    print(f"\nSLURM run: {elapsed:.0f} s, {len(job_ids)} SLURM jobs submitted")
    assert len(job_ids) == expected_jobs, (len(job_ids), expected_jobs, result.stdout[-3000:])

    names = compared_files(outdir)
    assert names == compared_files(pipeline_run)
    assert any(name.startswith("patients/") for name in names)
    for name in names:
        on_cluster = (outdir / name).read_text().replace(str(outdir), "OUTDIR")
        local = (pipeline_run / name).read_text().replace(str(pipeline_run), "OUTDIR")
        assert on_cluster == local, f"{name} differs between the SLURM run and the local run"
    assert os.path.getsize(outdir / "qc" / "multiqc_report.html") > 0
