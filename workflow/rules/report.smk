# What clinicians and studies read, rendered from the biopsy records (rules/biopsy.smk): one
# report per patient (JSON + self-contained HTML) and the cohort outputs (patients.tsv, summary.tsv, fusion_variants.tsv, report.html, MultiQC
# "ALK resistance" and "ALK fusion variant" tables).


rule software_versions:
    output:
        versions=f"{OUTDIR}/provenance/software_versions.tsv",
    log:
        f"{OUTDIR}/logs/software_versions.log",
    group:
        job_group("setup")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("software_versions")
    resources:
        mem_mb=rule_mem_mb("software_versions"),
        runtime=rule_runtime("software_versions"),
    script:
        "../scripts/software_versions.py"


rule patient_report:
    input:
        bundled=bundled_resources("transcripts", "knowledge"),
        biopsies=get_patient_files(f"{OUTDIR}/biopsies/{{sample}}.json"),
        per_base=get_patient_files(f"{OUTDIR}/qc/mosdepth/{{sample}}.per-base.bed.gz"),
        per_base_index=get_patient_files(
            f"{OUTDIR}/qc/mosdepth/{{sample}}.per-base.bed.gz.csi"
        ),
        copy_ratio_plots=get_patient_files(f"{OUTDIR}/cnv/{{sample}}.copy_ratio.png"),
        versions=rules.software_versions.output.versions,
        fai=f"{REFERENCE}.fai",
    output:
        html=report(
            f"{OUTDIR}/patients/{{patient}}/report.html",
            caption="../report/patient_report.rst",
            category="Patient reports",
            labels={"patient": "{patient}", "file": "report.html"},
        ),
        json=f"{OUTDIR}/patients/{{patient}}/report.json",
    log:
        f"{OUTDIR}/logs/patient_report/{{patient}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/patient_report/{{patient}}.tsv"
    group:
        job_group("patient")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("patient_report")
    resources:
        mem_mb=rule_mem_mb("patient_report"),
        runtime=rule_runtime("patient_report"),
    params:
        sample_ids=lambda wildcards: patient_tumours(wildcards.patient),
        clinical=lambda wildcards: CLINICAL_RECORDS.get(wildcards.patient),
        build=config["reference"]["build"],
    script:
        "../scripts/patient_report.py"


rule cohort_report:
    input:
        bundled=bundled_resources("knowledge", "fusion_notes"),
        biopsies=expand(rules.biopsy.output.record, sample=TUMORS.index),
        versions=rules.software_versions.output.versions,
    output:
        patients=report(
            f"{OUTDIR}/cohort/patients.tsv",
            caption="../report/patients.rst",
            category="Cohort",
        ),
        summary=report(
            f"{OUTDIR}/cohort/summary.tsv",
            caption="../report/summary.rst",
            category="Cohort",
        ),
        fusion_variants=report(
            f"{OUTDIR}/cohort/fusion_variants.tsv",
            caption="../report/fusion_variants.rst",
            category="Cohort",
        ),
        html=report(
            f"{OUTDIR}/cohort/report.html",
            caption="../report/cohort_report.rst",
            category="Cohort",
        ),
        multiqc_table=f"{OUTDIR}/qc/multiqc_custom/alkres_resistance_mqc.tsv",
        multiqc_fusion_table=f"{OUTDIR}/qc/multiqc_custom/alkres_fusion_variants_mqc.tsv",
    log:
        f"{OUTDIR}/logs/cohort_report.log",
    benchmark:
        f"{OUTDIR}/benchmarks/cohort_report.tsv"
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("cohort_report")
    resources:
        mem_mb=rule_mem_mb("cohort_report"),
        runtime=rule_runtime("cohort_report"),
    params:
        clinical=CLINICAL_RECORDS,
        build=config["reference"]["build"],
    script:
        "../scripts/cohort_report.py"
