"""Fusion evidence on hand-built alignments, in the conventions labs' pipelines leave: split
parts supplementary or secondary (bwa mem -M), SA parts below the MAPQ filter, no MC/MQ tags,
mates with alternative hits, repeats, adapter clips and a locus where mismapped mates stack.
Also fragments counted once, spanning depth, clustering, reciprocals and power."""

import random

import pysam
import pytest

from alkres.fusion.evidence import (
    Clip,
    FusionSettings,
    Junction,
    SearchRegion,
    Window,
    call_junctions,
    calling_fragments,
    candidate_regions,
    cigar_clips,
    cigar_reference_length,
    detection_power,
    fragments_needed,
    gather_evidence,
    is_artefact_clip,
    is_called,
    junction_end,
    pair_reciprocals,
    parse_sa,
    parse_xa,
    resolve_clip,
    sample_fragment_length,
)
from alkres.fusion.fusion_calls import sample_status
from alkres.knowledge.transcript import reverse_complement

LENGTH = 20_000
A, E = 6_000, 15_000  # ALK keeps <= A, the partner keeps <= E (inverted): left/left
WINDOW = Window("chr2", 5_000, 7_000, 5_200, 6_800)
PARTNER_SPAN = [("chr2", 14_000, 16_000)]
# chr7 holds two copies of the partner's 60 bases up to E (a repeat) and a mate-trap locus.
CHR7_LENGTH = 8_000
COPIES = (2_001, 4_001)
TRAP = 6_500


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    rng = random.Random(7)
    chr2 = "".join(rng.choices("ACGT", k=LENGTH))
    chr7 = list("".join(rng.choices("ACGT", k=CHR7_LENGTH)))
    repeat = chr2[E - 60 : E]  # partner bases E-59..E
    for start in COPIES:
        chr7[start - 1 : start - 1 + 60] = repeat
    chr7 = "".join(chr7)
    path = tmp_path_factory.mktemp("ref") / "toy.fa"
    path.write_text(f">chr2\n{chr2}\n>chr7\n{chr7}\n")
    pysam.faidx(str(path))
    return path, {"chr2": chr2, "chr7": chr7}


def ref(sequence, start, end):
    """1-based inclusive slice."""
    return sequence[start - 1 : end]


HEADER = {
    "HD": {"VN": "1.6", "SO": "coordinate"},
    "SQ": [{"SN": "chr2", "LN": LENGTH}, {"SN": "chr7", "LN": CHR7_LENGTH}],
}
CONTIG = {"chr2": 0, "chr7": 1}


class Reads:
    """Builds a coordinate-sorted BAM read by read, each with the flags a real aligner sets."""

    def __init__(self):
        self.header = pysam.AlignmentHeader.from_dict(HEADER)
        self.records = []

    def add(self, name, seq, pos, cigar, *, chrom="chr2", reverse=False, flags=0, mapq=60,
            mate=None, read2=False, tags=()):  # fmt: skip
        read = pysam.AlignedSegment(self.header)
        read.query_name = name
        read.query_sequence = seq
        read.query_qualities = pysam.qualitystring_to_array("I" * len(seq))
        read.reference_id = CONTIG[chrom]
        read.reference_start = pos - 1
        read.cigarstring = cigar
        read.mapping_quality = mapq
        flag = flags | (0x10 if reverse else 0) | (0x80 if read2 else 0x40 if mate else 0)
        if mate is not None:
            mate_chrom, mate_pos, mate_reverse, proper, tlen = mate
            flag |= 0x1 | (0x2 if proper else 0) | (0x20 if mate_reverse else 0)
            read.next_reference_id = CONTIG[mate_chrom]
            read.next_reference_start = mate_pos - 1
            read.template_length = tlen
        read.flag = flag
        for key, value in tags:
            read.set_tag(key, value)
        self.records.append(read)
        return read

    def write(self, path):
        self.records.sort(key=lambda r: (r.reference_id, r.reference_start))
        with pysam.AlignmentFile(str(path), "wb", header=self.header) as out:
            for read in self.records:
                out.write(read)
        pysam.index(str(path))
        return path


