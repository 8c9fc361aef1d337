# alkres: why did an ALK-rearranged lung cancer stop responding to its ALK TKI?
# Run: snakemake --cores N   (see README.md)

from snakemake.utils import min_version

min_version("9.0")


# The working directory's config.yaml, if any (in the alkres folder: the demo run on the
# bundled test cohort). Settings the user's config leaves out take the defaults of alkres's own
# config.yaml; the data (samples, reference.fasta, panel.targets) never do (common.smk).
configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/reference.smk"
include: "workflow/rules/inputs.smk"
include: "workflow/rules/qc.smk"


# One rule file per small-variant caller; config calling.callers picks which run.
for caller_rules in sorted((ALKRES_DIR / "workflow/rules/callers").glob("*.smk")):

    include: caller_rules


# One rule file per structural-variant caller; config fusions.callers picks which run.
for caller_rules in sorted(
    (ALKRES_DIR / "workflow/rules/fusion_callers").glob("*.smk")
):

    include: caller_rules


include: "workflow/rules/fusions.smk"
include: "workflow/rules/hotspots.smk"
include: "workflow/rules/copy_number.smk"
include: "workflow/rules/biopsy.smk"
include: "workflow/rules/annotation.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        all_outputs(),


check_resource_names()
