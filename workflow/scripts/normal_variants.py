"""Every variant the normals' callers report, with the highest VAF in any normal (Snakemake
script): the germline filter of each tumour's alterations."""

import sys

from alkres.alterations import normal_variant_vafs, write_normal_variants
from alkres.io import atomic_output

sys.stderr = open(snakemake.log[0], "w")

# Inputs come caller by caller (get_normal_caller_vcfs), so each path's caller is known.
paths = list(snakemake.input.vcfs)
callers = snakemake.params.callers
per_caller = len(paths) // len(callers) if callers else 0
labelled = [(callers[i // per_caller], path) for i, path in enumerate(paths)] if per_caller else []
vafs = normal_variant_vafs(labelled)
print(f"{len(paths)} normal VCFs, {len(vafs)} variants", file=sys.stderr)
with atomic_output(snakemake.output.variants) as path:
    write_normal_variants(path, vafs)
