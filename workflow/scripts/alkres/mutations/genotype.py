"""Codon-aware hotspot genotyping: what does each DNA fragment say the amino acid is?

A per-base caller sees a two-base change (GGA>AGC) as two unrelated SNVs and names neither
correctly. Here each fragment's own bases over the whole codon are translated, so every
nucleotide route to the same amino acid counts together, and catalogued in-frame indels are
matched at the protein level, so every equivalent alignment of G1202del counts as G1202del.
A read pair is one fragment: it is counted once, and not at all where its mates disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pysam

from alkres.defaults import section_defaults
from alkres.knowledge.transcript import Transcript, reverse_complement, translate

INDEL_WINDOW_CODONS = 3  # codons each side of a catalogued indel, so every alignment of it fits
OTHER_INDEL = "indel"  # a fragment with a non-catalogued indel inside the codon


_HOTSPOT_DEFAULTS = section_defaults("hotspots")  # the schema's, the one place


@dataclass(frozen=True)
class ReadFilters:
    min_mapping_quality: int = _HOTSPOT_DEFAULTS["min_mapping_quality"]
    min_base_quality: int = _HOTSPOT_DEFAULTS["min_base_quality"]
    skip_duplicates: bool = _HOTSPOT_DEFAULTS["skip_duplicates"]
    skip_secondary: bool = _HOTSPOT_DEFAULTS["skip_secondary"]
    skip_supplementary: bool = _HOTSPOT_DEFAULTS["skip_supplementary"]
    skip_qc_fail: bool = _HOTSPOT_DEFAULTS["skip_qc_fail"]


@dataclass(frozen=True)
class CatalogueIndel:
    """An in-frame indel known at protein level: G1202del or T1151dup."""

    alteration: str
    codon: int
    kind: str  # "deletion" | "duplication"


@dataclass(frozen=True)
class Site:
    """Something to genotype: a codon (alleles = amino acids), a catalogued indel window, or
    a region or splice site where any change of one kind counts (alleles = named changes)."""

    key: str  # "G1202", "G1202del"; other genes' sites carry the gene: "KRAS G12"
    codon: int
    positions: tuple[int, ...]  # genomic span read from each fragment, low to high
    reference_peptide: str
    mutant_peptide: str = ""  # catalogued indels only
    kind: str = "codon"  # codon | indel | region | splice
    # region and splice sites: the genomic span scanned for changes (low, high), the span a
    # read must cover to be informative without one, and the bases where a substitution counts
    window: tuple[int, int] = (0, 0)
    anchor: tuple[int, int] = (0, 0)
    substitution_positions: tuple[int, ...] = ()

    @property
    def is_indel(self) -> bool:
        return self.kind != "codon" or bool(self.mutant_peptide)

    @property
    def label(self) -> str:
        """The key without its gene: "G12" for "KRAS G12"."""
        return site_label(self.key)


def site_label(key: str) -> str:
    """A site key without its gene ("KRAS G12" -> "G12"); ALK keys have none ("G1202")."""
    return key.split(" ", 1)[1] if " " in key else key


@dataclass
class SiteCounts:
    """Fragments per allele at one site, with the strands they were read on."""

    depth: int = 0
    alleles: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    forward: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reverse: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # allele -> coding-strand bases -> fragments: which nucleotide routes gave the allele
    routes: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )


def codon_site(transcript: Transcript, codon: int, gene_prefix: str = "") -> Site:
    """The site of one codon; ``gene_prefix`` ("KRAS") keys it apart from other genes'."""
    positions = tuple(sorted(transcript.codon_positions(codon)))
    ref_aa = transcript.protein[codon - 1]
    key = f"{ref_aa}{codon}"
    return Site(f"{gene_prefix} {key}" if gene_prefix else key, codon, positions, ref_aa)


# A read is informative at a region or splice site without a change when it covers this many
# bases on each side of the site's centre (a whole 99-base exon would keep few reads).
ANCHOR_FLANK = 10
# Splice sites: the canonical dinucleotide, and the span scanned for deletions that remove it.
SPLICE_WINDOW = 40


def region_site(transcript: Transcript, key: str, first: int, last: int) -> Site:
    """Codons ``first``..``last`` (an exon 19 deletion region): any in-frame change there of
    the kind the key names counts; a read covering the region's centre is informative."""
    positions = sorted(p for codon in (first, last) for p in transcript.codon_positions(codon))
    low, high = positions[0], positions[-1]
    centre = (low + high) // 2
    return Site(
        key, first, (low, high), transcript.protein[first - 1 : last], kind="region",
        window=(low, high), anchor=(centre - ANCHOR_FLANK, centre + ANCHOR_FLANK),
    )  # fmt: skip


