# freebayes in pooled-continuous mode (no ploidy assumption) with a low alternate fraction,
# over the calling targets (ALK, TP53 and NF2; config calling.regions), normalised.


rule call_freebayes:
    input:
        **reference_files(),
        bam=get_bam,
        bai=get_bam_index,
        checked=checked_alignment(),
        targets=rules.calling_targets.output.bed,
    output:
        vcf=f"{OUTDIR}/calls/freebayes/{{sample}}.vcf.gz",
        tbi=f"{OUTDIR}/calls/freebayes/{{sample}}.vcf.gz.tbi",
    log:
        f"{OUTDIR}/logs/call_freebayes/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/call_freebayes/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../../envs/calling.yaml"
    threads: rule_threads("call_freebayes")
    resources:
        mem_mb=rule_mem_mb("call_freebayes"),
        runtime=rule_runtime("call_freebayes"),
    params:
        min_fraction=config["calling"]["freebayes"]["min_alternate_fraction"],
        min_count=config["calling"]["freebayes"]["min_alternate_count"],
        mapq=config["calling"]["min_mapping_quality"],
        baseq=config["calling"]["min_base_quality"],
        extra=config["calling"]["freebayes"]["extra"],
        partial=lambda wildcards, output: f"{output.vcf}.partial.vcf.gz",
    shell:
        """
        (
            freebayes --fasta-reference {input.fasta:q} --targets {input.targets:q} \
                --pooled-continuous --min-alternate-fraction {params.min_fraction} \
                --min-alternate-count {params.min_count} --min-mapping-quality {params.mapq} \
                --min-base-quality {params.baseq} {params.extra} {input.bam:q} \
                | bcftools norm --fasta-ref {input.fasta:q} --multiallelics -any \
                    --output-type z --output {params.partial:q}
            tabix -p vcf {params.partial:q}
            mv {params.partial:q}.tbi {output.tbi:q}
            mv {params.partial:q} {output.vcf:q}
        ) >{log:q} 2>&1
        """
