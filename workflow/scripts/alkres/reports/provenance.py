"""What produced a report: software versions, knowledge-base version and the thresholds used."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from importlib import metadata

import alkres

# Command and the pattern that finds the version in its output (first match wins).
TOOL_COMMANDS = {
    "samtools": (["samtools", "--version"], r"samtools (\S+)"),
    "bcftools": (["bcftools", "--version"], r"bcftools (\S+)"),
    "freebayes": (["freebayes", "--version"], r"version:\s*v?(\S+)"),
    "mosdepth": (["mosdepth", "--version"], r"mosdepth (\S+)"),
    "delly": (["delly", "--version"], r"Delly version:\s*v?(\S+)"),
}
PYTHON_PACKAGES = ("snakemake", "pysam", "cnvkit", "multiqc", "pandas", "jinja2", "matplotlib")
NOT_FOUND = "not found"


def tool_version(command: list[str], pattern: str) -> str:
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, errors="replace", timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return NOT_FOUND
    match = re.search(pattern, result.stdout + result.stderr)
    return match.group(1) if match else NOT_FOUND


def software_versions() -> dict[str, str]:
    versions = {"alkres": alkres.__version__}
    for tool, (command, pattern) in TOOL_COMMANDS.items():
        versions[tool] = tool_version(command, pattern)
    for package in PYTHON_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = NOT_FOUND
    return versions


def thresholds(config: Mapping) -> dict[str, str]:
    """The settings a reader needs to judge a call or a negative, as shown in reports."""
    hotspots, calling = config["hotspots"], config["calling"]
    amplification = config["copy_number"]["amplification"]
    return {
        "hotspot significance (alpha)": f"{hotspots['alpha']:g}",
        "hotspot minimum alt fragments": str(hotspots["min_alt_fragments"]),
        "wild type needs power": f"{hotspots['required_power']:g} at VAF {hotspots['limit_vaf']:g}",
        "minimum mapping / base quality": (
            f"{calling['min_mapping_quality']} / {calling['min_base_quality']}"
        ),
        "caller filters (QUAL, alt reads, VAF)": (
            f"{calling['filters']['min_quality']:g}, {calling['filters']['min_alt_reads']}, "
            f"{calling['filters']['min_vaf']:g}"
        ),
        "amplification": (
            f"copy number >= {amplification['min_copy_number']:g}, MET >= 5 "
            f"(resources/cnv_genes.tsv; lower {amplification['confidence']:g} bound >= minimum"
            " - 0.5); MET focal where MET/chr7 >= "
            f"{amplification['focal_ratio']:g}"
        ),
    }


def provenance(
    versions: Mapping[str, str], knowledge_version: str, build: str, config: Mapping
) -> dict:
    return {
        "alkres_version": versions.get("alkres", alkres.__version__),
        "knowledge_base_version": knowledge_version,
        "reference_build": build,
        "tools": {name: version for name, version in versions.items() if name != "alkres"},
        "thresholds": thresholds(config),
    }
