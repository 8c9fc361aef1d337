"""Every variant the normals' callers report, with the highest VAF in any normal (Snakemake
script): the germline filter of each tumour's alterations."""

import sys
from pathlib import Path

from alkres.alterations import normal_variant_vafs, write_normal_variants
from alkres.io import atomic_output

sys.stderr = open(snakemake.log[0], "w")

# Each VCF is {outdir}/calls/{caller}/{sample}.vcf.gz: its folder names its caller.
paths = snakemake.input.vcfs
vafs = normal_variant_vafs((Path(path).parent.name, path) for path in paths)
print(f"{len(paths)} normal VCFs, {len(vafs)} variants", file=sys.stderr)
with atomic_output(snakemake.output.variants) as path:
    write_normal_variants(path, vafs)
