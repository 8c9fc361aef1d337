"""HGVS names, consequences and classes for small variants in one coding transcript.

Resistance calls are matched to the catalogue by their protein name, so every nucleotide
route to the same change (G1202R from c.3604G>A or c.3604G>C, G1202del from either
three-base deletion, T1151dup from any of its equivalent VCF placements) has to come out
with the same name. Hence three choices made throughout:

* the alleles are compared as whole codons, so a two-base change in one codon is one amino
  acid change (GGA>AGC is G1269S), not two;
* indels are placed at their most 3' position on the coding strand before they are named,
  which for a minus-strand gene such as ALK is the genomically leftmost placement;
* the protein change is read off the translated mutant CDS, so the protein-level 3' rule
  (p.Gly1202del, not p.Gly1201del) follows from the sequence, not from the nucleotide route.

The sequence used for shifting is what is known without a genome: the CDS, the bases the
VCF record itself shows, and optionally a reference fetcher for intronic and UTR bases.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from alkres.knowledge.transcript import Exon, Transcript, reverse_complement, translate

ReferenceFetch = Callable[[int, int], str]

# ALK protein kinase domain (InterPro IPR000719), residues inclusive.
KINASE_DOMAIN = (1116, 1392)
# Intronic bases this close to an exon are reported as splice_region.
SPLICE_REGION_INTRON_BASES = 8
# Beyond this distance from the transcript a variant gets no c. name (not in the gene's reach).
FLANK_BASES = 5000
# Longest walk when looking for equivalent placements of an indel in a repeat.
MAX_SHIFT = 10_000

CODING_CONSEQUENCES = (
    "missense",
    "synonymous",
    "stop_gained",
    "stop_lost",
    "start_lost",
    "inframe_deletion",
    "inframe_insertion",
    "inframe_delins",
    "frameshift",
)
NON_CODING_CONSEQUENCES = ("splice_region", "intronic", "utr", "upstream_downstream")
CONSEQUENCES = CODING_CONSEQUENCES + NON_CODING_CONSEQUENCES
CLASSES = (
    "resistance", "activating", "synonymous", "vus", "outside_kinase_domain", "non_coding",
)  # fmt: skip

THREE_LETTER = {
    "A": "Ala",
    "R": "Arg",
    "N": "Asn",
    "D": "Asp",
    "C": "Cys",
    "Q": "Gln",
    "E": "Glu",
    "G": "Gly",
    "H": "His",
    "I": "Ile",
    "L": "Leu",
    "K": "Lys",
    "M": "Met",
    "F": "Phe",
    "P": "Pro",
    "S": "Ser",
    "T": "Thr",
    "W": "Trp",
    "Y": "Tyr",
    "V": "Val",
    "X": "Xaa",
    "*": "*",
}
_BASES = set("ACGTN")


@dataclass(frozen=True)
class Annotation:
    """One variant on one transcript.

    codon_start/codon_end are the residues the protein name refers to (the flanking pair
    for an insertion, the first changed residue for a frameshift), or the coding codons a
    variant that is only partly coding touches; None when no coding base is involved.
    """

    gene: str
    transcript: str
    hgvs_c: str
    hgvs_p: str
    alteration: str
    consequence: str
    codon_start: int | None
    codon_end: int | None
    exon: int | None
    in_kinase_domain: bool


# ---------------------------------------------------------------- VCF normalisation


def _check_allele(allele: str, what: str) -> str:
    """Upper-case a plain base allele; symbolic and spanning-deletion alleles cannot be named."""
    upper = allele.upper()
    if not upper or set(upper) - _BASES:
        raise ValueError(f"{what} allele {allele!r} is not a plain DNA sequence")
    return upper


def normalise_indel(
    reference_fetch: ReferenceFetch, pos: int, ref: str, alt: str
) -> tuple[int, str, str]:
    """Left-align and trim a VCF allele pair (the vt/bcftools norm convention, plus strand).

    Callers place the same indel anywhere in a repeat; left-aligning gives one key per
    event so calls from different callers and samples can be merged. Substitutions are
    only trimmed. `reference_fetch(start, end)` returns plus-strand bases, 1-based inclusive.
    """
    ref, alt = _check_allele(ref, "REF"), _check_allele(alt, "ALT")
    if ref == alt:
        raise ValueError(f"REF and ALT are both {ref!r}: not a variant")
    genome = reference_fetch(pos, pos + len(ref) - 1).upper()
    if genome != ref:
        raise ValueError(f"REF {ref!r} at {pos} does not match the reference {genome!r}")
    while True:
        if ref and alt and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        elif (not ref or not alt) and pos > 1:
            base = reference_fetch(pos - 1, pos - 1).upper()
            pos, ref, alt = pos - 1, base + ref, base + alt
        else:
            break
    if not ref or not alt:
        # At the first base of a contig VCF pads with the base after the event instead.
        base = reference_fetch(pos + len(ref), pos + len(ref)).upper()
        ref, alt = ref + base, alt + base
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        pos, ref, alt = pos + 1, ref[1:], alt[1:]
    return pos, ref, alt


# ---------------------------------------------------------------- transcript layout


@dataclass(frozen=True)
class _Layout:
    """Exons in transcript order with their cDNA offsets, for naming any genomic position."""

    strand: int
    exons: tuple[Exon, ...]
    offsets: tuple[int, ...]
    c1: int
    cds_length: int
    length: int

    def five(self, exon: Exon) -> int:
        return exon.start if self.strand > 0 else exon.end

    def three(self, exon: Exon) -> int:
        return exon.end if self.strand > 0 else exon.start


@functools.lru_cache(maxsize=8)
def _layout(transcript: Transcript) -> _Layout:
    """cDNA coordinates of the exons; c.1 is placed from the transcript's own c_to_g."""
    strand = transcript.strand
    exons = tuple(sorted(transcript.exons, key=lambda exon: exon.number))
    for before, after in zip(exons, exons[1:], strict=False):
        if (after.start - before.start) * strand <= 0:
            raise ValueError(
                f"exons {before.number} and {after.number} are not in transcript order"
            )
    offsets, total = [], 0
    for exon in exons:
        offsets.append(total)
        total += exon.length
    first_coding = transcript.c_to_g(1)
    index = next(i for i, exon in enumerate(exons) if exon.start <= first_coding <= exon.end)
    five = exons[index].start if strand > 0 else exons[index].end
    c1 = offsets[index] + (first_coding - five) * strand + 1
    return _Layout(strand, exons, tuple(offsets), c1, len(transcript.cds), total)


