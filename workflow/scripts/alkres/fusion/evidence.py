"""ALK fusion evidence from DNA reads: split reads, soft clips and discordant pairs around ALK
intron 19, clustered into junctions with orientation, counted once per fragment.

A junction joins ALK at ``alk_pos`` to a partner at ``partner_pos``. Each side keeps either the
bases at and below its position ("left", the junction follows the position) or at and above it
("right"). EML4-ALK from inv(2) keeps ALK <= a and EML4 <= e (left/left, Delly's ``3to3``); its
reciprocal junction keeps ALK >= a+1 and EML4 >= e+1 (right/right, ``5to5``).

The evidence is read so that it holds across aligners' conventions:

* split: a record in the window, clipped at the junction, whose other part is named by its SA
  tag. Supplementary parts (``bwa mem``) and secondary parts (``bwa mem -M``) count alike;
* clip: a soft clip of at least ``min_clip`` bases placed on the partner by its sequence. This
  is also the fallback of a split read whose SA parts are not uniquely placed. Clips that are
  adapter read-through or a single repeated base are not evidence;
* discordant: a primary read in the window whose mate maps elsewhere. The mate's mapping quality,
  its aligned end and its alternative hits (XA) are read from the mate record itself, never
  assumed from MQ/MC tags or the read length.

A partner is named only by uniquely placed support: a partner part at or above the MAPQ filter
without XA alternatives, or a clip whose sequence matches one place among every place the
aligner put any partner part. Other evidence is ambiguous. It joins the junction with the same
ALK breakpoint, and a candidate place of it beside that junction's partner sharpens the partner
breakpoint; alone it names no partner.

Distances come from the sample's own fragment lengths (``fragment_quantile`` of its proper
pairs): a discordant pair supports a junction only when its reads lie within one fragment length
of the breakpoints on the kept sides, and evidence within one fragment length of a junction
joins it, so one junction gives one row.

A locus that collects mates of ALK reads from all over the gene, stacked at one position, is a
mapping artefact, not a partner: its pairs are reported with their counts and support nothing.

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

from alkres.defaults import section_defaults
from alkres.knowledge.transcript import Transcript, reverse_complement

SIDES = ("left", "right")
CT_OF_SIDE = {"left": "3", "right": "5"}  # Delly's connection type of a kept side
_CIGAR_REFERENCE_OPS = set("MDN=X")
_CIGAR_ITEM = re.compile(r"(\d+)([MIDNSHP=X])")
SOFT_CLIP, HARD_CLIP = 4, 5
# The start of the Illumina (TruSeq) and Nextera adapters as they follow an insert in a read.
ADAPTERS = ("AGATCGGAAGAGC", "CTGTCTCTTATACACATCT")
ADAPTER_PREFIX = 10
ADAPTER_OFFSET = 12  # the adapter may start this many bases into a clip
# Fewest proper pairs from which the sample's fragment length is taken; below, max_insert.
MIN_PAIRS_FOR_FRAGMENT_LENGTH = 50


_FUSION_DEFAULTS = section_defaults("fusions")  # the schema's, the one place


@dataclass(frozen=True)
class FusionSettings:
    """Read filters, clustering and calling thresholds (config ``fusions``)."""

    min_mapping_quality: int = _FUSION_DEFAULTS["min_mapping_quality"]
    min_clip: int = _FUSION_DEFAULTS["min_clip"]
    # Pairs further apart than this (or on another contig) are discordant.
    max_insert: int = _FUSION_DEFAULTS["max_insert"]
    # Junctions of opposite orientation within this distance are one balanced inversion.
    cluster_distance: int = _FUSION_DEFAULTS["cluster_distance"]
    # Bases a fragment must reach past the breakpoint on each side to span it unchanged.
    span_anchor: int = _FUSION_DEFAULTS["span_anchor"]
    # Bases searched around ALK exons 20-19 and intron 19.
    window_margin: int = _FUSION_DEFAULTS["window_margin"]
    min_supporting_fragments: int = _FUSION_DEFAULTS["min_supporting_fragments"]
    min_fraction: float = _FUSION_DEFAULTS["min_fraction"]
    # A negative is confident when the depth gives required_power to see limit_fraction.
    limit_fraction: float = _FUSION_DEFAULTS["limit_fraction"]
    required_power: float = _FUSION_DEFAULTS["required_power"]
    skip_duplicates: bool = _FUSION_DEFAULTS["skip_duplicates"]
    # A caller's junction within this distance of alkres's (on both sides) is the same one.
    caller_match_distance: int = _FUSION_DEFAULTS["caller_match_distance"]
    # The sample's fragment length: this quantile of its proper pairs' insert sizes.
    fragment_quantile: float = _FUSION_DEFAULTS["fragment_quantile"]
    # Split and clip breakpoints this close together are the same breakpoint (microhomology).
    breakpoint_tolerance: int = _FUSION_DEFAULTS["breakpoint_tolerance"]
    # Pairs whose mates are stacked at one position while their ALK reads lie further apart
    # than a fragment: this many make the mates' locus a mapping artefact.
    artefact_min_pairs: int = _FUSION_DEFAULTS["artefact_min_pairs"]

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
class Placement:
    """Where a partner part sits: its breakpoint and the side of it that the junction keeps."""

    chrom: str
    pos: int
    side: str


@dataclass(frozen=True)
class JunctionRead:
    """One read's (or one pair's) view of a junction.

    ``partner`` is set when the partner side is uniquely placed; otherwise ``candidates`` holds
    the places it may be (possibly none) and ``ambiguity`` says why it is not placed. For a
    discordant pair, ``alk_pos``/``partner_pos`` are the read ends nearest the junction and
    ``alk_outer``/``partner_outer`` the far ends.
    """

    fragment: str
    kind: str  # "split" | "clip" | "discordant"
    alk_pos: int
    alk_side: str
    partner: Placement | None = None
    candidates: tuple[Placement, ...] = ()
    ambiguity: str = ""
    alk_outer: int = 0
    partner_outer: int = 0
    # The aligner's place for the partner part is one of several equally good ones (below the
    # MAPQ filter without listed alternatives, or a clip matching several places or none).
    arbitrary: bool = False
    # A discordant pair's mate is itself clipped (it crosses a junction): it starts where the
    # junction is, so such mates pile up at a real breakpoint; they say nothing of artefacts.
    mate_clipped: bool = False
    # A split or clip read's clipped bases (as stored), when the record holds them.
    clip_sequence: str = ""

    @property
    def precise(self) -> bool:
        return self.kind != "discordant"

    @property
    def placed(self) -> bool:
        return self.partner is not None

    @property
    def partner_chrom(self) -> str:
        return self.partner.chrom if self.partner else ""

    @property
    def partner_pos(self) -> int:
        return self.partner.pos if self.partner else 0

    @property
    def partner_side(self) -> str:
        return self.partner.side if self.partner else ""


def kept_range(inner: int, outer: int, side: str, reach: int, tolerance: int) -> tuple[int, int]:
    """The breakpoints a read is consistent with: on its kept side, within ``reach`` of its far
    end. A read kept "left" lies at and below the breakpoint: inner <= b <= outer + reach."""
    if side == "left":
        return inner - tolerance, outer + reach
    return outer - reach, inner + tolerance


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


@dataclass(frozen=True)
class Clip:
    """A soft clip at an ALK position, waiting for its partner to be found by sequence.

    ``candidates`` are the places the aligner gave the clipped part (SA parts below the MAPQ
    filter or with alternative hits), kept for a clip that sequence cannot place uniquely."""

    fragment: str
    alk_pos: int
    alk_side: str
    sequence: str
    candidates: tuple[Placement, ...] = ()
    ambiguity: str = ""
    alk_outer: int = 0  # the ALK part's far end: where the molecule starts


@dataclass(frozen=True)
class PendingSplit:
    """A split read whose SA parts wait for their records (for XA) before they are judged."""

    fragment: str
    is_read1: bool
    alk_pos: int
    alk_side: str
    parts: tuple[tuple[Placement, int, int], ...]  # (placement, SA mapq, SA pos)
    clip_sequence: str  # "" when the clip is hard
    alk_outer: int = 0  # the ALK part's far end: where the molecule starts


@dataclass(frozen=True)
class PendingPair:
    """A discordant pair whose mate record is read before it is judged."""

    fragment: str
    is_read1: bool
    alk_inner: int
    alk_outer: int
    alk_side: str
    mate_chrom: str
    mate_start: int  # 1-based
    mate_reverse: bool
    mate_quality_tag: int | None  # MQ, when the BAM has it
    mate_cigar_tag: str | None  # MC, when the BAM has it


@dataclass
class ReadPass:
    """What one pass over the window's reads collected."""

    junction_reads: list[JunctionRead] = field(default_factory=list)
    clips: list[Clip] = field(default_factory=list)
    pending_splits: list[PendingSplit] = field(default_factory=list)
    pending_pairs: list[PendingPair] = field(default_factory=list)
    # name, start and end of each fragment that is a proper pair, for spanning counts
    fragment_names: list[str] = field(default_factory=list)
    fragment_starts: list[int] = field(default_factory=list)
    fragment_ends: list[int] = field(default_factory=list)
    # fragments with a read clipped or split: their insert does not show an unchanged breakpoint
    rearranged_fragments: set[str] = field(default_factory=set)
    records: int = 0
    duplicates_skipped: int = 0
    supplementary_records: int = 0
    # split parts flagged secondary (bwa mem -M), counted as split evidence
    secondary_split_records: int = 0
    # records in the window with an SA tag: the aligner wrote split alignments
    split_records: int = 0
    adapter_clips: int = 0
    mate_tags: set[str] = field(default_factory=set)  # MC / MQ, where the BAM carries them
    umi_tags: set[str] = field(default_factory=set)  # RX / MI / ..., where reads carry them
    fragment_length: int = 0

    def finish(self, settings: FusionSettings) -> None:
        keep = [name not in self.rearranged_fragments for name in self.fragment_names]
        self._starts = np.asarray(self.fragment_starts, dtype=np.int64)[keep]
        self._ends = np.asarray(self.fragment_ends, dtype=np.int64)[keep]
        self.fragment_length = sample_fragment_length(
            self._ends - self._starts + 1, settings.fragment_quantile, settings.max_insert
        )

    def spanning(self, after: int, anchor: int) -> int:
        """Fragments covering ``after`` and ``after + 1`` unchanged, ``anchor`` bases each way."""
        first, last = after - anchor + 1, after + anchor
        return int(np.count_nonzero((self._starts <= first) & (self._ends >= last)))

    def median_spanning(self, start: int, end: int, step: int, anchor: int) -> int:
        counts = sorted(self.spanning(pos, anchor) for pos in range(start, end + 1, step))
        return counts[len(counts) // 2] if counts else 0


def sample_fragment_length(lengths: np.ndarray, quantile: float, fallback: int) -> int:
    """The ``quantile`` of the sample's proper-pair insert sizes (``fallback`` with few pairs),
    never above ``fallback``: the reach of a read from a junction."""
    if len(lengths) < MIN_PAIRS_FOR_FRAGMENT_LENGTH:
        return fallback
    return int(min(fallback, math.ceil(float(np.quantile(lengths, quantile)))))


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


def parse_xa(tag: str) -> list[tuple[str, int, str]]:
    """XA:Z alternative hits as (chrom, 1-based pos, cigar)."""
    hits = []
    for entry in tag.rstrip(";").split(";"):
        parts = entry.split(",")
        if len(parts) >= 3 and parts[1][1:].isdigit():
            hits.append((parts[0], int(parts[1][1:]), parts[2]))
    return hits


def placement_of(chrom: str, pos: int, cigar: str) -> Placement:
    """The breakpoint of an aligned partner part: at its larger clip."""
    leading, trailing = cigar_clips(cigar)
    partner_pos, side = junction_end(pos, cigar_reference_length(cigar), leading, trailing)
    return Placement(chrom, partner_pos, side)


def _mismatches(a: str, b: str) -> int:
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)