def spanning_pairs(reads, seq, count=10, start=A - 200):
    """Proper pairs spanning A unchanged, with both reads."""
    for index in range(count):
        first = start + index
        reads.add(f"S{index}", ref(seq, first, first + 149), first, "150M",
                  mate=("chr2", first + 250, True, True, 400))  # fmt: skip
        reads.add(f"S{index}", ref(seq, first + 250, first + 399), first + 250, "150M", reverse=True, read2=True,
                  mate=("chr2", first, False, True, -400))  # fmt: skip


def sized_pairs(reads, seq, count=60):
    """Proper pairs with inserts of 300-359 bp: the sample's fragment length is about 360."""
    for index in range(count):
        first = A - 800 + 5 * index
        tlen = 300 + index
        reads.add(f"P{index}", ref(seq, first, first + 149), first, "150M",
                  mate=("chr2", first + tlen - 150, True, True, tlen))  # fmt: skip


def discordant_pair(reads, seq, name, alk_start, mate_start, *, mate_mapq=60, mate_tags=(),
                    mate_chrom="chr2", mate_reverse=False, mate_seq=None, mate_cigar="150M",
                    alk_tags=()):  # fmt: skip
    """ALK read forward at alk_start (kept left); its mate at mate_start in the partner."""
    reads.add(name, ref(seq["chr2"], alk_start, alk_start + 149), alk_start, "150M",
              mate=(mate_chrom, mate_start, mate_reverse, False, 0), tags=alk_tags)  # fmt: skip
    mate_seq = mate_seq or ref(seq[mate_chrom], mate_start, mate_start + 149)
    reads.add(name, mate_seq, mate_start, mate_cigar, chrom=mate_chrom, reverse=mate_reverse,
              read2=True, mapq=mate_mapq, mate=("chr2", alk_start, False, False, 0),
              tags=mate_tags)  # fmt: skip


def junction_read(seq, partner_bases=50, alk_bases=100):
    """A read across the driver junction: ALK up to A, then the partner backwards from E."""
    return ref(seq["chr2"], A - alk_bases + 1, A) + reverse_complement(
        ref(seq["chr2"], E - partner_bases + 1, E)
    )


def evidence(bam, fasta_path, settings=None, gene_span=None):
    settings = settings or FusionSettings()
    with pysam.AlignmentFile(str(bam)) as alignment, pysam.FastaFile(str(fasta_path)) as fasta:
        return gather_evidence(alignment, fasta, WINDOW, settings, PARTNER_SPAN, gene_span)


def only_junction(result):
    assert len(result.junctions) == 1, result.junctions
    return result.junctions[0]


# ---------------------------------------------------------------- one junction, each fragment once


@pytest.mark.parametrize("split_flag", ["supplementary", "secondary", "no split part"])
def test_one_junction_counted_once_per_fragment(tmp_path, reference, split_flag):
    """bwa mem (supplementary), bwa mem -M (secondary) and an aligner without split parts give
    the same junction, each fragment once, duplicates not counted."""
    fasta_path, seq = reference
    reads = Reads()
    split_flags = {"supplementary": 0x800, "secondary": 0x100}.get(split_flag)
    for name, extra in (("F1", 0), ("F1dup", 0x400)):
        if split_flags:
            # The ALK part is the split part (hard-clipped); the primary holds the partner part.
            reads.add(name, ref(seq["chr2"], A - 99, A), A - 99, "100M50H",
                      flags=extra | split_flags, tags=[("SA", f"chr2,{E - 49},-,50M100S,60,0;")],
                      mate=("chr2", A - 300, True, True, 0))  # fmt: skip
            reads.add(name, reverse_complement(junction_read(seq)), E - 49, "50M100S",
                      reverse=True, flags=extra, tags=[("SA", f"chr2,{A - 99},+,100M50S,60,0;")],
                      mate=("chr2", A - 300, True, False, 0))  # fmt: skip
        else:
            reads.add(name, junction_read(seq), A - 99, "100M50S", flags=extra,
                      mate=("chr2", A - 300, True, True, 400))  # fmt: skip
        reads.add(name, ref(seq["chr2"], A - 300, A - 151), A - 300, "150M", reverse=True,
                  flags=extra, read2=True, mate=("chr2", A - 99, False, True, -400))  # fmt: skip
    # F2: a soft clip only (30 partner bases), no SA
    clip_read = ref(seq["chr2"], A - 119, A) + reverse_complement(ref(seq["chr2"], E - 29, E))
    reads.add("F2", clip_read, A - 119, "120M30S")
    discordant_pair(reads, seq, "F3", A - 250, E - 300)
    # F4: a split whose other part is inside the window (a deletion): not a fusion
    reads.add("F4", ref(seq["chr2"], 5_500, 5_599) + ref(seq["chr2"], 6_500, 6_549), 5_500,
              "100M50S", tags=[("SA", "chr2,6500,+,100S50M,60,0;")])  # fmt: skip
    spanning_pairs(reads, seq["chr2"])
    bam = reads.write(tmp_path / "toy.bam")
    settings = FusionSettings(min_supporting_fragments=3)
    result = evidence(bam, fasta_path, settings)
    junction = only_junction(result)
    assert (junction.alk_pos, junction.alk_side) == (A, "left")
    assert (junction.partner_pos, junction.partner_side) == (E, "left")
    assert junction.orientation == "3to3" and junction.precise
    assert junction.split_fragments == {"F1", "F2"}  # the duplicate is not support
    assert junction.discordant_fragments == {"F3"}
    assert junction.ambiguous_fragments == set()
    assert junction.spanning_fragments == 10
    assert junction.fraction == pytest.approx(3 / 13)
    assert is_called(junction, settings)
    assert result.collected.duplicates_skipped == 2
    assert result.collected.secondary_split_records == (split_flag == "secondary")
    assert result.collected.supplementary_records == (split_flag == "supplementary")


