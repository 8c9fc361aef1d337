"""BED of the catalogued ALK resistance codons on the reference's contig naming (Snakemake script)."""

import sys

from alkres.catalogue import catalogued_hotspots, hotspot_bed_rows
from alkres.io import atomic_output, reference_contig
from alkres.transcript import load_transcript

sys.stderr = open(snakemake.log[0], "w")

transcript = load_transcript(
    snakemake.params.build, "ALK", chrom=reference_contig(snakemake.input.fai)
)
rows = hotspot_bed_rows(transcript, catalogued_hotspots(protein=transcript.protein))
with atomic_output(snakemake.output.bed) as path, open(path, "w") as bed:
    for row in sorted(rows, key=lambda r: (r[0], r[1])):
        bed.write("\t".join(map(str, row)) + "\n")
