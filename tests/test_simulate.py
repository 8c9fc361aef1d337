"""The synthetic-data builder: genome edits from coding edits, islands, mixing and real ART runs."""

import gzip
import random
import shutil

import pytest
from simulate import (
    Fusion,
    Haplotype,
    Island,
    SampleSpec,
    Target,
    amplification_multiplier,
    apply_variants,
    bin_quality_string,
    build_reference,
    fusion_fraction,
    fusion_joined_islands,
    fusion_pieces,
    island_contigs,
    island_sequences_for_sample,
    merge_targets_into_islands,
    read_fastq,
    simulate_reads,
)

from alkres.knowledge.transcript import (
    Exon,
    Transcript,
    load_transcript,
    reverse_complement,
    translate,
)
from alkres.mutations.variants import Variant, cds_edit_to_variant, codon_substitution

ALK = load_transcript("GRCh38", "ALK", chrom="chr2")


@pytest.mark.parametrize(
    ("codon", "new_codon", "expected"),
    [
        (
            1202,
            "AGA",
            Variant("chr2", 29220747, "C", "T"),
        ),  # G1202R c.3604G>A (catalogue, MOAlmanac)
        (1196, "ATG", Variant("chr2", 29220765, "G", "T")),  # L1196M c.3586C>A
        (1171, "AAC", Variant("chr2", 29222347, "A", "T")),  # I1171N c.3512T>A
        (1269, "AGC", Variant("chr2", 29209815, "TCC", "GCT")),  # G1269S GGA>AGC, two bases
    ],
)
def test_codon_substitution_gives_genomic_change(codon, new_codon, expected):
    assert codon_substitution(ALK, codon, new_codon) == expected


def test_dup_and_del_are_anchored_vcf_style():
    # T1151dup: ACG inserted after c.3453; on the minus strand it follows genomic c.3454.
    dup = cds_edit_to_variant(ALK, 3454, 3453, "ACG")
    assert dup.pos == ALK.c_to_g(3454)
    assert dup.alt == dup.ref + reverse_complement("ACG")
    # G1202del as c.3605_3607del (GGA): anchor is genomic base of c.3608.
    deletion = cds_edit_to_variant(ALK, 3605, 3607, "")
    assert deletion.pos == ALK.c_to_g(3608)
    assert deletion.ref == deletion.alt + reverse_complement(ALK.cds[3604:3607])


# A plus-strand toy transcript: c.1-6 at 101-106, c.7-12 at 201-206 (MAE*).
PLUS = Transcript(gene="TOY", transcript_id="TOY1", refseq="", chrom="chrT", strand=1,
                  exons=(Exon(1, 101, 106, 1, 6), Exon(2, 201, 206, 7, 12)),
                  cds="ATGGCCGAATAA", protein="MAE", build="GRCh38")  # fmt: skip


def test_plus_strand_edits_are_anchored_vcf_style():
    assert codon_substitution(PLUS, 2, "TCC") == Variant("chrT", 104, "G", "T")  # c.4G>T
    assert codon_substitution(PLUS, 3, "GAC") == Variant("chrT", 203, "A", "C")  # c.9A>C
    # c.4_6del (GCC): anchored on c.3; c.4_5insAAA: anchored on c.4.
    assert cds_edit_to_variant(PLUS, 4, 6, "") == Variant("chrT", 103, "GGCC", "G")
    assert cds_edit_to_variant(PLUS, 5, 4, "AAA") == Variant("chrT", 104, "G", "GAAA")


def test_a_variant_is_simulated_on_its_own_contig_only():
    reference = {"chrA": bytearray(b"ACGT" * 100), "chrB": bytearray(b"TTGCA" * 80)}
    on_a, on_b = Island("chrA", 101, 200, ()), Island("chrB", 101, 200, ())
    variant = Variant("chrB", 150, chr(reference["chrB"][149]), "G")
    spec = SampleSpec("S", 100, [Haplotype((variant,), 0.5)])
    groups = island_sequences_for_sample(spec, [on_a, on_b], reference)
    assert sorted(name for name, _ in groups[50.0]) == ["chrB_101_200", "chrB_101_200_hap1"]
    assert groups[100.0] == [("chrA_101_200", reference["chrA"][100:200].decode())]
    assert island_contigs([on_b, on_a], reference) == ["chrA", "chrB"]
    with pytest.raises(ValueError, match="need a reference with those contigs"):
        island_contigs([on_a, on_b], reference["chrA"])


