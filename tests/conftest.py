"""Shared fixtures: the repository, the bundled cohort, and one pipeline run reused by e2e tests."""

import csv
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "test_data"


def snakemake_command(*args: str) -> list[str]:
    """Snakemake from the same environment as the tests."""
    return [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), *args]


def venv_environment() -> dict[str, str]:
    """The environment with this Python's bin folder first, so jobs find multiqc, shfmt, ..."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def run_snakemake(*args: str, cwd: Path = REPO, check: bool = False) -> subprocess.CompletedProcess:
    result = subprocess.run(
        snakemake_command(*args), cwd=cwd, capture_output=True, text=True, env=venv_environment()
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result


def load_benchmark(name: str) -> ModuleType:
    """A script of benchmarks/ imported as a module (its functions are tested directly)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path) as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@pytest.fixture(scope="session")
def truth() -> list[dict[str, str]]:
    return read_tsv(TEST_DATA / "truth.tsv")


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory) -> Path:
    """Run the whole workflow once on the bundled cohort; return its outdir."""
    for tool in ("samtools", "mosdepth", "multiqc"):
        if shutil.which(tool) is None and not (Path(sys.executable).parent / tool).exists():
            pytest.fail(f"{tool} not found: run `make setup` (the test command does)")
    outdir = tmp_path_factory.mktemp("e2e") / "results"
    run_snakemake("--cores", "2", "--config", f"outdir={outdir}", check=True)
    return outdir
