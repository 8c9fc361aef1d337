# Panel QC: mosdepth (target depth, thresholds, per-base depth for the hotspot codons),
# samtools stats, a verdict per sample, and MultiQC with the alkres table as custom content.


rule mosdepth:
    input:
        **reference_files(),
        bam=get_bam,
        bai=get_bam_index,
        checked=checked_alignment(),
        targets=rules.panel_targets.output.bed,
    output:
        summary=f"{OUTDIR}/qc/mosdepth/{{sample}}.mosdepth.summary.txt",
        global_dist=f"{OUTDIR}/qc/mosdepth/{{sample}}.mosdepth.global.dist.txt",
        region_dist=f"{OUTDIR}/qc/mosdepth/{{sample}}.mosdepth.region.dist.txt",
        regions=f"{OUTDIR}/qc/mosdepth/{{sample}}.regions.bed.gz",
        thresholds=f"{OUTDIR}/qc/mosdepth/{{sample}}.thresholds.bed.gz",
        per_base=f"{OUTDIR}/qc/mosdepth/{{sample}}.per-base.bed.gz",
        per_base_index=f"{OUTDIR}/qc/mosdepth/{{sample}}.per-base.bed.gz.csi",
    log:
        f"{OUTDIR}/logs/mosdepth/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/mosdepth/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../envs/qc.yaml"
    threads: rule_threads("mosdepth")
    resources:
        mem_mb=rule_mem_mb("mosdepth"),
        runtime=rule_runtime("mosdepth"),
    params:
        prefix=lambda wildcards, output: output.summary.removesuffix(
            ".mosdepth.summary.txt"
        ),
        mapq=config["qc"]["min_mapping_quality"],
        thresholds=",".join(str(depth) for depth in config["qc"]["depth_thresholds"]),
    shell:
        "mosdepth --threads {threads} --mapq {params.mapq} --fasta {input.fasta:q}"
        " --by {input.targets:q} --thresholds {params.thresholds}"
        " {params.prefix:q} {input.bam:q} > {log:q} 2>&1"


rule samtools_stats:
    input:
        **reference_files(),
        bam=get_bam,
        bai=get_bam_index,
        checked=checked_alignment(),
    output:
        stats=f"{OUTDIR}/qc/samtools_stats/{{sample}}.txt",
    log:
        f"{OUTDIR}/logs/samtools_stats/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/samtools_stats/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../envs/qc.yaml"
    threads: rule_threads("samtools_stats")
    resources:
        mem_mb=rule_mem_mb("samtools_stats"),
        runtime=rule_runtime("samtools_stats"),
    shell:
        "samtools stats --threads {threads} --reference {input.fasta:q} {input.bam:q}"
        " > {output.stats:q} 2> {log:q}"


rule qc_sample:
    input:
        mosdepth_summary=rules.mosdepth.output.summary,
        thresholds=rules.mosdepth.output.thresholds,
        per_base=rules.mosdepth.output.per_base,
        per_base_index=rules.mosdepth.output.per_base_index,
        samtools_stats=rules.samtools_stats.output.stats,
        hotspots=rules.hotspot_codons_bed.output.bed,
    output:
        metrics=f"{OUTDIR}/qc/samples/{{sample}}.qc.tsv",
        hotspot_depth=f"{OUTDIR}/qc/samples/{{sample}}.hotspot_depth.tsv",
    log:
        f"{OUTDIR}/logs/qc_sample/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/qc_sample/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("qc_sample")
    resources:
        mem_mb=rule_mem_mb("qc_sample"),
        runtime=rule_runtime("qc_sample"),
    params:
        sample_type=lambda wildcards: sheet_value(wildcards.sample, "sample_type"),
        depth_thresholds=config["qc"]["depth_thresholds"],
        verdict_rules=config["qc"]["verdict"],
    script:
        "../scripts/qc_sample.py"


rule qc_summary:
    input:
        metrics=expand(f"{OUTDIR}/qc/samples/{{sample}}.qc.tsv", sample=SAMPLES.index),
        fusion_status=expand(
            f"{OUTDIR}/fusions/{{sample}}.status.json", sample=SAMPLES.index
        ),
    output:
        summary=report(
            f"{OUTDIR}/qc/qc_summary.tsv",
            caption="../report/qc_summary.rst",
            category="Quality control",
        ),
        multiqc_table=f"{OUTDIR}/qc/multiqc_custom/alkres_qc_mqc.tsv",
    log:
        f"{OUTDIR}/logs/qc_summary.log",
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("qc_summary")
    resources:
        mem_mb=rule_mem_mb("qc_summary"),
        runtime=rule_runtime("qc_summary"),
    params:
        depth_thresholds=config["qc"]["depth_thresholds"],
        copy_number_reference=(
            f"pooled normals ({len(NORMALS)})"
            if len(NORMALS)
            else "flat (no normals in the sheet)"
        ),
    script:
        "../scripts/qc_summary.py"


rule multiqc:
    input:
        mosdepth=expand(rules.mosdepth.output.summary, sample=SAMPLES.index),
        mosdepth_dist=expand(rules.mosdepth.output.global_dist, sample=SAMPLES.index),
        region_dist=expand(rules.mosdepth.output.region_dist, sample=SAMPLES.index),
        samtools_stats=expand(rules.samtools_stats.output.stats, sample=SAMPLES.index),
        alkres_table=rules.qc_summary.output.multiqc_table,
        # Both cohort_report tables: "ALK resistance" and "ALK fusion variant".
        resistance_table=[
            f"{OUTDIR}/qc/multiqc_custom/alkres_resistance_mqc.tsv",
            f"{OUTDIR}/qc/multiqc_custom/alkres_fusion_variants_mqc.tsv",
        ],
        config=ALKRES_DIR / "workflow" / "report" / "multiqc_config.yaml",
    output:
        report=report(
            f"{OUTDIR}/qc/multiqc_report.html",
            caption="../report/multiqc.rst",
            category="Quality control",
        ),
        data=directory(f"{OUTDIR}/qc/multiqc_report_data"),
    log:
        f"{OUTDIR}/logs/multiqc.log",
    benchmark:
        f"{OUTDIR}/benchmarks/multiqc.tsv"
    conda:
        "../../envs/multiqc.yaml"
    threads: rule_threads("multiqc")
    resources:
        mem_mb=rule_mem_mb("multiqc"),
        runtime=rule_runtime("multiqc"),
    params:
        outdir=lambda wildcards, output: Path(output.report).parent,
        file_list=lambda wildcards, output: Path(output.report).with_name(
            "multiqc_inputs.txt"
        ),
    shell:
        """
        printf '%s\\n' {input.mosdepth:q} {input.mosdepth_dist:q} {input.region_dist:q} \
            {input.samtools_stats:q} {input.alkres_table:q} {input.resistance_table:q} >{params.file_list:q}
        multiqc --force --no-ai --config {input.config:q} --outdir {params.outdir:q} \
            --filename multiqc_report.html --file-list {params.file_list:q} >{log:q} 2>&1
        """