def test_a_secondary_record_without_sa_is_an_alternative_hit_not_a_split(tmp_path, reference):
    fasta_path, seq = reference
    reads = Reads()
    # The whole read placed a second time, clipped: no SA tag, so not a split part.
    reads.add("X1", junction_read(seq), A - 99, "100M50S", flags=0x100)
    spanning_pairs(reads, seq["chr2"])
    result = evidence(reads.write(tmp_path / "sec.bam"), fasta_path)
    assert result.junctions == [] and result.collected.secondary_split_records == 0


# ---------------------------------------------------------------- SA parts and clips that repeat


def test_sa_below_the_mapq_filter_falls_back_to_placing_the_soft_clip(tmp_path, reference):
    fasta_path, seq = reference
    reads = Reads()
    for index in range(3):
        # The aligner put the 50 partner bases at MAPQ 3; their sequence is unique (E side).
        reads.add(f"F{index}", junction_read(seq), A - 99, "100M50S",
                  tags=[("SA", f"chr2,{E - 49},-,50M100S,3,0;")])  # fmt: skip
    spanning_pairs(reads, seq["chr2"])
    result = evidence(reads.write(tmp_path / "lowsa.bam"), fasta_path)
    junction = only_junction(result)
    assert (junction.partner_chrom, junction.partner_pos) == ("chr2", E)
    assert junction.split_fragments == {"F0", "F1", "F2"}
    assert junction.ambiguous_fragments == set()  # placed by sequence, uniquely
    assert is_called(junction, FusionSettings())


def test_partner_in_a_repeat_names_no_partner_and_joins_the_unique_junction(tmp_path, reference):
    """The 50 partner bases next to the junction lie in a repeat (E-59..E, copied twice on
    chr7): split reads placed there at MAPQ 0, and clips matching three places, do not name a
    partner. Discordant pairs whose mates lie in unique partner sequence name it, and the
    ambiguous fragments join that junction, which they make precise."""
    fasta_path, seq = reference
    reads = Reads()
    for index, copy in enumerate(COPIES):
        # bwa picks one copy at random at MAPQ 0: chr7 here.
        reads.add(f"R{index}", junction_read(seq), A - 99, "100M50S",
                  tags=[("SA", f"chr7,{copy + 10},-,50M100S,0,0;")])  # fmt: skip
    reads.add("R9", junction_read(seq, partner_bases=40, alk_bases=110), A - 109, "110M40S")
    for index in range(3):
        # Mates 200-350 bp below E, beyond the repeat: uniquely placed.
        discordant_pair(reads, seq, f"D{index}", A - 250 + 20 * index, E - 350 + 20 * index)
    spanning_pairs(reads, seq["chr2"])
    result = evidence(reads.write(tmp_path / "repeat.bam"), fasta_path)
    junction = only_junction(result)
    assert junction.partner_chrom == "chr2" and junction.partner_side == "left"
    assert junction.ambiguous_fragments == {"R0", "R1", "R9"}
    assert junction.split_fragments == {"R0", "R1", "R9"}
    assert junction.discordant_fragments == {"D0", "D1", "D2"}
    # The ambiguous reads' candidate place beside the unique locus gives the exact breakpoint.
    assert junction.precise and (junction.alk_pos, junction.partner_pos) == (A, E)
    assert is_called(junction, FusionSettings())  # 3 uniquely placed fragments
    assert not is_called(junction, FusionSettings(min_supporting_fragments=4))


