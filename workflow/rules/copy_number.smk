# Copy number with CNVkit: bins from the panel targets, per-bin depth from mosdepth's per-base
# output (no further pass over the BAM), a reference from the normals (flat when there are
# none), then one step per tumour: ratios and segments (CNVkit fix, segment in one process),
# gene-level estimates, amplification calls and the copy-ratio plot.


rule cnv_bins:
    input:
        targets=rules.panel_targets.output.bed,
    output:
        targets=f"{OUTDIR}/cnv/bins.target.bed",
        antitargets=f"{OUTDIR}/cnv/bins.antitarget.bed",
    log:
        f"{OUTDIR}/logs/cnv_bins.log",
    group:
        job_group("setup")
    conda:
        "../../envs/cnvkit.yaml"
    threads: rule_threads("cnv_bins")
    resources:
        mem_mb=rule_mem_mb("cnv_bins"),
        runtime=rule_runtime("cnv_bins"),
    params:
        bin_size=config["copy_number"]["target_bin_size"],
    shell:
        """
        (
            cnvkit.py target {input.targets:q} --split --avg-size {params.bin_size} \
                --output {output.targets:q}
            # Panel without usable off-target reads: no antitarget bins (CNVkit's amplicon mode).
            : >{output.antitargets:q}
        ) >{log:q} 2>&1
        """


rule cnv_coverage:
    input:
        per_base=rules.mosdepth.output.per_base,
        targets=rules.cnv_bins.output.targets,
        antitargets=rules.cnv_bins.output.antitargets,
    output:
        targets=f"{OUTDIR}/cnv/coverage/{{sample}}.targetcoverage.cnn",
        antitargets=f"{OUTDIR}/cnv/coverage/{{sample}}.antitargetcoverage.cnn",
        tbi=f"{OUTDIR}/qc/mosdepth/{{sample}}.per-base.bed.gz.tbi",
    log:
        f"{OUTDIR}/logs/cnv_coverage/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/cnv_coverage/{{sample}}.tsv"
    group:
        job_group("sample")
    conda:
        "../../envs/cnvkit.yaml"
    threads: rule_threads("cnv_coverage")
    resources:
        mem_mb=rule_mem_mb("cnv_coverage"),
        runtime=rule_runtime("cnv_coverage"),
    script:
        "../scripts/cnv_coverage.py"


rule cnv_reference:
    input:
        **reference_files(),
        targets=expand(rules.cnv_coverage.output.targets, sample=NORMALS.index),
        antitargets=expand(rules.cnv_coverage.output.antitargets, sample=NORMALS.index),
        bins=rules.cnv_bins.output.targets,
        antitarget_bins=rules.cnv_bins.output.antitargets,
    output:
        reference=f"{OUTDIR}/cnv/reference.cnn",
    log:
        f"{OUTDIR}/logs/cnv_reference.log",
    benchmark:
        f"{OUTDIR}/benchmarks/cnv_reference.tsv"
    conda:
        "../../envs/cnvkit.yaml"
    threads: rule_threads("cnv_reference")
    resources:
        mem_mb=rule_mem_mb("cnv_reference"),
        runtime=rule_runtime("cnv_reference"),
    params:
        corrections=cnvkit_corrections(),
        with_normals=len(NORMALS) > 0,
    shell:
        """
        (
            if [ {params.with_normals} = True ]; then
                cnvkit.py reference {input.targets:q} {input.antitargets:q} --fasta {input.fasta:q} \
                    {params.corrections} --output {output.reference:q}
            else
                echo "no normal samples: flat reference (copy ratios less reliable)"
                cnvkit.py reference --targets {input.bins:q} --antitargets {input.antitarget_bins:q} \
                    --fasta {input.fasta:q} --output {output.reference:q}
            fi
        ) >{log:q} 2>&1
        """


rule cnv_genes:
    input:
        targets=rules.cnv_coverage.output.targets,
        antitargets=rules.cnv_coverage.output.antitargets,
        reference=rules.cnv_reference.output.reference,
        fai=f"{REFERENCE}.fai",
        regions=config["copy_number"]["regions"],
    output:
        ratios=f"{OUTDIR}/cnv/{{sample}}.cnr",
        segments=f"{OUTDIR}/cnv/{{sample}}.cns",
        genes=f"{OUTDIR}/cnv/{{sample}}.genes.tsv",
        alterations=f"{OUTDIR}/cnv/{{sample}}.amplifications.tsv",
        plot=report(
            f"{OUTDIR}/cnv/{{sample}}.copy_ratio.png",
            caption="../report/copy_ratio.rst",
            category="Copy number",
            subcategory="{sample}",
        ),
    log:
        f"{OUTDIR}/logs/cnv_genes/{{sample}}.log",
    benchmark:
        f"{OUTDIR}/benchmarks/cnv_genes/{{sample}}.tsv"
    group:
        job_group("patient")
    conda:
        "../../envs/cnvkit.yaml"
    threads: rule_threads("cnv_genes")
    resources:
        mem_mb=rule_mem_mb("cnv_genes"),
        runtime=rule_runtime("cnv_genes"),
    params:
        corrections=cnvkit_corrections(),
        segment_method=config["copy_number"]["segment_method"],
        build=config["reference"]["build"],
        purity=lambda wildcards: sheet_value(wildcards.sample, "tumor_purity"),
        patient_id=lambda wildcards: sheet_value(wildcards.sample, "patient_id"),
        amplification=config["copy_number"]["amplification"],
    script:
        "../scripts/cnv_genes.py"
