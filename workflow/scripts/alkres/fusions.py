"""ALK fusion evidence from DNA reads: split reads, soft clips and discordant pairs around ALK
intron 19, clustered into junctions with orientation, counted once per fragment.

A junction joins ALK at ``alk_pos`` to a partner at ``partner_pos``. Each side keeps either the
bases at and below its position ("left", the junction follows the position) or at and above it
("right"). EML4-ALK from inv(2) keeps ALK <= a and EML4 <= e (left/left, Delly's ``3to3``); its
reciprocal junction keeps ALK >= a+1 and EML4 >= e+1 (right/right, ``5to5``).

Evidence, read by read (duplicates, secondary, QC-failed and low-MAPQ records skipped):

* split: a record in the window with a supplementary alignment (SA tag) outside it;
* clip: a soft clip of at least ``min_clip`` bases whose sequence is found, in either
  orientation, next to a candidate partner position (so BAMs without supplementary alignments
  still give precise breakpoints);
* discordant: a primary read in the window whose mate maps elsewhere.

Fragments carrying the junction are compared with fragments that span the ALK breakpoint
unchanged (proper pairs whose insert covers it), which gives the junction's fraction.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pysam

from alkres.transcript import Transcript, reverse_complement

SIDES = ("left", "right")
CT_OF_SIDE = {"left": "3", "right": "5"}  # Delly's connection type of a kept side
_CIGAR_REFERENCE_OPS = set("MDN=X")
_CIGAR_ITEM = re.compile(r"(\d+)([MIDNSHP=X])")


@dataclass(frozen=True)
class FusionSettings:
    """Read filters, clustering and calling thresholds (config ``fusions``)."""

    min_mapping_quality: int = 20
    min_clip: int = 20
    # Pairs further apart than this (or on another contig) are discordant.
    max_insert: int = 1000
    # Evidence whose breakpoints lie this close together is one junction.
    cluster_distance: int = 1000
    # Bases a fragment must reach past the breakpoint on each side to span it unchanged.
    span_anchor: int = 10
    # Bases searched around ALK exons 20-19 and intron 19.
    window_margin: int = 300
    min_supporting_fragments: int = 2
    min_fraction: float = 0.001
    # A negative is confident when the depth gives required_power to see limit_fraction.
    limit_fraction: float = 0.05
    required_power: float = 0.95
    skip_duplicates: bool = True
    # A caller's junction within this distance of alkres's (on both sides) is the same one.
    caller_match_distance: int = 150

    @classmethod
    def from_config(cls, section: dict) -> FusionSettings:
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in section.items() if key in known})


@dataclass(frozen=True)
class Window:
    """Where ALK breakpoints are searched: ALK exon 20 to exon 19 with intron 19, plus margin."""

    chrom: str
    start: int
    end: int
    intron_start: int
    intron_end: int

    def contains(self, chrom: str, pos: int) -> bool:
        return chrom == self.chrom and self.start <= pos <= self.end


def breakpoint_window(alk: Transcript, margin: int, intron: int = 19) -> Window:
    """ALK intron ``intron`` with the exons on each side (minus strand: exon n+1 lies below)."""
    exons = {exon.number: exon for exon in alk.exons}
    low_exon, high_exon = (
        (exons[intron + 1], exons[intron]) if alk.strand < 0 else (exons[intron], exons[intron + 1])
    )
    return Window(
        chrom=alk.chrom,
        start=max(1, low_exon.start - margin),
        end=high_exon.end + margin,
        intron_start=low_exon.end + 1,
        intron_end=high_exon.start - 1,
    )


@dataclass(frozen=True)
class JunctionRead:
    """One read's (or one pair's) view of a junction."""

    fragment: str
    kind: str  # "split" | "clip" | "discordant"
    alk_pos: int  # exact for split and clip; the read end nearest the junction for discordant
    alk_side: str
    partner_chrom: str
    partner_pos: int
    partner_side: str

    @property
    def precise(self) -> bool:
        return self.kind != "discordant"


@dataclass(frozen=True)
class Clip:
    """A soft clip at an ALK position, waiting for its partner to be found by sequence."""

    fragment: str
    alk_pos: int
    alk_side: str
    sequence: str


@dataclass
class ReadPass:
    """What one pass over the window's reads collected."""

    junction_reads: list[JunctionRead] = field(default_factory=list)
    clips: list[Clip] = field(default_factory=list)
    # name, start and end of each fragment that is a proper pair, for spanning counts
    fragment_names: list[str] = field(default_factory=list)
    fragment_starts: list[int] = field(default_factory=list)
    fragment_ends: list[int] = field(default_factory=list)
    # fragments with a read clipped or split: their insert does not show an unchanged breakpoint
    rearranged_fragments: set[str] = field(default_factory=set)
    records: int = 0
    duplicates_skipped: int = 0
    supplementary_records: int = 0

    def finish(self) -> None:
        keep = [name not in self.rearranged_fragments for name in self.fragment_names]
        self._starts = np.asarray(self.fragment_starts, dtype=np.int64)[keep]
        self._ends = np.asarray(self.fragment_ends, dtype=np.int64)[keep]

    def spanning(self, after: int, anchor: int) -> int:
        """Fragments covering ``after`` and ``after + 1`` unchanged, ``anchor`` bases each way."""
        first, last = after - anchor + 1, after + anchor
        return int(np.count_nonzero((self._starts <= first) & (self._ends >= last)))

    def median_spanning(self, start: int, end: int, step: int, anchor: int) -> int:
        counts = sorted(self.spanning(pos, anchor) for pos in range(start, end + 1, step))
        return counts[len(counts) // 2] if counts else 0


def cigar_reference_length(cigar: str) -> int:
    return sum(int(n) for n, op in _CIGAR_ITEM.findall(cigar) if op in _CIGAR_REFERENCE_OPS)


def cigar_clips(cigar: str) -> tuple[int, int]:
    items = _CIGAR_ITEM.findall(cigar)
    leading = int(items[0][0]) if items and items[0][1] in "SH" else 0
    trailing = int(items[-1][0]) if items and items[-1][1] in "SH" else 0
    return leading, trailing


def junction_end(start: int, reference_length: int, leading: int, trailing: int) -> tuple[int, str]:
    """Breakpoint and kept side of an aligned segment: the junction lies at its larger clip."""
    if trailing >= leading:
        return start + reference_length - 1, "left"
    return start, "right"


def parse_sa(tag: str) -> list[tuple[str, int, str, str, int]]:
    """SA:Z entries as (chrom, 1-based pos, strand, cigar, mapq)."""
    entries = []
    for entry in tag.rstrip(";").split(";"):
        if entry:
            chrom, pos, strand, cigar, mapq, _ = entry.split(",")
            entries.append((chrom, int(pos), strand, cigar, int(mapq)))
    return entries


def collect_reads(
    alignment: pysam.AlignmentFile, window: Window, settings: FusionSettings
) -> ReadPass:
    """One pass over the reads of the window (and the pairs reaching into it)."""
    collected = ReadPass()
    fetch_start = max(0, window.start - 1 - settings.max_insert)
    for read in alignment.fetch(window.chrom, fetch_start, window.end):
        if read.is_unmapped or read.is_secondary or read.is_qcfail:
            continue
        collected.records += 1
        if read.is_duplicate and settings.skip_duplicates:
            collected.duplicates_skipped += 1
            continue
        if read.mapping_quality < settings.min_mapping_quality:
            continue
        if read.is_supplementary:
            collected.supplementary_records += 1
        start, end = read.reference_start + 1, read.reference_end
        has_sa = read.has_tag("SA")
        if (
            not read.is_supplementary
            and read.is_proper_pair
            and not has_sa
            and read.template_length > 0
        ):
            collected.fragment_names.append(read.query_name)
            collected.fragment_starts.append(start)
            collected.fragment_ends.append(start + read.template_length - 1)
        if end < window.start or start > window.end:
            continue
        _junction_evidence(read, start, end, has_sa, window, settings, collected)
    collected.finish()
    return collected


def _junction_evidence(read, start, end, has_sa, window, settings, collected) -> None:
    cigar = read.cigartuples or []
    leading = cigar[0][1] if cigar and cigar[0][0] in (4, 5) else 0
    trailing = cigar[-1][1] if cigar and cigar[-1][0] in (4, 5) else 0
    name = read.query_name
    if has_sa or max(leading, trailing) >= settings.min_clip:
        collected.rearranged_fragments.add(name)
    if has_sa and max(leading, trailing) >= settings.min_clip:
        alk_pos, alk_side = junction_end(start, end - start + 1, leading, trailing)
        for chrom, pos, _strand, sa_cigar, mapq in parse_sa(read.get_tag("SA")):
            if mapq < settings.min_mapping_quality:
                continue
            sa_leading, sa_trailing = cigar_clips(sa_cigar)
            partner_pos, partner_side = junction_end(
                pos, cigar_reference_length(sa_cigar), sa_leading, sa_trailing
            )
            if window.contains(chrom, partner_pos):
                continue  # both ends in ALK intron 19: a deletion or duplication, not a fusion
            collected.junction_reads.append(
                JunctionRead(name, "split", alk_pos, alk_side, chrom, partner_pos, partner_side)
            )
    elif max(leading, trailing) >= settings.min_clip and read.query_sequence:
        sequence = read.query_sequence
        if trailing >= leading and cigar[-1][0] == 4:
            collected.clips.append(Clip(name, end, "left", sequence[len(sequence) - trailing :]))
        elif leading > trailing and cigar[0][0] == 4:
            collected.clips.append(Clip(name, start, "right", sequence[:leading]))
    if (
        read.is_paired
        and not read.is_supplementary
        and not read.mate_is_unmapped
        and read.next_reference_name is not None
    ):
        mate_chrom, mate_start = read.next_reference_name, read.next_reference_start + 1
        far = mate_chrom != read.reference_name or abs(mate_start - start) > settings.max_insert
        if far and not window.contains(mate_chrom, mate_start):
            if read.has_tag("MQ") and read.get_tag("MQ") < settings.min_mapping_quality:
                return
            mate_length = (
                cigar_reference_length(read.get_tag("MC"))
                if read.has_tag("MC")
                else read.query_length
            )
            alk_pos, alk_side = (start, "right") if read.is_reverse else (end, "left")
            partner_pos, partner_side = (
                (mate_start, "right")
                if read.mate_is_reverse
                else (mate_start + mate_length - 1, "left")
            )
            collected.junction_reads.append(
                JunctionRead(
                    name, "discordant", alk_pos, alk_side, mate_chrom, partner_pos, partner_side
                )
            )


@dataclass(frozen=True)
class SearchRegion:
    chrom: str
    start: int
    sequence: str  # upper case, plus strand, from start


def candidate_regions(
    reads: Sequence[JunctionRead],
    extra: Iterable[tuple[str, int, int]],
    fasta: pysam.FastaFile,
    flank: int,
) -> list[SearchRegion]:
    """Reference stretches where clipped sequence is looked for: around the partner ends seen in
    split reads and discordant pairs, and the bundled partner genes."""
    spans = [(r.partner_chrom, r.partner_pos - flank, r.partner_pos + flank) for r in reads]
    spans += list(extra)
    lengths = dict(zip(fasta.references, fasta.lengths, strict=True))
    merged: list[list] = []
    for chrom, start, end in sorted((c, max(1, s), e) for c, s, e in spans if c in lengths):
        end = min(end, lengths[chrom])
        if start > end:
            continue  # beyond the end of a shortened contig
        if merged and merged[-1][0] == chrom and start <= merged[-1][2] + 1:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([chrom, start, end])
    return [
        SearchRegion(chrom, start, fasta.fetch(chrom, start - 1, end).upper())
        for chrom, start, end in merged
    ]


def _mismatches(a: str, b: str) -> int:
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)