def _label(layout: _Layout, cdna: int) -> str:
    """c. number of a cDNA position (extended past both ends for flanking positions)."""
    c = cdna - layout.c1 + 1
    if c < 1:
        return str(c - 1)
    if c > layout.cds_length:
        return f"*{c - layout.cds_length}"
    return str(c)


@dataclass(frozen=True)
class _Locus:
    """Where one genomic position falls; `name` is its c. position without the "c."."""

    region: str  # coding | utr5 | utr3 | intron | upstream | downstream
    name: str
    exon: int | None = None
    c: int | None = None
    distance: int | None = None  # to the nearest exon, for intronic and flanking positions


def _locate(layout: _Layout, pos: int) -> _Locus:
    """Region and c. name of a genomic position (HGVS: intron midpoint ties go to '+')."""
    strand, exons = layout.strand, layout.exons
    u = pos * strand
    first, last = exons[0], exons[-1]
    if u < layout.five(first) * strand:
        distance = layout.five(first) * strand - u
        return _Locus("upstream", _label(layout, 1 - distance), distance=distance)
    if u > layout.three(last) * strand:
        distance = u - layout.three(last) * strand
        return _Locus("downstream", _label(layout, layout.length + distance), distance=distance)
    for index, exon in enumerate(exons):
        if exon.start <= pos <= exon.end:
            cdna = layout.offsets[index] + (pos - layout.five(exon)) * strand + 1
            c = cdna - layout.c1 + 1
            if c < 1:
                region = "utr5"
            elif c > layout.cds_length:
                region = "utr3"
            else:
                region = "coding"
            coding = c if region == "coding" else None
            return _Locus(region, _label(layout, cdna), exon=exon.number, c=coding)
    for index, (before, after) in enumerate(zip(exons, exons[1:], strict=False)):
        if layout.three(before) * strand < u < layout.five(after) * strand:
            after_donor = u - layout.three(before) * strand
            before_acceptor = layout.five(after) * strand - u
            if after_donor <= before_acceptor:
                anchor = layout.offsets[index] + before.length
                name = f"{_label(layout, anchor)}+{after_donor}"
            else:
                anchor = layout.offsets[index + 1] + 1
                name = f"{_label(layout, anchor)}-{before_acceptor}"
            return _Locus("intron", name, distance=min(after_donor, before_acceptor))
    raise ValueError(f"position {pos} could not be placed on the transcript")


