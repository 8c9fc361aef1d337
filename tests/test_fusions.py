"""Fusion evidence on hand-built alignments: split reads, soft clips, discordant pairs,
duplicates, fragments counted once, spanning depth, clustering, power."""

import random

import pysam
import pytest

from alkres.fusions import (
    Clip,
    FusionSettings,
    Junction,
    SearchRegion,
    Window,
    call_junctions,
    candidate_regions,
    cigar_clips,
    cigar_reference_length,
    detection_power,
    fragments_needed,
    gather_junctions,
    is_called,
    junction_end,
    pair_reciprocals,
    parse_sa,
    resolve_clip,
)
from alkres.transcript import reverse_complement

LENGTH = 20_000
A, E = 6_000, 15_000  # ALK keeps <= A, the partner keeps <= E (inverted): left/left
WINDOW = Window("chr2", 5_000, 7_000, 5_200, 6_800)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    rng = random.Random(7)
    sequence = "".join(rng.choices("ACGT", k=LENGTH))
    path = tmp_path_factory.mktemp("ref") / "toy.fa"
    path.write_text(">chr2\n" + sequence + "\n")
    pysam.faidx(str(path))
    return path, sequence


def ref(sequence, start, end):
    """1-based inclusive slice."""
    return sequence[start - 1 : end]


def make_read(header, name, seq, pos, cigar, *, reverse=False, flag_extra=0, mate=None, tags=()):
    read = pysam.AlignedSegment(header)
    read.query_name = name
    read.query_sequence = seq
    read.query_qualities = pysam.qualitystring_to_array("I" * len(seq))
    read.reference_id = 0
    read.reference_start = pos - 1
    read.cigarstring = cigar
    read.mapping_quality = 60
    flag = flag_extra | (0x10 if reverse else 0)
    if mate is not None:
        mate_pos, mate_reverse, proper, tlen = mate
        flag |= 0x1 | (0x2 if proper else 0) | (0x20 if mate_reverse else 0) | 0x40
        read.next_reference_id = 0
        read.next_reference_start = mate_pos - 1
        read.template_length = tlen
    read.flag = flag
    for key, value in tags:
        read.set_tag(key, value)
    return read


