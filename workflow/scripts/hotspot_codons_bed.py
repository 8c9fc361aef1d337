"""BED of the catalogued ALK resistance codons on the reference's contig naming (Snakemake script)."""

import sys

from alkres.catalogue import catalogued_hotspots, hotspot_bed_rows
from alkres.io import atomic_output
from alkres.transcript import load_transcript

sys.stderr = open(snakemake.log[0], "w")

with open(snakemake.input.fai) as handle:
    contigs = {line.split("\t")[0] for line in handle}
# UCSC ("chr2") or Ensembl ("2") naming, whichever the reference uses.
chrom = "chr2" if "chr2" in contigs else "2" if "2" in contigs else None
if chrom is None:
    sys.exit(
        f"{snakemake.input.fai}: the reference has no contig chr2 or 2 (ALK). Fix: use a human reference."
    )

transcript = load_transcript(snakemake.params.build, "ALK", chrom=chrom)
rows = hotspot_bed_rows(transcript, catalogued_hotspots(protein=transcript.protein))
with atomic_output(snakemake.output.bed) as path, open(path, "w") as bed:
    for row in sorted(rows, key=lambda r: (r[0], r[1])):
        bed.write("\t".join(map(str, row)) + "\n")