def clipped_at_fragment_end(read, start: int, end: int, trailing_clip: bool) -> bool:
    """Whether a proper pair's read is clipped where its fragment ends (its mate's outer end):
    what follows is adapter, not genome (an insert shorter than the read)."""
    if not read.is_proper_pair or read.template_length == 0:
        return False
    if trailing_clip and not read.is_reverse and read.template_length > 0:
        return abs(end - (start + read.template_length - 1)) <= 2
    if not trailing_clip and read.is_reverse and read.template_length < 0:
        return abs(start - (read.next_reference_start + 1)) <= 2
    return False


def is_artefact_clip(
    sequence: str, at_read_end: bool, reverse: bool, at_fragment_end: bool
) -> bool:
    """A clip that is not genomic: adapter read-through at the read's 3' end (adapter sequence,
    or a clip where the fragment ends), or one base repeated (e.g. NextSeq poly-G)."""
    if not sequence:
        return False
    counts = Counter(sequence.upper())
    if counts.most_common(1)[0][1] >= 0.8 * len(sequence):
        return True
    if not at_read_end:
        return False
    if at_fragment_end:
        return True
    # In read orientation the adapter follows the insert, a few bases into the clip when the
    # aligner clipped the insert's last bases too.
    oriented = reverse_complement(sequence.upper()) if reverse else sequence.upper()
    return any(
        _mismatches(oriented[offset : offset + ADAPTER_PREFIX], adapter[:ADAPTER_PREFIX]) <= 1
        for adapter in ADAPTERS
        for offset in range(0, min(ADAPTER_OFFSET, len(oriented) - ADAPTER_PREFIX) + 1)
    )


