"""HGVS naming and classification of ALK variants.

Genomic alleles are built from the transcript's own CDS and c_to_g, so each case states a
coding-strand change and the name it must get; the minus-strand bookkeeping is the code's job.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from alkres.knowledge.transcript import (
    Exon,
    Transcript,
    load_transcript,
    reverse_complement,
    translate,
)
from alkres.mutations.annotate import (
    CLASSES,
    CONSEQUENCES,
    KINASE_DOMAIN,
    Annotation,
    annotate_variant,
    classify,
    normalise_indel,
)

TEST_REFERENCE = Path(__file__).resolve().parents[1] / "test_data/reference/chr2_alk_panel.fa.gz"


@functools.cache
def alk(build: str = "GRCh38") -> Transcript:
    return load_transcript(build, "ALK", chrom="chr2")


def plus(transcript: Transcript, coding: str) -> str:
    """A coding-strand sequence as the plus strand (VCF) shows it."""
    return coding if transcript.strand > 0 else reverse_complement(coding)


def replace_vcf(transcript: Transcript, c_first: int, new: str) -> tuple[int, str, str]:
    """VCF allele replacing coding bases c_first.. with `new` (same length, one exon)."""
    c_last = c_first + len(new) - 1
    positions = [transcript.c_to_g(c) for c in range(c_first, c_last + 1)]
    assert max(positions) - min(positions) == c_last - c_first, "case must stay in one exon"
    old = transcript.cds[c_first - 1 : c_last]
    return min(positions), plus(transcript, old), plus(transcript, new)


def delete_vcf(transcript: Transcript, c_first: int, c_last: int) -> tuple[int, str, str]:
    """VCF deletion of coding bases c_first..c_last, padded with the base to its genomic left."""
    positions = [transcript.c_to_g(c) for c in range(c_first, c_last + 1)]
    low = min(positions)
    pad = transcript.genomic_ref(low - 1)
    deleted = plus(transcript, transcript.cds[c_first - 1 : c_last])
    return low - 1, pad + deleted, pad


def insert_vcf(transcript: Transcript, c_before: int, coding: str) -> tuple[int, str, str]:
    """VCF insertion of coding bases between c_before and c_before + 1."""
    flanks = (transcript.c_to_g(c_before), transcript.c_to_g(c_before + 1))
    assert abs(flanks[0] - flanks[1]) == 1, "case must stay in one exon"
    anchor = min(flanks)
    pad = transcript.genomic_ref(anchor)
    return anchor, pad, pad + plus(transcript, coding)


def annotate(allele: tuple[int, str, str], build: str = "GRCh38", **kwargs) -> Annotation:
    return annotate_variant(alk(build), "chr2", *allele, **kwargs)


def names(annotation: Annotation) -> tuple[str, str, str, str]:
    return (annotation.hgvs_c, annotation.hgvs_p, annotation.alteration, annotation.consequence)


# ---------------------------------------------------------------- the reference the cases assume


@pytest.mark.parametrize(
    ("codon", "bases", "residue"),
    [
        (1151, "ACG", "T"),
        (1152, "CTG", "L"),
        (1171, "ATC", "I"),
        (1174, "TTC", "F"),
        (1196, "CTG", "L"),
        (1201, "GGG", "G"),
        (1202, "GGA", "G"),
        (1203, "GAC", "D"),
        (1269, "GGA", "G"),
        (1275, "CGA", "R"),
        (1599, "CCT", "P"),
        (1621, "TGA", "*"),
    ],
)
def test_reference_codons_used_by_the_cases(codon: int, bases: str, residue: str) -> None:
    assert alk().codon_ref(codon) == bases
    assert translate(bases) == residue


# ---------------------------------------------------------------- substitutions

SUBSTITUTIONS = [
    # c. of the first changed base, new coding bases, hgvs_c, hgvs_p, alteration, consequence
    (3604, "A", "c.3604G>A", "p.Gly1202Arg", "G1202R", "missense"),
    (3604, "C", "c.3604G>C", "p.Gly1202Arg", "G1202R", "missense"),
    (3586, "A", "c.3586C>A", "p.Leu1196Met", "L1196M", "missense"),
    (3512, "A", "c.3512T>A", "p.Ile1171Asn", "I1171N", "missense"),
    (3512, "C", "c.3512T>C", "p.Ile1171Thr", "I1171T", "missense"),
    (3512, "G", "c.3512T>G", "p.Ile1171Ser", "I1171S", "missense"),
    (3520, "C", "c.3520T>C", "p.Phe1174Leu", "F1174L", "missense"),
    (3522, "A", "c.3522C>A", "p.Phe1174Leu", "F1174L", "missense"),
    (3522, "G", "c.3522C>G", "p.Phe1174Leu", "F1174L", "missense"),
    (3467, "A", "c.3467G>A", "p.Cys1156Tyr", "C1156Y", "missense"),
    # two changed bases in one codon are one amino acid change
    (3805, "AGC", "c.3805_3807delinsAGC", "p.Gly1269Ser", "G1269S", "missense"),
    (3805, "TCA", "c.3805_3806delinsTC", "p.Gly1269Ser", "G1269S", "missense"),
    (3805, "TCT", "c.3805_3807delinsTCT", "p.Gly1269Ser", "G1269S", "missense"),
    # all three bases of a codon replaced
    (3604, "AAG", "c.3604_3606delinsAAG", "p.Gly1202Lys", "G1202K", "missense"),
    # across a codon boundary: GGA>GGC is silent, so only D1203N is named
    (3606, "CA", "c.3606_3607delinsCA", "p.Asp1203Asn", "D1203N", "missense"),
    # across a codon boundary, both residues changed
    (
        3605,
        "ACA",
        "c.3605_3607delinsACA",
        "p.Gly1202_Asp1203delinsAspAsn",
        "G1202_D1203delinsDN",
        "missense",
    ),
    (3606, "G", "c.3606A>G", "p.Gly1202=", "G1202=", "synonymous"),
    (3823, "T", "c.3823C>T", "p.Arg1275*", "R1275*", "stop_gained"),
    (4796, "A", "c.4796C>A", "p.Pro1599His", "P1599H", "missense"),
    (2, "C", "c.2T>C", "p.Met1?", "M1?", "start_lost"),
    (4861, "C", "c.4861T>C", "p.*1621Argext*?", "*1621Rext*?", "stop_lost"),
    (4862, "A", "c.4862G>A", "p.*1621=", "*1621=", "synonymous"),
]


@pytest.mark.parametrize(
    ("c", "new", "hgvs_c", "hgvs_p", "alteration", "consequence"), SUBSTITUTIONS
)
def test_substitution_names(
    c: int, new: str, hgvs_c: str, hgvs_p: str, alteration: str, consequence: str
) -> None:
    annotation = annotate(replace_vcf(alk(), c, new))
    assert names(annotation) == (hgvs_c, hgvs_p, alteration, consequence)
    assert annotation.gene == "ALK"
    assert annotation.transcript == "NM_004304.5"


def test_g1202r_anchor_and_fields() -> None:
    annotation = annotate((29220747, "C", "T"))
    assert annotation == Annotation(
        gene="ALK",
        transcript="NM_004304.5",
        hgvs_c="c.3604G>A",
        hgvs_p="p.Gly1202Arg",
        alteration="G1202R",
        consequence="missense",
        codon_start=1202,
        codon_end=1202,
        exon=23,
        in_kinase_domain=True,
    )


def test_l1196m_anchor() -> None:
    assert names(annotate((29220765, "G", "T"))) == (
        "c.3586C>A",
        "p.Leu1196Met",
        "L1196M",
        "missense",
    )


@pytest.mark.parametrize(
    ("pos", "ref", "alt", "hgvs_c", "alteration"),
    [
        (29443613, "C", "T", "c.3604G>A", "G1202R"),
        (29443631, "G", "T", "c.3586C>A", "L1196M"),
        (29445213, "A", "T", "c.3512T>A", "I1171N"),
    ],
)
def test_grch37_anchors(pos: int, ref: str, alt: str, hgvs_c: str, alteration: str) -> None:
    annotation = annotate((pos, ref, alt), build="GRCh37")
    assert (annotation.hgvs_c, annotation.alteration) == (hgvs_c, alteration)


def test_padded_substitution_is_trimmed() -> None:
    """Callers sometimes report an SNV with a shared flanking base; the name must not change."""
    pos, ref, alt = replace_vcf(alk(), 3604, "A")
    left = alk().genomic_ref(pos - 1)
    assert names(annotate((pos - 1, left + ref, left + alt)))[:3] == (
        "c.3604G>A",
        "p.Gly1202Arg",
        "G1202R",
    )


def test_every_exon_edge_is_named_by_its_own_c_number() -> None:
    transcript = alk()
    for exon in transcript.exons:
        for c in (exon.cds_start_c, exon.cds_end_c):
            if c is None:
                continue
            old = transcript.cds[c - 1]
            new = "A" if old != "A" else "C"
            assert annotate(replace_vcf(transcript, c, new)).hgvs_c == f"c.{c}{old}>{new}"
            assert annotate(replace_vcf(transcript, c, new)).exon == exon.number


# ---------------------------------------------------------------- deletions

GGA_ROUTE = [(3604, 3606), (3605, 3607)]  # loses the GGA of G1202 (equivalent placements)
GGG_ROUTE = [(3601, 3603), (3602, 3604), (3603, 3605)]  # loses three Gs of the G6 run


@pytest.mark.parametrize(("c_first", "c_last"), GGA_ROUTE)
def test_g1202del_gga_route_is_shifted_3prime(c_first: int, c_last: int) -> None:
    transcript = alk()
    mutant = transcript.cds[: c_first - 1] + transcript.cds[c_last:]
    assert mutant == transcript.cds[:3604] + transcript.cds[3607:]
    annotation = annotate(delete_vcf(transcript, c_first, c_last))
    assert names(annotation) == (
        "c.3605_3607del",
        "p.Gly1202del",
        "G1202del",
        "inframe_deletion",
    )
    assert (annotation.codon_start, annotation.codon_end) == (1202, 1202)


@pytest.mark.parametrize(("c_first", "c_last"), GGG_ROUTE)
def test_g1202del_ggg_route_is_shifted_3prime(c_first: int, c_last: int) -> None:
    annotation = annotate(delete_vcf(alk(), c_first, c_last))
    assert names(annotation) == (
        "c.3603_3605del",
        "p.Gly1202del",
        "G1202del",
        "inframe_deletion",
    )


def test_g1202del_routes_differ_in_cdna_but_share_the_protein_name() -> None:
    """GGG and GGA deletions leave different mRNAs (GGA vs GGG codon), the same protein."""
    transcript = alk()
    gga = transcript.cds[:3604] + transcript.cds[3607:]
    ggg = transcript.cds[:3602] + transcript.cds[3605:]
    assert gga != ggg and translate(gga) == translate(ggg)
    first = annotate(delete_vcf(transcript, *GGA_ROUTE[0]))
    second = annotate(delete_vcf(transcript, *GGG_ROUTE[0]))
    assert first.hgvs_p == second.hgvs_p == "p.Gly1202del"
    assert first.alteration == second.alteration == "G1202del"


def test_g1202del_left_aligned_vcf() -> None:
    assert annotate((29220743, "TCTC", "T")).hgvs_c == "c.3605_3607del"
    assert annotate((29220745, "TCCC", "T")).hgvs_c == "c.3603_3605del"


@pytest.mark.parametrize(
    ("c_first", "c_last", "hgvs_c", "hgvs_p", "alteration"),
    [
        # the lone A of GGA: the first changed residue is D1203, not G1202
        (3606, 3606, "c.3606del", "p.Asp1203Thrfs*55", "D1203fs"),
        # any G of the G6 run c.3600-3605 is named at its 3' end
        (3601, 3601, "c.3605del", "p.Gly1202Glufs*56", "G1202fs"),
        (3605, 3605, "c.3605del", "p.Gly1202Glufs*56", "G1202fs"),
        # the new frame stops at once: HGVS writes it as nonsense, the table as a frameshift
        (3546, 3546, "c.3546del", "p.Cys1182*", "C1182fs"),
    ],
)
def test_frameshift_deletions(
    c_first: int, c_last: int, hgvs_c: str, hgvs_p: str, alteration: str
) -> None:
    annotation = annotate(delete_vcf(alk(), c_first, c_last))
    assert names(annotation) == (hgvs_c, hgvs_p, alteration, "frameshift")
    assert annotation.in_kinase_domain


def test_frameshift_name_matches_the_translated_mutant() -> None:
    """The fs*N distance counts the first changed residue as 1 (HGVS)."""
    transcript = alk()
    mutant = translate(transcript.cds[:3605] + transcript.cds[3606:])
    reference = transcript.protein + "*"
    first = next(i for i, (a, b) in enumerate(zip(reference, mutant, strict=False)) if a != b)
    stop = mutant.index("*", first)
    expected = f"p.Asp{first + 1}Thrfs*{stop - first + 1}"
    assert annotate(delete_vcf(transcript, 3606, 3606)).hgvs_p == expected


# ---------------------------------------------------------------- insertions


def t1151dup_placements() -> list[tuple[int, str, str]]:
    """The same ACG duplication written after each base it can follow on the plus strand."""
    transcript = alk()
    window = [transcript.c_to_g(c) for c in (3454, 3453, 3452, 3451)]  # ascending genomic
    assert window == sorted(window)
    reference = "".join(transcript.genomic_ref(position) for position in window)
    mutant = reference[0] + plus(transcript, "ACG") + reference[1:]
    return [
        (position, reference[k], reference[k] + mutant[k + 1 : k + 4])
        for k, position in enumerate(window)
    ]


def test_t1151dup_placements_include_the_truth_set_allele() -> None:
    assert (29222405, "G", "GCGT") in t1151dup_placements()
    assert (29222408, "T", "TCGT") in t1151dup_placements()


@pytest.mark.parametrize("allele", t1151dup_placements())
def test_t1151dup_from_any_placement(allele: tuple[int, str, str]) -> None:
    annotation = annotate(allele)
    assert names(annotation) == (
        "c.3451_3453dup",
        "p.Thr1151dup",
        "T1151dup",
        "inframe_insertion",
    )
    assert (annotation.codon_start, annotation.codon_end, annotation.exon) == (1151, 1151, 22)


def test_t1151dup_as_coding_insertion_before_the_codon() -> None:
    """c.3450_3451insACG crosses the exon 21/22 junction on the genome; written after
    c.3453 it is the same event."""
    assert annotate(insert_vcf(alk(), 3453, "ACG")).hgvs_c == "c.3451_3453dup"


@pytest.mark.parametrize(
    ("c_before", "inserted", "hgvs_c", "hgvs_p", "alteration", "consequence"),
    [
        (
            3453,
            "GGC",
            "c.3453_3454insGGC",
            "p.Thr1151_Leu1152insGly",
            "T1151_L1152insG",
            "inframe_insertion",
        ),
        (3453, "A", "c.3453_3454insA", "p.Leu1152Thrfs*3", "L1152fs", "frameshift"),
        # G inserted in the G6 run is a duplication of its 3'-most G
        (3601, "G", "c.3605dup", "p.Asp1203Argfs*82", "D1203fs", "frameshift"),
        # GGA inserted after the GGA of G1202 slides one base 3' (GGAGGA|GAC): GAG dup
        (3606, "GGA", "c.3605_3607dup", "p.Gly1202dup", "G1202dup", "inframe_insertion"),
        # a stop inserted in frame after T1151
        (3453, "TAG", "c.3453_3454insTAG", "p.Leu1152*", "L1152*", "stop_gained"),
    ],
)
def test_insertions(
    c_before: int, inserted: str, hgvs_c: str, hgvs_p: str, alteration: str, consequence: str
) -> None:
    annotation = annotate(insert_vcf(alk(), c_before, inserted))
    assert names(annotation) == (hgvs_c, hgvs_p, alteration, consequence)


def test_g_run_insertion_frameshift_distance_matches_translation() -> None:
    transcript = alk()
    mutant = translate(transcript.cds[:3605] + "G" + transcript.cds[3605:])
    reference = transcript.protein + "*"
    first = next(i for i, (a, b) in enumerate(zip(reference, mutant, strict=False)) if a != b)
    assert (first + 1, reference[first], mutant[first]) == (1203, "D", "R")
    assert mutant.index("*", first) - first + 1 == 82


@pytest.mark.parametrize(
    ("new", "hgvs_c", "hgvs_p", "consequence"),
    [
        # GG>AAAGC: GGG AAA GCA GAC, one Gly replaced by Lys-Ala
        ("AAAGC", "c.3604_3605delinsAAAGC", "p.Gly1202delinsLysAla", "inframe_delins"),
        # GG>AAAGG shares its last two bases with REF: really an insertion of AAA
        ("AAAGG", "c.3603_3604insAAA", "p.Gly1201_Gly1202insLys", "inframe_insertion"),
    ],
)
def test_unequal_replacements_inside_codon_1202(
    new: str, hgvs_c: str, hgvs_p: str, consequence: str
) -> None:
    transcript = alk()
    pos, ref, _ = replace_vcf(transcript, 3604, "GG")
    annotation = annotate((pos, ref, plus(transcript, new)))
    assert (annotation.hgvs_c, annotation.hgvs_p, annotation.consequence) == (
        hgvs_c,
        hgvs_p,
        consequence,
    )


# ---------------------------------------------------------------- outside the CDS


def exon(number: int):
    return next(e for e in alk().exons if e.number == number)


def intronic_cases() -> list[tuple[int, str, str]]:
    """Positions around exon 23 (minus strand: its 5' end is the genomic end)."""
    exon23 = exon(23)
    return [
        (exon23.end + 1, "c.3516-1", "splice_region"),
        (exon23.end + 2, "c.3516-2", "splice_region"),
        (exon23.end + 8, "c.3516-8", "splice_region"),
        (exon23.end + 9, "c.3516-9", "intronic"),
        (exon23.end + 40, "c.3516-40", "intronic"),
        (exon23.start - 1, "c.3645+1", "splice_region"),
        (exon23.start - 8, "c.3645+8", "splice_region"),
        (exon23.start - 9, "c.3645+9", "intronic"),
        (exon23.start - 300, "c.3645+300", "intronic"),
    ]


@pytest.mark.parametrize(("pos", "position_name", "consequence"), intronic_cases())
def test_intronic_positions_next_to_exon_23(pos: int, position_name: str, consequence: str) -> None:
    annotation = annotate((pos, "A", "G"))
    assert names(annotation) == (f"{position_name}T>C", "", "", consequence)
    assert (annotation.exon, annotation.codon_start, annotation.in_kinase_domain) == (
        None,
        None,
        False,
    )


def test_intron_midpoint_takes_the_plus_form() -> None:
    """Intron 22 (exon 22 -> exon 23) has an even or odd length; its middle is named '+'."""
    donor, acceptor = exon(22).start - 1, exon(23).end + 1  # c.3515+1, c.3516-1
    length = donor - acceptor + 1
    middle = donor - (length - 1) // 2
    assert annotate((middle, "A", "G")).hgvs_c == f"c.3515+{(length + 1) // 2}T>C"
    assert annotate((middle - 1, "A", "G")).hgvs_c.startswith("c.3516-")


def test_five_prime_utr_in_exon_1() -> None:
    transcript = alk()
    pos = transcript.c_to_g(1) + 10  # minus strand: upstream of the ATG is genomically right
    annotation = annotate((pos, "T", "C"))
    assert names(annotation) == ("c.-10A>G", "", "", "utr")
    assert annotation.exon == 1


def test_three_prime_utr_in_exon_29() -> None:
    pos = alk().c_to_g(4863) - 5
    annotation = annotate((pos, "T", "C"))
    assert names(annotation) == ("c.*5A>G", "", "", "utr")
    assert annotation.exon == 29


def test_upstream_and_far_away_positions() -> None:
    transcript = alk()
    upstream = exon(1).end + 30
    distance = upstream - transcript.c_to_g(1)
    assert names(annotate((upstream, "T", "C"))) == (
        f"c.-{distance}A>G",
        "",
        "",
        "upstream_downstream",
    )
    far = annotate((exon(1).end + 1_000_000, "T", "C"))
    assert (far.hgvs_c, far.consequence) == ("", "upstream_downstream")


def test_insertion_at_the_exon_edge_is_splice_region() -> None:
    """Between c.3516-1 (intron) and c.3516: no coding placement exists for a base that
    differs from c.3516."""
    transcript = alk()
    edge = exon(23).end
    base = transcript.genomic_ref(edge)
    inserted = next(b for b in "ACGT" if b != base)
    annotation = annotate((edge, base, base + inserted))
    assert names(annotation) == (
        f"c.3516-1_3516ins{reverse_complement(inserted)}",
        "",
        "",
        "splice_region",
    )


def test_deletion_across_the_exon_edge_is_splice_region() -> None:
    transcript = alk()
    edge = exon(23).end  # c.3516
    ref = transcript.genomic_ref(edge - 1) + transcript.genomic_ref(edge) + "AC"
    annotation = annotate((edge - 1, ref, ref[0]))
    assert annotation.hgvs_c == "c.3516-2_3516del"
    assert (annotation.consequence, annotation.hgvs_p, annotation.alteration) == (
        "splice_region",
        "p.?",
        "",
    )
    assert annotation.codon_start == annotation.codon_end == 1172


# ---------------------------------------------------------------- with a reference genome


@pytest.fixture(scope="module")
def fetch():
    pysam = pytest.importorskip("pysam")
    if not TEST_REFERENCE.exists():
        pytest.skip("bundled test reference is missing")
    fasta = pysam.FastaFile(str(TEST_REFERENCE))

    def fetch_bases(start: int, end: int) -> str:
        return fasta.fetch("chr2", start - 1, end).upper()

    yield fetch_bases
    fasta.close()


def test_bundled_reference_carries_the_cds(fetch) -> None:
    transcript = alk()
    for codon in (1151, 1196, 1202, 1269):
        bases = "".join(fetch(p, p) for p in sorted(transcript.codon_positions(codon)))
        assert bases == reverse_complement(transcript.codon_ref(codon))


def test_intronic_deletion_in_a_run_is_named_at_its_3prime_end(fetch) -> None:
    """On the minus strand the coding-3' end of a run is its lowest genomic position."""
    low = exon(23).end + 1
    window = fetch(low, low + 300)
    start = next(
        i for i in range(1, len(window) - 2) if window[i] == window[i + 1] == window[i + 2]
    )
    end = start
    while window[end + 1] == window[start]:
        end += 1
    run_low, run_high = low + start, low + end
    name_low = f"c.3516-{run_low - exon(23).end}"
    base = window[start]
    for deleted in (run_low, run_high):
        pad = fetch(deleted - 1, deleted - 1)
        annotation = annotate((deleted - 1, pad + base, pad), reference_fetch=fetch)
        assert annotation.hgvs_c == f"{name_low}del"
        assert annotation.consequence in ("splice_region", "intronic")


def test_normalise_then_annotate_t1151dup(fetch) -> None:
    assert normalise_indel(fetch, 29222408, "T", "TCGT") == (29222405, "G", "GCGT")
    assert annotate((29222405, "G", "GCGT"), reference_fetch=fetch).alteration == "T1151dup"


# ---------------------------------------------------------------- normalise_indel


def sequence_fetch(sequence: str):
    """reference_fetch over a plus-strand string whose first base is position 1."""

    def fetch_bases(start: int, end: int) -> str:
        return sequence[start - 1 : end]

    return fetch_bases


NORMALISE_CASES = [
    # sequence, input (pos, ref, alt), expected
    ("GATTTTTC", (6, "T", "TT"), (2, "A", "AT")),
    ("GATTTTTC", (2, "A", "AT"), (2, "A", "AT")),
    ("GATTTTTC", (1, "GATT", "GATTT"), (2, "A", "AT")),
    ("GATTTTTC", (5, "TT", "T"), (2, "AT", "A")),
    ("GCACACAT", (5, "ACA", "A"), (1, "GCA", "G")),
    ("GCACACAT", (6, "CA", "CACA"), (1, "G", "GCA")),
    ("GCACACAT", (3, "ACA", "AGA"), (4, "C", "G")),
    ("GCACACAT", (2, "C", "T"), (2, "C", "T")),
    ("GCACACAT", (1, "G", "GT"), (1, "G", "GT")),
    ("AAAC", (2, "A", "AA"), (1, "A", "AA")),
    ("AAAC", (1, "AA", "A"), (1, "AA", "A")),
    ("AAAC", (3, "A", "AA"), (1, "A", "AA")),
]


@pytest.mark.parametrize(("sequence", "allele", "expected"), NORMALISE_CASES)
def test_normalise_indel(
    sequence: str, allele: tuple[int, str, str], expected: tuple[int, str, str]
) -> None:
    assert normalise_indel(sequence_fetch(sequence), *allele) == expected


def test_normalise_indel_rejects_a_wrong_ref() -> None:
    with pytest.raises(ValueError, match="does not match the reference"):
        normalise_indel(sequence_fetch("GATTTTTC"), 2, "C", "CT")


def test_normalise_indel_rejects_a_non_variant() -> None:
    with pytest.raises(ValueError, match="not a variant"):
        normalise_indel(sequence_fetch("GATTTTTC"), 2, "A", "A")


# ---------------------------------------------------------------- input checks


def test_wrong_build_ref_is_refused() -> None:
    """GRCh37's G1202R position is not even coding on GRCh38; a mismatching REF is refused."""
    transcript = alk()
    pos = transcript.c_to_g(3604)
    with pytest.raises(ValueError, match="does not match"):
        annotate_variant(transcript, "chr2", pos, "A", "T")


@pytest.mark.parametrize("alt", ["<DEL>", "*", "C,T", ""])
def test_symbolic_alleles_are_refused(alt: str) -> None:
    with pytest.raises(ValueError, match="not a plain DNA sequence"):
        annotate_variant(alk(), "chr2", 29220747, "C", alt)


def test_other_contig_is_refused_and_ensembl_names_accepted() -> None:
    with pytest.raises(ValueError, match="not on chr2"):
        annotate_variant(alk(), "chr3", 29220747, "C", "T")
    assert annotate_variant(alk(), "2", 29220747, "C", "T").alteration == "G1202R"


# ---------------------------------------------------------------- classify

CATALOGUED = frozenset({"G1202R", "L1196M", "G1202del", "T1151dup", "I1171N", "F1174L"})


@pytest.mark.parametrize(
    ("allele", "expected"),
    [
        ((29220747, "C", "T"), "resistance"),  # G1202R
        ((29220743, "TCTC", "T"), "resistance"),  # G1202del
        ((29222408, "T", "TCGT"), "resistance"),  # T1151dup
        (replace_vcf(alk(), 3520, "C"), "resistance"),  # F1174L by another route
        (replace_vcf(alk(), 3606, "G"), "synonymous"),  # G1202=
        (replace_vcf(alk(), 3604, "AAG"), "vus"),  # G1202K
        (replace_vcf(alk(), 3823, "T"), "vus"),  # R1275*, in the kinase domain
        (delete_vcf(alk(), 3606, 3606), "vus"),  # D1203fs
        (replace_vcf(alk(), 4796, "A"), "outside_kinase_domain"),  # P1599H
        (replace_vcf(alk(), 2, "C"), "outside_kinase_domain"),  # start lost
        ((exon(23).end + 1, "A", "G"), "non_coding"),  # splice region
        ((exon(23).end + 40, "A", "G"), "non_coding"),  # intronic
        ((alk().c_to_g(1) + 10, "T", "C"), "non_coding"),  # 5'UTR
    ],
)
def test_classify(allele: tuple[int, str, str], expected: str) -> None:
    assert classify(annotate(allele), CATALOGUED) == expected


def test_classify_uses_the_catalogue_not_the_position() -> None:
    annotation = annotate((29220747, "C", "T"))
    assert classify(annotation, set()) == "vus"
    assert classify(annotation, ["G1202R"]) == "resistance"


def test_kinase_domain_edges() -> None:
    first, last = KINASE_DOMAIN
    transcript = alk()
    for codon, inside in ((first - 1, False), (first, True), (last, True), (last + 1, False)):
        c = 3 * codon - 2
        old = transcript.cds[c - 1]
        annotation = annotate(replace_vcf(transcript, c, "A" if old != "A" else "C"))
        assert annotation.in_kinase_domain is inside, codon


def test_vocabularies() -> None:
    assert len(set(CONSEQUENCES)) == 13
    assert set(CLASSES) == {
        "resistance",
        "activating",
        "synonymous",
        "vus",
        "outside_kinase_domain",
        "non_coding",
    }


# ---------------------------------------------------------------- a plus-strand transcript


@functools.cache
def toy_plus() -> Transcript:
    """Two exons on the plus strand; codon 4 (GGA, c.10-12) is split by the intron.

    exon 1: 101-120, 5'UTR 101-110, c.1-10 at 111-120
    exon 2: 201-230, c.11-30 at 201-220, 3'UTR 221-230
    """
    return Transcript(
        gene="TOY",
        transcript_id="TOY1",
        refseq="NM_TOY.1",
        chrom="chr1",
        strand=1,
        exons=(Exon(1, 101, 120, 1, 10), Exon(2, 201, 230, 11, 30)),
        cds="ATGGCTGGAGGAGACAAACTGTCTTGGTGA",
        protein="MAGGDKLSW",
        build="GRCh38",
    )


@pytest.mark.parametrize(
    ("allele", "hgvs_c", "hgvs_p", "consequence"),
    [
        ((117, "G", "A"), "c.7G>A", "p.Gly3Arg", "missense"),
        ((201, "G", "C"), "c.11G>C", "p.Gly4Ala", "missense"),  # split codon
        # GGA deleted from G3: slides 3' to the exon edge and stops there
        ((116, "TGGA", "T"), "c.8_10del", "p.Gly4del", "inframe_deletion"),
        # GAC duplicated, written at its left copy on the plus strand
        ((202, "A", "AGAC"), "c.13_15dup", "p.Asp5dup", "inframe_insertion"),
        ((125, "A", "G"), "c.10+5A>G", "", "splice_region"),
        ((190, "A", "G"), "c.11-11A>G", "", "intronic"),
        ((108, "A", "G"), "c.-3A>G", "", "utr"),
        ((222, "A", "G"), "c.*2A>G", "", "utr"),
        ((95, "A", "G"), "c.-16A>G", "", "upstream_downstream"),
    ],
)
def test_plus_strand_transcript(
    allele: tuple[int, str, str], hgvs_c: str, hgvs_p: str, consequence: str
) -> None:
    annotation = annotate_variant(toy_plus(), "chr1", *allele)
    assert (annotation.hgvs_c, annotation.hgvs_p, annotation.consequence) == (
        hgvs_c,
        hgvs_p,
        consequence,
    )
