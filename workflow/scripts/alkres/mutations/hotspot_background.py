"""Background error per site and allele, pooled over the normals (rule hotspot_background)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping

from alkres.io import atomic_output, log_to
from alkres.mutations.hotspot_counts import site_counts
from alkres.mutations.statistics import BackgroundRate, background_from_normals
from alkres.tables import read_counts, write_background


def background_rows(background: Mapping) -> list[dict]:
    return [
        {
            "site": site,
            "allele": allele,
            "alt_fragments": rate.alt_fragments,
            "depth": rate.depth,
            "n_normals": rate.n_normals,
        }
        for (site, allele), rate in sorted(background.items())
    ]


def background_rates(rows: Iterable[Mapping]) -> dict:
    """The background ``background_rows`` wrote, read back (alkres.tables.read_background)."""
    return {
        (row["site"], row["allele"]): BackgroundRate(
            row["alt_fragments"], row["depth"], row["n_normals"]
        )
        for row in rows
    }


def main(snakemake) -> None:
    """Rule hotspot_background."""
    log_to(snakemake.log[0])
    background = background_from_normals(
        [site_counts(read_counts(path)) for path in snakemake.input.counts]
    )
    if not snakemake.input.counts:
        print("no normal samples: every site uses hotspots.default_error_rate", file=sys.stderr)
    with atomic_output(snakemake.output.background) as path:
        write_background(path, background_rows(background))