def test_only_repeat_evidence_is_not_called(tmp_path, reference):
    """Clipped reads at one ALK base whose partner side the aligner put on repeat copies at
    MAPQ 0: an ALK breakpoint without a placed partner, never called. Two reads starting at
    the same base are copies of one molecule; chimeras at nearby bases with other partner
    sequence do not agree with them."""
    fasta_path, seq = reference
    reads = Reads()
    for index, (copy, alk_bases) in enumerate(zip(COPIES, (100, 110), strict=True)):
        read = junction_read(seq, partner_bases=150 - alk_bases, alk_bases=alk_bases)
        reads.add(f"R{index}", read, A - alk_bases + 1, f"{alk_bases}M{150 - alk_bases}S",
                  tags=[("SA", f"chr7,{copy + 10},-,50M100S,0,0;")])  # fmt: skip
    # A copy of R0 (an unflagged duplicate) and a chimera 4 bp away with other bases.
    reads.add("R0copy", junction_read(seq), A - 99, "100M50S",
              tags=[("SA", f"chr7,{COPIES[0] + 10},-,50M100S,0,0;")])  # fmt: skip
    other = ref(seq["chr2"], A - 95, A + 4) + ref(seq["chr7"], 7_001, 7_050)
    reads.add("X", other, A - 95, "100M50S", tags=[("SA", "chr7,7001,+,100S50M,0,0;")])
    spanning_pairs(reads, seq["chr2"])
    result = evidence(reads.write(tmp_path / "onlyrepeat.bam"), fasta_path)
    (junction,) = [j for j in result.junctions if not j.partner_placed and j.alk_pos == A]
    assert junction.aligned_fragments in ({"R0", "R1"}, {"R0copy", "R1"})
    assert not any(call_junctions(result.junctions, FusionSettings())[0])


def test_repeat_partner_placed_by_too_few_fragments_is_a_breakpoint_without_partner(
    tmp_path, reference
):
    """Split reads at one ALK base whose partner side lies in a repeat (MAPQ 0) and a single
    discordant pair reaching unique partner sequence: the junction is not called (one uniquely
    placed fragment), yet the sample's status must show the ALK breakpoint, never "fusion not
    detected"."""
    fasta_path, seq = reference
    reads = Reads()
    for index, copy in enumerate(COPIES * 2):
        alk_bases = 100 + 5 * index  # four molecules (distinct ALK starts)
        read = junction_read(seq, partner_bases=150 - alk_bases, alk_bases=alk_bases)
        reads.add(f"R{index}", read, A - alk_bases + 1, f"{alk_bases}M{150 - alk_bases}S",
                  tags=[("SA", f"chr7,{copy + 10},-,50M100S,0,0;")])  # fmt: skip
    discordant_pair(reads, seq, "D0", A - 250, E - 350)
    spanning_pairs(reads, seq["chr2"])
    settings = FusionSettings()
    result = evidence(reads.write(tmp_path / "weak.bam"), fasta_path, settings)
    (junction,) = [j for j in result.junctions if j.alk_pos == A]
    assert junction.partner_placed and calling_fragments(junction) == {"D0"}
    called, _ = call_junctions(result.junctions, settings)
    assert not any(called)
    status = sample_status("T", "tumor", result, called, WINDOW, settings, rows=[])
    assert status["status"].startswith("ALK breakpoint without a placed partner: 4 fragments")
    assert "1 placed uniquely" in status["status"]
    assert status["status"] in status["flags"]


