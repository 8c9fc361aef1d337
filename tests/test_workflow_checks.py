"""Workflow-level checks: the DAG, bad sheets stopping before any job, lint and format."""

import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, TEST_DATA, read_tsv, run_snakemake, venv_environment

SHEET_HEADER = (
    "sample_id\tpatient_id\tbam\tsample_type\tspecimen\tcollection_date\tprior_tkis\ttumor_purity\n"
)


def test_dry_run_shows_whole_dag(tmp_path):
    result = run_snakemake("-n", "--config", f"outdir={tmp_path}/results", check=True)
    jobs = dict(
        line.split()[::-1][:2][::-1]
        for line in result.stdout.splitlines()
        if line.strip() and len(line.split()) == 2 and line.split()[1].isdigit()
    )
    sheet = read_tsv(TEST_DATA / "samples.tsv")
    n_samples = len(sheet)
    n_tumours = sum(row["sample_type"] == "tumor" for row in sheet)
    expected = {
        "mosdepth": n_samples,
        "samtools_stats": n_samples,
        "qc_sample": n_samples,
        "call_bcftools": n_samples,  # normals too: their variants mark germline ones
        "call_freebayes": n_samples,
        "hotspot_counts_normal": n_samples - n_tumours,
        "hotspot_calls": n_tumours,
        "biopsy": n_tumours,
    }
    for rule, count in expected.items():
        assert int(jobs[rule]) == count, (rule, jobs)
    for rule in (
        "reference_index",
        "hotspot_codons_bed",
        "qc_summary",
        "multiqc",
        "hotspot_background",
        "cohort_tables",
        "all",
    ):
        assert int(jobs[rule]) == 1, (rule, jobs)


def test_unknown_caller_stops_with_the_fix(tmp_path):
    result = run_snakemake(
        "-n", "--config", "calling={'callers': ['mutect3']}", f"outdir={tmp_path}"
    )
    assert result.returncode != 0
    assert "workflow/rules/callers/mutect3.smk" in result.stdout + result.stderr


BAMS = TEST_DATA / "bams"
GOOD_ROW = f"P04_T1\tP04\t{BAMS}/P04_T1.cram\ttumor\ttissue\t2024-09-30\talectinib\t0.5\n"


def sheet_without_column(column: str) -> str:
    header, row = SHEET_HEADER.rstrip("\n").split("\t"), GOOD_ROW.rstrip("\n").split("\t")
    keep = [i for i, name in enumerate(header) if name != column]
    return "\t".join(header[i] for i in keep) + "\n" + "\t".join(row[i] for i in keep) + "\n"


def sheet_with_unindexed_alignment(tmp_path) -> str:
    unindexed = tmp_path / "unindexed.cram"
    shutil.copy(BAMS / "P04_T1.cram", unindexed)
    return SHEET_HEADER + GOOD_ROW.replace(f"{BAMS}/P04_T1.cram", str(unindexed))


INVALID_SHEETS = {
    "missing-column": (lambda tmp: sheet_without_column("prior_tkis"), "column 'prior_tkis'"),
    "duplicate-id": (
        lambda tmp: SHEET_HEADER + GOOD_ROW + GOOD_ROW.replace("P04_T1.cram", "N01.cram"),
        "is already listed on line 2",
    ),
    "unknown-tki": (
        lambda tmp: SHEET_HEADER + GOOD_ROW.replace("alectinib", "alecsensa"),
        "'alecsensa'",
    ),
    "missing-bam": (
        lambda tmp: SHEET_HEADER + GOOD_ROW.replace("P04_T1.cram", "missing.cram"),
        "column 'bam'",
    ),
}


@pytest.mark.parametrize("case", INVALID_SHEETS)
def test_invalid_sheet_stops_before_any_job(tmp_path, case):
    make_text, expected = INVALID_SHEETS[case]
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(make_text(tmp_path))
    outdir = tmp_path / "results"
    result = run_snakemake(
        "--cores", "1", "--config", f"samples={sheet}", "clinical=", f"outdir={outdir}"
    )
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert expected in message, message
    assert str(sheet) in message and "line " in message  # names the file and the row
    assert "Fix:" in message
    assert not outdir.exists()  # stopped before any job


def test_unindexed_alignment_is_indexed_under_outdir(tmp_path):
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(sheet_with_unindexed_alignment(tmp_path))
    outdir = tmp_path / "results"
    result = run_snakemake(
        "-n", "--config", f"samples={sheet}", "clinical=", f"outdir={outdir}", check=True
    )
    assert "rule index_cram" in result.stdout
    assert f"{outdir}/inputs/P04_T1.cram.crai" in result.stdout


def truncated_copy(tmp_path) -> str:
    truncated = tmp_path / "truncated.cram"
    data = (BAMS / "P04_T1.cram").read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    shutil.copy(BAMS / "P04_T1.cram.crai", tmp_path / "truncated.cram.crai")
    return SHEET_HEADER + GOOD_ROW.replace(f"{BAMS}/P04_T1.cram", str(truncated))


