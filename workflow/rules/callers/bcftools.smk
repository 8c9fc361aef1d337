# bcftools mpileup | call over the calling targets (ALK, TP53 and NF2; config calling.regions), depth cap
# raised for panels, normalised.


rule call_bcftools:
    input:
        **reference_files(),
        bam=get_bam,
        bai=get_bam_index,
        checked=checked_alignment(),
        targets=rules.calling_targets.output.bed,
    output:
        vcf=f"{OUTDIR}/calls/bcftools/{{sample}}.vcf.gz",
        tbi=f"{OUTDIR}/calls/bcftools/{{sample}}.vcf.gz.tbi",
    log:
        f"{OUTDIR}/logs/call_bcftools/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/call_bcftools/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../../envs/calling.yaml"
    threads: rule_threads("call_bcftools")
    resources:
        mem_mb=rule_mem_mb("call_bcftools"),
        runtime=rule_runtime("call_bcftools"),
    params:
        max_depth=config["calling"]["bcftools"]["max_depth"],
        mapq=config["calling"]["min_mapping_quality"],
        baseq=config["calling"]["min_base_quality"],
        extra=config["calling"]["bcftools"]["extra_call"],
        partial=lambda wildcards, output: f"{output.vcf}.partial.vcf.gz",
    shell:
        """
        (
            bcftools mpileup --fasta-ref {input.fasta:q} --regions-file {input.targets:q} \
                --max-depth {params.max_depth} --min-MQ {params.mapq} --min-BQ {params.baseq} \
                --annotate FORMAT/AD,FORMAT/DP --output-type u {input.bam:q} \
                | bcftools call --multiallelic-caller --variants-only {params.extra} --output-type u \
                | bcftools norm --fasta-ref {input.fasta:q} --multiallelics -any \
                    --output-type z --output {params.partial:q}
            tabix -p vcf {params.partial:q}
            mv {params.partial:q}.tbi {output.tbi:q}
            mv {params.partial:q} {output.vcf:q}
        ) >{log:q} 2>&1
        """
