# Delly (paired ends + split reads) as a second opinion on ALK fusions: tumour-only calls of all
# SV types, kept as VCF. alkres compares its junctions near ALK intron 19 with these.


rule call_delly:
    input:
        **reference_files(),
        bam=get_bam,
        bai=get_bam_index,
        checked=checked_alignment(),
    output:
        vcf=f"{OUTDIR}/fusions/delly/{{sample}}.vcf.gz",
    log:
        f"{OUTDIR}/logs/call_delly/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/call_delly/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../../envs/fusions.yaml"
    threads: rule_threads("call_delly")
    resources:
        mem_mb=rule_mem_mb("call_delly"),
        runtime=rule_runtime("call_delly"),
    params:
        mapq=config["fusions"]["min_mapping_quality"],
        extra=config["fusions"]["delly"]["extra"],
        partial=lambda wildcards, output: f"{output.vcf}.partial",
    shell:
        """
        (
            if delly call --genome {input.fasta:q} --map-qual {params.mapq} {params.extra} \
                --outfile {params.partial:q}.bcf {input.bam:q}; then
                bcftools view --output-type z --output {params.partial:q}.vcf.gz \
                    {params.partial:q}.bcf
                rm -f {params.partial:q}.bcf {params.partial:q}.bcf.csi
            elif grep -q "not enough data to estimate library parameters" {log:q}; then
                # Too few reads for Delly (an empty or tiny library): say so in an empty VCF,
                # which the fusion table reports as "not run".
                printf '%s\n' '##fileformat=VCFv4.2' \
                    '##alkres_not_run=Delly found too few reads to estimate library parameters' \
                    "$(printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO')" \
                    | bgzip >{params.partial:q}.vcf.gz
            else
                exit 1
            fi
            mv {params.partial:q}.vcf.gz {output.vcf:q}
        ) >{log:q} 2>&1
        """
