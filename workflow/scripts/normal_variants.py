"""Every variant the normals' callers report, with the highest VAF in any normal (Snakemake script: the work is in alkres.mutations.normal_variants)."""

from alkres.mutations.normal_variants import main

main(snakemake)