UMI_TAGS = ("RX", "MI", "BX", "cD")


def unique_by_score(read: pysam.AlignedSegment) -> bool:
    """Whether a split part's own alignment is unique by its scores: bwa caps a split part's
    MAPQ at its primary's, so the ALK part of a read whose partner part sits in a repeat gets
    MAPQ 0 however unique it is. Its best score (AS) at least twice the next best (XS) says it
    is; without both tags nothing is assumed."""
    if not (read.has_tag("AS") and read.has_tag("XS")):
        return False
    return 2 * int(read.get_tag("XS")) <= int(read.get_tag("AS"))


def collect_reads(
    alignment: pysam.AlignmentFile, window: Window, settings: FusionSettings
) -> ReadPass:
    """One pass over the reads of the window (and the pairs reaching into it)."""
    collected = ReadPass()
    fetch_start = max(0, window.start - 1 - settings.max_insert)
    for read in alignment.fetch(window.chrom, fetch_start, window.end):
        if read.is_unmapped or read.is_qcfail:
            continue
        has_sa = read.has_tag("SA")
        # bwa mem -M flags a split read's other parts secondary: they carry an SA tag. A
        # secondary record without one is an alternative placement of the whole read.
        if read.is_secondary and not has_sa:
            continue
        collected.records += 1
        if read.is_duplicate and settings.skip_duplicates:
            collected.duplicates_skipped += 1
            continue
        if read.mapping_quality < settings.min_mapping_quality and not (
            (read.is_supplementary or read.is_secondary) and unique_by_score(read)
        ):
            continue
        if read.is_supplementary:
            collected.supplementary_records += 1
        elif read.is_secondary:
            collected.secondary_split_records += 1
        primary = not (read.is_supplementary or read.is_secondary)
        collected.split_records += has_sa
        start, end = read.reference_start + 1, read.reference_end
        if primary and read.is_proper_pair and not has_sa and read.template_length > 0:
            collected.fragment_names.append(read.query_name)
            collected.fragment_starts.append(start)
            collected.fragment_ends.append(start + read.template_length - 1)
        if end < window.start or start > window.end:
            continue
        if primary and len(collected.mate_tags) < 2:
            collected.mate_tags.update(tag for tag in ("MC", "MQ") if read.has_tag(tag))
        if primary and not collected.umi_tags:
            collected.umi_tags.update(tag for tag in UMI_TAGS if read.has_tag(tag))
        _junction_evidence(read, start, end, has_sa, primary, window, settings, collected)
    collected.finish(settings)
    return collected


def _junction_evidence(read, start, end, has_sa, primary, window, settings, collected) -> None:
    cigar = read.cigartuples or []
    leading = cigar[0][1] if cigar and cigar[0][0] in (SOFT_CLIP, HARD_CLIP) else 0
    trailing = cigar[-1][1] if cigar and cigar[-1][0] in (SOFT_CLIP, HARD_CLIP) else 0
    name = read.query_name
    clip_length = max(leading, trailing)
    if has_sa or clip_length >= settings.min_clip:
        collected.rearranged_fragments.add(name)
    if clip_length >= settings.min_clip:
        alk_pos, alk_side = junction_end(start, end - start + 1, leading, trailing)
        alk_outer = start if alk_side == "left" else end
        trailing_clip = trailing >= leading
        op = cigar[-1][0] if trailing_clip else cigar[0][0]
        sequence = read.query_sequence or ""
        clip_sequence = ""
        if op == SOFT_CLIP and sequence:
            clip_sequence = (
                sequence[len(sequence) - trailing :] if trailing_clip else sequence[:leading]
            )
        # The read's 3' end is its trailing end on the forward strand, its leading end reversed.
        at_read_end = trailing_clip != read.is_reverse
        at_fragment_end = clipped_at_fragment_end(read, start, end, trailing_clip)
        if is_artefact_clip(clip_sequence, at_read_end, read.is_reverse, at_fragment_end):
            collected.adapter_clips += 1
        elif has_sa:
            parts = []
            for chrom, pos, _strand, sa_cigar, mapq in parse_sa(read.get_tag("SA")):
                placement = placement_of(chrom, pos, sa_cigar)
                if not window.contains(chrom, placement.pos):
                    parts.append((placement, mapq, pos))
            # Every part inside the window: a deletion or duplication within ALK, not a fusion.
            if parts:
                collected.pending_splits.append(
                    PendingSplit(name, read.is_read1, alk_pos, alk_side, tuple(parts),
                                 clip_sequence, alk_outer)
                )  # fmt: skip
        elif clip_sequence:
            collected.clips.append(
                Clip(name, alk_pos, alk_side, clip_sequence, alk_outer=alk_outer)
            )
    if (
        primary
        and read.is_paired
        and not read.mate_is_unmapped
        and read.next_reference_name is not None
    ):
        mate_chrom, mate_start = read.next_reference_name, read.next_reference_start + 1
        far = mate_chrom != read.reference_name or abs(mate_start - start) > settings.max_insert
        if far and not window.contains(mate_chrom, mate_start):
            alk_inner, alk_outer, alk_side = (
                (start, end, "right") if read.is_reverse else (end, start, "left")
            )
            collected.pending_pairs.append(
                PendingPair(
                    name, read.is_read1, alk_inner, alk_outer, alk_side, mate_chrom, mate_start,
                    read.mate_is_reverse,
                    read.get_tag("MQ") if read.has_tag("MQ") else None,
                    read.get_tag("MC") if read.has_tag("MC") else None,
                )
            )  # fmt: skip


@dataclass
class PartnerRecords:
    """Records read at the partner loci: the mates and split parts of the window's evidence,
    and every read there whose mate lies in ALK (for the artefact check)."""

    by_key: dict[tuple[str, bool, int], pysam.AlignedSegment] = field(default_factory=dict)
    # (chrom, pos, strand) of reads at a partner locus with their mate in the ALK gene: mate pos
    alk_mates: list[tuple[str, int, int]] = field(default_factory=list)

    def mate(self, pair: PendingPair) -> pysam.AlignedSegment | None:
        return self.by_key.get((pair.fragment, not pair.is_read1, pair.mate_start))

    def part(self, split: PendingSplit, pos: int) -> pysam.AlignedSegment | None:
        return self.by_key.get((split.fragment, split.is_read1, pos))