def resolve_clip(
    clip: Clip, regions: Sequence[SearchRegion], window: Window, seed: int = 20
) -> JunctionRead | None:
    """Find where a clip's bases sit in the partner regions, in both orientations.

    With ALK kept "left" the clip follows ALK in the read: an inverted partner kept left reads
    as the reverse complement of partner[..e], a partner kept right as partner[e..]. With ALK
    kept "right" the clip precedes ALK: partner[..e] (kept left) or its inversion (kept right).
    The seed is the clip's part next to the junction, where base quality is best.
    """
    sequence = clip.sequence.upper()
    if len(sequence) < seed or "N" in sequence[:seed] + sequence[-seed:]:
        return None
    hits = []
    for partner_side in SIDES:
        inverted = partner_side == clip.alk_side
        oriented = reverse_complement(sequence) if inverted else sequence
        probe = oriented[-seed:] if partner_side == "left" else oriented[:seed]
        for region in regions:
            found = region.sequence.find(probe)
            while found != -1:
                if partner_side == "left":
                    partner_pos = region.start + found + seed - 1
                    reference = region.sequence[max(0, found + seed - len(oriented)) : found + seed]
                    query = oriented[len(oriented) - len(reference) :]
                else:
                    partner_pos = region.start + found
                    reference = region.sequence[found : found + len(oriented)]
                    query = oriented[: len(reference)]
                if not window.contains(region.chrom, partner_pos) and _mismatches(
                    reference, query
                ) <= 0.1 * len(query):
                    hits.append((region.chrom, partner_pos, partner_side))
                found = region.sequence.find(probe, found + 1)
    if len(hits) != 1:
        return None  # unplaced or ambiguous
    chrom, partner_pos, partner_side = hits[0]
    return JunctionRead(
        clip.fragment, "clip", clip.alk_pos, clip.alk_side, chrom, partner_pos, partner_side
    )