def test_clip_matching_several_places_is_ambiguous(reference):
    _, seq = reference
    regions = [
        SearchRegion("chr2", 14_001, ref(seq["chr2"], 14_001, 16_000)),
        SearchRegion("chr7", 1, seq["chr7"]),
    ]
    clip = Clip("R", A, "left", reverse_complement(ref(seq["chr2"], E - 29, E)))
    read = resolve_clip(clip, regions, WINDOW)
    assert not read.placed and read.arbitrary and "3 places" in read.ambiguity
    assert {c.chrom for c in read.candidates} == {"chr2", "chr7"}
    unique = resolve_clip(clip, regions[:1], WINDOW)
    assert unique.placed and (unique.partner_chrom, unique.partner_pos) == ("chr2", E)


def test_adapter_and_single_base_clips_are_not_evidence():
    adapter = "AGATCGGAAGAGCACACGTC"
    assert is_artefact_clip(adapter, at_read_end=True, reverse=False, at_fragment_end=False)
    # On the reverse strand the adapter is stored reverse-complemented, at the leading end.
    assert is_artefact_clip(
        reverse_complement(adapter), at_read_end=True, reverse=True, at_fragment_end=False
    )
    assert not is_artefact_clip(adapter, at_read_end=False, reverse=False, at_fragment_end=False)
    assert is_artefact_clip("G" * 25, at_read_end=False, reverse=False, at_fragment_end=False)
    genomic = "ACGTTGCAAGTCCGATAGCT"
    assert not is_artefact_clip(genomic, at_read_end=True, reverse=False, at_fragment_end=False)
    assert is_artefact_clip(genomic, at_read_end=True, reverse=False, at_fragment_end=True)


def test_adapter_clips_at_one_position_make_no_junction(tmp_path, reference):
    fasta_path, seq = reference
    reads = Reads()
    for index in range(4):
        insert = ref(seq["chr2"], A - 99, A)
        reads.add(f"AD{index}", insert + "AGATCGGAAGAGCACACGTCTGAACTCCAGTCACGTAGCATCGCATGTCG",
                  A - 99, "100M50S")  # fmt: skip
    spanning_pairs(reads, seq["chr2"])
    result = evidence(reads.write(tmp_path / "adapter.bam"), fasta_path)
    assert result.junctions == [] and result.collected.adapter_clips == 4


# ---------------------------------------------------------------- mates read from the mate itself


@pytest.mark.parametrize("mate_tags", [True, False])
def test_mate_end_and_quality_come_from_the_mate_record(tmp_path, reference, mate_tags):
    """A mate with a 60-bp deletion ends 60 bp further than its length says: with or without
    MC/MQ, the pair fits the junction (the read-length guess would put it 60 bp off)."""
    fasta_path, seq = reference
    reads = Reads()
    for index in range(2):
        reads.add(f"F{index}", junction_read(seq), A - 99, "100M50S",
                  tags=[("SA", f"chr2,{E - 49},-,50M100S,60,0;")])  # fmt: skip
    # Mate forward (partner kept left): its aligned end is its breakpoint-near end.
    start = E - 270
    mate_seq = ref(seq["chr2"], start, start + 74) + ref(seq["chr2"], start + 135, start + 209)
    tags = [("MC", "75M60D75M"), ("MQ", 60)] if mate_tags else []
    discordant_pair(reads, seq, "D0", A - 250, start, mate_seq=mate_seq, mate_cigar="75M60D75M",
                    alk_tags=tags)  # fmt: skip
    spanning_pairs(reads, seq["chr2"])
    result = evidence(reads.write(tmp_path / "mc.bam"), fasta_path)
    junction = only_junction(result)
    assert junction.discordant_fragments == {"D0"}
    assert junction.ambiguous_fragments == set()
    assert bool(result.collected.mate_tags) is mate_tags


