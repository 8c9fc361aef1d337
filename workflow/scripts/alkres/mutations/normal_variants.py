"""Every variant the normals' callers report, with the highest VAF in any normal: the germline
filter of each tumour's alterations (rule normal_variants). One table for the cohort keeps each
tumour's job from depending on every normal's VCFs (a job graph that grew with tumours x
normals)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from alkres.io import atomic_output, log_to
from alkres.mutations.caller_vcf import read_caller_vcf
from alkres.tables import write_normal_variants


def normal_variant_vafs(paths_by_caller: Iterable[tuple[str, str | Path]]) -> dict[tuple, float]:
    """Highest VAF at which any normal carries each variant."""
    vafs: dict[tuple, float] = {}
    for caller, path in paths_by_caller:
        for variant in read_caller_vcf(path, caller):
            vafs[variant.key] = max(vafs.get(variant.key, 0.0), variant.vaf)
    return vafs


def main(snakemake) -> None:
    """Rule normal_variants. Each VCF is {outdir}/calls/{caller}/{sample}.vcf.gz: its folder
    names its caller."""
    log_to(snakemake.log[0])
    paths = snakemake.input.vcfs
    vafs = normal_variant_vafs((Path(path).parent.name, path) for path in paths)
    print(f"{len(paths)} normal VCFs, {len(vafs)} variants", file=sys.stderr)
    with atomic_output(snakemake.output.variants) as path:
        write_normal_variants(path, vafs)
