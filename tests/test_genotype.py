"""Codon-aware genotyper on hand-built alignments: amino acids from whole codons, fragments
counted once, protein-level matching of catalogued indels."""

import re
import subprocess

import pysam
import pytest
from simulate import (
    Target,
    apply_variants,
    build_reference,
    merge_targets_into_islands,
)

from alkres.defaults import section_defaults
from alkres.knowledge.transcript import load_transcript
from alkres.mutations.genotype import (
    CatalogueIndel,
    ReadFilters,
    aligned_positions,
    codon_site,
    count_sites,
    fragment_observations,
    gapless_offset,
    indel_site,
    linkage,
)
from alkres.mutations.variants import codon_substitution

ALK = load_transcript("GRCh38", "ALK", chrom="chr2")
LENGTH = 30_000_000
ISLAND = merge_targets_into_islands(
    [Target("chr2", ALK.c_to_g(3645), ALK.c_to_g(3516), "ALK_exon23")]
)[0]
REFERENCE = build_reference([ISLAND], [ALK], LENGTH, seed=7)
START = ISLAND.start + 150  # reads start here (1-based) and span codons 1196-1206


def haplotype(variants=()):
    return apply_variants(ISLAND, REFERENCE, list(variants))


def write_bam(path, reads):
    """reads: (name, flag, 1-based start, cigar, sequence, mapq)."""
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr2", "LN": LENGTH}]}
    with pysam.AlignmentFile(str(path), "wb", header=header) as bam:
        for name, flag, start, cigar, sequence, mapq in sorted(reads, key=lambda r: r[2]):
            read = pysam.AlignedSegment(bam.header)
            read.query_name, read.flag, read.reference_id = name, flag, 0
            read.reference_start, read.cigarstring, read.query_sequence = start - 1, cigar, sequence
            read.mapping_quality = mapq
            read.query_qualities = pysam.qualitystring_to_array("I" * len(sequence))
            bam.write(read)
    pysam.index(str(path))
    return pysam.AlignmentFile(str(path))


def read_from(hap, length=150, offset=START - ISLAND.start):
    return hap[offset : offset + length]


def observe_all(tmp_path, reads, sites):
    bam = write_bam(tmp_path / "t.bam", reads)
    fragments = fragment_observations(bam, "chr2", sites, -1, ReadFilters())
    return fragments, count_sites(fragments, sites)


@pytest.mark.parametrize(
    ("codon", "new_codon", "amino_acid"),
    [
        (1202, "AGA", "R"),
        (1202, "CGA", "R"),
        (1202, "AGG", "R"),
        (1196, "ATG", "M"),
        (1206, "TAC", "Y"),
    ],
)
def test_every_nucleotide_route_names_the_amino_acid(tmp_path, codon, new_codon, amino_acid):
    hap = haplotype([codon_substitution(ALK, codon, new_codon)])
    reads = [
        ("m1", 0, START, "150M", read_from(hap), 60),
        ("w1", 0, START, "150M", read_from(haplotype()), 60),
    ]
    _, counts = observe_all(tmp_path, reads, [codon_site(ALK, codon)])
    assert dict(counts[f"{ALK.protein[codon - 1]}{codon}"].alleles) == {
        amino_acid: 1,
        ALK.protein[codon - 1]: 1,
    }


def test_two_base_change_is_one_amino_acid_change(tmp_path):
    # G1202 GGA -> AGC? G1202S needs two bases; per-base callers would report two SNVs.
    hap = haplotype([codon_substitution(ALK, 1202, "AGC")])
    _, counts = observe_all(
        tmp_path, [("m", 0, START, "150M", read_from(hap), 60)], [codon_site(ALK, 1202)]
    )
    assert dict(counts["G1202"].alleles) == {"S": 1}
    assert dict(counts["G1202"].routes["S"]) == {"AGC": 1}


def test_pair_counted_once_and_discordant_mates_dropped(tmp_path):
    mutant, wild = (
        read_from(haplotype([codon_substitution(ALK, 1202, "AGA")])),
        read_from(haplotype()),
    )
    reads = [
        ("pair", 99, START, "150M", mutant, 60),
        (
            "pair",
            147,
            START + 5,
            "145M5S",
            mutant[5:] + "AAAAA",
            60,
        ),  # overlapping mate, same allele
        ("split", 99, START, "150M", mutant, 60),
        ("split", 147, START, "150M", wild, 60),  # mates disagree: not counted
        ("lowmq", 0, START, "150M", mutant, 5),
        ("dup", 1024, START, "150M", mutant, 60),
    ]
    _, counts = observe_all(tmp_path, reads, [codon_site(ALK, 1202)])
    assert counts["G1202"].depth == 1
    assert dict(counts["G1202"].alleles) == {"R": 1}
    assert counts["G1202"].forward["R"] == counts["G1202"].reverse["R"] == 1