@pytest.mark.parametrize(
    ("mate_mapq", "mate_tags", "reason"),
    [(3, (), "mapping quality 3"), (60, (("XA", "chr7,+2001,150M,1;"),), "alternative hits")],
)
def test_a_mate_that_is_not_uniquely_placed_names_no_partner(
    tmp_path, reference, mate_mapq, mate_tags, reason
):
    fasta_path, seq = reference
    reads = Reads()
    for index in range(3):
        discordant_pair(reads, seq, f"D{index}", A - 250 + 30 * index, E - 300 + 30 * index,
                        mate_mapq=mate_mapq, mate_tags=mate_tags)  # fmt: skip
    spanning_pairs(reads, seq["chr2"])
    result = evidence(reads.write(tmp_path / "lowmate.bam"), fasta_path)
    assert result.junctions == []
    assert result.unjoined_ambiguous == 3


def test_a_mate_missing_from_the_file_is_not_assumed_unique(tmp_path, reference):
    """A BAM cut to ALK and EML4 holds the ALK read but not its mate elsewhere, and has no MQ
    tag: the mate's quality is unknown, so the pair names no partner."""
    fasta_path, seq = reference
    reads = Reads()
    for index in range(3):
        reads.add(f"D{index}", ref(seq["chr2"], A - 250 + 30 * index, A - 101 + 30 * index),
                  A - 250 + 30 * index, "150M", mate=("chr7", 1_000 + 40 * index, False, False, 0))  # fmt: skip
    spanning_pairs(reads, seq["chr2"])
    result = evidence(reads.write(tmp_path / "cut.bam"), fasta_path)
    assert result.junctions == [] and result.unjoined_ambiguous == 3


# ---------------------------------------------------------------- one junction, one row


def test_pairs_fit_only_within_one_fragment_length_of_the_breakpoint(tmp_path, reference):
    """The sample's fragment length (its proper pairs' 99th percentile) bounds how far a
    discordant pair's reads lie from the breakpoints; pairs just beyond it still join the
    called junction as one row (evidence within a fragment length of it)."""
    fasta_path, seq = reference
    reads = Reads()
    for index in range(3):
        reads.add(f"F{index}", junction_read(seq), A - 99, "100M50S",
                  tags=[("SA", f"chr2,{E - 49},-,50M100S,60,0;")])  # fmt: skip
    discordant_pair(reads, seq, "NEAR", A - 200, E - 250)
    discordant_pair(reads, seq, "EDGE", A - 449, E - 200)  # ALK read 450 bp from A
    discordant_pair(reads, seq, "FAR", A - 900, E - 1_000)  # beyond a fragment
    sized_pairs(reads, seq["chr2"])
    bam = reads.write(tmp_path / "reach.bam")
    result = evidence(bam, fasta_path)
    assert 350 <= result.collected.fragment_length <= 360
    called = [j for j, c in zip(result.junctions, call_junctions(result.junctions, FusionSettings())[0], strict=True) if c]  # fmt: skip
    (junction,) = called
    assert "NEAR" in junction.discordant_fragments and "EDGE" in junction.discordant_fragments
    assert "FAR" not in junction.discordant_fragments
    others = [j for j in result.junctions if j is not junction]
    assert [j.discordant_fragments for j in others] == [{"FAR"}]


def test_sample_fragment_length_needs_enough_pairs():
    import numpy as np

    assert sample_fragment_length(np.arange(10), 0.99, 1000) == 1000
    lengths = np.arange(200, 400)
    assert sample_fragment_length(lengths, 0.99, 1000) == 398
    assert sample_fragment_length(lengths, 0.99, 300) == 300


# ---------------------------------------------------------------- mapping artefacts


def test_mates_stacked_at_one_locus_from_scattered_alk_reads_are_an_artefact(tmp_path, reference):
    fasta_path, seq = reference
    reads = Reads()
    for index, alk_start in enumerate((5_050, 5_400, 5_900, 6_300, 6_700)):
        discordant_pair(reads, seq, f"T{index}", alk_start, TRAP, mate_chrom="chr7",
                        mate_reverse=True)  # fmt: skip
    spanning_pairs(reads, seq["chr2"])
    sized_pairs(reads, seq["chr2"])
    result = evidence(reads.write(tmp_path / "trap.bam"), fasta_path)
    assert result.junctions == []
    (artefact,) = result.artefacts
    assert (artefact.chrom, artefact.pos) == ("chr7", TRAP)
    assert artefact.window_pairs == 5 and artefact.stacked == 5
    assert artefact.window_span == 6_700 - 5_050
    assert "mapping artefact at chr7:6500: 5 pair(s)" in artefact.describe()


