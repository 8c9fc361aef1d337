"""ALK fusions on the bundled cohort (ART reads, bwa alignments) against the simulated truth:
alterations rows, exon pairs and variants, normals, the amplified fusion, statuses and QC, and
the same BAMs rewritten without supplementary alignments or with the junction reads marked as
duplicates."""

import json

import pysam
import pytest

from alkres.fusion_calls import FUSION_COLUMNS, assess_sample
from alkres.fusions import FusionSettings
from alkres.transcript import load_transcript
from conftest import TEST_DATA, read_tsv

REFERENCE = TEST_DATA / "reference" / "chr2_alk_panel.fa.gz"
NOT_DETECTED = "fusion not detected: tumour content may be too low for a confident negative"


def truth_fusions(truth):
    return [row for row in truth if row["type"] == "fusion"]


def deep(row):
    # The 60x plasma library (P05, 3% ctDNA) has a fragment or two per junction: it is checked
    # on its own.
    return float(row["simulated_depth"]) >= 250


@pytest.fixture(scope="module")
def fusion_tables(pipeline_run, truth):
    return {
        row["sample_id"]: read_tsv(pipeline_run / "fusions" / f"{row['sample_id']}.fusions.tsv")
        for row in truth
    }


@pytest.fixture(scope="module")
def statuses(pipeline_run, truth):
    return {
        row["sample_id"]: json.loads(
            (pipeline_run / "fusions" / f"{row['sample_id']}.status.json").read_text()
        )
        for row in truth
    }


def test_every_simulated_fusion_is_in_alterations_with_its_exon_pair(pipeline_run, truth):
    alterations = read_tsv(pipeline_run / "cohort" / "alterations.tsv")
    fusions = [row for row in alterations if row["type"] == "fusion"]
    expected = truth_fusions(truth)
    assert len(expected) >= 7
    assert len(fusions) == len(expected)
    for simulated in expected:
        found = [row for row in fusions if row["sample_id"] == simulated["sample_id"]]
        assert len(found) == 1, simulated["sample_id"]
        row = found[0]
        assert row["alteration"] == simulated["alteration"]  # e.g. EML4-ALK E6;A20 (v3a/b)
        assert simulated["exon_pair"] in row["alteration"]
        assert f"({simulated['variant']})" in row["alteration"]
        assert row["gene"] == "ALK" and row["classification"] == "driver"
        assert row["chrom"] == simulated["chrom"]
        assert abs(int(row["pos"]) - int(simulated["pos"])) <= 5
        assert int(row["alt_count"]) >= (20 if deep(simulated) else 1)
        assert float(row["vaf"]) == pytest.approx(
            int(row["alt_count"]) / int(row["depth"]), abs=1e-3
        )


def test_fusion_table_gives_both_breakpoints_and_the_reciprocal(fusion_tables, truth):
    for simulated in truth_fusions(truth):
        if not deep(simulated):
            continue
        rows = fusion_tables[simulated["sample_id"]]
        assert list(rows[0]) == FUSION_COLUMNS
        (row,) = [r for r in rows if r["alkres"] == "detected"]
        assert row["orientation"] == "3to3"
        assert abs(int(row["partner_pos"]) - int(simulated["partner_pos"])) <= 5
        assert row["in_frame"] == "yes"
        assert int(row["split_fragments"]) > 0 and int(row["discordant_fragments"]) > 0
        assert row["reciprocal_seen"] == simulated["reciprocal"], simulated["sample_id"]
        assert row["callers"] == "delly: detected" and row["agreement"] == "agree"


def test_fraction_tracks_the_simulated_fraction(fusion_tables, truth):
    for simulated in truth_fusions(truth):
        if not deep(simulated) or simulated["sample_id"] == "P07_T1":
            continue  # P07's EML4 side is captured too, which adds junction fragments
        (row,) = [r for r in fusion_tables[simulated["sample_id"]] if r["alkres"] == "detected"]
        assert float(row["fraction"]) == pytest.approx(float(simulated["vaf"]), abs=0.08)


def test_amplified_fusion_is_found(fusion_tables, truth):
    amplified = {row["sample_id"] for row in truth if row["type"] == "amplification"}
    fused = {row["sample_id"] for row in truth_fusions(truth)}
    for sample_id in sorted(amplified & fused):
        (row,) = [r for r in fusion_tables[sample_id] if r["alkres"] == "detected"]
        assert float(row["fraction"]) > 0.5  # the amplified copies carry the junction


def test_normals_show_no_fusion_evidence(fusion_tables, statuses, truth):
    normals = [row["sample_id"] for row in truth if row["sample_type"] == "normal"]
    assert normals
    for sample_id in normals:
        assert fusion_tables[sample_id] == []
        assert statuses[sample_id]["supporting_fragments_total"] == 0
        assert statuses[sample_id]["status"] == "no fusion evidence (normal)"