@dataclass
class Junction:
    """One clustered junction with its evidence."""

    alk_chrom: str
    alk_pos: int
    alk_side: str
    partner_chrom: str
    partner_pos: int
    partner_side: str
    precise: bool
    split_fragments: set[str] = field(default_factory=set)
    discordant_fragments: set[str] = field(default_factory=set)
    spanning_fragments: int = 0

    @property
    def orientation(self) -> str:
        return f"{CT_OF_SIDE[self.alk_side]}to{CT_OF_SIDE[self.partner_side]}"

    @property
    def supporting_fragments(self) -> int:
        return len(self.split_fragments | self.discordant_fragments)

    @property
    def fraction(self) -> float:
        total = self.supporting_fragments + self.spanning_fragments
        return self.supporting_fragments / total if total else 0.0

    @property
    def junction_after(self) -> int:
        """The ALK base after which the junction lies (kept side left: the breakpoint itself)."""
        return self.alk_pos if self.alk_side == "left" else self.alk_pos - 1


def _linkage(reads: list[JunctionRead], distance: int) -> list[list[JunctionRead]]:
    """Single-linkage clusters of reads with the same sides and partner contig."""
    groups: dict[tuple, list[JunctionRead]] = {}
    for read in reads:
        groups.setdefault((read.alk_side, read.partner_chrom, read.partner_side), []).append(read)
    clusters = []
    for members in groups.values():
        members.sort(key=lambda r: (r.partner_pos, r.alk_pos))
        current = [members[0]]
        for read in members[1:]:
            last = current[-1]
            if (
                read.partner_pos - last.partner_pos <= distance
                and abs(read.alk_pos - last.alk_pos) <= distance
            ):
                current.append(read)
            else:
                clusters.append(current)
                current = [read]
        clusters.append(current)
    return clusters


