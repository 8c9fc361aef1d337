# alkres: why did an ALK-rearranged lung cancer stop responding to its ALK TKI?
# Run: snakemake --cores N   (see README.md)

from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/reference.smk"
include: "workflow/rules/qc.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