def test_mates_clipped_at_a_real_breakpoint_are_not_an_artefact(tmp_path, reference):
    """At a real junction, mates that cross it are clipped where it is: they start at one
    position, and the ALK reads of both junctions of a balanced inversion lie on both sides
    of the ALK breakpoint. Neither makes the partner an artefact."""
    fasta_path, seq = reference
    reads = Reads()
    for index in range(4):
        # Mates clipped at E + 1 (kept right, reverse strand): all start at E + 1.
        mate_seq = ref(seq["chr2"], E - 29, E) + ref(seq["chr2"], E + 1, E + 120)
        discordant_pair(reads, seq, f"C{index}", A + 100 + 40 * index, E + 1, mate_reverse=True,
                        mate_seq=mate_seq, mate_cigar="30S120M")  # fmt: skip
        discordant_pair(reads, seq, f"D{index}", A - 300 + 40 * index, E - 350 + 30 * index)
    spanning_pairs(reads, seq["chr2"])
    sized_pairs(reads, seq["chr2"])
    result = evidence(reads.write(tmp_path / "balanced.bam"), fasta_path)
    assert result.artefacts == []
    assert {j.partner_pos for j in result.junctions} and all(
        j.partner_chrom == "chr2" for j in result.junctions
    )


def test_a_locus_collecting_mates_from_across_the_gene_is_an_artefact(tmp_path, reference):
    """Two window pairs near each other look like a junction, but the locus also holds mates of
    ALK reads from outside the window (elsewhere in the gene)."""
    fasta_path, seq = reference
    reads = Reads()
    for index in range(2):
        discordant_pair(reads, seq, f"T{index}", 6_000 + 40 * index, TRAP + 10 * index,
                        mate_chrom="chr7", mate_reverse=True)  # fmt: skip
    for index, elsewhere in enumerate((1_000, 2_500, 8_000, 12_000)):
        reads.add(f"G{index}", ref(seq["chr7"], TRAP + 5 * index, TRAP + 5 * index + 149),
                  TRAP + 5 * index, "150M", chrom="chr7", reverse=True, read2=True,
                  mate=("chr2", elsewhere, False, False, 0))  # fmt: skip
    spanning_pairs(reads, seq["chr2"])
    bam = reads.write(tmp_path / "gene.bam")
    settings = FusionSettings()
    with_gene = evidence(bam, fasta_path, settings, gene_span=(500, 13_000))
    assert with_gene.junctions == []
    (artefact,) = with_gene.artefacts
    assert artefact.gene_pairs == 4 and artefact.gene_span == (1_000, 12_000)
    # Seen from the window alone (gene unknown), the two pairs are a junction.
    window_only = evidence(bam, fasta_path, settings)
    assert with_gene.artefacts and not window_only.artefacts
    assert len(window_only.junctions) == 1


# ---------------------------------------------------------------- parsing, typing helpers


def test_sa_xa_and_cigar_parsing():
    assert parse_sa("chr2,100,-,50M100S,60,0;chr7,5,+,30S120M,3,1;") == [
        ("chr2", 100, "-", "50M100S", 60),
        ("chr7", 5, "+", "30S120M", 3),
    ]
    assert parse_xa("chr7,+2001,50M,0;chr14,-104498140,57S39M,1;") == [
        ("chr7", 2001, "50M"),
        ("chr14", 104498140, "57S39M"),
    ]
    assert cigar_reference_length("20S30M2D10M5I40M") == 82
    assert cigar_clips("20S130M") == (20, 0) and cigar_clips("100M50H") == (0, 50)
    assert junction_end(100, 50, 0, 100) == (149, "left")
    assert junction_end(100, 50, 100, 0) == (100, "right")