def splice_sites(transcript: Transcript, key: str, codon: int) -> list[Site]:
    """The acceptor and the donor of the exon holding ``codon``'s first base (MET exon 14 for
    codon 1010): a substitution of a canonical dinucleotide, or a deletion reaching it or
    crossing the exon's edge, counts."""
    first_base = transcript.codon_positions(codon)[0]
    number = transcript.exon_of(first_base)
    exon = next(e for e in transcript.exons if e.number == number)
    sites = []
    for side in ("acceptor", "donor"):
        upstream = (side == "acceptor") == (transcript.strand > 0)
        if upstream:  # the intron lies below the exon's start
            dinucleotide = (exon.start - 2, exon.start - 1)
            edge = exon.start
        else:
            dinucleotide = (exon.end + 1, exon.end + 2)
            edge = exon.end
        low, high = edge - SPLICE_WINDOW, edge + SPLICE_WINDOW
        sites.append(
            Site(
                f"{key} ({side})",
                codon,
                (low, high),
                "",
                kind="splice",
                window=(low, high),
                anchor=(edge - ANCHOR_FLANK, edge + ANCHOR_FLANK),
                substitution_positions=dinucleotide,
            )  # fmt: skip
        )
    return sites


def indel_site(transcript: Transcript, indel: CatalogueIndel) -> Site:
    """A window of whole codons around the indel (kept inside its exon, since the read's bases
    are translated as one piece), with its wild-type and mutant peptides."""
    exon = transcript.exon_of(transcript.codon_positions(indel.codon)[0])

    def in_exon(codon: int) -> bool:
        return 1 <= codon <= len(transcript.protein) and all(
            transcript.exon_of(p) == exon for p in transcript.codon_positions(codon)
        )

    first = indel.codon
    while first > indel.codon - INDEL_WINDOW_CODONS and in_exon(first - 1):
        first -= 1
    last = indel.codon
    while last < indel.codon + INDEL_WINDOW_CODONS and in_exon(last + 1):
        last += 1
    positions = sorted(
        p for codon in range(first, last + 1) for p in transcript.codon_positions(codon)
    )
    reference = transcript.protein[first - 1 : last]
    offset = indel.codon - first
    if indel.kind == "deletion":
        mutant = reference[:offset] + reference[offset + 1 :]
    elif indel.kind == "duplication":
        mutant = reference[: offset + 1] + reference[offset] + reference[offset + 1 :]
    else:
        raise ValueError(f"{indel.alteration}: unknown indel kind {indel.kind}")
    return Site(
        indel.alteration, indel.codon, (positions[0], positions[-1]), reference, mutant, "indel"
    )


def aligned_positions(read: pysam.AlignedSegment) -> dict[int, int]:
    """0-based reference position -> query position, for bases aligned as match/mismatch."""
    return {ref_pos: query_pos for query_pos, ref_pos in read.get_aligned_pairs(matches_only=True)}


def read_segment(
    read: pysam.AlignedSegment,
    positions: dict[int, int],
    start: int,
    end: int,
    min_base_quality: int,
) -> str | None:
    """The read's bases aligned from genomic ``start`` to ``end`` (1-based, inclusive), with any
    insertions between them; None if the read does not align both ends or a base is too poor."""
    query_start = positions.get(start - 1)
    query_end = positions.get(end - 1)
    if query_start is None or query_end is None or query_end < query_start:
        return None
    qualities = read.query_qualities
    if qualities is not None and min(qualities[query_start : query_end + 1]) < min_base_quality:
        return None
    return read.query_sequence[query_start : query_end + 1]


def observe(site: Site, segment: str, strand: int) -> tuple[str, str] | None:
    """(allele, coding-strand bases) a fragment's segment shows at a site."""
    coding = reverse_complement(segment) if strand < 0 else segment
    if site.is_indel:
        peptide = translate(coding) if len(coding) % 3 == 0 else ""
        if peptide == site.mutant_peptide:
            return site.key, coding
        if peptide == site.reference_peptide:
            return "ref", coding
        return None  # another change in the window: not evidence for or against the indel
    if len(coding) != 3:
        return OTHER_INDEL, coding
    return translate(coding), coding


def passes_filters(read: pysam.AlignedSegment, filters: ReadFilters) -> bool:
    if read.is_unmapped or read.mapping_quality < filters.min_mapping_quality:
        return False
    if filters.skip_duplicates and read.is_duplicate:
        return False
    if filters.skip_secondary and read.is_secondary:
        return False
    if filters.skip_supplementary and read.is_supplementary:
        return False
    return not (filters.skip_qc_fail and read.is_qcfail)