def _discordant_fits(read: JunctionRead, junction: Junction, reach: int) -> bool:
    """A discordant pair supports a junction when both reads lie on the kept sides, within a
    fragment's reach of the breakpoints."""
    if (read.alk_side, read.partner_chrom, read.partner_side) != (
        junction.alk_side,
        junction.partner_chrom,
        junction.partner_side,
    ):
        return False

    def kept(pos: int, breakpoint: int, side: str) -> bool:
        offset = breakpoint - pos if side == "left" else pos - breakpoint
        return -20 <= offset <= reach

    return kept(read.alk_pos, junction.alk_pos, junction.alk_side) and kept(
        read.partner_pos, junction.partner_pos, junction.partner_side
    )


def cluster_junctions(
    reads: Sequence[JunctionRead], window: Window, settings: FusionSettings
) -> list[Junction]:
    """Precise junctions from split and clip reads; discordant pairs join the junction they fit,
    the rest form imprecise junctions of their own."""
    precise = [r for r in reads if r.precise]
    discordant = [r for r in reads if not r.precise]
    junctions = []
    for members in _linkage(precise, settings.cluster_distance) if precise else []:
        alk_pos = Counter(r.alk_pos for r in members).most_common(1)[0][0]
        partner_pos = Counter(r.partner_pos for r in members).most_common(1)[0][0]
        first = members[0]
        junction = Junction(
            window.chrom, alk_pos, first.alk_side, first.partner_chrom, partner_pos,
            first.partner_side, precise=True,
        )  # fmt: skip
        junction.split_fragments = {r.fragment for r in members}
        junctions.append(junction)
    reach = settings.max_insert
    unplaced = []
    for read in discordant:
        fits = [j for j in junctions if _discordant_fits(read, j, reach)]
        if fits:
            fits[0].discordant_fragments.add(read.fragment)
        else:
            unplaced.append(read)
    for members in _linkage(unplaced, settings.cluster_distance) if unplaced else []:
        first = members[0]

        # The read ends nearest the junction bound the breakpoint.
        def nearest(positions: list[int], side: str) -> int:
            return max(positions) if side == "left" else min(positions)

        junction = Junction(
            window.chrom,
            nearest([r.alk_pos for r in members], first.alk_side),
            first.alk_side,
            first.partner_chrom,
            nearest([r.partner_pos for r in members], first.partner_side),
            first.partner_side,
            precise=False,
        )
        junction.discordant_fragments = {r.fragment for r in members}
        junctions.append(junction)
    return junctions


