# What clinicians and studies read: one report per patient (JSON + self-contained HTML) and
# the cohort outputs (patients.tsv, summary.tsv, fusion_variants.tsv, report.html, MultiQC
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
        alterations=get_patient_files(f"{OUTDIR}/variants/{{sample}}.alterations.tsv"),
        amplifications=get_patient_files(f"{OUTDIR}/cnv/{{sample}}.amplifications.tsv"),
        hotspots=get_patient_files(f"{OUTDIR}/hotspots/{{sample}}.hotspots.tsv"),
        copy_number=get_patient_files(f"{OUTDIR}/cnv/{{sample}}.genes.tsv"),
        fusions=get_patient_files(f"{OUTDIR}/fusions/{{sample}}.fusions.tsv"),
        fusion_status=get_patient_files(f"{OUTDIR}/fusions/{{sample}}.status.json"),
        fusion_alterations=get_patient_files(
            f"{OUTDIR}/fusions/{{sample}}.alterations.tsv"
        ),
        qc=get_patient_files(f"{OUTDIR}/qc/samples/{{sample}}.qc.tsv"),
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
        samples=lambda wildcards: sample_records(patient_tumours(wildcards.patient)),
        clinical=lambda wildcards: CLINICAL_RECORDS.get(wildcards.patient),
        build=config["reference"]["build"],
    script:
        "../scripts/patient_report.py"


rule cohort_report:
    input:
        alterations=rules.cohort_tables.output.alterations,
        hotspots=rules.cohort_tables.output.hotspots,
        copy_number=rules.cohort_tables.output.copy_number,
        fusions=expand(rules.fusion_calls.output.fusions, sample=TUMORS.index),
        fusion_status=expand(rules.fusion_calls.output.status, sample=TUMORS.index),
        qc=rules.qc_summary.output.summary,
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
        samples=sample_records(TUMORS.index),
        clinical=CLINICAL_RECORDS,
        build=config["reference"]["build"],
    script:
        "../scripts/cohort_report.py"
