"""One tumour biopsy's record, rendered by every report (Snakemake script: the work is in alkres.biopsy.biopsy)."""

from alkres.biopsy.biopsy import main

main(snakemake)