def gather_junctions(
    alignment: pysam.AlignmentFile,
    fasta: pysam.FastaFile,
    window: Window,
    settings: FusionSettings,
    partner_spans: Iterable[tuple[str, int, int]] = (),
) -> tuple[list[Junction], ReadPass]:
    """Every junction with one end in the window, with fragment counts and spanning depth."""
    collected = collect_reads(alignment, window, settings)
    regions = candidate_regions(
        collected.junction_reads, partner_spans, fasta, flank=settings.max_insert + 500
    )
    reads = list(collected.junction_reads)
    for clip in collected.clips:
        resolved = resolve_clip(clip, regions, window)
        if resolved is not None:
            reads.append(resolved)
    junctions = cluster_junctions(reads, window, settings) if reads else []
    for junction in junctions:
        junction.spanning_fragments = collected.spanning(
            junction.junction_after, settings.span_anchor
        )
    junctions.sort(key=lambda j: (-j.supporting_fragments, j.alk_pos, j.partner_pos))
    return junctions, collected


def detection_power(fragments: int, fraction: float, min_support: int) -> float:
    """P(at least ``min_support`` of ``fragments`` carry a junction present at ``fraction``)."""
    if fragments <= 0:
        return 0.0
    below = sum(
        math.comb(fragments, k) * fraction**k * (1 - fraction) ** (fragments - k)
        for k in range(min(min_support, fragments + 1))
    )
    return max(0.0, 1.0 - below)


def fragments_needed(fraction: float, min_support: int, power: float, limit: int = 100_000) -> int:
    """The fewest spanning fragments that give ``power`` to see ``min_support`` junction fragments."""
    low, high = min_support, min_support
    while detection_power(high, fraction, min_support) < power:
        high *= 2
        if high > limit:
            return limit
    while low < high:
        middle = (low + high) // 2
        if detection_power(middle, fraction, min_support) >= power:
            high = middle
        else:
            low = middle + 1
    return low


def is_called(junction: Junction, settings: FusionSettings) -> bool:
    return (
        junction.supporting_fragments >= settings.min_supporting_fragments
        and junction.fraction >= settings.min_fraction
    )


def call_junctions(
    junctions: Sequence[Junction], settings: FusionSettings
) -> tuple[list[bool], dict[int, Junction]]:
    """Which junctions are called, and each one's reciprocal. The two junctions of a balanced
    inversion are one event: their fragments (each once) count together towards the thresholds."""
    reciprocals = pair_reciprocals(junctions, settings.cluster_distance)
    called = []
    for index, junction in enumerate(junctions):
        reciprocal = reciprocals.get(index)
        if reciprocal is None:
            called.append(is_called(junction, settings))
            continue
        fragments = (
            junction.split_fragments
            | junction.discordant_fragments
            | reciprocal.split_fragments
            | reciprocal.discordant_fragments
        )
        spanning = max(junction.spanning_fragments, reciprocal.spanning_fragments)
        fraction = len(fragments) / (len(fragments) + spanning) if fragments else 0.0
        called.append(
            len(fragments) >= settings.min_supporting_fragments
            and fraction >= settings.min_fraction
        )
    return called, reciprocals


def pair_reciprocals(junctions: Sequence[Junction], distance: int) -> dict[int, Junction]:
    """For each junction (by index), the opposite-orientation junction of the same inversion:
    sides flipped, both breakpoints within ``distance``."""
    opposite = {"left": "right", "right": "left"}
    pairs = {}
    for index, junction in enumerate(junctions):
        for other in junctions:
            if (
                other is not junction
                and other.alk_side == opposite[junction.alk_side]
                and other.partner_side == opposite[junction.partner_side]
                and other.partner_chrom == junction.partner_chrom
                and abs(other.alk_pos - junction.alk_pos) <= distance
                and abs(other.partner_pos - junction.partner_pos) <= distance
            ):
                pairs[index] = other
                break
    return pairs
