# ALK fusions from DNA: alkres's split-read / soft-clip / discordant-pair evidence around ALK
# intron 19, typed by exon pair and variant, beside the configured structural-variant callers.


rule fusion_calls:
    input:
        **reference_files(),
        bundled=bundled_resources("transcripts", "fusion_naming"),
        bam=get_bam,
        bai=get_bam_index,
        checked=checked_alignment(),
        caller_vcfs=get_fusion_caller_vcfs,
    output:
        fusions=f"{OUTDIR}/fusions/{{sample}}.fusions.tsv",
        status=f"{OUTDIR}/fusions/{{sample}}.status.json",
        alterations=f"{OUTDIR}/fusions/{{sample}}.alterations.tsv",
    log:
        f"{OUTDIR}/logs/fusion_calls/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/fusion_calls/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("fusion_calls")
    resources:
        mem_mb=rule_mem_mb("fusion_calls"),
        runtime=rule_runtime("fusion_calls"),
    params:
        build=config["reference"]["build"],
        callers=FUSION_CALLERS,
        settings=config["fusions"],
        sample_type=lambda wildcards: sheet_value(wildcards.sample, "sample_type"),
        patient_id=lambda wildcards: _text(sheet_value(wildcards.sample, "patient_id")),
    script:
        "../scripts/fusion_calls.py"