def test_edits_translate_to_the_intended_protein():
    islands = merge_targets_into_islands(
        [Target("chr2", ALK.c_to_g(3645), ALK.c_to_g(3516), "ALK_exon23")]
    )
    reference = build_reference(islands, [ALK], 30_000_000, seed=1)
    island = islands[0]
    for variants, expected in [
        ((codon_substitution(ALK, 1202, "AGA"),), {1202: "R"}),
        (
            (codon_substitution(ALK, 1202, "AGA"), codon_substitution(ALK, 1196, "ATG")),
            {1202: "R", 1196: "M"},
        ),
    ]:
        mutant = reverse_complement(apply_variants(island, reference, variants))
        offset = island.end - ALK.c_to_g(3516)  # c.3516 = first coding base of exon 23
        exon_cds = mutant[offset : offset + 3645 - 3516 + 1]
        protein = translate(ALK.cds[:3515] + exon_cds)
        for codon, amino_acid in expected.items():
            assert protein[codon - 1] == amino_acid


def test_reference_holds_real_cds_on_minus_strand():
    islands = merge_targets_into_islands([Target("chr2", 29220700, 29220840, "ALK_exon23")])
    reference = build_reference(islands, [ALK], 30_000_000, seed=1)
    assert chr(reference[29220747 - 1]) == "C"  # c.3604 G on the coding strand
    assert reference[:1000] == b"N" * 1000


def test_islands_merge_when_flanks_touch():
    targets = [
        Target("chr2", 1000, 1100, "a"),
        Target("chr2", 1300, 1400, "b"),
        Target("chr2", 5000, 5100, "c"),
    ]
    islands = merge_targets_into_islands(targets, flank=150)
    assert [(i.start, i.end, len(i.targets)) for i in islands] == [(850, 1550, 2), (4850, 5250, 1)]


def test_haplotype_shares_split_the_depth():
    island = Island("chr2", 101, 400, ())
    reference = bytearray(b"N" * 100 + bytes(random.Random(0).choices(b"ACGT", k=300)) + b"N" * 100)
    variant = Variant("chr2", 200, chr(reference[199]), "A" if chr(reference[199]) != "A" else "C")
    spec = SampleSpec("S", 500, [Haplotype((variant,), 0.2)], [("chr2", 1, 1000, 2.0)])
    groups = island_sequences_for_sample(spec, [island], reference)
    assert sorted(groups) == [200.0, 800.0]  # 1000x after a 2x gain, 20% mutant


def test_amplification_multiplier():
    assert amplification_multiplier(10, 0.6) == pytest.approx(3.4)
    assert amplification_multiplier(2, 0.3) == pytest.approx(1.0)


# A toy contig: an "ALK" island around a = 500 and a "partner" island around e = 3000, both
# inside sequence-only stretches, so that the far side of either junction has bases.
TOY_A, TOY_E, TOY_FLANK = 500, 3000, 100
TOY_ISLANDS = [Island("chr2", 301, 800, ()), Island("chr2", 2801, 3300, ())]
TOY_REFERENCE = build_reference(TOY_ISLANDS, [], 4000, seed=5, sequence_only=[(201, 3900)])


def inverted(reference, a, e):
    """The derived chromosome of an inversion of a+1..e, built by hand."""
    text = reference.decode()
    return text[:a] + reverse_complement(text[a:e]) + text[e:]


def test_fusion_pieces_are_the_inverted_chromosome():
    derived = inverted(TOY_REFERENCE, TOY_A, TOY_E)
    fusion = Fusion("chr2", TOY_A, TOY_E, purity=0.5)
    alk, partner = TOY_ISLANDS
    pieces = {name: seq for name, seq, _ in fusion_pieces(alk, fusion, TOY_REFERENCE, TOY_FLANK)}
    assert pieces[alk.name] == TOY_REFERENCE[alk.start - 1 : alk.end].decode()
    # partner-ALK junction: ALK up to a, then the partner read backwards from e
    assert pieces[f"{alk.name}_fusion"] == derived[alk.start - 1 : TOY_A + TOY_FLANK]
    # ALK-partner junction, on the other strand of the derived chromosome
    beyond = alk.end - TOY_A
    assert pieces[f"{alk.name}_reciprocal"] == reverse_complement(
        derived[TOY_E - beyond : TOY_E + TOY_FLANK]
    )
    pieces = {
        name: seq for name, seq, _ in fusion_pieces(partner, fusion, TOY_REFERENCE, TOY_FLANK)
    }
    kept = TOY_E - partner.start + 1
    assert pieces[f"{partner.name}_fusion"] == reverse_complement(
        derived[TOY_A - TOY_FLANK : TOY_A + kept]
    )
    assert pieces[f"{partner.name}_reciprocal"] == derived[TOY_E - TOY_FLANK : partner.end]