def test_statuses_and_qc_flags(statuses, pipeline_run, truth):
    qc = {row["sample_id"]: row for row in read_tsv(pipeline_run / "qc" / "qc_summary.tsv")}
    fused = {row["sample_id"] for row in truth_fusions(truth)}
    for row in truth:
        sample_id = row["sample_id"]
        status = statuses[sample_id]["status"]
        assert qc[sample_id]["fusion_status"] == status
        if sample_id in fused:
            assert status == "detected"
    # P04's biopsy holds no tumour cells: enough depth, no fusion -> the low-tumour warning.
    assert statuses["P04_T1"]["status"] == NOT_DETECTED
    assert f"warn: {NOT_DETECTED}" in qc["P04_T1"]["reasons"]
    assert qc["P04_T1"]["verdict"] == "warn"
    # P05 (plasma, 60x, 3% ctDNA): one fragment on each junction of the balanced inversion
    # make the call; QC still fails it on depth.
    assert statuses["P05_T1"]["status"] == "detected"
    assert qc["P05_T1"]["verdict"] == "fail"
    assert (
        statuses["P05_T1"]["intron19_spanning_fragments"] < statuses["P05_T1"]["fragments_needed"]
    )


# ---------------------------------------------------------------- rewritten real BAMs


def alk():
    return load_transcript("GRCh38", "ALK")


def rewrite(source, target, change):
    """Copy a cohort alignment to BAM, passing each record through ``change`` (None drops it)."""
    with (
        pysam.AlignmentFile(str(source), reference_filename=str(REFERENCE)) as reader,
        pysam.AlignmentFile(str(target), "wb", template=reader) as writer,
    ):
        for read in reader.fetch(until_eof=True):
            kept = change(read)
            if kept is not None:
                writer.write(kept)
    pysam.index(str(target))
    return target


def test_without_supplementary_alignments_soft_clips_still_give_the_fusion(tmp_path, truth):
    (simulated,) = [r for r in truth_fusions(truth) if r["sample_id"] == "P02_T1"]

    def strip(read):
        if read.is_supplementary:
            return None
        if read.has_tag("SA"):
            read.set_tag("SA", None)
        return read

    bam = rewrite(TEST_DATA / "bams" / "P02_T1.cram", tmp_path / "nosa.bam", strip)
    result = assess_sample("P02_T1", "tumor", bam, REFERENCE, alk(), FusionSettings(), {})
    (row,) = [r for r in result.rows if r["alkres"] == "detected"]
    assert row["fusion"] == simulated["alteration"]
    assert abs(row["alk_pos"] - int(simulated["pos"])) <= 5
    assert abs(row["partner_pos"] - int(simulated["partner_pos"])) <= 5
    assert row["split_fragments"] > 0
    assert result.status["supplementary_records"] == 0
    assert any("no supplementary alignments" in flag for flag in result.status["flags"])


def test_duplicates_are_not_support(tmp_path):
    def mark_all(read):
        read.is_duplicate = True
        return read

    bam = rewrite(TEST_DATA / "bams" / "P02_T1.cram", tmp_path / "dup.bam", mark_all)
    result = assess_sample("P02_T1", "tumor", bam, REFERENCE, alk(), FusionSettings(), {})
    assert [r for r in result.rows if r["alkres"] == "detected"] == []
    assert result.status["supporting_fragments_total"] == 0
    assert result.status["duplicates_skipped"] > 0
    counted = assess_sample(
        "P02_T1", "tumor", bam, REFERENCE, alk(), FusionSettings(skip_duplicates=False), {}
    )
    assert [r["fusion"] for r in counted.rows if r["alkres"] == "detected"]


def test_without_reads_over_intron_19_a_tumour_is_not_assessable(tmp_path):
    # A panel that does not capture ALK intron 19: the same normal reads without that region.
    exons = {exon.number: exon for exon in alk().exons}
    low, high = exons[20].start - 500, exons[19].end + 500

    def outside(read):
        inside = read.reference_end and read.reference_start < high and read.reference_end > low
        return None if inside else read

    bam = rewrite(TEST_DATA / "bams" / "N01.cram", tmp_path / "nointron.bam", outside)
    result = assess_sample("N01", "tumor", bam, REFERENCE, alk(), FusionSettings(), {})
    status = result.status
    assert status["status"].startswith("fusion not assessable: 0 fragments span ALK intron 19")
    assert status["fragments_needed"] == 93
    assert status["flags"] == [status["status"]]


def test_a_caller_that_could_not_run_is_said_so(tmp_path):
    vcf = tmp_path / "delly.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n"
        "##alkres_not_run=Delly found too few reads to estimate library parameters\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    )
    bam = TEST_DATA / "bams" / "P02_T1.cram"
    result = assess_sample(
        "P02_T1", "tumor", bam, REFERENCE, alk(), FusionSettings(), {"delly": vcf}
    )
    (row,) = [r for r in result.rows if r["alkres"] == "detected"]
    assert (
        row["callers"]
        == "delly: not run (Delly found too few reads to estimate library parameters)"
    )
    assert row["agreement"] == "agree"