def bam_with_a_contig_the_reference_lacks(tmp_path) -> str:
    """P05_T1.bam with one more @SQ line (chrEBV), indexed: its reads still fit the reference."""
    header = subprocess.run(["samtools", "view", "-H", str(BAMS / "P05_T1.bam")], check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    lines = header.splitlines(keepends=True)
    after_sq = max(i for i, line in enumerate(lines) if line.startswith("@SQ")) + 1
    lines.insert(after_sq, "@SQ\tSN:chrEBV\tLN:171823\n")
    (tmp_path / "header.sam").write_text("".join(lines))
    bam = tmp_path / "ebv.bam"
    with open(bam, "wb") as out:
        subprocess.run(["samtools", "reheader", str(tmp_path / "header.sam"),
                        str(BAMS / "P05_T1.bam")], check=True, stdout=out)  # fmt: skip
    subprocess.run(["samtools", "index", str(bam)], check=True)
    row = GOOD_ROW.replace("P04_T1", "P05_T1").replace("P04", "P05")
    return SHEET_HEADER + row.replace(f"{BAMS}/P05_T1.cram", str(bam))


@pytest.mark.parametrize(
    "make_sheet, config, expected",
    [
        (truncated_copy, [], r"sample P04_T1: \S+truncated.cram is truncated or corrupt"),
        (lambda tmp: SHEET_HEADER + GOOD_ROW, ["reference={'build': 'GRCh37'}"],
         r"reference.build is GRCh37.*Fix: set reference.build: GRCh38"),
        (bam_with_a_contig_the_reference_lacks, [],
         r"sample P05_T1: \S+ebv.bam names 1 contig\(s\) that the reference "
         r"\S+chr2_alk_panel.fa.gz lacks \(chrEBV\)\. Fix: set reference.fasta"),
    ],
    ids=["truncated-cram", "wrong-build", "fasta-lacks-a-bam-contig"],
)  # fmt: skip
def test_bad_input_stops_the_run_with_the_fix(tmp_path, make_sheet, config, expected):
    """Checked before any result is computed: no QC, call or report is written."""
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(make_sheet(tmp_path))
    outdir = tmp_path / "results"
    result = run_snakemake(
        "--cores", "2", "--config", f"samples={sheet}", "clinical=", f"outdir={outdir}", *config
    )
    assert result.returncode != 0
    assert re.search(expected, result.stdout + result.stderr), result.stderr[-3000:]
    assert not (outdir / "qc").exists() and not (outdir / "calls").exists()


def test_invalid_config_value_stops(tmp_path):
    result = run_snakemake("-n", "--config", "reference={'build': 'hg19'}", f"outdir={tmp_path}")
    assert result.returncode != 0
    assert "reference.build" in result.stdout + result.stderr


def test_snakemake_lint_is_clean():
    result = run_snakemake("--lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_snakefmt_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "snakefmt", "--check", "Snakefile", "workflow/rules"],
        cwd=REPO, capture_output=True, text=True, env=venv_environment(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(command):
    ruff = shutil.which("ruff", path=str(REPO / ".venv" / "bin")) or shutil.which("ruff")
    result = subprocess.run([ruff, *command], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def dry_run_jobs(output: str) -> list[dict[str, str]]:
    """Each job of `snakemake -n` output: its rule and its resources (key=value)."""
    jobs: list[dict[str, str]] = []
    for line in output.splitlines():
        rule = re.fullmatch(r"(?:local)?rule (\w+):", line.strip())
        if rule:
            jobs.append({"rule": rule.group(1)})
        elif line.strip().startswith("resources: ") and jobs:
            resources = line.strip().removeprefix("resources: ")
            jobs[-1].update(part.split("=", 1) for part in resources.split(", "))
    return [job for job in jobs if len(job) > 1]


def test_every_job_asks_for_the_resources_its_config_entry_gives(tmp_path):
    """threads, mem_mb and runtime of each rule come from config `resources:`; an entry for
    one rule (here a larger freebayes) changes only that rule's jobs."""
    from alkres.defaults import section_defaults

    override = tmp_path / "override.yaml"
    override.write_text("resources:\n  call_freebayes: {threads: 1, mem_mb: 7777, runtime: 99}\n")
    result = run_snakemake("-n", "--configfile", str(REPO / "config.yaml"), str(override),
                           "--config", f"outdir={tmp_path}/results", check=True)  # fmt: skip
    jobs = dry_run_jobs(result.stdout)
    rules = {job["rule"] for job in jobs}
    assert {"call_freebayes", "normal_variants", "calling_targets", "patient_report"} <= rules
    entries = section_defaults("resources")
    for job in (job for job in jobs if job["rule"] != "all"):
        name = {"index_bam": "index_alignment", "index_cram": "index_alignment"}.get(
            job["rule"], job["rule"]
        )
        expected = (
            {"mem_mb": "7777", "runtime": "99"}
            if name == "call_freebayes"
            else {
                key: str(entries.get(name, entries["default"])[key])
                for key in ("mem_mb", "runtime")
            }
        )
        assert {key: job[key] for key in expected} == expected, job


def test_misspelt_resources_entry_stops_with_the_fix(tmp_path):
    override = tmp_path / "override.yaml"
    override.write_text("resources:\n  call_freebays: {mem_mb: 8000}\n")
    result = run_snakemake("-n", "--configfile", str(REPO / "config.yaml"), str(override),
                           "--config", f"outdir={tmp_path}/results")  # fmt: skip
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "call_freebays names no step of alkres" in message and "Fix:" in message


def test_every_rule_has_an_entry_in_the_bundled_resources_table():
    """The schema's resources default lists every step (the error for a misspelt entry lists
    them from there)."""
    from alkres.defaults import section_defaults

    rule_files = [REPO / "Snakefile", *(REPO / "workflow" / "rules").rglob("*.smk")]
    names = {name for path in rule_files
             for name in re.findall(r"^rule (\w+):", path.read_text(), re.MULTILINE)}  # fmt: skip
    entries = set(section_defaults("resources"))
    index_rules = {"index_bam", "index_cram"}  # both use the entry index_alignment
    assert names - {"all"} - index_rules <= entries, sorted(names - entries)
    assert "index_alignment" in entries and index_rules <= names