# ---------------------------------------------------------------- the edit and its placement


@dataclass(frozen=True)
class _Edit:
    """A trimmed plus-strand change: `deleted` starts at `start`; an insertion goes before `start`."""

    start: int
    deleted: str
    inserted: str

    @property
    def is_insertion(self) -> bool:
        return not self.deleted

    @property
    def is_deletion(self) -> bool:
        return not self.inserted

    def positions(self) -> list[int]:
        """Deleted or substituted bases; for an insertion, its two flanking bases."""
        if self.is_insertion:
            return [self.start - 1, self.start]
        return list(range(self.start, self.start + len(self.deleted)))


def _trim(pos: int, ref: str, alt: str) -> _Edit:
    """Drop the bases REF and ALT share at the start, then at the end."""
    while ref and alt and ref[0] == alt[0]:
        pos, ref, alt = pos + 1, ref[1:], alt[1:]
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    return _Edit(pos, ref, alt)


def _base_lookup(
    transcript: Transcript, pos: int, ref: str, reference_fetch: ReferenceFetch | None
) -> Callable[[int], str | None]:
    """Plus-strand base at a position if known (VCF REF, CDS, then the optional fetcher)."""
    record = {pos + offset: base for offset, base in enumerate(ref)}

    @functools.cache
    def base(position: int) -> str | None:
        if position in record:
            return record[position]
        if transcript.g_to_c(position) is not None:
            return transcript.genomic_ref(position)
        if reference_fetch is None or position < 1:
            return None
        try:
            fetched = reference_fetch(position, position).upper()
        except (ValueError, IndexError, KeyError):
            return None
        return fetched if fetched in ("A", "C", "G", "T") else None

    return base


def _check_ref(transcript: Transcript, pos: int, ref: str) -> None:
    """A REF that disagrees with the CDS means the wrong build or contig: naming would lie."""
    for offset, base in enumerate(ref):
        position = pos + offset
        if transcript.g_to_c(position) is not None and base != "N":
            expected = transcript.genomic_ref(position)
            if base != expected:
                raise ValueError(
                    f"REF base {base} at {transcript.chrom}:{position} does not match "
                    f"{transcript.transcript_id} ({transcript.build}), which has {expected}"
                )


def _placements(edit: _Edit, base: Callable[[int], str | None]) -> list[_Edit]:
    """Every equivalent placement of a pure insertion or deletion within the known sequence."""
    sequence = edit.deleted or edit.inserted
    span = len(edit.deleted)

    def at(start: int, seq: str) -> _Edit:
        return _Edit(start, seq, "") if edit.is_deletion else _Edit(start, "", seq)

    found = [edit]
    start, seq = edit.start, sequence
    for _ in range(MAX_SHIFT):
        left = base(start - 1)
        if left is None or left != seq[-1]:
            break
        start, seq = start - 1, left + seq[:-1]
        found.append(at(start, seq))
    start, seq = edit.start, sequence
    for _ in range(MAX_SHIFT):
        right = base(start + span)
        if right is None or right != seq[0]:
            break
        start, seq = start + 1, seq[1:] + right
        found.append(at(start, seq))
    return found


def _within_one_coding_exon(transcript: Transcript, edit: _Edit) -> bool:
    positions = edit.positions()
    if any(transcript.g_to_c(position) is None for position in positions):
        return False
    return len({transcript.exon_of(position) for position in positions}) == 1


def _place(transcript: Transcript, edit: _Edit, base: Callable[[int], str | None]) -> _Edit:
    """The 3'-most placement on the coding strand, kept inside the exon when it can be.

    An exonic indel that could equally be written across the exon boundary (a deleted G
    before a GT donor) is named in the exon: the pipeline reports protein changes, and the
    exonic reading is the one the protein sees.
    """
    if edit.deleted and edit.inserted:
        return edit
    options = _placements(edit, base)
    coding = [option for option in options if _within_one_coding_exon(transcript, option)]
    return max(coding or options, key=lambda option: option.start * transcript.strand)


# ---------------------------------------------------------------- c. names


def _coding_strand(transcript: Transcript, seq: str) -> str:
    return seq if transcript.strand > 0 else reverse_complement(seq)


def _span(layout: _Layout, positions: Sequence[int]) -> str:
    """c. range of genomic positions, written 5'->3' along the transcript."""
    ordered = sorted(positions, key=lambda position: position * layout.strand)
    first, last = _locate(layout, ordered[0]).name, _locate(layout, ordered[-1]).name
    return first if first == last else f"{first}_{last}"