def test_catalogued_deletion_matched_at_protein_level_whatever_the_alignment(tmp_path):
    site = indel_site(ALK, CatalogueIndel("G1202del", 1202, "deletion"))
    g1201, g1202 = ALK.c_to_g(3601), ALK.c_to_g(3604)  # first bases of codons 1201 and 1202
    reads = []
    for name, c_start in (("route_a", 3603), ("route_b", 3604), ("route_c", 3605)):
        deleted = sorted(ALK.c_to_g(c) for c in range(c_start, c_start + 3))
        hap = REFERENCE[ISLAND.start - 1 : deleted[0] - 1] + REFERENCE[deleted[-1] : ISLAND.end]
        offset = START - ISLAND.start
        left = deleted[0] - START
        sequence = hap[offset : offset + 150].decode()
        reads.append((name, 0, START, f"{left}M3D{150 - left}M", sequence, 60))
    reads.append(("wild", 0, START, "150M", read_from(haplotype()), 60))
    _, counts = observe_all(tmp_path, reads, [site])
    assert dict(counts["G1202del"].alleles) == {"G1202del": 3, "ref": 1}
    assert g1201 > g1202  # minus strand


def test_linkage_counts_fragments_with_both_mutations(tmp_path):
    both = read_from(
        haplotype([codon_substitution(ALK, 1202, "AGA"), codon_substitution(ALK, 1196, "ATG")])
    )
    only_1202 = read_from(haplotype([codon_substitution(ALK, 1202, "AGA")]))
    reads = [(f"b{i}", 0, START, "150M", both, 60) for i in range(4)] + [
        ("o", 0, START, "150M", only_1202, 60)
    ]
    fragments, _ = observe_all(tmp_path, reads, [codon_site(ALK, 1202), codon_site(ALK, 1196)])
    assert linkage(fragments, ("G1202", "R"), ("L1196", "M")) == {
        "both": 4,
        "first_only": 1,
        "second_only": 0,
        "neither": 0,
    }


def test_extreme_depth_is_counted_without_a_cap(tmp_path):
    """30,000 fragments over G1202 (5% G1202R): every fragment is counted (the genotyper has no
    depth cap), and bcftools mpileup with the configured --max-depth sees them all too."""
    wild, mutant = haplotype(), haplotype([codon_substitution(ALK, 1202, "AGA")])
    n_fragments, n_mutant = 30_000, 1_500
    reads = []
    for i in range(n_fragments):
        sequence = read_from(mutant if i < n_mutant else wild)
        reads.append((f"f{i}", 0, START, "150M", sequence, 60))
    sites = [codon_site(ALK, 1202)]
    fragments, counts = observe_all(tmp_path, reads, sites)
    site = counts[sites[0].key]
    assert site.depth == n_fragments
    assert site.alleles["R"] == n_mutant
    reference = tmp_path / "ref.fa"
    reference.write_text(f">chr2\n{REFERENCE.decode()}\n")
    pysam.faidx(str(reference))
    max_depth = section_defaults("calling", "bcftools")["max_depth"]
    position = ALK.codon_positions(1202)[0]
    pileup = subprocess.run(
        ["bcftools", "mpileup", "--max-depth", str(max_depth), "-a", "AD", "-f", str(reference),
         "-r", f"chr2:{position}-{position}", str(tmp_path / "t.bam")],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    record = next(line for line in pileup.splitlines() if not line.startswith("#"))
    assert int(re.search(r"DP=(\d+)", record)[1]) == n_fragments


@pytest.mark.parametrize(
    "cigar",
    ["150M", "20S130M", "5H20S120M5S", "100M10S", "10H140M", "60M2I88M", "70M3D80M", "50M100N100M"],
)
def test_gapless_offset_agrees_with_the_full_base_mapping(cigar):
    """The fast path for reads without gaps gives the query position of every aligned base
    exactly as the full mapping does; reads with gaps take the full mapping."""
    header = pysam.AlignmentHeader.from_dict({"SQ": [{"SN": "chr2", "LN": 1_000_000}]})
    read = pysam.AlignedSegment(header)
    read.cigarstring = cigar
    read.reference_id, read.reference_start = 0, 500_000
    read.query_sequence = "A" * read.infer_query_length()
    offset = gapless_offset(read)
    if any(op in cigar for op in "IDN"):
        assert offset is None
        return
    mapping = aligned_positions(read)
    assert mapping
    assert all(query == reference + offset for reference, query in mapping.items())
