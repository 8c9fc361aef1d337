"""QC metrics, hotspot-codon depths and verdict of one sample (Snakemake script)."""

import sys

import pandas as pd

from alkres.io import atomic_output
from alkres.qc import (
    hotspot_codon_depths,
    parse_mosdepth_summary,
    parse_samtools_stats,
    parse_thresholds,
    qc_verdict,
    read_bed,
    sample_metrics,
)

sys.stderr = open(snakemake.log[0], "w")

hotspot_rows = read_bed(snakemake.input.hotspots)
codon_depths = hotspot_codon_depths(snakemake.input.per_base, hotspot_rows)
metrics = sample_metrics(
    parse_mosdepth_summary(snakemake.input.mosdepth_summary),
    parse_thresholds(snakemake.input.thresholds),
    parse_samtools_stats(snakemake.input.samtools_stats),
    codon_depths,
    snakemake.params.depth_thresholds,
)
verdict, reasons = qc_verdict(metrics, snakemake.params.verdict_rules)
# Codons under the warning depth are named, so a reader sees which hotspots are weak.
codon_rule = snakemake.params.verdict_rules.get("min_hotspot_codon_depth", {})
weak_depth = codon_rule.get("warn_below", codon_rule.get("fail_below", 0))
low_depth_codons = [label for label, depth in codon_depths.items() if depth < weak_depth]
row = {
    "sample_id": snakemake.wildcards.sample,
    "sample_type": snakemake.params.sample_type,
    **metrics,
    "verdict": verdict,
    "reasons": "; ".join(reasons),
    "low_depth_codons": ",".join(low_depth_codons),
}
with atomic_output(snakemake.output.metrics) as path:
    pd.DataFrame([row]).to_csv(path, sep="\t", index=False, float_format="%.4g")

depth_table = pd.DataFrame(
    [
        {
            "codon": label,
            "chrom": chrom,
            "start": start + 1,
            "end": end,
            "depth": codon_depths[label],
        }
        for chrom, start, end, label in hotspot_rows
    ]
).drop_duplicates("codon", keep="first")
with atomic_output(snakemake.output.hotspot_depth) as path:
    depth_table.to_csv(path, sep="\t", index=False)
