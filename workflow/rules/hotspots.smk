# Codon-aware genotyping of the catalogued ALK resistance sites and of the bypass hotspots
# (bypass_catalogue.tsv: codons, exon 19 deletion and exon 20 insertion regions, the MET exon 14
# splice sites): the normals' counts make the background error model, each tumour is called
# against it, with limits of detection and phasing.


rule hotspot_counts_normal:
    input:
        **reference_files(),
        bundled=bundled_resources(
            "transcripts", "mutation_catalogue", "gene_transcripts", "bypass_catalogue"
        ),
        reference_genes=rules.check_reference.output.genes,
        bam=get_bam,
        bai=get_bam_index,
        checked=checked_alignment(),
    output:
        counts=f"{OUTDIR}/hotspots/background/{{sample}}.counts.tsv",
    log:
        f"{OUTDIR}/logs/hotspot_counts_normal/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/hotspot_counts_normal/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("hotspot_counts_normal")
    resources:
        mem_mb=rule_mem_mb("hotspot_counts_normal"),
        runtime=rule_runtime("hotspot_counts_normal"),
    params:
        build=config["reference"]["build"],
        settings=config["hotspots"],
    script:
        "../scripts/hotspot_counts.py"


rule hotspot_background:
    input:
        counts=expand(rules.hotspot_counts_normal.output.counts, sample=NORMALS.index),
    output:
        background=f"{OUTDIR}/hotspots/background.tsv",
    log:
        f"{OUTDIR}/logs/hotspot_background.log",
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("hotspot_background")
    resources:
        mem_mb=rule_mem_mb("hotspot_background"),
        runtime=rule_runtime("hotspot_background"),
    script:
        "../scripts/hotspot_background.py"


rule hotspot_calls:
    input:
        **reference_files(),
        bundled=bundled_resources(
            "transcripts", "mutation_catalogue", "gene_transcripts", "bypass_catalogue"
        ),
        reference_genes=rules.check_reference.output.genes,
        bam=get_bam,
        bai=get_bam_index,
        checked=checked_alignment(),
        background=rules.hotspot_background.output.background,
        qc=rules.qc_sample.output.metrics,
        targets=rules.panel_targets.output.bed,
    output:
        counts=f"{OUTDIR}/hotspots/{{sample}}.counts.tsv",
        hotspots=f"{OUTDIR}/hotspots/{{sample}}.hotspots.tsv",
        mutations=f"{OUTDIR}/hotspots/{{sample}}.mutations.tsv",
        linkage=f"{OUTDIR}/hotspots/{{sample}}.linkage.tsv",
    log:
        f"{OUTDIR}/logs/hotspot_calls/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/hotspot_calls/{{sample}}.tsv"
    group:
        job_group("patient")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("hotspot_calls")
    resources:
        mem_mb=rule_mem_mb("hotspot_calls"),
        runtime=rule_runtime("hotspot_calls"),
    params:
        build=config["reference"]["build"],
        settings=config["hotspots"],
        patient_id=lambda wildcards: sheet_value(wildcards.sample, "patient_id"),
    script:
        "../scripts/hotspot_calls.py"
