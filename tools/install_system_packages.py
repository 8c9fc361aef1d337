#!/usr/bin/env python3
"""Install the command-line tools alkres runs, from the system's packages (Debian/Ubuntu).

Idempotent: tools already on PATH are left alone. Without root (and without sudo) it lists
what is missing and how to get it, instead of failing halfway. Standard library only, so it
runs before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

# command on PATH -> Debian/Ubuntu package(s) providing it
TOOLS = {
    "samtools": ["samtools"],
    "bcftools": ["bcftools"],
    "bgzip": ["tabix"],
    "tabix": ["tabix"],
    # Debian's mosdepth loads libhts.so at run time, which only libhts-dev links.
    "mosdepth": ["mosdepth", "libhts-dev"],
    "freebayes": ["freebayes"],
    "delly": ["delly"],
    "bwa": ["bwa"],
    "art_illumina": ["art-nextgen-simulation-tools"],
}
# Only the tests need these: headless Chromium renders the HTML reports, and a one-node
# SLURM cluster (with munge for its authentication) runs the workflow through the executor.
TEST_TOOLS = {
    "chromium": ["chromium"],
    "sbatch": ["slurm-wlm"],
    "slurmctld": ["slurm-wlm"],
    "slurmd": ["slurm-wlm"],
    "munged": ["munge"],
}
# Daemons live in sbin, which is not on every user's PATH.
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin"])
ALWAYS = ["python3-venv"]  # `python3 -m venv` needs it on Debian/Ubuntu


def tool_works(tool: str) -> bool:
    if shutil.which(tool, path=SEARCH_PATH) is None:
        return False
    if tool == "mosdepth":  # present but unusable without libhts.so
        result = subprocess.run([tool, "--version"], capture_output=True, text=True)
        return result.returncode == 0
    return True


def venv_works() -> bool:
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report what is missing")
    parser.add_argument("--tests", action="store_true", help="also the tools the tests use")
    args = parser.parse_args()

    wanted = TOOLS | (TEST_TOOLS if args.tests else {})
    missing_tools = [tool for tool in wanted if not tool_works(tool)]
    packages = sorted({p for tool in missing_tools for p in wanted[tool]})
    if not venv_works():
        packages += ALWAYS
    if not packages:
        print("system tools: all present (" + ", ".join(wanted) + ")")
        return 0
    print(
        f"system tools missing: {', '.join(missing_tools) or 'none'}; packages: {' '.join(packages)}"
    )
    if args.check:
        return 1
    if shutil.which("apt-get") is None:
        print(
            "alkres setup: no apt-get here. Install these tools another way "
            f"({', '.join(missing_tools)}), e.g. with conda: see README 'Conda route'.",
            file=sys.stderr,
        )
        return 1
    prefix: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            print(
                "alkres setup: root is needed to install "
                f"{' '.join(packages)}. Run: sudo apt-get install -y {' '.join(packages)}",
                file=sys.stderr,
            )
            return 1
        prefix = ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
        check=True,
        env=env,
    )
    still_missing = [tool for tool in wanted if not tool_works(tool)]
    if still_missing:
        print(
            f"alkres setup: still missing after install: {', '.join(still_missing)}",
            file=sys.stderr,
        )
        return 1
    print("system tools: installed " + " ".join(packages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