def build_bam(tmp_path, sequence, with_supplementary=True):
    header = pysam.AlignmentHeader.from_dict(
        {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr2", "LN": LENGTH}]}
    )
    reads = []
    junction = ref(sequence, A - 99, A) + reverse_complement(ref(sequence, E - 49, E))
    sa = [("SA", f"chr2,{E - 49},-,50M100S,60,0;")] if with_supplementary else []
    # F1: split read (and a duplicate of it, which must not count)
    for name, extra in (("F1", 0), ("F1dup", 0x400)):
        reads.append(make_read(header, name, junction, A - 99, "100M50S", flag_extra=extra,
                               mate=(A - 300, True, True, 400), tags=sa))  # fmt: skip
        mate_seq = ref(sequence, A - 300, A - 151)
        reads.append(make_read(header, name, mate_seq, A - 300, "150M", reverse=True,
                               flag_extra=extra | 0x80, mate=(A - 99, False, True, -400)))  # fmt: skip
    # F2: soft clip only (30 bases of the partner), no SA
    clip_read = ref(sequence, A - 119, A) + reverse_complement(ref(sequence, E - 29, E))
    reads.append(make_read(header, "F2", clip_read, A - 119, "120M30S"))
    # F3: discordant pair, ALK read forward below A, mate forward in the partner below E
    reads.append(make_read(header, "F3", ref(sequence, A - 250, A - 101), A - 250, "150M",
                           mate=(E - 300, False, False, 0)))  # fmt: skip
    # F4: a split whose other end is inside the window (a deletion): not a fusion
    reads.append(make_read(header, "F4", ref(sequence, 5_500, 5_599) + ref(sequence, 6_500, 6_549),
                           5_500, "100M50S", tags=[("SA", "chr2,6500,+,100S50M,60,0;")]))  # fmt: skip
    # Ten proper pairs spanning A unchanged
    for index in range(10):
        start = A - 200 + index
        reads.append(make_read(header, f"S{index}", ref(sequence, start, start + 149), start,
                               "150M", mate=(start + 250, True, True, 400)))  # fmt: skip
    reads.sort(key=lambda r: r.reference_start)
    path = tmp_path / ("toy.bam" if with_supplementary else "toy_nosa.bam")
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for read in reads:
            out.write(read)
    pysam.index(str(path))
    return path


@pytest.mark.parametrize("with_supplementary", [True, False])
def test_one_junction_counted_once_per_fragment(tmp_path, reference, with_supplementary):
    fasta_path, sequence = reference
    bam = build_bam(tmp_path, sequence, with_supplementary)
    settings = FusionSettings(min_supporting_fragments=3)
    with pysam.AlignmentFile(str(bam)) as alignment, pysam.FastaFile(str(fasta_path)) as fasta:
        junctions, collected = gather_junctions(
            alignment, fasta, WINDOW, settings, [("chr2", 14_000, 16_000)]
        )
    assert len(junctions) == 1
    junction = junctions[0]
    assert (junction.alk_pos, junction.alk_side) == (A, "left")
    assert (junction.partner_pos, junction.partner_side) == (E, "left")
    assert junction.orientation == "3to3" and junction.precise
    assert junction.split_fragments == {"F1", "F2"}  # the duplicate is not support
    assert junction.discordant_fragments == {"F3"}
    assert junction.supporting_fragments == 3
    assert junction.spanning_fragments == 10
    assert junction.fraction == pytest.approx(3 / 13)
    assert is_called(junction, settings)
    assert collected.duplicates_skipped == 2
    assert (collected.supplementary_records == 0) is True  # primary records only in this BAM


def test_sa_and_cigar_parsing():
    assert parse_sa("chr2,100,-,50M100S,60,0;chr7,5,+,30S120M,3,1;") == [
        ("chr2", 100, "-", "50M100S", 60),
        ("chr7", 5, "+", "30S120M", 3),
    ]
    assert cigar_reference_length("20S30M2D10M5I40M") == 82
    assert cigar_clips("20S130M") == (20, 0) and cigar_clips("100M50H") == (0, 50)
    assert junction_end(100, 50, 0, 100) == (149, "left")
    assert junction_end(100, 50, 100, 0) == (100, "right")


def test_clip_resolution_in_all_four_orientations(reference):
    _, sequence = reference
    region = SearchRegion("chr2", 14_001, ref(sequence, 14_001, 16_000))
    window = WINDOW
    cases = {
        # (ALK side, partner side): the clip as it appears in the read
        ("left", "left"): reverse_complement(ref(sequence, E - 29, E)),
        ("left", "right"): ref(sequence, E, E + 29),
        ("right", "left"): ref(sequence, E - 29, E),
        ("right", "right"): reverse_complement(ref(sequence, E, E + 29)),
    }
    for (alk_side, partner_side), clip_sequence in cases.items():
        resolved = resolve_clip(Clip("R", A, alk_side, clip_sequence), [region], window)
        assert resolved is not None, (alk_side, partner_side)
        assert (resolved.partner_pos, resolved.partner_side) == (E, partner_side)
    # Sequence found nowhere: unplaced, not guessed.
    assert resolve_clip(Clip("R", A, "left", "ACGT" * 8), [region], window) is None


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
    junction.spanning_fragments = 100
    assert not is_called(junction, settings)  # 4 < 5 fragments
    junction.split_fragments.add("F9")
    assert is_called(junction, settings)
    junction.spanning_fragments = 1000  # 5 / 1005 < 1%
    assert not is_called(junction, settings)


def test_both_junctions_of_an_inversion_count_together():
    settings = FusionSettings(min_supporting_fragments=3)
    driver = Junction("chr2", A, "left", "chr2", E, "left", True)
    driver.split_fragments = {"F1", "F2"}
    driver.spanning_fragments = 400
    reciprocal = Junction("chr2", A + 1, "right", "chr2", E + 1, "right", True)
    reciprocal.split_fragments = {"F3"}
    reciprocal.discordant_fragments = {"F2"}  # the same fragment is counted once
    reciprocal.spanning_fragments = 400
    lonely = Junction("chr2", A, "left", "chr2", E + 90_000, "left", True)
    lonely.split_fragments = {"G1", "G2"}
    lonely.spanning_fragments = 400
    called, reciprocals = call_junctions([driver, reciprocal, lonely], settings)
    assert called == [True, True, False]
    assert reciprocals[0] is reciprocal and 2 not in reciprocals
    reciprocal.split_fragments = set()
    assert call_junctions([driver, reciprocal], settings)[0] == [False, False]


def test_partner_spans_beyond_the_contig_are_skipped(reference):
    fasta_path, sequence = reference
    with pysam.FastaFile(str(fasta_path)) as fasta:
        regions = candidate_regions(
            [], [("chr2", 42_000_000, 42_300_000), ("chr2", 100, 200)], fasta, 0
        )
    assert [(r.start, len(r.sequence)) for r in regions] == [(100, 101)]