def _duplicated_run(
    layout: _Layout, edit: _Edit, base: Callable[[int], str | None]
) -> list[int] | None:
    """The bases just 5' of an insertion (transcript order) if they equal the inserted ones."""
    size = len(edit.inserted)
    if layout.strand > 0:
        run = list(range(edit.start - size, edit.start))
    else:
        run = list(range(edit.start, edit.start + size))
    bases = [base(position) for position in run]
    if None in bases or "".join(b or "" for b in bases) != edit.inserted:
        return None
    return run


def _hgvs_c(
    transcript: Transcript, layout: _Layout, edit: _Edit, base: Callable[[int], str | None]
) -> str:
    inserted = _coding_strand(transcript, edit.inserted)
    if edit.is_deletion:
        return f"c.{_span(layout, edit.positions())}del"
    if edit.is_insertion:
        run = _duplicated_run(layout, edit, base)
        if run is not None:
            return f"c.{_span(layout, run)}dup"
        return f"c.{_span(layout, edit.positions())}ins{inserted}"
    if len(edit.deleted) == 1 == len(edit.inserted):
        deleted = _coding_strand(transcript, edit.deleted)
        return f"c.{_locate(layout, edit.start).name}{deleted}>{inserted}"
    return f"c.{_span(layout, edit.positions())}delins{inserted}"


# ---------------------------------------------------------------- p. names


@dataclass(frozen=True)
class _ProteinChange:
    """A protein change in one-letter residues; written out in three- or one-letter form.

    `start`/`end` are residue numbers; `ref` holds the residues start..end (for an
    insertion, the two flanking residues); `alt` the new residues.
    """

    kind: str  # sub | syn | nonsense | del | dup | ins | delins | fs | ext | start
    start: int
    end: int
    ref: str
    alt: str = ""
    stop_distance: int | None = None

    def name(self, three_letter: bool) -> str:
        def aa(residues: str) -> str:
            return "".join(THREE_LETTER[r] for r in residues) if three_letter else residues

        first = f"{aa(self.ref[0])}{self.start}"
        span = first if self.end == self.start else f"{first}_{aa(self.ref[-1])}{self.end}"
        if self.kind == "sub":
            return f"{first}{aa(self.alt)}"
        if self.kind == "syn":
            return f"{span}="
        if self.kind == "nonsense":
            return f"{first}*"
        if self.kind in ("del", "dup"):
            return f"{span}{self.kind}"
        if self.kind == "ins":
            return f"{first}_{aa(self.ref[1])}{self.end}ins{aa(self.alt)}"
        if self.kind == "delins":
            return f"{span}delins{aa(self.alt)}"
        if self.kind == "fs":
            if not three_letter or not self.alt or self.stop_distance is None:
                return f"{first}fs"
            return f"{first}{aa(self.alt)}fs*{self.stop_distance}"
        if self.kind == "ext":
            return f"*{self.start}{aa(self.alt)}ext*?"
        if self.kind == "start":
            return f"{aa('M')}1?"
        raise ValueError(f"unknown protein change kind {self.kind!r}")


