"""Background error per site and allele, pooled over the normals (Snakemake script)."""

import sys

from alkres.hotspot_calls import background_from_normals
from alkres.hotspots import BACKGROUND_COLUMNS, background_rows, read_counts, write_tsv
from alkres.io import atomic_output

sys.stderr = open(snakemake.log[0], "w")

background = background_from_normals([read_counts(path) for path in snakemake.input.counts])
if not snakemake.input.counts:
    print("no normal samples: every site uses hotspots.default_error_rate", file=sys.stderr)
with atomic_output(snakemake.output.background) as path:
    write_tsv(path, background_rows(background), BACKGROUND_COLUMNS)
