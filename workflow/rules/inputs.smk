# Checks of the inputs before any result is computed from them: the reference is the build
# the config names; each BAM/CRAM is complete and fits that reference. A BAM/CRAM without an
# index is linked under outdir and indexed there (inputs are never written to).


rule check_reference:
    input:
        **reference_files(),
        bundled=bundled_resources("transcripts", "gene_transcripts"),
    output:
        record=f"{OUTDIR}/checks/reference_build.tsv",
        genes=f"{OUTDIR}/checks/reference_genes.tsv",
    log:
        f"{OUTDIR}/logs/check_reference.log",
    group:
        job_group("setup")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("check_reference")
    resources:
        mem_mb=rule_mem_mb("check_reference"),
        runtime=rule_runtime("check_reference"),
    params:
        build=config["reference"]["build"],
    script:
        "../scripts/check_reference.py"


rule index_bam:
    input:
        bam=lambda wildcards: sheet_value(wildcards.sample, "bam"),
    output:
        link=f"{OUTDIR}/inputs/{{sample}}.bam",
        index=f"{OUTDIR}/inputs/{{sample}}.bam.bai",
    log:
        f"{OUTDIR}/logs/index_alignment/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/index_alignment/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../envs/qc.yaml"
    threads: rule_threads("index_alignment")
    resources:
        mem_mb=rule_mem_mb("index_alignment"),
        runtime=rule_runtime("index_alignment"),
    shell:
        "(ln -sfn {input.bam:q} {output.link:q} && samtools index {output.link:q}) >{log:q} 2>&1"


rule index_cram:
    input:
        cram=lambda wildcards: sheet_value(wildcards.sample, "bam"),
    output:
        link=f"{OUTDIR}/inputs/{{sample}}.cram",
        index=f"{OUTDIR}/inputs/{{sample}}.cram.crai",
    log:
        f"{OUTDIR}/logs/index_alignment/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/index_alignment/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../envs/qc.yaml"
    threads: rule_threads("index_alignment")
    resources:
        mem_mb=rule_mem_mb("index_alignment"),
        runtime=rule_runtime("index_alignment"),
    shell:
        "(ln -sfn {input.cram:q} {output.link:q} && samtools index {output.link:q}) >{log:q} 2>&1"


rule check_alignment:
    input:
        **reference_files(),
        bam=get_bam,
        bai=get_bam_index,
        reference_check=rules.check_reference.output.record,
    output:
        record=f"{OUTDIR}/checks/{{sample}}.tsv",
    log:
        f"{OUTDIR}/logs/check_alignment/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/check_alignment/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("check_alignment")
    resources:
        mem_mb=rule_mem_mb("check_alignment"),
        runtime=rule_runtime("check_alignment"),
    params:
        # Messages name the user's files, not the links under outdir.
        source=lambda wildcards: sheet_value(wildcards.sample, "bam"),
        reference=REFERENCE_FASTA,
    script:
        "../scripts/check_alignment.py"
