# One step per tumour biopsy: its small variants annotated (ALK on NM_004304.5, the bypass genes
# and TP53 on their MANE Select transcripts) and classified
# (alterations table + annotated VCF), then its record, written once: its final QC verdict, what
# its tables show, its result with the reasons, its mechanisms, its fusion and the
# interpretation of its ALK mutations. The patient report, the cohort tables and report, and the
# MultiQC section render these records.


rule biopsy:
    input:
        **reference_files(),
        bundled=bundled_resources(
            "transcripts",
            "gene_transcripts",
            "knowledge",
            "fusion_naming",
            "fusion_notes",
        ),
        vcfs=get_caller_vcfs,
        normal_variants=get_normal_variants,
        reference_genes=rules.check_reference.output.genes,
        mutations=rules.hotspot_calls.output.mutations,
        qc=rules.qc_sample.output.metrics,
        fusion_status=rules.fusion_calls.output.status,
        fusions=rules.fusion_calls.output.fusions,
        fusion_alterations=rules.fusion_calls.output.alterations,
        amplifications=rules.cnv_genes.output.alterations,
        hotspots=rules.hotspot_calls.output.hotspots,
        copy_number=rules.cnv_genes.output.genes,
    output:
        alterations=f"{OUTDIR}/variants/{{sample}}.alterations.tsv",
        vcf=f"{OUTDIR}/variants/{{sample}}.annotated.vcf.gz",
        tbi=f"{OUTDIR}/variants/{{sample}}.annotated.vcf.gz.tbi",
        record=f"{OUTDIR}/biopsies/{{sample}}.json",
    log:
        f"{OUTDIR}/logs/biopsy/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/biopsy/{{sample}}.tsv"
    group:
        job_group("patient")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("biopsy")
    resources:
        mem_mb=rule_mem_mb("biopsy"),
        runtime=rule_runtime("biopsy"),
    params:
        sample=lambda wildcards: sample_records([wildcards.sample])[0],
        build=config["reference"]["build"],
        callers=CALLERS,
        patient_id=lambda wildcards: sheet_value(wildcards.sample, "patient_id"),
        germline_min_vaf=config["hotspots"]["germline_min_vaf"],
        caller_filters=config["calling"]["filters"],
        flat_reference=len(NORMALS) == 0,
        interpretation={
            "clonal_vaf_margin": config["hotspots"]["clonal_vaf_margin"],
            "amplification_copy_number": config["copy_number"]["amplification"][
                "min_copy_number"
            ],
        },
    script:
        "../scripts/biopsy.py"