def test_pieces_carry_the_partner_island_whole_when_both_breakpoints_are_captured():
    # e inside a simulated island: its junction fragments come from one piece, not two
    derived = inverted(TOY_REFERENCE, TOY_A, TOY_E)
    alk, partner = TOY_ISLANDS
    fusion = Fusion("chr2", TOY_A, TOY_E, purity=0.8, fused_copies=3)
    pieces = {
        name: seq
        for name, seq, _ in fusion_pieces(alk, fusion, TOY_REFERENCE, TOY_FLANK, TOY_ISLANDS)
    }
    kept = TOY_E - partner.start + 1
    assert pieces[f"{alk.name}_fusion"] == derived[alk.start - 1 : TOY_A + kept]
    assert pieces[f"{alk.name}_reciprocal"] == reverse_complement(
        derived[TOY_E - (alk.end - TOY_A) : partner.end]
    )
    assert fusion_joined_islands(alk, fusion, TOY_ISLANDS, TOY_FLANK) == [partner]
    spec = SampleSpec("S", 400, fusions=[fusion])
    groups = island_sequences_for_sample(spec, TOY_ISLANDS, TOY_REFERENCE)
    names = {fold: sorted(name for name, _ in seqs) for fold, seqs in groups.items()}
    # unchanged 0.2 * 2 + 0.8 = 1.2 copies, fused 0.8 * 3 = 2.4, reciprocal 0.8
    assert names == {
        240.0: sorted([alk.name, partner.name]),
        480.0: [f"{alk.name}_fusion"],
        160.0: [f"{alk.name}_reciprocal"],
    }


def test_pieces_carry_islands_within_the_flank_of_the_far_breakpoint():
    alk = TOY_ISLANDS[0]
    below, above = Island("chr2", 2701, 2950, ()), Island("chr2", 3051, 3200, ())
    derived = inverted(TOY_REFERENCE, TOY_A, TOY_E)
    fusion = Fusion("chr2", TOY_A, TOY_E, purity=0.5)
    islands = [alk, below, above]
    pieces = {
        name: seq for name, seq, _ in fusion_pieces(alk, fusion, TOY_REFERENCE, TOY_FLANK, islands)
    }
    assert pieces[f"{alk.name}_fusion"] == derived[alk.start - 1 : TOY_A + TOY_E - below.start + 1]
    assert pieces[f"{alk.name}_reciprocal"] == reverse_complement(
        derived[TOY_E - (alk.end - TOY_A) : above.end]
    )
    assert fusion_joined_islands(alk, fusion, islands, TOY_FLANK) == [below, above]
    # Without the reciprocal junction, the island beyond e is left as it is.
    unbalanced = Fusion("chr2", TOY_A, TOY_E, purity=0.5, reciprocal=False)
    assert fusion_joined_islands(alk, unbalanced, islands, TOY_FLANK) == [below]


def test_unbalanced_fusion_has_no_reciprocal_piece():
    fusion = Fusion("chr2", TOY_A, TOY_E, purity=0.5, reciprocal=False)
    names = [name for name, _, _ in fusion_pieces(TOY_ISLANDS[0], fusion, TOY_REFERENCE)]
    assert names == [TOY_ISLANDS[0].name, f"{TOY_ISLANDS[0].name}_fusion"]


def test_fusion_copies_set_the_fold_and_gains_skip_the_fusion_island():
    # CN 10 at purity 0.6: 9 fused copies; the gain covers the fusion island and is ignored there.
    fusion = Fusion("chr2", TOY_A, TOY_E, purity=0.6, fused_copies=9, reciprocal=True)
    other = Island("chr2", 1001, 1300, ())
    spec = SampleSpec("S", 400, gains=[("chr2", 1, 1400, 3.4)], fusions=[fusion])
    groups = island_sequences_for_sample(spec, [TOY_ISLANDS[0], other], TOY_REFERENCE)
    names = {fold: [name for name, _ in seqs] for fold, seqs in groups.items()}
    island = TOY_ISLANDS[0].name
    assert names == {
        280.0: [island],  # (0.4 * 2 + 0.6) copies: normal cells and the other allele
        1080.0: [f"{island}_fusion"],  # 0.6 * 9 copies
        120.0: [f"{island}_reciprocal"],  # 0.6 * 1 copy
        1360.0: [other.name],  # the gain, as before
    }
    # Left of a: the amplified depth; right of a: two copies.
    left, right = (280 + 1080) / spec.fold_coverage, (280 + 120) / spec.fold_coverage
    assert left == pytest.approx(amplification_multiplier(10, 0.6))
    assert right == pytest.approx(1.0)