# CIGAR operations that keep read and reference in step (M, =, X) or only clip (S, H).
_GAPLESS_OPERATIONS = frozenset((0, 4, 5, 7, 8))


def gapless_offset(read: pysam.AlignedSegment) -> int | None:
    """Query position minus 0-based reference position, for a read aligned without insertions,
    deletions or skips (most reads); None otherwise."""
    cigar = read.cigartuples
    if not cigar or any(operation not in _GAPLESS_OPERATIONS for operation, _ in cigar):
        return None
    clipped = cigar[0][1] if cigar[0][0] == 4 else 0
    if cigar[0][0] == 5 and len(cigar) > 1 and cigar[1][0] == 4:
        clipped = cigar[1][1]
    return clipped - read.reference_start


def fragment_observations(
    alignment: pysam.AlignmentFile,
    chrom: str,
    sites: Sequence[Site],
    strand: int,
    filters: ReadFilters,
) -> dict[str, dict[str, tuple[str, str, str]]]:
    """{fragment: {site key: (allele, strands, bases)}} for the sites, each fragment counted once.

    Sites are grouped into regions so that each read is fetched once; mates that disagree at a
    site leave the fragment uninformative there.
    """
    fragments: dict[str, dict[str, tuple[str, str, str]]] = defaultdict(dict)
    conflicts: set[tuple[str, str]] = set()
    # The same few segments recur in thousands of reads: translate each once per site.
    observed: dict[tuple[str, str], tuple[str, str] | None] = {}
    for region_sites in group_sites(sites):
        start = min(site.positions[0] for site in region_sites)
        end = max(site.positions[-1] for site in region_sites)
        for read in alignment.fetch(chrom, start - 1, end):
            if not passes_filters(read, filters):
                continue
            read_strand = "-" if read.is_reverse else "+"
            positions = None
            offset = gapless_offset(read)
            sequence = qualities = None
            for site in region_sites:
                if (
                    read.reference_start >= site.positions[0]
                    or read.reference_end < site.positions[-1]
                ):
                    continue
                if offset is None:
                    if positions is None:
                        positions = aligned_positions(read)
                    segment = read_segment(
                        read,
                        positions,
                        site.positions[0],
                        site.positions[-1],
                        filters.min_base_quality,
                    )
                else:
                    # Same result as read_segment, without mapping every base of the read.
                    if sequence is None:
                        sequence, qualities = read.query_sequence, read.query_qualities
                    query_start = site.positions[0] - 1 + offset
                    query_end = site.positions[-1] - 1 + offset
                    segment = sequence[query_start : query_end + 1]
                    if (
                        qualities is not None
                        and min(qualities[query_start : query_end + 1]) < filters.min_base_quality
                    ):
                        segment = None
                if segment is None:
                    continue
                cache_key = (site.key, segment)
                if cache_key in observed:
                    observation = observed[cache_key]
                else:
                    observation = observed[cache_key] = observe(site, segment, strand)
                if observation is None:
                    continue
                allele, bases = observation
                _record(fragments, conflicts, read.query_name, site.key, allele, read_strand,
                        bases)  # fmt: skip
    return fragments


# (VCF pos, ref, alt) of a change a read shows -> (allele, route) it counts as at a site, or
# None where it is no change of the site's kind (then the read shows OTHER_INDEL there).
EventNamer = Callable[[Site, int, str, str], "tuple[str, str] | None"]
ReferenceBases = Callable[[int, int], str]  # 1-based inclusive span -> plus-strand bases


def read_changes(
    read: pysam.AlignedSegment, site: Site, reference: ReferenceBases, min_base_quality: int
) -> list[tuple[int, str, str]]:
    """The deletions and insertions a read shows within a site's window, and its substitutions
    at the site's substitution positions, as VCF (pos, ref, alt) on the plus strand."""
    low, high = site.window
    changes = []
    ref_pos = read.reference_start  # 0-based
    query_pos = 0
    for operation, length in read.cigartuples or ():
        if operation in (0, 7, 8):
            ref_pos += length
            query_pos += length
        elif operation == 1:  # insertion before 0-based ref_pos
            if low <= ref_pos <= high:
                anchor = reference(ref_pos, ref_pos)
                inserted = read.query_sequence[query_pos : query_pos + length]
                changes.append((ref_pos, anchor, anchor + inserted))
            query_pos += length
        elif operation == 2:  # deletion of 0-based ref_pos .. ref_pos + length - 1
            if ref_pos + length >= low and ref_pos + 1 <= high:
                changes.append(
                    (ref_pos, reference(ref_pos, ref_pos + length), reference(ref_pos, ref_pos))
                )
            ref_pos += length
        elif operation == 3:
            ref_pos += length
        elif operation == 4:
            query_pos += length
    if site.substitution_positions:
        qualities = read.query_qualities
        for query, ref in read.get_aligned_pairs(matches_only=True):
            if ref + 1 in site.substitution_positions:
                base = read.query_sequence[query]
                expected = reference(ref + 1, ref + 1)
                quality_ok = qualities is None or qualities[query] >= min_base_quality
                if base != expected and base != "N" and quality_ok:
                    changes.append((ref + 1, expected, base))
    return changes


