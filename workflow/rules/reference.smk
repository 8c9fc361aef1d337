# The reference as the workflow reads it: a link to the user's FASTA under outdir, with its
# index built there (inputs are never written to) or linked when it already exists.


rule reference_index:
    input:
        fasta=REFERENCE_FASTA,
    output:
        **reference_files(),
    log:
        f"{OUTDIR}/logs/reference_index.log",
    benchmark:
        f"{OUTDIR}/benchmarks/reference_index.tsv"
    conda:
        "../../envs/qc.yaml"
    threads: 1
    resources:
        mem_mb=rule_mem_mb("reference_index"),
        runtime=rule_runtime("reference_index"),
    params:
        source=lambda wildcards, input: Path(input.fasta).resolve(),
        suffix=REFERENCE_SUFFIX,
    shell:
        """
        (
            ln -sfn {params.source:q} {output.fasta:q}
            if [ -s {params.source:q}.fai ] && [ {params.suffix:q} = .fa -o -s {params.source:q}.gzi ]; then
                ln -sfn {params.source:q}.fai {output.fai:q}
                if [ {params.suffix:q} = .fa.gz ]; then
                    ln -sfn {params.source:q}.gzi {output.fasta:q}.gzi
                fi
            else
                samtools faidx {output.fasta:q}
            fi
        ) >{log:q} 2>&1
        """


rule hotspot_codons_bed:
    input:
        fai=f"{REFERENCE}.fai",
    output:
        bed=f"{OUTDIR}/reference/alk_hotspot_codons.bed",
    log:
        f"{OUTDIR}/logs/hotspot_codons_bed.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=rule_mem_mb("hotspot_codons_bed"),
        runtime=rule_runtime("hotspot_codons_bed"),
    params:
        build=config["reference"]["build"],
    script:
        "../scripts/hotspot_codons_bed.py"
