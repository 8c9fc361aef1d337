"""ALK mutation calling on the bundled cohort, checked against the simulated truth."""

import pysam
import pytest

from conftest import TEST_DATA, read_tsv

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def alterations(pipeline_run):
    return read_tsv(pipeline_run / "cohort" / "alterations.tsv")


@pytest.fixture(scope="module")
def hotspots(pipeline_run):
    return read_tsv(pipeline_run / "cohort" / "hotspots.tsv")


def small_variant_truth(truth):
    return [row for row in truth if row["type"] in ("snv", "mnv", "indel") and row["gene"] == "ALK"]


def test_every_simulated_mutation_is_found_with_its_name_and_vaf(alterations, truth):
    for expected in small_variant_truth(truth):
        found = [
            row
            for row in alterations
            if row["sample_id"] == expected["sample_id"]
            and row["alteration"] == expected["alteration"]
        ]
        assert len(found) == 1, (expected["sample_id"], expected["alteration"])
        row = found[0]
        assert row["hgvs_c"] == f"NM_004304.5:{expected['hgvs_c']}"
        assert row["classification"] == "resistance"
        assert row["gene"] == "ALK" and row["copy_number"] == ""
        assert abs(float(row["vaf"]) - float(expected["vaf"])) < 0.05, row
        assert int(row["alt_count"]) > 0 and int(row["depth"]) > int(row["alt_count"])


def test_compound_mutation_is_phased_in_cis(alterations, truth):
    cis = [row for row in truth if row["phase"].startswith("cis")]
    rows = [
        r
        for r in alterations
        if r["sample_id"] == cis[0]["sample_id"] and r["classification"] == "resistance"
    ]
    assert {r["alteration"] for r in rows} == {row["alteration"] for row in cis}
    assert len({r["phase_set"] for r in rows}) == 1 and rows[0]["phase_set"] != ""
    assert all(r["phase"].startswith("cis with") for r in rows)


def test_no_resistance_call_without_a_simulated_mutation(alterations, truth):
    mutated = {row["sample_id"] for row in small_variant_truth(truth)}
    for row in alterations:
        if row["classification"] == "resistance" and row["type"] != "amplification":
            assert row["sample_id"] in mutated, row
    normals = {row["sample_id"] for row in truth if row["sample_type"] == "normal"}
    assert not normals & {row["sample_id"] for row in alterations}


def test_hotspot_table_has_every_site_of_every_tumour(hotspots, truth):
    tumours = {row["sample_id"] for row in truth if row["sample_type"] == "tumor"}
    sites_per_sample = {}
    for row in hotspots:
        sites_per_sample.setdefault(row["sample_id"], set()).add(row["codon"])
    assert set(sites_per_sample) == tumours
    assert len({frozenset(s) for s in sites_per_sample.values()}) == 1
    assert {"G1202", "L1196", "I1171", "G1269", "T1151", "G1202del", "T1151dup"} <= next(
        iter(sites_per_sample.values())
    )


def test_low_depth_codons_are_not_assessable_never_wild_type(hotspots):
    low = [row for row in hotspots if row["sample_id"] == "P05_T1"]
    assert low and all(row["status"] == "not_assessable" for row in low)
    # the ALK codons and every bypass hotspot the panel covers say why: QC failed
    readable = [
        row for row in low
        if not row["detail"].startswith("not on the panel") and "reference FASTA" not in row["detail"]
    ]  # fmt: skip
    assert all("sample failed QC" in row["detail"] for row in readable)


def test_wild_type_codons_state_their_limit_of_detection(hotspots):
    negative = [row for row in hotspots if row["sample_id"] == "P04_T1" and row["gene"] == "ALK"]
    assert all(row["status"] == "wild_type" for row in negative)
    for row in negative:
        assert row["detail"].startswith("wild type; detectable down to")
        assert row["detail"].endswith(f"VAF at {row['depth']}x")
        assert float(row["lod_vaf"]) <= 0.05


def test_mutant_codons_match_the_truth(hotspots, truth):
    expected = {(row["sample_id"], row["alteration"]) for row in small_variant_truth(truth)}
    mutant = {
        (row["sample_id"], row["codon"])
        for row in hotspots
        if row["status"] == "mutant" and row["gene"] == "ALK"
    }
    # a substitution marks its codon (G1202R -> G1202); an indel marks its own site
    assert {(s, a if a.endswith(("del", "dup")) else a[:-1]) for s, a in expected} == mutant


def test_callers_ran_and_support_the_hotspot_calls(pipeline_run, alterations):
    g1202r = next(
        r for r in alterations if r["sample_id"] == "P01_T2" and r["alteration"] == "G1202R"
    )
    assert set(g1202r["callers"].split(",")) == {"alkres_hotspot", "bcftools", "freebayes"}
    for caller in ("bcftools", "freebayes"):
        with pysam.VariantFile(str(pipeline_run / "calls" / caller / "P01_T2.vcf.gz")) as vcf:
            assert any(
                rec.pos == 29220747 and rec.alts == ("T",)
                for rec in vcf.fetch("chr2", 29220740, 29220750)
            )


def test_callers_read_only_the_targets_within_the_genes(pipeline_run):
    """calling.regions: genes (default): the callers' BED is the panel's targets within ALK,
    TP53 and NF2, and no caller variant lies outside them (EML4, the control targets and the
    other bypass genes, whose hotspots the genotyper reads, are not called)."""
    calling = [
        line.split("\t")[:4]
        for line in (pipeline_run / "reference" / "calling_targets.bed").read_text().splitlines()
    ]
    genes = ("ALK_", "TP53_", "NF2_")
    assert calling and all(name.startswith(genes) for _, _, _, name in calling)
    panel_genes = [
        line for line in (TEST_DATA / "panel" / "alk_panel_targets.bed").read_text().splitlines()
        if line.split("\t")[3].startswith(genes)
    ]  # fmt: skip
    assert len(calling) == len(panel_genes)
    spans = [(chrom, int(start), int(end)) for chrom, start, end, _ in calling]
    for caller in ("bcftools", "freebayes"):
        for vcf_path in (pipeline_run / "calls" / caller).glob("*.vcf.gz"):
            with pysam.VariantFile(str(vcf_path)) as vcf:
                for rec in vcf:
                    # (a margin for indels that normalisation left-aligns past a target edge)
                    assert any(
                        rec.chrom == chrom and start - 50 < rec.pos <= end + 50
                        for chrom, start, end in spans
                    ), (
                        vcf_path,
                        rec.pos,
                    )


def test_annotated_vcf_carries_names_classes_and_phase(pipeline_run):
    with pysam.VariantFile(str(pipeline_run / "variants" / "P01_T2.annotated.vcf.gz")) as vcf:
        passed = {rec.info["ALTERATION"]: rec for rec in vcf if "PASS" in rec.filter}
    assert passed["G1202R"].info["HGVSP"] == "NP_004295.2:p.Gly1202Arg"
    assert passed["G1202R"].info["CLASS"] == "resistance"
    assert passed["G1202R"].info["PS"] == passed["L1196M"].info["PS"]
