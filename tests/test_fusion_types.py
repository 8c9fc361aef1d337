"""Naming fusions from DNA breakpoints: intron -> exon pair on both builds, orientation, frame."""

import pytest

from alkres.fusion.naming import (
    in_frame,
    load_partners,
    load_variant_names,
    load_variant_notes,
    locate,
    type_fusion,
)
from alkres.knowledge.transcript import load_transcript

# Intron coordinates from the shared fusion notes (section 2), one position inside each.
ALK_INTRON19 = {"GRCh38": (29_223_529, 29_225_460), "GRCh37": (29_446_395, 29_448_326)}
EML4_INTRONS = {
    "GRCh38": {6: (42_264_732, 42_280_849), 13: (42_295_517, 42_301_240), 20: (42_325_555, 42_326_153)},
    "GRCh37": {6: (42_491_872, 42_507_989), 13: (42_522_657, 42_528_380), 20: (42_552_695, 42_553_293)},
}  # fmt: skip
EXPECTED = {6: ("E6;A20", "v3a/b"), 13: ("E13;A20", "v1"), 20: ("E20;A20", "v2")}


@pytest.fixture(scope="module", params=["GRCh38", "GRCh37"])
def build_context(request):
    build = request.param
    return build, load_transcript(build, "ALK"), load_partners(build), load_variant_names()


@pytest.mark.parametrize("intron", [6, 13, 20])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_eml4_intron_gives_exon_pair_and_variant(build_context, intron, where):
    build, alk, partners, names = build_context
    low, high = EML4_INTRONS[build][intron]
    alk_low, alk_high = ALK_INTRON19[build]
    pick = {"first": 0, "middle": None, "last": -1}[where]
    partner_pos = {0: low, -1: high}.get(pick, (low + high) // 2)
    alk_pos = {0: alk_low, -1: alk_high}.get(pick, (alk_low + alk_high) // 2)
    fusion = type_fusion(alk, partners, names, alk_pos, "left", "chr2", partner_pos, "left")
    assert (fusion.exon_pair, fusion.variant) == EXPECTED[intron]
    assert fusion.partner == "EML4" and fusion.productive
    assert fusion.in_frame == "yes"
    assert fusion.label == f"EML4-ALK {EXPECTED[intron][0]} ({EXPECTED[intron][1]})"


def test_positions_just_outside_an_intron_are_exonic(build_context):
    build, alk, partners, names = build_context
    low, high = EML4_INTRONS[build][13]
    alk_mid = sum(ALK_INTRON19[build]) // 2
    for pos in (low - 1, high + 1):
        fusion = type_fusion(alk, partners, names, alk_mid, "left", "chr2", pos, "left")
        assert fusion.exon_pair == "" and "EML4 exon" in fusion.note
    alk_exon20_last = ALK_INTRON19[build][0] - 1
    fusion = type_fusion(alk, partners, names, alk_exon20_last, "left", "chr2", low + 5, "left")
    assert fusion.exon_pair == "" and "ALK exon 20" in fusion.note


def test_alk_intron19_and_eml4_introns_located_on_both_builds(build_context):
    build, alk, partners, _ = build_context
    eml4 = partners[0]
    for intron, (low, high) in EML4_INTRONS[build].items():
        for pos in (low, high):
            location = locate(eml4.exons, eml4.strand, "EML4", pos)
            assert (location.kind, location.number) == ("intron", intron)
    for pos in ALK_INTRON19[build]:
        location = locate(alk.exons, alk.strand, "ALK", pos)
        assert (location.kind, location.number) == ("intron", 19)


def test_reciprocal_orientation_is_not_the_driver(build_context):
    build, alk, partners, names = build_context
    alk_mid = sum(ALK_INTRON19[build]) // 2
    eml4_mid = sum(EML4_INTRONS[build][6]) // 2
    reciprocal = type_fusion(
        alk, partners, names, alk_mid + 1, "right", "chr2", eml4_mid + 1, "right"
    )
    assert not reciprocal.productive
    assert reciprocal.exon_pair == "A19;E7" and reciprocal.variant == ""
    assert reciprocal.label.startswith("ALK-EML4")
    # Mixed orientations (a deletion-like or duplication-like join) are not the driver either.
    for sides in (("left", "right"), ("right", "left")):
        mixed = type_fusion(alk, partners, names, alk_mid, sides[0], "chr2", eml4_mid, sides[1])
        assert not mixed.productive


def test_partner_outside_bundled_genes_is_named_by_position(build_context):
    build, alk, partners, names = build_context
    alk_mid = sum(ALK_INTRON19[build]) // 2
    fusion = type_fusion(alk, partners, names, alk_mid, "left", "chr7", 55_000_000, "left")
    assert fusion.partner == "chr7:55000000"
    assert fusion.label.startswith("chr7:55000000-ALK")
    assert fusion.exon_pair == "" and fusion.variant == ""


@pytest.mark.parametrize(
    "eml4_exon, expected",
    # Whole-exon joins to ALK exon 20: v1/v2/v3/v5/E18/E21 are in frame; the E14, E15 and E17
    # variants are known to join inside exons (v7 E14;del12A20, v4 E15del60;del71A20,
    # v8 E17ins;A20), which an intronic join cannot give: out of frame.
    [(2, True), (6, True), (13, True), (18, True), (20, True), (21, True),
     (14, False), (15, False), (17, False), (7, False), (12, False)],
)  # fmt: skip
def test_in_frame_check(eml4_exon, expected):
    alk = load_transcript("GRCh38", "ALK")
    eml4 = load_partners("GRCh38")[0]
    assert in_frame(eml4, eml4_exon, alk, 20) is expected


def test_in_frame_counts_from_the_anchor():
    eml4 = load_partners("GRCh38")[0]
    assert eml4.exon_end_c(6) == 667
    assert eml4.exon_end_c(7) == 667 + 124  # EML4 exon 7 is 124 bp
    assert eml4.exon_end_c(5) == 667 - 26  # exon 6 is 26 bp


def test_out_of_frame_join_is_said():
    alk = load_transcript("GRCh38", "ALK")
    partners = load_partners("GRCh38")
    names = load_variant_names()
    # EML4 intron 14 (GRCh38 42,301,393-42,303,103): v7 by name, out of frame at intron level.
    fusion = type_fusion(alk, partners, names, 29_224_000, "left", "chr2", 42_302_000, "left")
    assert (fusion.exon_pair, fusion.variant, fusion.in_frame) == ("E14;A20", "v7", "no")
    assert "out of frame" in fusion.note


def test_every_named_variant_and_note_has_a_source():
    for row in load_variant_names().values():
        assert row["sources"].strip()
    notes = load_variant_notes()
    assert {"Lin JJ", "Christopoulos P"} <= {
        word
        for row in notes["v3a/b"]
        for word in ("Lin JJ", "Christopoulos P")
        if word in row["source"]
    }
    for rows in notes.values():
        for row in rows:
            assert row["source"].strip() and row["status"] in ("verified", "unverified")