def _merge_spans(spans: Iterable[tuple[str, int, int]], gap: int) -> list[tuple[str, int, int]]:
    merged: list[list] = []
    for chrom, start, end in sorted(spans):
        if merged and merged[-1][0] == chrom and start <= merged[-1][2] + gap:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([chrom, start, end])
    return [tuple(span) for span in merged]


def read_partner_records(
    alignment: pysam.AlignmentFile,
    collected: ReadPass,
    window: Window,
    gene_span: tuple[int, int],
    reach: int,
) -> PartnerRecords:
    """One fetch per partner locus (mates and SA parts, padded by a fragment length)."""
    wanted: set[tuple[str, bool, int]] = set()
    spans = []
    for pair in collected.pending_pairs:
        wanted.add((pair.fragment, not pair.is_read1, pair.mate_start))
        spans.append((pair.mate_chrom, pair.mate_start - reach, pair.mate_start + reach))
    for split in collected.pending_splits:
        for _placement, _mapq, pos in split.parts:
            wanted.add((split.fragment, split.is_read1, pos))
            spans.append((_placement.chrom, pos - reach, pos + reach))
    found = PartnerRecords()
    contigs = set(alignment.references)
    names = {key[0] for key in wanted}
    for chrom, start, end in _merge_spans(spans, gap=reach):
        if chrom not in contigs:
            continue
        for record in alignment.fetch(chrom, max(0, start - 1), max(start, end)):
            if record.is_unmapped:
                continue
            if record.query_name in names:
                key = (record.query_name, record.is_read1, record.reference_start + 1)
                if key in wanted and (
                    key not in found.by_key or not (record.is_secondary or record.is_supplementary)
                ):
                    found.by_key[key] = record
            if (
                not (record.is_secondary or record.is_supplementary or record.is_duplicate)
                and record.is_paired
                and not record.mate_is_unmapped
                and record.next_reference_name == window.chrom
                and gene_span[0] <= record.next_reference_start + 1 <= gene_span[1]
                and not window.contains(record.reference_name, record.reference_start + 1)
            ):
                strand = -1 if record.is_reverse else 1
                found.alk_mates.append(
                    (record.reference_name, (record.reference_start + 1) * strand,
                     record.next_reference_start + 1)
                )  # fmt: skip
    return found


def judge_pairs(
    collected: ReadPass, records: PartnerRecords, settings: FusionSettings
) -> list[JunctionRead]:
    """Discordant pairs with their mates read from the file: placed when the mate is uniquely
    mapped (MAPQ at or above the filter, no XA alternatives)."""
    out = []
    for pair in collected.pending_pairs:
        mate = records.mate(pair)
        candidates: tuple[Placement, ...] = ()
        mate_clipped = False
        if mate is not None:
            mate_start, mate_end = mate.reference_start + 1, mate.reference_end
            quality, alternatives = mate.mapping_quality, mate.has_tag("XA")
            leading, trailing = cigar_clips(mate.cigarstring or "")
            mate_clipped = max(leading, trailing) >= settings.min_clip
            if alternatives:
                candidates = tuple(
                    placement_of(chrom, pos, cigar)
                    for chrom, pos, cigar in parse_xa(mate.get_tag("XA"))
                )
        elif pair.mate_quality_tag is not None and pair.mate_cigar_tag is not None:
            # The mate is not in the file (a BAM cut to some regions): the aligner's tags.
            mate_start = pair.mate_start
            mate_end = pair.mate_start + cigar_reference_length(pair.mate_cigar_tag) - 1
            quality, alternatives = pair.mate_quality_tag, False
        else:
            # Only the mate's start is known (RNEXT/PNEXT): enough to see where mates stack.
            side = "right" if pair.mate_reverse else "left"
            out.append(
                JunctionRead(
                    pair.fragment, "discordant", pair.alk_inner, pair.alk_side,
                    candidates=(Placement(pair.mate_chrom, pair.mate_start, side),),
                    ambiguity="mate not in the file (mapping quality unknown)",
                    alk_outer=pair.alk_outer, partner_outer=pair.mate_start,
                )
            )  # fmt: skip
            continue
        inner, outer, side = (
            (mate_start, mate_end, "right") if pair.mate_reverse else (mate_end, mate_start, "left")
        )
        placement = Placement(pair.mate_chrom, inner, side)
        ambiguity = ""
        if quality < settings.min_mapping_quality:
            ambiguity = f"mate at mapping quality {quality}"
        elif alternatives:
            ambiguity = "mate has alternative hits (XA)"
        out.append(
            JunctionRead(
                pair.fragment, "discordant", pair.alk_inner, pair.alk_side,
                partner=None if ambiguity else placement,
                candidates=(placement, *candidates) if ambiguity else (),
                ambiguity=ambiguity, alk_outer=pair.alk_outer, partner_outer=outer,
                mate_clipped=mate_clipped,
            )
        )  # fmt: skip
    return out


def judge_splits(
    collected: ReadPass, records: PartnerRecords, settings: FusionSettings
) -> tuple[list[JunctionRead], list[Clip]]:
    """Split reads placed by a unique SA part; the others fall back to their soft clip (placed
    by sequence) or stay ambiguous with the places the aligner gave."""
    reads, clips = [], []
    for split in collected.pending_splits:
        unique, candidates, reasons = [], [], []
        for placement, mapq, pos in split.parts:
            record = records.part(split, pos)
            xa = record is not None and record.has_tag("XA")
            candidates.append(placement)
            if xa:
                candidates += [
                    placement_of(chrom, xpos, cigar)
                    for chrom, xpos, cigar in parse_xa(record.get_tag("XA"))
                ]
            if mapq < settings.min_mapping_quality:
                reasons.append(f"partner part at mapping quality {mapq}")
            elif xa:
                reasons.append("partner part has alternative hits (XA)")
            else:
                unique.append(placement)
        if unique:
            for placement in dict.fromkeys(unique):
                reads.append(
                    JunctionRead(split.fragment, "split", split.alk_pos, split.alk_side, placement,
                                 clip_sequence=split.clip_sequence, alk_outer=split.alk_outer)
                )  # fmt: skip
        elif split.clip_sequence:
            clips.append(
                Clip(split.fragment, split.alk_pos, split.alk_side, split.clip_sequence,
                     tuple(candidates), "; ".join(dict.fromkeys(reasons)), split.alk_outer)
            )  # fmt: skip
        else:
            reads.append(
                JunctionRead(
                    split.fragment, "split", split.alk_pos, split.alk_side,
                    candidates=tuple(candidates), ambiguity="; ".join(dict.fromkeys(reasons)),
                    arbitrary=any("mapping quality" in reason for reason in reasons),
                    clip_sequence=split.clip_sequence, alk_outer=split.alk_outer,
                )
            )  # fmt: skip
    return reads, clips


