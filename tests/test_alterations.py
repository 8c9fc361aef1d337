"""Assembling a tumour's alterations: hotspot calls first, caller variants elsewhere, germline
variants never resistance, weak caller calls filtered."""

import pysam
import pytest

from alkres.knowledge.transcript import load_transcript
from alkres.mutations.annotate_sample import (
    CallerFilters,
    caller_alteration_rows,
    hotspot_alteration_rows,
    write_annotated_vcf,
)
from alkres.mutations.caller_vcf import CallerVariant, merge_caller_variants, read_caller_vcf
from alkres.mutations.variants import codon_substitution
from alkres.tables import read_normal_variants, write_normal_variants

ALK = load_transcript("GRCh38", "ALK", chrom="chr2")
CATALOGUED = {"G1202R", "L1196M", "G1202del", "T1151dup"}
HOTSPOT_CODONS = {1202, 1196, 1151}


def hotspot_mutation(codon, new_codon, vaf, alteration):
    variant = codon_substitution(ALK, codon, new_codon)
    return {
        "patient_id": "P1", "sample_id": "T1", "site": alteration[:-1], "alteration": alteration,
        "chrom": "chr2", "pos": str(variant.pos), "ref": variant.ref, "alt": variant.alt,
        "depth": "600", "alt_count": str(int(600 * vaf)), "vaf": str(vaf), "phase_set": "", "phase": "",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("vaf", "normal_vaf", "expected"),
    [
        (0.2, 0.0, "resistance"),
        (0.5, 0.48, "benign_polymorphism"),  # heterozygous-looking and carried by a normal
        (0.2, 0.48, "resistance"),  # subclonal in the tumour: not germline-looking
        (0.5, 0.0, "resistance"),  # no normal carries it
    ],
)
def test_germline_looking_variant_is_never_resistance(vaf, normal_vaf, expected):
    mutation = hotspot_mutation(1202, "AGA", vaf, "G1202R")
    key = ("chr2", int(mutation["pos"]), mutation["ref"], mutation["alt"])
    rows = hotspot_alteration_rows([mutation], ALK, CATALOGUED, {}, {key: normal_vaf}, 0.35)
    assert rows[0]["classification"] == expected
    assert rows[0]["hgvs_c"] == "NM_004304.5:c.3604G>A"
    assert rows[0]["hgvs_p"] == "NP_004295.2:p.Gly1202Arg"


def caller_variant(codon, new_codon, depth=800, alt=80, quality=100.0, callers=("freebayes",)):
    v = codon_substitution(ALK, codon, new_codon)
    return CallerVariant(v.chrom, v.pos, v.ref, v.alt, depth, alt, quality, list(callers))


def test_caller_variants_outside_hotspots_are_named_and_classified():
    merged = {
        v.key: v
        for v in (
            caller_variant(
                1250, "GCC" if ALK.codon_ref(1250) != "GCC" else "GCA"
            ),  # kinase domain, non-catalogued
            caller_variant(1202, "AGA"),  # catalogued site: left to the genotyper
            caller_variant(
                1240,
                ALK.codon_ref(1240)[:2] + ("A" if ALK.codon_ref(1240)[2] != "A" else "G"),
                alt=3,
            ),  # weak
        )
    }
    rows, annotated = caller_alteration_rows(
        "T1", "P1", merged, ALK, HOTSPOT_CODONS, CATALOGUED, CallerFilters(), {}, 0.35
    )
    assert [row["classification"] for row in rows] in (["vus"], ["synonymous"])
    assert rows[0]["alteration"].startswith(ALK.protein[1249] + "1250")
    filters = sorted(flag for _, flag in annotated.values())
    assert filters == ["PASS", "hotspot_site", "low_support"]


def test_merge_keeps_every_caller_name():
    a, b = (
        caller_variant(1250, "GCC", callers=("bcftools",)),
        caller_variant(1250, "GCC", callers=("freebayes",)),
    )
    merged = merge_caller_variants({"bcftools": [a], "freebayes": [b]})
    assert list(merged.values())[0].callers == ["bcftools", "freebayes"]


def test_annotated_vcf_round_trip(tmp_path):
    mutation = hotspot_mutation(1202, "AGA", 0.2, "G1202R")
    rows = hotspot_alteration_rows([mutation], ALK, CATALOGUED, {"G1202R": ["bcftools"]}, {}, 0.35)
    path = tmp_path / "t.vcf.gz"
    write_annotated_vcf(path, "T1", [("chr2", 242_193_529)], {}, {}, rows)
    with pysam.VariantFile(str(path)) as vcf:
        (record,) = list(vcf)
    assert record.info["ALTERATION"] == "G1202R"
    assert record.info["CALLERS"] == ("alkres_hotspot", "bcftools")
    assert record.info["CLASS"] == "resistance"
    assert read_caller_vcf(path, "x")[0].key == ("chr2", 29220747, "C", "T")


def test_pooled_normal_variants_round_trip_and_keep_highest_vaf(tmp_path):
    vafs = {("chr2", 29_220_829, "C", "T"): 0.48, ("chr2", 29_192_774, "AT", "A"): 0.031}
    path = tmp_path / "normal_variants.tsv"
    write_normal_variants(path, vafs)
    assert read_normal_variants(path) == vafs
    # the table is sorted and stable: the same variants give the same bytes
    again = tmp_path / "again.tsv"
    write_normal_variants(again, dict(reversed(list(vafs.items()))))
    assert again.read_bytes() == path.read_bytes()


def test_pooled_normal_variants_refuse_a_foreign_table(tmp_path):
    path = tmp_path / "other.tsv"
    path.write_text("chrom\tpos\tvaf\n")
    with pytest.raises(ValueError, match="header"):
        read_normal_variants(path)
