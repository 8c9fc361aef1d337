"""Genomic changes on the plus strand (VCF style) and how a coding-strand edit of a transcript
becomes one: the genotyper names the route of a codon change with these, and the read
simulator plants them."""

from __future__ import annotations

from dataclasses import dataclass

from alkres.knowledge.transcript import Transcript, reverse_complement


@dataclass(frozen=True)
class Variant:
    """A genomic change on the plus strand, VCF-style (pos of ref's first base)."""

    chrom: str
    pos: int
    ref: str
    alt: str


def cds_edit_to_variant(
    transcript: Transcript, c_start: int, c_end: int, new_bases: str
) -> Variant:
    """Turn a coding-strand replacement of c.start..c.end by ``new_bases`` into a genomic variant.

    A deletion or insertion is anchored on the genomic base before the edit (VCF style); an
    insertion is given as c_end = c_start - 1 (insert between c.c_end and c.c_start).
    """
    old = transcript.cds[c_start - 1 : c_end]
    if transcript.strand > 0:
        if old and len(old) == len(new_bases):
            return Variant(transcript.chrom, transcript.c_to_g(c_start), old, new_bases)
        # Indel: on the plus strand the base genomically left of the edit is c_start - 1.
        anchor = transcript.cds[c_start - 2]
        return Variant(
            transcript.chrom, transcript.c_to_g(c_start - 1), anchor + old, anchor + new_bases
        )
    if old and len(old) == len(new_bases):
        pos = transcript.c_to_g(c_end)
        return Variant(
            transcript.chrom, pos, reverse_complement(old), reverse_complement(new_bases)
        )
    # Indel: on the minus strand the base genomically left of the edit is c_end + 1.
    anchor_pos = transcript.c_to_g(c_end + 1)
    anchor = reverse_complement(transcript.cds[c_end])
    return Variant(
        transcript.chrom,
        anchor_pos,
        anchor + reverse_complement(old),
        anchor + reverse_complement(new_bases),
    )


def codon_substitution(transcript: Transcript, codon: int, new_codon: str) -> Variant:
    """Replace a whole codon (one, two or three bases may change); trims unchanged ends."""
    ref = transcript.codon_ref(codon)
    changed = [i for i in range(3) if ref[i] != new_codon[i]]
    if not changed:
        raise ValueError(f"codon {codon}: {new_codon} equals the reference")
    first, last = min(changed), max(changed)
    c0 = (codon - 1) * 3 + 1
    return cds_edit_to_variant(transcript, c0 + first, c0 + last, new_codon[first : last + 1])