@dataclass(frozen=True)
class SearchRegion:
    chrom: str
    start: int
    sequence: str  # upper case, plus strand, from start


def candidate_regions(
    places: Iterable[Placement],
    extra: Iterable[tuple[str, int, int]],
    fasta: pysam.FastaFile,
    flank: int,
) -> list[SearchRegion]:
    """Reference stretches where clipped sequence is looked for: around every place the aligner
    put a partner part (unique or not), and the bundled partner genes."""
    spans = [(p.chrom, p.pos - flank, p.pos + flank) for p in places]
    spans += list(extra)
    lengths = dict(zip(fasta.references, fasta.lengths, strict=True))
    clipped = []
    for chrom, start, end in spans:
        if chrom in lengths and max(1, start) <= min(end, lengths[chrom]):
            clipped.append((chrom, max(1, start), min(end, lengths[chrom])))
    return [
        SearchRegion(chrom, start, fasta.fetch(chrom, start - 1, end).upper())
        for chrom, start, end in _merge_spans(clipped, gap=1)
    ]


def clip_hits(clip: Clip, regions: Sequence[SearchRegion], window: Window, seed: int = 20):
    """Every place in the regions where a clip's bases sit, in both orientations.

    With ALK kept "left" the clip follows ALK in the read: an inverted partner kept left reads
    as the reverse complement of partner[..e], a partner kept right as partner[e..]. With ALK
    kept "right" the clip precedes ALK: partner[..e] (kept left) or its inversion (kept right).
    The seed is the clip's part next to the junction, where base quality is best.
    """
    sequence = clip.sequence.upper()
    if len(sequence) < seed or "N" in sequence[:seed] + sequence[-seed:]:
        return []
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
                    hits.append(Placement(region.chrom, partner_pos, partner_side))
                found = region.sequence.find(probe, found + 1)
    return list(dict.fromkeys(hits))


def resolve_clip(
    clip: Clip, regions: Sequence[SearchRegion], window: Window, seed: int = 20
) -> JunctionRead:
    """A clip placed by sequence: uniquely (one place), ambiguously (several, or only the
    aligner's non-unique places), or not at all."""
    hits = clip_hits(clip, regions, window, seed)
    if len(hits) == 1:
        return JunctionRead(
            clip.fragment, "clip", clip.alk_pos, clip.alk_side, hits[0],
            clip_sequence=clip.sequence, alk_outer=clip.alk_outer,
        )  # fmt: skip
    if hits:
        ambiguity = f"clip matches {len(hits)} places"
    else:
        ambiguity = clip.ambiguity or "clip not found near any partner"
    return JunctionRead(
        clip.fragment, "clip", clip.alk_pos, clip.alk_side,
        candidates=tuple(dict.fromkeys((*hits, *clip.candidates))), ambiguity=ambiguity,
        arbitrary=True, clip_sequence=clip.sequence, alk_outer=clip.alk_outer,
    )  # fmt: skip


@dataclass
class Junction:
    """One clustered junction with its evidence.

    A junction without a placed partner (``partner_chrom`` "") is an ALK breakpoint whose
    partner side only ever sat in repeats: precise on ALK, naming no partner."""

    alk_chrom: str
    alk_pos: int
    alk_side: str
    partner_chrom: str
    partner_pos: int
    partner_side: str
    precise: bool
    split_fragments: set[str] = field(default_factory=set)
    discordant_fragments: set[str] = field(default_factory=set)
    # fragments with at least one read whose partner side is uniquely placed
    placed_fragments: set[str] = field(default_factory=set)
    # the partner's bases next to the junction, as the placed split and clip reads show them
    partner_bases: list[str] = field(default_factory=list)
    # of a junction without a placed partner: fragments whose partner part the aligner put
    # somewhere (genomic, not adapter) and whose clipped bases agree (one partner sequence)
    aligned_fragments: set[str] = field(default_factory=set)
    spanning_fragments: int = 0
    # breakpoints consistent with the evidence (imprecise junctions)
    alk_range: tuple[int, int] = (0, 0)
    partner_range: tuple[int, int] = (0, 0)

    @property
    def orientation(self) -> str:
        partner_ct = CT_OF_SIDE.get(self.partner_side, "?")
        return f"{CT_OF_SIDE[self.alk_side]}to{partner_ct}"

    @property
    def partner_placed(self) -> bool:
        return bool(self.partner_chrom)

    @property
    def supporting_fragments(self) -> int:
        return len(self.split_fragments | self.discordant_fragments)

    @property
    def ambiguous_fragments(self) -> set[str]:
        """Supporting fragments none of whose reads places the partner side uniquely."""
        return (self.split_fragments | self.discordant_fragments) - self.placed_fragments

    @property
    def fraction(self) -> float:
        total = self.supporting_fragments + self.spanning_fragments
        return self.supporting_fragments / total if total else 0.0

    @property
    def junction_after(self) -> int:
        """The ALK base after which the junction lies (kept side left: the breakpoint itself)."""
        return self.alk_pos if self.alk_side == "left" else self.alk_pos - 1

    def add(self, read: JunctionRead) -> None:
        target = self.split_fragments if read.precise else self.discordant_fragments
        target.add(read.fragment)
        if read.placed:
            self.placed_fragments.add(read.fragment)
            if read.precise and len(read.clip_sequence) >= 20:
                self.partner_bases.append(junction_side_bases(read))

    def shows_partner_bases(self, read: JunctionRead, max_mismatches: int = 2) -> bool:
        """Whether a precise read's clipped bases are this junction's partner bases (true
        when either side has none to compare)."""
        if len(read.clip_sequence) < 20 or not self.partner_bases:
            return True
        bases = junction_side_bases(read)
        return any(_mismatches(bases, known) <= max_mismatches for known in self.partner_bases)


def _group_key(read: JunctionRead) -> tuple[str, str, str]:
    return read.alk_side, read.partner_chrom, read.partner_side


def _linkage(reads: list[JunctionRead], distance: int) -> list[list[JunctionRead]]:
    """Single-linkage clusters of reads with the same sides and partner contig."""
    groups: dict[tuple, list[JunctionRead]] = {}
    for read in reads:
        groups.setdefault(_group_key(read), []).append(read)
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


def pair_ranges(read: JunctionRead, reach: int, tolerance: int):
    """ALK and partner breakpoints a discordant pair is consistent with."""
    alk = kept_range(read.alk_pos, read.alk_outer, read.alk_side, reach, tolerance)
    partner = kept_range(read.partner_pos, read.partner_outer, read.partner_side, reach, tolerance)
    return alk, partner


def junction_ranges(junction: Junction, tolerance: int):
    if junction.precise:
        return (
            (junction.alk_pos - tolerance, junction.alk_pos + tolerance),
            (junction.partner_pos - tolerance, junction.partner_pos + tolerance),
        )
    return junction.alk_range, junction.partner_range


