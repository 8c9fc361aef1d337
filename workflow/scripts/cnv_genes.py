"""Gene-level copy number, amplification calls and the copy-ratio plot of one tumour (Snakemake script)."""

import math
import sys

from alkres.alterations import ALTERATION_COLUMNS
from alkres.copy_number import (
    GENE_TABLE_COLUMNS,
    AmplificationRule,
    amplification_rows,
    estimate_region,
    gene_table_rows,
    plot_copy_ratios,
    read_cnr,
    read_gene_regions,
    recentre,
)
from alkres.hotspots import write_tsv
from alkres.io import atomic_output

sys.stderr = open(snakemake.log[0], "w")

with open(snakemake.input.fai) as handle:
    contigs = {line.split("\t", 1)[0] for line in handle}
# Ensembl-named references ("2", "7") get the table's UCSC names translated.
renames = {f"chr{name}": name for name in contigs if not name.startswith("chr")}
regions = read_gene_regions(snakemake.input.regions, snakemake.params.build, renames)
purity = snakemake.params.purity
purity = (
    None if purity is None or (isinstance(purity, float) and math.isnan(purity)) else float(purity)
)
rule = AmplificationRule(**snakemake.params.amplification)
bins, shift = recentre(read_cnr(snakemake.input.ratios), regions)
print(f"log2 re-centred by {-shift:+.3f} on the bins outside the gene regions", file=sys.stderr)
estimates = [estimate_region(bins, region, purity, rule) for region in regions]
sample_id = snakemake.wildcards.sample

with atomic_output(snakemake.output.genes) as path:
    write_tsv(path, gene_table_rows(sample_id, estimates), GENE_TABLE_COLUMNS)
with atomic_output(snakemake.output.alterations) as path:
    write_tsv(
        path,
        amplification_rows(sample_id, snakemake.params.patient_id, estimates),
        ALTERATION_COLUMNS,
    )
with atomic_output(snakemake.output.plot) as path:
    plot_copy_ratios(bins, estimates, path, sample_id, purity, rule)
