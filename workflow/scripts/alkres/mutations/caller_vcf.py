"""The small-variant callers' VCFs (bcftools, freebayes) read into one list of variants, with
the callers that report each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pysam


@dataclass
class CallerVariant:
    chrom: str
    pos: int
    ref: str
    alt: str
    depth: int
    alt_count: int
    quality: float
    callers: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.chrom, self.pos, self.ref, self.alt)

    @property
    def vaf(self) -> float:
        return self.alt_count / self.depth if self.depth else 0.0


def read_caller_vcf(path: str | Path, caller: str) -> list[CallerVariant]:
    """Variants of a normalised single-sample VCF, with depth and alt reads from FORMAT/AD."""
    variants = []
    with pysam.VariantFile(str(path)) as vcf:
        for record in vcf:
            sample = record.samples[0] if len(record.samples) else None
            ad = sample.get("AD") if sample is not None and "AD" in sample else None
            depth = alt_count = 0
            if ad and None not in ad and len(ad) >= 2:
                alt_count = int(ad[1])
                depth = int(sum(ad))
            for alt in record.alts or ():
                variants.append(
                    CallerVariant(
                        record.chrom,
                        record.pos,
                        record.ref,
                        alt,
                        depth,
                        alt_count,
                        record.qual or 0.0,
                        [caller],
                    )
                )
    return variants


def merge_caller_variants(
    per_caller: Mapping[str, Sequence[CallerVariant]],
) -> dict[tuple, CallerVariant]:
    """Union by (chrom, pos, ref, alt); counts come from the first caller (config order)."""
    merged: dict[tuple, CallerVariant] = {}
    for caller, variants in per_caller.items():
        for variant in variants:
            if variant.key in merged:
                merged[variant.key].callers.append(caller)
            else:
                merged[variant.key] = CallerVariant(**{**variant.__dict__, "callers": [caller]})
    return merged