def pair_fits(read: JunctionRead, junction: Junction, reach: int, tolerance: int) -> bool:
    """A discordant pair supports a junction when both its reads lie on the kept sides, within
    a fragment length of the breakpoints."""
    if _group_key(read) != (junction.alk_side, junction.partner_chrom, junction.partner_side):
        return False
    alk, partner = pair_ranges(read, reach, tolerance)
    j_alk, j_partner = junction_ranges(junction, tolerance)
    return overlaps(alk, j_alk) and overlaps(partner, j_partner)


def _intersect(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return max(a[0], b[0]), min(a[1], b[1])


def _nearest(bounds: tuple[int, int], side: str) -> int:
    """The breakpoint closest to the reads that is consistent with all of them."""
    return bounds[0] if side == "left" else bounds[1]


def cluster_pairs(
    pairs: Sequence[JunctionRead], chrom: str, reach: int, tolerance: int
) -> list[Junction]:
    """Imprecise junctions from placed discordant pairs: a cluster is a set of pairs consistent
    with one breakpoint on each side (their kept ranges intersect)."""
    groups: dict[tuple, list[JunctionRead]] = {}
    for read in pairs:
        groups.setdefault(_group_key(read), []).append(read)
    junctions = []
    for (alk_side, partner_chrom, partner_side), members in groups.items():
        members.sort(key=lambda r: (r.partner_pos, r.alk_pos))
        current: list[JunctionRead] = []
        bounds = None
        for read in [*members, None]:
            ranges = pair_ranges(read, reach, tolerance) if read is not None else None
            if read is not None and bounds is not None:
                alk = _intersect(bounds[0], ranges[0])
                partner = _intersect(bounds[1], ranges[1])
                if alk[0] <= alk[1] and partner[0] <= partner[1]:
                    current.append(read)
                    bounds = (alk, partner)
                    continue
            if current:
                junction = Junction(
                    chrom, _nearest(bounds[0], alk_side), alk_side, partner_chrom,
                    _nearest(bounds[1], partner_side), partner_side, precise=False,
                    alk_range=bounds[0], partner_range=bounds[1],
                )  # fmt: skip
                for member in current:
                    junction.add(member)
                junctions.append(junction)
            current, bounds = ([read], ranges) if read is not None else ([], None)
    return junctions


@dataclass(frozen=True)
class ArtefactLocus:
    """A locus collecting mates of ALK reads from all over the gene: not a junction."""

    chrom: str
    pos: int
    window_pairs: int  # pairs from the ALK intron 19 window with their mates there
    stacked: int  # of those, mates starting at the locus's most common position
    window_span: int  # bp between the outermost ALK reads of those pairs
    gene_pairs: int  # reads there whose mates lie in ALK outside the window
    gene_span: tuple[int, int]  # where those mates lie

    @property
    def fragments(self) -> int:
        return self.window_pairs

    def describe(self, alk: Transcript | None = None) -> str:
        text = (
            f"mapping artefact at {self.chrom}:{self.pos}: {self.window_pairs} pair(s) from ALK"
            f" intron 19 (their ALK reads spread over {self.window_span} bp"
        )
        if self.stacked > 1:
            text += f", {self.stacked} mates stacked at one position"
        text += ")"
        if self.gene_pairs:
            where = f"{self.gene_span[0]}-{self.gene_span[1]}"
            if alk is not None:
                numbers = sorted(
                    exon.number
                    for exon in alk.exons
                    if exon.end >= self.gene_span[0] and exon.start <= self.gene_span[1]
                )
                if numbers:
                    where = f"exons {numbers[0]}-{numbers[-1]}"
            text += f" and {self.gene_pairs} from across ALK ({where})"
        return text + " have their mates there: not a junction"


def find_artefacts(
    pairs: Sequence[JunctionRead],
    records: PartnerRecords,
    window: Window,
    reach: int,
    min_pairs: int,
) -> list[ArtefactLocus]:
    """Loci whose mates stack while their ALK reads scatter.

    Pairs are grouped by their mates' locus (within a fragment length) and strand. A locus is
    an artefact when ``min_pairs`` of its unclipped mates start at one position while the ALK
    reads of the group lie more than two fragment lengths apart, or when at least ``min_pairs``
    reads there have their mates in ALK outside the window, no fewer than the window's pairs.
    A real junction's mates spread over a fragment length (those clipped at the breakpoint
    aside), the ALK reads of its two junctions lie within a fragment of the breakpoint on each
    side, and nothing elsewhere in the gene points at it.
    """
    located = sorted(
        (((p.partner or p.candidates[0]), p) for p in pairs if p.partner or p.candidates),
        key=lambda item: (item[0].chrom, item[0].side, item[0].pos),
    )
    groups: list[list[tuple[Placement, JunctionRead]]] = []
    for place, read in located:
        last = groups[-1][-1][0] if groups else None
        if (
            last
            and (last.chrom, last.side) == (place.chrom, place.side)
            and place.pos - last.pos <= reach
        ):
            groups[-1].append((place, read))
        else:
            groups.append([(place, read)])
    artefacts = []
    for group in groups:
        chrom = group[0][0].chrom
        # Mate alignment starts: the far end of a mate kept left, the near end of one kept right.
        starts = Counter(
            read.partner_outer if place.side == "left" else place.pos
            for place, read in group
            if not read.mate_clipped
        )
        stack_pos, stacked = starts.most_common(1)[0] if starts else (group[0][0].pos, 0)
        outers = [read.alk_outer for _, read in group]
        span = max(outers) - min(outers)
        low, high = group[0][0].pos - reach, group[-1][0].pos + reach
        gene = [
            mate
            for mate_chrom, signed, mate in records.alk_mates
            if mate_chrom == chrom
            and low <= abs(signed) <= high
            and not window.contains(window.chrom, mate)
        ]
        scattered = stacked >= min_pairs and span > 2 * reach
        gene_wide = len(gene) >= min_pairs and len(gene) >= len(group)
        if scattered or gene_wide:
            artefacts.append(
                ArtefactLocus(
                    chrom, stack_pos, len({read.fragment for _, read in group}), stacked, span,
                    len(gene), (min(gene), max(gene)) if gene else (0, 0),
                )
            )  # fmt: skip
    return merge_artefacts(artefacts, reach)


def merge_artefacts(artefacts: list[ArtefactLocus], reach: int) -> list[ArtefactLocus]:
    """One report per locus: the groups of both strands at one place are one artefact."""
    merged: list[ArtefactLocus] = []
    for artefact in sorted(artefacts, key=lambda a: (a.chrom, a.pos)):
        last = merged[-1] if merged else None
        if last and last.chrom == artefact.chrom and artefact.pos - last.pos <= 2 * reach:
            spans = [s for s in (last.gene_span, artefact.gene_span) if s != (0, 0)]
            merged[-1] = ArtefactLocus(
                last.chrom, last.pos if last.stacked >= artefact.stacked else artefact.pos,
                last.window_pairs + artefact.window_pairs, max(last.stacked, artefact.stacked),
                max(last.window_span, artefact.window_span),
                max(last.gene_pairs, artefact.gene_pairs),
                (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else (0, 0),
            )  # fmt: skip
        else:
            merged.append(artefact)
    return merged


def _near_artefact(place: Placement | None, artefacts: Sequence[ArtefactLocus], reach: int) -> bool:
    return place is not None and any(
        place.chrom == a.chrom and abs(place.pos - a.pos) <= 2 * reach for a in artefacts
    )


def cluster_junctions(
    reads: Sequence[JunctionRead],
    window: Window,
    settings: FusionSettings,
    reach: int | None = None,
) -> list[Junction]:
    """Junctions from the evidence.

    1. Placed split and clip reads cluster (within a fragment length) into precise junctions.
    2. Placed discordant pairs join the precise junction they fit; the rest cluster into
       imprecise junctions of pairs consistent with one breakpoint pair.
    3. Ambiguous evidence joins the junction with the same ALK breakpoint (precise reads within
       the breakpoint tolerance, pairs within a fragment length on the kept side). A candidate
       place of a precise read beside the junction's partner sharpens an imprecise junction.
    4. Junctions with the same sides within a fragment length of each other are one.
    5. Precise ambiguous reads left over make junctions without a placed partner.
    """
    reach = settings.max_insert if reach is None else reach
    tolerance = settings.breakpoint_tolerance
    placed_precise = [r for r in reads if r.precise and r.placed]
    placed_pairs = [r for r in reads if not r.precise and r.placed]
    ambiguous = [r for r in reads if not r.placed]
    junctions: list[Junction] = []
    for members in _linkage(placed_precise, reach) if placed_precise else []:
        alk_pos = Counter(r.alk_pos for r in members).most_common(1)[0][0]
        partner_pos = Counter(r.partner_pos for r in members).most_common(1)[0][0]
        first = members[0]
        junction = Junction(
            window.chrom, alk_pos, first.alk_side, first.partner_chrom, partner_pos,
            first.partner_side, precise=True,
        )  # fmt: skip
        for member in members:
            junction.add(member)
        junctions.append(junction)
    unfitted = []
    for read in placed_pairs:
        fits = [j for j in junctions if pair_fits(read, j, reach, tolerance)]
        if fits:
            max(fits, key=lambda j: j.supporting_fragments).add(read)
        else:
            unfitted.append(read)
    junctions += cluster_pairs(unfitted, window.chrom, reach, tolerance)
    leftover = _join_ambiguous(junctions, ambiguous, reach, tolerance)
    junctions = merge_nearby(junctions, reach)
    junctions += unplaced_junctions([r for r in leftover if r.precise], window.chrom, tolerance)
    return junctions


def _alk_range(read: JunctionRead, reach: int, tolerance: int) -> tuple[int, int]:
    if read.precise:
        return read.alk_pos - tolerance, read.alk_pos + tolerance
    return kept_range(read.alk_pos, read.alk_outer, read.alk_side, reach, tolerance)


def consistent_candidates(
    read: JunctionRead, junction: Junction, reach: int, tolerance: int
) -> list[Placement]:
    """The read's candidate places that agree with the junction's partner side."""
    low, high = junction_ranges(junction, tolerance)[1]
    return [
        c
        for c in read.candidates
        if c.chrom == junction.partner_chrom
        and c.side == junction.partner_side
        and low - reach <= c.pos <= high + reach
    ]


def _join_ambiguous(
    junctions: list[Junction], ambiguous: Sequence[JunctionRead], reach: int, tolerance: int
) -> list[JunctionRead]:
    """Ambiguous reads join the junction whose ALK breakpoint they share: through a candidate
    place beside its partner, or, for a precise read whose aligner place is arbitrary (a
    repeat), through the ALK breakpoint alone. Returns the reads that joined nothing."""
    leftover = []
    refined: dict[int, list[tuple[int, int]]] = {}  # junction -> (ALK, partner) breakpoints
    for read in ambiguous:
        read_range = _alk_range(read, reach, tolerance)
        fits = []
        for index, junction in enumerate(junctions):
            if not (
                junction.partner_placed
                and junction.alk_side == read.alk_side
                and overlaps(read_range, junction_ranges(junction, tolerance)[0])
            ):
                continue
            if read.precise and not junction.shows_partner_bases(read):
                continue  # another partner sequence at the same ALK base: another molecule
            near = consistent_candidates(read, junction, reach, tolerance)
            if near or (read.precise and read.arbitrary):
                fits.append((index, junction, near))
        if not fits:
            leftover.append(read)
            continue
        index, junction, near = max(fits, key=lambda item: item[1].supporting_fragments)
        junction.add(read)
        if read.precise and not junction.precise and near:
            refined.setdefault(index, []).extend((read.alk_pos, c.pos) for c in near)
    for index, breakpoints in refined.items():
        # The precise reads' ALK breakpoint, and their candidate places beside the partner locus.
        junction = junctions[index]
        junction.alk_pos = Counter(a for a, _ in breakpoints).most_common(1)[0][0]
        junction.partner_pos = Counter(p for _, p in breakpoints).most_common(1)[0][0]
        junction.precise = True
    return leftover


def merge_nearby(junctions: list[Junction], reach: int) -> list[Junction]:
    """One junction, one row: a junction within a fragment length of a better-supported one
    with the same sides and partner contig joins it."""
    ordered = sorted(junctions, key=lambda j: (not j.precise, -j.supporting_fragments))
    kept: list[Junction] = []
    for junction in ordered:
        host = next(
            (
                k
                for k in kept
                if (k.alk_side, k.partner_chrom, k.partner_side)
                == (junction.alk_side, junction.partner_chrom, junction.partner_side)
                and abs(k.alk_pos - junction.alk_pos) <= reach
                and abs(k.partner_pos - junction.partner_pos) <= reach
            ),
            None,
        )
        if host is None:
            kept.append(junction)
            continue
        host.split_fragments |= junction.split_fragments
        host.discordant_fragments |= junction.discordant_fragments
        host.placed_fragments |= junction.placed_fragments
    return kept


def junction_side_bases(read: JunctionRead, length: int = 20) -> str:
    """The clipped bases next to the junction (the partner's bases at its breakpoint)."""
    sequence = read.clip_sequence.upper()
    return sequence[:length] if read.alk_side == "left" else sequence[-length:]


def agreeing_fragments(reads: Sequence[JunctionRead], max_mismatches: int = 2) -> set[str]:
    """The largest set of fragments whose clipped bases next to the junction agree: the reads
    of one junction carry the same partner sequence there, chance chimeras at nearby bases do
    not. Only reads the aligner put somewhere (genomic, not adapter) with 20 clipped bases,
    and one per molecule: reads starting at the same ALK base are copies of one molecule
    (duplicates left unflagged), not two."""
    usable = [r for r in reads if r.candidates and len(r.clip_sequence) >= 20]
    best: dict[int, str] = {}
    for anchor in usable:
        bases = junction_side_bases(anchor)
        group: dict[int, str] = {}
        for read in usable:
            if _mismatches(junction_side_bases(read), bases) <= max_mismatches:
                group.setdefault(read.alk_outer, read.fragment)
        if len(group) > len(best):
            best = group
    return set(best.values()) if len(best) >= 2 else set()


def unplaced_junctions(reads: Sequence[JunctionRead], chrom: str, tolerance: int) -> list[Junction]:
    """ALK breakpoints whose partner parts only sat in repeats (or nowhere): precise on ALK,
    with no partner named. ``aligned_fragments`` are those whose clipped bases agree (see
    agreeing_fragments); the rest only join."""
    junctions = []
    for side in SIDES:
        members = sorted((r for r in reads if r.alk_side == side), key=lambda r: r.alk_pos)
        clusters: list[list[JunctionRead]] = []
        for read in members:
            if clusters and read.alk_pos - clusters[-1][-1].alk_pos <= tolerance:
                clusters[-1].append(read)
            else:
                clusters.append([read])
        for cluster in clusters:
            alk_pos = Counter(r.alk_pos for r in cluster).most_common(1)[0][0]
            junction = Junction(chrom, alk_pos, side, "", 0, "", precise=True)
            for read in cluster:
                junction.add(read)
            junction.aligned_fragments = agreeing_fragments(cluster)
            junctions.append(junction)
    return junctions


@dataclass
class Evidence:
    """Everything read for one sample: junctions, artefacts and the pass's counts."""

    junctions: list[Junction]
    collected: ReadPass
    artefacts: list[ArtefactLocus]
    unjoined_ambiguous: int  # discordant pairs with an ambiguous mate that joined nothing


def gather_junctions(
    alignment: pysam.AlignmentFile,
    fasta: pysam.FastaFile,
    window: Window,
    settings: FusionSettings,
    partner_spans: Iterable[tuple[str, int, int]] = (),
    gene_span: tuple[int, int] | None = None,
) -> tuple[list[Junction], ReadPass]:
    """Every junction with one end in the window, with fragment counts and spanning depth."""
    evidence = gather_evidence(alignment, fasta, window, settings, partner_spans, gene_span)
    return evidence.junctions, evidence.collected


def gather_evidence(
    alignment: pysam.AlignmentFile,
    fasta: pysam.FastaFile,
    window: Window,
    settings: FusionSettings,
    partner_spans: Iterable[tuple[str, int, int]] = (),
    gene_span: tuple[int, int] | None = None,
) -> Evidence:
    collected = collect_reads(alignment, window, settings)
    reach = collected.fragment_length
    gene_span = gene_span or (window.start, window.end)
    records = read_partner_records(alignment, collected, window, gene_span, reach)
    pairs = judge_pairs(collected, records, settings)
    splits, fallback_clips = judge_splits(collected, records, settings)
    clips = collected.clips + fallback_clips
    places = [
        p
        for read in [*pairs, *splits]
        for p in ([read.partner] if read.partner else read.candidates)
    ]
    places += [p for clip in clips for p in clip.candidates]
    reads = pairs + splits
    if clips:
        regions = candidate_regions(places, partner_spans, fasta, flank=settings.max_insert + 500)
        reads += [resolve_clip(clip, regions, window) for clip in clips]
    artefacts = find_artefacts(
        [r for r in reads if r.kind == "discordant"], records, window, reach,
        settings.artefact_min_pairs,
    )  # fmt: skip
    if artefacts:
        reads = [
            r
            for r in reads
            if not _near_artefact(r.partner, artefacts, reach)
            and not (
                not r.placed and any(_near_artefact(c, artefacts, reach) for c in r.candidates)
            )
        ]
    junctions = cluster_junctions(reads, window, settings, reach) if reads else []
    joined = {f for j in junctions for f in j.split_fragments | j.discordant_fragments}
    unjoined = len({r.fragment for r in reads if not r.placed and not r.precise} - joined)
    for junction in junctions:
        junction.spanning_fragments = collected.spanning(
            junction.junction_after, settings.span_anchor
        )
    junctions.sort(key=lambda j: (-j.supporting_fragments, j.alk_pos, j.partner_pos))
    return Evidence(junctions, collected, artefacts, unjoined)


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


def calling_fragments(junction: Junction) -> set[str]:
    """The fragments that can make a call: those whose partner side was uniquely placed. The
    ambiguous ones joined to a junction add to its support and fraction, never make it. A
    junction without a placed partner is never called."""
    if not junction.partner_placed:
        return set()
    return (junction.split_fragments | junction.discordant_fragments) & junction.placed_fragments


def is_called(junction: Junction, settings: FusionSettings) -> bool:
    return (
        len(calling_fragments(junction)) >= settings.min_supporting_fragments
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
        placed = calling_fragments(junction) | calling_fragments(reciprocal)
        fragments = (
            junction.split_fragments
            | junction.discordant_fragments
            | reciprocal.split_fragments
            | reciprocal.discordant_fragments
        )
        spanning = max(junction.spanning_fragments, reciprocal.spanning_fragments)
        fraction = len(fragments) / (len(fragments) + spanning) if fragments else 0.0
        called.append(
            len(placed) >= settings.min_supporting_fragments and fraction >= settings.min_fraction
        )
    return called, reciprocals


def pair_reciprocals(junctions: Sequence[Junction], distance: int) -> dict[int, Junction]:
    """For each junction (by index), the opposite-orientation junction of the same inversion:
    sides flipped, both breakpoints within ``distance``."""
    opposite = {"left": "right", "right": "left"}
    pairs = {}
    for index, junction in enumerate(junctions):
        if not junction.partner_placed:
            continue
        for other in junctions:
            if (
                other is not junction
                and other.partner_placed
                and other.alk_side == opposite[junction.alk_side]
                and other.partner_side == opposite[junction.partner_side]
                and other.partner_chrom == junction.partner_chrom
                and abs(other.alk_pos - junction.alk_pos) <= distance
                and abs(other.partner_pos - junction.partner_pos) <= distance
            ):
                pairs[index] = other
                break
    return pairs
