"""The synthetic-data builder: genome edits from coding edits, islands, mixing and real ART runs."""

import gzip
import random
import shutil

import pytest

from alkres.simulate import (
    Haplotype,
    Island,
    SampleSpec,
    Target,
    Variant,
    amplification_multiplier,
    apply_variants,
    bin_quality_string,
    build_reference,
    cds_edit_to_variant,
    codon_substitution,
    island_sequences_for_sample,
    merge_targets_into_islands,
    read_fastq,
    simulate_reads,
)
from alkres.transcript import load_transcript, reverse_complement, translate

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
