"""A hostile but valid cohort, end to end: Ensembl contig names (reference, BAMs, panel), a BAM
without an index, a BAM with no reads, sheets reaching the BAMs through '../', markup in a
free-text field, read-only inputs, and a run killed mid-way and resumed. The resumed run must
equal a clean run, byte for byte, and the inputs must be untouched."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TEST_DATA, read_tsv, run_snakemake, snakemake_command, venv_environment

pytestmark = pytest.mark.e2e
MARKUP = '<script>alert("x")</script><b>bold</b>'
SOURCES = {"T1": "P01_T2.cram", "N1": "N01.cram"}  # compound G1202R+L1196M in cis; a normal


def run(command, **kwargs):
    return subprocess.run(command, check=True, **kwargs)


def ensembl_bam(source: Path, ucsc_reference: Path, out: Path) -> None:
    """The CRAM as a BAM whose header names chr2 '2', chr7 '7', ... (records refer to contigs
    by index)."""
    run(["samtools", "view", "-b", "-T", str(ucsc_reference), "-o", f"{out}.tmp", str(source)])
    header = subprocess.run(["samtools", "view", "-H", f"{out}.tmp"], check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    Path(f"{out}.sam").write_text(header.replace("SN:chr", "SN:"))
    with open(out, "wb") as handle:
        run(["samtools", "reheader", f"{out}.sam", f"{out}.tmp"], stdout=handle)
    os.remove(f"{out}.tmp")
    os.remove(f"{out}.sam")


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.md5(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("hardened")
    data = root / "inputs"
    (data / "bams").mkdir(parents=True)
    (data / "sheets").mkdir()
    ucsc = root / "ucsc.fa"
    with open(ucsc, "wb") as handle:
        run(["bgzip", "-dc", str(TEST_DATA / "reference" / "chr2_alk_panel.fa.gz")], stdout=handle)
    run(["samtools", "faidx", str(ucsc)])
    with open(ucsc) as source, open(data / "genome.fa", "w") as out:
        for line in source:
            out.write(">" + line[1:].removeprefix("chr") if line.startswith(">") else line)
    bed = (TEST_DATA / "panel" / "alk_panel_targets.bed").read_text()
    (data / "targets.bed").write_text(
        "".join(line.removeprefix("chr") + "\n" for line in bed.splitlines())
    )
    for sample, name in SOURCES.items():
        ensembl_bam(TEST_DATA / "bams" / name, ucsc, data / "bams" / f"{sample}.bam")
    run(["samtools", "index", str(data / "bams" / "N1.bam")])  # T1 stays without an index
    # A library with no reads at all: QC must fail it and the rest must still complete.
    with open(data / "bams" / "TE.bam", "wb") as handle:
        run(["samtools", "view", "-H", "-b", str(data / "bams" / "N1.bam")], stdout=handle)
    run(["samtools", "index", str(data / "bams" / "TE.bam")])
    (data / "sheets" / "samples.tsv").write_text(
        "sample_id\tpatient_id\tbam\tsample_type\tspecimen\tcollection_date\tprior_tkis\ttumor_purity\n"
        "T1\tPX\t../bams/T1.bam\ttumor\ttissue\t2024-08-21\tcrizotinib;alectinib\t0.6\n"
        "TE\tPY\t../bams/TE.bam\ttumor\ttissue\t2024-09-01\talectinib\t0.5\n"
        "N1\t\t../bams/N1.bam\tnormal\ttissue\t\t\t\n"
    )  # fmt: skip
    (data / "sheets" / "clinical.tsv").write_text(
        f"patient_id\tnext_tki\tbest_response\tcomment\nPX\tlorlatinib\tPR\t{MARKUP}\n"
    )
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config.update(samples=str(data / "sheets" / "samples.tsv"),
                  clinical=str(data / "sheets" / "clinical.tsv"))  # fmt: skip
    config["reference"]["fasta"] = str(data / "genome.fa")
    config["panel"]["targets"] = str(data / "targets.bed")
    (root / "config.yaml").write_text(yaml.safe_dump(config))
    for path in data.rglob("*"):  # read-only inputs (root ignores this; the checksums do not)
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    data.chmod(data.stat().st_mode & ~stat.S_IWUSR)
    return root


def wait_for(pattern: str, folder: Path, process: subprocess.Popen, timeout: int = 900) -> None:
    deadline = time.time() + timeout
    while not list(folder.glob(pattern)):
        if process.poll() is not None:
            raise AssertionError(f"snakemake ended (status {process.returncode}) before {pattern}")
        if time.time() > deadline:
            raise AssertionError(f"{pattern} did not appear in {timeout} s")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def runs(inputs):
    """(killed then resumed outdir, clean outdir, input checksums before)."""
    before = snapshot(inputs / "inputs")
    resumed, clean = inputs / "resumed", inputs / "clean"
    configfile = ("--configfile", str(inputs / "config.yaml"))
    process = subprocess.Popen(
        snakemake_command("--cores", "2", *configfile, "--config", f"outdir={resumed}"),
        cwd=inputs, env=venv_environment(), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # Kill the whole run (Snakemake and its jobs) once the callers are under way.
        wait_for("calls/*/*.vcf.gz", resumed, process)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not (resumed / "cohort" / "summary.tsv").exists()
    killed_state = sorted(str(p.relative_to(resumed)) for p in resumed.rglob("*") if p.is_file())
    # As after a cluster's time limit: release the killed run's lock, redo unfinished jobs.
    run_snakemake(*configfile, "--config", f"outdir={resumed}", "--unlock", cwd=inputs, check=True)
    run_snakemake("--cores", "2", *configfile, "--config", f"outdir={resumed}",
                  "--rerun-incomplete", cwd=inputs, check=True)  # fmt: skip
    run_snakemake("--cores", "2", *configfile, "--config", f"outdir={clean}", cwd=inputs,
                  check=True)  # fmt: skip
    return resumed, clean, before, killed_state


def results(outdir: Path) -> dict[str, str]:
    """Every TSV and JSON result, with the outdir written as a placeholder."""
    files = [
        *outdir.glob("cohort/*.tsv"), *outdir.glob("patients/*/report.json"),
        *outdir.glob("qc/qc_summary.tsv"), *outdir.glob("hotspots/*.tsv"),
        *outdir.glob("variants/*.alterations.tsv"), *outdir.glob("cnv/*.genes.tsv"),
    ]  # fmt: skip
    return {
        str(path.relative_to(outdir)): path.read_text().replace(str(outdir), "{outdir}")
        for path in sorted(files)
    }


def test_killed_run_resumes_to_the_same_results_as_a_clean_run(runs):
    resumed, clean, _, killed_state = runs
    assert killed_state, "the run was killed before it wrote anything"
    first, second = results(resumed), results(clean)
    assert len(first) >= 12
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


def test_no_partial_file_is_left(runs):
    resumed, _, _, _ = runs
    assert not [p for p in resumed.rglob("*.partial")]


def test_inputs_are_untouched(runs, inputs):
    _, _, before, _ = runs
    assert snapshot(inputs / "inputs") == before
    assert not (inputs / "inputs" / "bams" / "T1.bam.bai").exists()


def test_unindexed_bam_is_indexed_under_outdir(runs):
    resumed, _, _, _ = runs
    link = resumed / "inputs" / "T1.bam"
    assert link.is_symlink() and (resumed / "inputs" / "T1.bam.bai").exists()


def test_ensembl_names_give_the_same_calls(runs):
    resumed, _, _, _ = runs
    rows = [r for r in read_tsv(resumed / "cohort" / "alterations.tsv") if r["sample_id"] == "T1"]
    called = {r["alteration"]: r for r in rows if r["classification"] == "resistance"}
    assert set(called) == {"G1202R", "L1196M"}
    assert {r["chrom"] for r in called.values()} == {"2"}
    assert called["G1202R"]["phase_set"] == called["L1196M"]["phase_set"] != ""
    assert called["G1202R"]["hgvs_c"] == "NM_004304.5:c.3604G>A"


def test_empty_bam_fails_qc_and_is_inconclusive(runs):
    resumed, _, _, _ = runs
    qc = {r["sample_id"]: r for r in read_tsv(resumed / "qc" / "qc_summary.tsv")}
    assert qc["TE"]["verdict"] == "fail"
    statuses = {r["status"] for r in read_tsv(resumed / "hotspots" / "TE.hotspots.tsv")}
    assert statuses == {"not_assessable"}
    report = json.loads((resumed / "patients" / "PY" / "report.json").read_text())
    assert report["biopsies"][0]["result"]["status"] == "inconclusive"


def test_markup_from_a_sheet_is_shown_as_text(runs):
    resumed, _, _, _ = runs
    html = (resumed / "patients" / "PX" / "report.html").read_text()
    assert MARKUP not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    report = json.loads((resumed / "patients" / "PX" / "report.json").read_text())
    assert report["follow_up"]["comment"] == MARKUP


def test_nothing_is_written_outside_outdir(runs, inputs):
    top = sorted(p.name for p in inputs.iterdir())
    # Snakemake keeps its metadata in .snakemake/ of the working directory (here, this folder).
    assert top == [
        ".snakemake",
        "clean",
        "config.yaml",
        "inputs",
        "resumed",
        "ucsc.fa",
        "ucsc.fa.fai",
    ]
