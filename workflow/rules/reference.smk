# The reference as the workflow reads it, under outdir: a link to the user's plain FASTA (its
# .fai linked, or built there: inputs are never written to), or a bgzip FASTA decompressed.
# The panel BED as the workflow reads it: checked against the reference and sorted once
# (vendor BEDs come in transcript order); every step reads that copy, never the user's file.


rule reference_index:
    input:
        fasta=REFERENCE_FASTA,
    output:
        **reference_files(),
    log:
        f"{OUTDIR}/logs/reference_index.log",
    benchmark:
        f"{OUTDIR}/benchmarks/reference_index.tsv"
    group:
        job_group("setup")
    conda:
        "../../envs/qc.yaml"
    threads: rule_threads("reference_index")
    resources:
        mem_mb=rule_mem_mb("reference_index"),
        runtime=rule_runtime("reference_index"),
    params:
        source=lambda wildcards, input: Path(input.fasta).resolve(),
        compressed=REFERENCE_FASTA.endswith((".gz", ".bgz")),
    shell:
        """
        (
            if [ {params.compressed} = True ]; then
                # freebayes reads plain FASTA only: decompress once per run.
                bgzip --decompress --stdout {params.source:q} >{output.fasta:q}.partial
                mv {output.fasta:q}.partial {output.fasta:q}
                samtools faidx {output.fasta:q}
            else
                ln -sfn {params.source:q} {output.fasta:q}
                if [ -s {params.source:q}.fai ]; then
                    ln -sfn {params.source:q}.fai {output.fai:q}
                else
                    samtools faidx {output.fasta:q}
                fi
            fi
        ) >{log:q} 2>&1
        """


rule hotspot_codons_bed:
    input:
        bundled=bundled_resources("transcripts", "catalogue"),
        fai=f"{REFERENCE}.fai",
    output:
        bed=f"{OUTDIR}/reference/alk_hotspot_codons.bed",
    log:
        f"{OUTDIR}/logs/hotspot_codons_bed.log",
    group:
        job_group("setup")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("hotspot_codons_bed")
    resources:
        mem_mb=rule_mem_mb("hotspot_codons_bed"),
        runtime=rule_runtime("hotspot_codons_bed"),
    params:
        build=config["reference"]["build"],
    script:
        "../scripts/hotspot_codons_bed.py"


rule panel_targets:
    input:
        targets=config["panel"]["targets"],
        fai=f"{REFERENCE}.fai",
    output:
        bed=f"{OUTDIR}/reference/panel_targets.bed",
    log:
        f"{OUTDIR}/logs/panel_targets.log",
    group:
        job_group("setup")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("panel_targets")
    resources:
        mem_mb=rule_mem_mb("panel_targets"),
        runtime=rule_runtime("panel_targets"),
    params:
        # Messages name the user's FASTA, not the link under outdir.
        reference=REFERENCE_FASTA,
    script:
        "../scripts/panel_targets.py"


rule calling_targets:
    input:
        bundled=bundled_resources("transcripts", "gene_transcripts"),
        targets=rules.panel_targets.output.bed,
        fai=f"{REFERENCE}.fai",
    output:
        bed=f"{OUTDIR}/reference/calling_targets.bed",
    log:
        f"{OUTDIR}/logs/calling_targets.log",
    group:
        job_group("setup")
    conda:
        "../../envs/python.yaml"
    threads: rule_threads("calling_targets")
    resources:
        mem_mb=rule_mem_mb("calling_targets"),
        runtime=rule_runtime("calling_targets"),
    params:
        build=config["reference"]["build"],
        regions=config["calling"]["regions"],
    script:
        "../scripts/calling_targets.py"