def test_fusion_fraction_at_the_alk_breakpoint():
    assert fusion_fraction(Fusion("chr2", 1, 2, purity=0.5)) == pytest.approx(0.25)
    assert fusion_fraction(Fusion("chr2", 1, 2, purity=1.0)) == pytest.approx(0.5)
    assert fusion_fraction(Fusion("chr2", 1, 2, purity=0.6, fused_copies=9)) == pytest.approx(
        5.4 / 6.8
    )
    assert fusion_fraction(Fusion("chr2", 1, 2, purity=0.0)) == 0.0


def test_small_variants_inside_a_fusion_island_are_refused():
    base = chr(TOY_REFERENCE[399])
    variant = Variant("chr2", 400, base, "A" if base != "A" else "C")
    spec = SampleSpec(
        "S", 100, [Haplotype((variant,), 0.2)], fusions=[Fusion("chr2", TOY_A, TOY_E, 0.5)]
    )
    with pytest.raises(ValueError, match="small variants inside the fusion island"):
        island_sequences_for_sample(spec, TOY_ISLANDS, TOY_REFERENCE)


def test_fusion_without_bases_on_the_far_side_is_refused():
    reference = build_reference(TOY_ISLANDS[:1], [], 4000, seed=5)
    with pytest.raises(ValueError, match="no bases across"):
        fusion_pieces(TOY_ISLANDS[0], Fusion("chr2", TOY_A, TOY_E, 0.5), reference)


def test_sequence_only_regions_get_bases_but_no_reads():
    island = Island("chr2", 1001, 1300, ())
    plain = build_reference([island], [], 5000, seed=9)
    reference = build_reference([island], [], 5000, seed=9, sequence_only=[(2001, 3000)])
    assert set(reference[2000:3000].decode()) <= set("ACGT")
    assert reference[1300:2000] == b"N" * 700 and reference[3000:] == b"N" * 2000
    assert reference[1000:1300] == plain[1000:1300]  # the island keeps its bases
    groups = island_sequences_for_sample(SampleSpec("S", 100), [island], reference)
    simulated = "".join(seq for seqs in groups.values() for _, seq in seqs)
    region = reference[2000:3000].decode()
    assert not any(region[i : i + 30] in simulated for i in range(0, len(region) - 30, 10))


def test_quality_binning():
    assert bin_quality_string("#+5?I") == "#-88F"  # Q2,10,20,30,40 -> 2,12,23,23,37


@pytest.mark.skipif(shutil.which("art_illumina") is None, reason="art_illumina not installed")
def test_art_reads_are_reproducible_and_carry_the_variant(tmp_path):
    rng = random.Random(3)
    reference = bytearray(b"N" * 200 + bytes(rng.choices(b"ACGT", k=800)) + b"N" * 200)
    island = Island("chr2", 201, 1000, ())
    variant = Variant("chr2", 600, chr(reference[599]), "A" if chr(reference[599]) != "A" else "C")
    spec = SampleSpec("S", 200, [Haplotype((variant,), 0.5)])
    runs = []
    for attempt in ("a", "b"):
        r1, _ = simulate_reads(spec, [island], reference, tmp_path / attempt)
        with gzip.open(r1, "rt") as handle:
            runs.append(handle.read())
    assert runs[0] == runs[1]
    assert runs[0].count("\n") // 4 > 200
    plain = tmp_path / "r1.fq"
    plain.write_text(runs[0])
    seqs = [seq for _, seq, _ in read_fastq(plain)]
    context = bytes(reference[587:599]).decode()  # 12 bases: unique in the island
    mutant = sum(
        context + variant.alt in s or reverse_complement(context + variant.alt) in s for s in seqs
    )
    wild = sum(
        context + variant.ref in s or reverse_complement(context + variant.ref) in s for s in seqs
    )
    assert 0.35 < mutant / (mutant + wild) < 0.65