def test_clip_resolution_in_all_four_orientations(reference):
    _, seq = reference
    region = SearchRegion("chr2", 14_001, ref(seq["chr2"], 14_001, 16_000))
    cases = {
        # (ALK side, partner side): the clip as it appears in the read
        ("left", "left"): reverse_complement(ref(seq["chr2"], E - 89, E - 60)),
        ("left", "right"): ref(seq["chr2"], E - 60, E - 31),
        ("right", "left"): ref(seq["chr2"], E - 89, E - 60),
        ("right", "right"): reverse_complement(ref(seq["chr2"], E - 60, E - 31)),
    }
    expected = {"left": E - 60, "right": E - 60}
    for (alk_side, partner_side), clip_sequence in cases.items():
        resolved = resolve_clip(Clip("R", A, alk_side, clip_sequence), [region], WINDOW)
        assert resolved.placed, (alk_side, partner_side)
        assert (resolved.partner_pos, resolved.partner_side) == (
            expected[partner_side],
            partner_side,
        )
    # Sequence found nowhere: unplaced, not guessed.
    lost = resolve_clip(Clip("R", A, "left", "ACGT" * 8), [region], WINDOW)
    assert not lost.placed and lost.candidates == ()


def test_reciprocal_junctions_are_paired():
    driver = Junction("chr2", A, "left", "chr2", E, "left", True)
    reciprocal = Junction("chr2", A + 1, "right", "chr2", E + 3, "right", True)
    unrelated = Junction("chr2", A, "left", "chr2", E + 50_000, "right", True)
    pairs = pair_reciprocals([driver, reciprocal, unrelated], distance=1000)
    assert pairs[0] is reciprocal and pairs[1] is driver and 2 not in pairs


def test_power_and_fragments_needed():
    assert detection_power(0, 0.05, 3) == 0.0
    assert detection_power(1000, 0.05, 3) == pytest.approx(1.0)
    needed = fragments_needed(0.05, 3, 0.95)
    assert detection_power(needed, 0.05, 3) >= 0.95 > detection_power(needed - 1, 0.05, 3)
    assert 100 < needed < 150


def test_thresholds_from_config():
    settings = FusionSettings.from_config(
        {"min_supporting_fragments": 5, "min_fraction": 0.01, "callers": ["delly"], "delly": {}}
    )
    junction = Junction("chr2", A, "left", "chr2", E, "left", True)
    junction.split_fragments = {f"F{i}" for i in range(4)}
    junction.placed_fragments = set(junction.split_fragments)
    junction.spanning_fragments = 100
    assert not is_called(junction, settings)  # 4 < 5 fragments
    junction.split_fragments.add("F9")  # ambiguous support never makes a call
    assert junction.ambiguous_fragments == {"F9"} and not is_called(junction, settings)
    junction.placed_fragments.add("F9")
    assert is_called(junction, settings)
    junction.spanning_fragments = 1000  # 5 / 1005 < 1%
    assert not is_called(junction, settings)


def test_both_junctions_of_an_inversion_count_together():
    settings = FusionSettings(min_supporting_fragments=3)
    driver = Junction("chr2", A, "left", "chr2", E, "left", True)
    driver.split_fragments = driver.placed_fragments = {"F1", "F2"}
    driver.spanning_fragments = 400
    reciprocal = Junction("chr2", A + 1, "right", "chr2", E + 1, "right", True)
    reciprocal.split_fragments = {"F3"}
    reciprocal.discordant_fragments = {"F2"}  # the same fragment is counted once
    reciprocal.placed_fragments = {"F2", "F3"}
    reciprocal.spanning_fragments = 400
    lonely = Junction("chr2", A, "left", "chr2", E + 90_000, "left", True)
    lonely.split_fragments = lonely.placed_fragments = {"G1", "G2"}
    lonely.spanning_fragments = 400
    called, reciprocals = call_junctions([driver, reciprocal, lonely], settings)
    assert called == [True, True, False]
    assert reciprocals[0] is reciprocal and 2 not in reciprocals
    reciprocal.split_fragments, reciprocal.placed_fragments = set(), {"F2"}
    assert call_junctions([driver, reciprocal], settings)[0] == [False, False]


def test_partner_spans_beyond_the_contig_are_skipped(reference):
    fasta_path, _ = reference
    with pysam.FastaFile(str(fasta_path)) as fasta:
        regions = candidate_regions(
            [], [("chr2", 42_000_000, 42_300_000), ("chr2", 100, 200)], fasta, 0
        )
    assert [(r.start, len(r.sequence)) for r in regions] == [(100, 101)]