def _record(
    fragments: dict, conflicts: set, name: str, key: str, allele: str, strand: str, bases: str
) -> None:
    """One read's observation at a site, merged with its mate's: mates that disagree leave the
    fragment uninformative there."""
    seen = fragments[name].get(key)
    if seen is None and (name, key) not in conflicts:
        fragments[name][key] = (allele, strand, bases)
    elif seen is not None and seen[0] == allele:
        strands = seen[1] if strand in seen[1] else seen[1] + strand
        fragments[name][key] = (allele, strands, seen[2])
    elif seen is not None:
        conflicts.add((name, key))
        del fragments[name][key]


def change_observations(
    alignment: pysam.AlignmentFile,
    chrom: str,
    sites: Sequence[Site],
    filters: ReadFilters,
    name_change: EventNamer,
    reference: ReferenceBases,
) -> dict[str, dict[str, tuple[str, str, str]]]:
    """{fragment: {site key: (allele, strands, route)}} at region and splice sites: a read
    showing a change of the site's kind counts for it (named by ``name_change``), a read
    covering the site's centre without any change is reference, and any other change makes
    the read OTHER_INDEL there."""
    fragments: dict[str, dict[str, tuple[str, str, str]]] = defaultdict(dict)
    conflicts: set[tuple[str, str]] = set()
    for site in sites:
        low, high = site.window
        for read in alignment.fetch(chrom, low - 1, high):
            if not passes_filters(read, filters):
                continue
            changes = read_changes(read, site, reference, filters.min_base_quality)
            named = [name_change(site, *change) for change in changes]
            counted = [n for n in named if n is not None]
            if counted:
                allele, bases = counted[0]
            elif changes:
                allele, bases = OTHER_INDEL, ""
            elif read.reference_start < site.anchor[0] and read.reference_end >= site.anchor[1]:
                allele, bases = "ref", ""
            else:
                continue
            strand = "-" if read.is_reverse else "+"
            _record(fragments, conflicts, read.query_name, site.key, allele, strand, bases)
    return fragments


def group_sites(sites: Sequence[Site], max_gap: int = 300) -> list[list[Site]]:
    """Sites close enough to share reads, so that their region is fetched once."""
    ordered = sorted(sites, key=lambda s: s.positions[0])
    groups: list[list[Site]] = []
    for site in ordered:
        if groups and site.positions[0] - max(s.positions[-1] for s in groups[-1]) <= max_gap:
            groups[-1].append(site)
        else:
            groups.append([site])
    return groups


def count_sites(
    fragments: dict[str, dict[str, tuple[str, str, str]]], sites: Iterable[Site]
) -> dict[str, SiteCounts]:
    counts = {site.key: SiteCounts() for site in sites}
    for observations in fragments.values():
        for key, (allele, strands, bases) in observations.items():
            site_counts = counts[key]
            site_counts.depth += 1
            site_counts.alleles[allele] += 1
            site_counts.routes[allele][bases] += 1
            if "+" in strands:
                site_counts.forward[allele] += 1
            if "-" in strands:
                site_counts.reverse[allele] += 1
    return counts


def linkage(
    fragments: dict[str, dict[str, tuple[str, str, str]]],
    first: tuple[str, str],
    second: tuple[str, str],
) -> dict[str, int]:
    """Fragments informative at both sites, by whether they carry each of two alleles.

    ``first``/``second`` are (site key, allele). Returns counts for both, first_only,
    second_only and neither.
    """
    table = {"both": 0, "first_only": 0, "second_only": 0, "neither": 0}
    for observations in fragments.values():
        if first[0] not in observations or second[0] not in observations:
            continue
        has_first = observations[first[0]][0] == first[1]
        has_second = observations[second[0]][0] == second[1]
        key = (
            "both"
            if has_first and has_second
            else "first_only"
            if has_first
            else "second_only"
            if has_second
            else "neither"
        )
        table[key] += 1
    return table
