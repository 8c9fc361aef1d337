# The normals' variants pooled into one table (the germline filter) and the cohort tables. Each
# tumour's alterations (ALK variants annotated on NM_004304.5 and classified, amplifications,
# bypass, the fusion), each with its AMP/ASCO/CAP tier, are written by rule biopsy
# (rules/biopsy.smk), with its record.


rule normal_variants:
    input:
        vcfs=get_normal_caller_vcfs,
    output:
        variants=f"{OUTDIR}/calls/normal_variants.tsv",
    log:
        f"{OUTDIR}/logs/normal_variants.log",
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("normal_variants")
    resources:
        mem_mb=rule_mem_mb("normal_variants"),
        runtime=rule_runtime("normal_variants"),
    script:
        "../scripts/normal_variants.py"


rule cohort_tables:
    input:
        alterations=expand(rules.biopsy.output.alterations, sample=TUMORS.index),
        hotspots=expand(rules.hotspot_calls.output.hotspots, sample=TUMORS.index),
        genes=expand(rules.cnv_genes.output.genes, sample=TUMORS.index),
    output:
        alterations=report(
            f"{OUTDIR}/cohort/alterations.tsv",
            caption="../report/alterations.rst",
            category="ALK resistance",
        ),
        hotspots=report(
            f"{OUTDIR}/cohort/hotspots.tsv",
            caption="../report/hotspots.rst",
            category="ALK resistance",
        ),
        copy_number=report(
            f"{OUTDIR}/cohort/copy_number.tsv",
            caption="../report/copy_number.rst",
            category="Copy number",
        ),
    log:
        f"{OUTDIR}/logs/cohort_tables.log",
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("cohort_tables")
    resources:
        mem_mb=rule_mem_mb("cohort_tables"),
        runtime=rule_runtime("cohort_tables"),
    script:
        "../scripts/cohort_tables.py"