def _common_prefix(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def _common_suffix(a: str, b: str, limit: int) -> int:
    length = 0
    while length < limit and a[-1 - length] == b[-1 - length]:
        length += 1
    return length


def _in_frame_change(reference: str, variant: str, first: int) -> _ProteinChange:
    """Name an in-frame change from the first differing residue (index `first`).

    The prefix is matched before the suffix, which puts a deletion or insertion in a
    run of identical residues at its C-terminal end: the HGVS protein 3' rule.
    """
    stop = variant.find("*")
    truncated = 0 <= stop < len(variant) - 1
    if truncated and variant[first] == "*":
        return _ProteinChange("nonsense", first + 1, first + 1, reference[first])
    suffix = _common_suffix(reference, variant, min(len(reference), len(variant)) - first)
    removed = reference[first : len(reference) - suffix]
    added = variant[first : len(variant) - suffix]
    if truncated:
        added = added[: added.index("*") + 1] if "*" in added else added
    if len(removed) == 1 and len(added) == 1:
        return _ProteinChange("sub", first + 1, first + 1, removed, added)
    if not added:
        return _ProteinChange("del", first + 1, first + len(removed), removed)
    if not removed:
        size = len(added)
        if first >= size and reference[first - size : first] == added:
            return _ProteinChange("dup", first - size + 1, first, added)
        return _ProteinChange("ins", first, first + 1, reference[first - 1 : first + 1], added)
    return _ProteinChange("delins", first + 1, first + len(removed), removed, added)


def _protein_change(
    reference: str, variant: str, frameshift: bool, codons: tuple[int, int]
) -> _ProteinChange:
    """Compare the reference protein (with its '*') to the translated mutant CDS."""
    first = _common_prefix(reference, variant)
    if first >= len(reference) or (not frameshift and reference == variant):
        start, end = codons
        return _ProteinChange("syn", start, end, reference[start - 1 : end])
    if first == 0:
        return _ProteinChange("start", 1, 1, reference[0])
    if reference[first] == "*":
        new = variant[first] if first < len(variant) else ""
        return _ProteinChange("ext", first + 1, first + 1, "*", new)
    if frameshift:
        if first >= len(variant):
            return _ProteinChange("fs", first + 1, first + 1, reference[first])
        if variant[first] == "*":
            return _ProteinChange("nonsense", first + 1, first + 1, reference[first])
        stop = variant.find("*", first)
        distance = stop - first + 1 if stop >= 0 else None
        return _ProteinChange(
            "fs", first + 1, first + 1, reference[first], variant[first], distance
        )
    return _in_frame_change(reference, variant, first)


def _coding_consequence(
    change: _ProteinChange, variant: str, frameshift: bool, substitution: bool
) -> str:
    """One consequence per variant, the most severe reading first."""
    if change.kind == "start":
        return "start_lost"
    if frameshift:
        return "frameshift"
    if change.kind == "ext" or "*" not in variant:
        return "stop_lost"
    if change.kind == "syn":
        return "synonymous"
    if change.kind == "nonsense" or "*" in change.alt:
        return "stop_gained"
    if substitution:
        return "missense"
    if change.kind == "del":
        return "inframe_deletion"
    if change.kind in ("ins", "dup"):
        return "inframe_insertion"
    return "inframe_delins"


def _in_kinase_domain(start: int | None, end: int | None) -> bool:
    if start is None or end is None:
        return False
    return start <= KINASE_DOMAIN[1] and end >= KINASE_DOMAIN[0]


# ---------------------------------------------------------------- annotation


def _annotate_coding(
    transcript: Transcript, layout: _Layout, edit: _Edit, hgvs_c: str
) -> Annotation:
    """A change wholly inside the coding part of one exon: translate and compare."""
    inserted = _coding_strand(transcript, edit.inserted)
    cds = transcript.cds
    if edit.is_insertion:
        five_prime = edit.start if transcript.strand < 0 else edit.start - 1
        c_before = transcript.g_to_c(five_prime)
        assert c_before is not None
        mutant = cds[:c_before] + inserted + cds[c_before:]
        c_first, c_last = c_before, c_before + 1
    else:
        cs = [transcript.g_to_c(position) for position in edit.positions()]
        c_first, c_last = min(c for c in cs if c), max(c for c in cs if c)
        mutant = cds[: c_first - 1] + inserted + cds[c_last:]
    frameshift = (len(edit.inserted) - len(edit.deleted)) % 3 != 0
    variant = translate(mutant)
    codons = ((c_first - 1) // 3 + 1, (c_last - 1) // 3 + 1)
    change = _protein_change(transcript.protein + "*", variant, frameshift, codons)
    substitution = len(edit.deleted) == len(edit.inserted)
    consequence = _coding_consequence(change, variant, frameshift, substitution)
    alteration = change.name(three_letter=False)
    if consequence == "frameshift" and change.kind == "nonsense":
        # Tables group frameshifts by their first residue whether or not the stop is immediate.
        alteration = f"{change.ref[0]}{change.start}fs"
    return Annotation(
        gene=transcript.gene,
        transcript=transcript.refseq or transcript.transcript_id,
        hgvs_c=hgvs_c,
        hgvs_p=f"p.{change.name(three_letter=True)}",
        alteration=alteration,
        consequence=consequence,
        codon_start=change.start,
        codon_end=change.end,
        exon=transcript.exon_of(edit.positions()[0]),
        in_kinase_domain=_in_kinase_domain(change.start, change.end),
    )


def _outside_cds_consequence(loci: Sequence[_Locus], cds_length: int, insertion: bool) -> str:
    """Consequence of a change not wholly inside one exon's coding bases."""
    coding = [locus.c for locus in loci if locus.c is not None and not insertion]
    if coding and min(coding) <= 3:
        return "start_lost"
    if coding and max(coding) > cds_length - 3:
        return "stop_lost"
    introns = [locus for locus in loci if locus.region == "intron"]
    if introns and (
        coding or min(locus.distance or 0 for locus in introns) <= SPLICE_REGION_INTRON_BASES
    ):
        return "splice_region"
    if introns:
        return "intronic"
    if any(locus.region in ("utr5", "utr3") for locus in loci):
        return "utr"
    return "upstream_downstream"


def _annotate_outside_cds(
    transcript: Transcript, layout: _Layout, edit: _Edit, hgvs_c: str
) -> Annotation:
    """Splice-region, intronic, UTR and flanking changes, and those straddling the CDS edge."""
    loci = [_locate(layout, position) for position in edit.positions()]
    consequence = _outside_cds_consequence(loci, layout.cds_length, edit.is_insertion)
    coding = [locus.c for locus in loci if locus.c is not None and not edit.is_insertion]
    codon_start = (min(coding) - 1) // 3 + 1 if coding else None
    codon_end = (max(coding) - 1) // 3 + 1 if coding else None
    if consequence == "start_lost":
        hgvs_p, alteration = "p.Met1?", "M1?"
    else:
        hgvs_p, alteration = ("p.?" if coding else ""), ""
    flanking = all(locus.region in ("upstream", "downstream") for locus in loci)
    if flanking and min(locus.distance or 0 for locus in loci) > FLANK_BASES:
        hgvs_c = ""
    exons = [locus.exon for locus in loci if locus.exon is not None]
    return Annotation(
        gene=transcript.gene,
        transcript=transcript.refseq or transcript.transcript_id,
        hgvs_c=hgvs_c,
        hgvs_p=hgvs_p,
        alteration=alteration,
        consequence=consequence,
        codon_start=codon_start,
        codon_end=codon_end,
        exon=exons[0] if exons else None,
        in_kinase_domain=_in_kinase_domain(codon_start, codon_end),
    )


def _same_contig(a: str, b: str) -> bool:
    """chr2 and 2 name the same contig (UCSC- and Ensembl-style references)."""
    return a.removeprefix("chr") == b.removeprefix("chr")


def annotate_variant(
    transcript: Transcript,
    chrom: str,
    pos: int,
    ref: str,
    alt: str,
    reference_fetch: ReferenceFetch | None = None,
) -> Annotation:
    """HGVS c./p. names, consequence and kinase-domain flag of one VCF allele.

    The VCF record need not be normalised: the edit is trimmed and moved to its 3'-most
    coding-strand placement here. Without `reference_fetch` only CDS bases and the bases
    in REF are known, so an indel in an intronic or UTR repeat is shifted only as far as
    those reach. Raises ValueError for another contig, a non-variant, symbolic alleles, or
    a REF that contradicts the CDS.
    """
    if not _same_contig(chrom, transcript.chrom):
        raise ValueError(f"{chrom}:{pos} is not on {transcript.chrom}, where {transcript.gene} is")
    ref, alt = _check_allele(ref, "REF"), _check_allele(alt, "ALT")
    if ref == alt:
        raise ValueError(f"REF and ALT are both {ref!r} at {chrom}:{pos}: not a variant")
    _check_ref(transcript, pos, ref)
    layout = _layout(transcript)
    base = _base_lookup(transcript, pos, ref, reference_fetch)
    edit = _place(transcript, _trim(pos, ref, alt), base)
    hgvs_c = _hgvs_c(transcript, layout, edit, base)
    if _within_one_coding_exon(transcript, edit):
        return _annotate_coding(transcript, layout, edit, hgvs_c)
    return _annotate_outside_cds(transcript, layout, edit, hgvs_c)


def classify(annotation: Annotation, catalogued: Collection[str]) -> str:
    """Class of a somatic variant; germline/benign is decided elsewhere from VAF and normals.

    A catalogued protein change wins whatever its consequence, so G1202del or T1151dup are
    resistance like any missense hotspot.
    """
    if annotation.alteration and annotation.alteration in catalogued:
        return "resistance"
    if annotation.consequence == "synonymous":
        return "synonymous"
    if annotation.consequence in CODING_CONSEQUENCES:
        return "vus" if annotation.in_kinase_domain else "outside_kinase_domain"
    return "non_coding"
