"""ALK fusions on the bundled cohort (ART reads, bwa alignments) against the simulated truth:
alterations rows, exon pairs and variants, normals, the amplified fusion, statuses and QC, and
the same BAMs rewritten without supplementary alignments or with the junction reads marked as
duplicates."""

import json

import pysam
import pytest

from alkres.fusion.evidence import FusionSettings
from alkres.fusion.fusion_calls import assess_sample
from alkres.knowledge.transcript import load_transcript
from alkres.tables import FUSION_COLUMNS
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
    amplified = {
        row["sample_id"] for row in truth if row["type"] == "amplification" and row["gene"] == "ALK"
    }
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
    assert any("no split alignments" in flag for flag in result.status["flags"])


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


# ---------------------------------------------------------------- other labs' conventions


def truth_of(truth, sample_id):
    return [row for row in truth if row["sample_id"] == sample_id]


def trapped(truth):
    """Samples whose libraries carry chimeras with mates stacked at one locus."""
    return sorted({row["sample_id"] for row in truth if row["mate_trap"]})


def test_the_cohort_carries_other_labs_conventions(truth):
    conventions = {row["convention"] for row in truth}
    assert {"default", "vendor", "bwa_mem_M_no_mate_tags"} <= conventions
    assert len(trapped(truth)) >= 2
    assert any(r["type"] == "fusion" and r["sample_id"] in trapped(truth) for r in truth)
    assert any(
        r["sample_type"] == "tumor"
        and r["alteration"] == "none"
        and r["sample_id"] in trapped(truth)
        for r in truth
    )


def test_vendor_bam_with_a_repeat_partner_gives_one_row(fusion_tables, statuses, truth):
    """bwa mem -M, no MC/MQ, UMI-collapsed reads, and an EML4 breakpoint inside a repeat copied
    elsewhere: one row, EML4 named by uniquely placed evidence, the repeat copies named nowhere."""
    for sample_id in trapped(truth):
        (simulated,) = [r for r in truth_of(truth, sample_id) if r["type"] == "fusion"] or [None]
        if simulated is None:
            continue
        rows = fusion_tables[sample_id]
        (row,) = [r for r in rows if r["alkres"] == "detected"]
        assert row["fusion"] == simulated["alteration"]
        assert abs(int(row["alk_pos"]) - int(simulated["pos"])) <= 5
        assert abs(int(row["partner_pos"]) - int(simulated["partner_pos"])) <= 5
        assert int(row["ambiguous_fragments"]) > 0  # the repeat-placed split reads joined
        assert int(row["split_fragments"]) > 0
        # No row for another place of the repeat, nor for the trap locus.
        assert all(
            r["partner_chrom"] == simulated["partner_chrom"]
            and abs(int(r["partner_pos"]) - int(simulated["partner_pos"])) < 1_000
            for r in rows
        ), rows
        notes = " | ".join(statuses[sample_id]["notes"])
        if simulated["convention"] == "vendor":
            assert "flagged secondary (bwa mem -M)" in notes
            assert "no MC/MQ tags" in notes
            assert "UMI tags (MI, RX)" in notes


def test_mate_traps_are_reported_as_artefacts_not_junctions(
    fusion_tables, statuses, pipeline_run, truth
):
    qc = {row["sample_id"]: row for row in read_tsv(pipeline_run / "qc" / "qc_summary.tsv")}
    for sample_id in trapped(truth):
        locus = truth_of(truth, sample_id)[0]["mate_trap"].split(" ")[0]
        status = statuses[sample_id]
        (artefact,) = [a for a in status["artefacts"] if a["locus"] == locus]
        assert artefact["window_pairs"] >= 3 and artefact["gene_pairs"] >= 10
        assert all(
            locus.split(":")[1] not in str(r["partner_pos"]) for r in fusion_tables[sample_id]
        )
        assert f"note: mapping artefact at {locus}" in qc[sample_id]["reasons"]


def test_an_alk_negative_tumour_is_not_a_fusion(fusion_tables, statuses, truth):
    negatives = [
        r["sample_id"] for r in truth
        if r["sample_type"] == "tumor" and r["alteration"] == "none" and r["mate_trap"]
    ]  # fmt: skip
    assert negatives
    for sample_id in negatives:
        assert [r for r in fusion_tables[sample_id] if r["alkres"] == "detected"] == []
        assert statuses[sample_id]["status"] == NOT_DETECTED


def test_conventions_rewritten_from_one_bam_give_the_same_junction(tmp_path):
    """P02's reads as another lab would hand them over: split parts secondary instead of
    supplementary (bwa mem -M), MC/MQ tags stripped, duplicates unflagged with UMI tags (reads
    collapsed upstream). The junction, its fragments and its fraction stay the same."""
    source = TEST_DATA / "bams" / "P02_T1.cram"

    def as_secondary(read):
        if read.is_supplementary:
            read.is_supplementary, read.is_secondary = False, True
        return read

    def without_mate_tags(read):
        for tag in ("MC", "MQ"):
            if read.has_tag(tag):
                read.set_tag(tag, None)
        return read

    def umi_collapsed(read):
        if read.is_duplicate:
            return None  # collapsed into its family's consensus read
        read.set_tag("RX", "ACGTACGT", "Z")
        read.set_tag("MI", read.query_name.rsplit(":", 1)[-1], "Z")
        return read

    original = assess_sample("P02_T1", "tumor", source, REFERENCE, alk(), FusionSettings(), {})
    (expected,) = [r for r in original.rows if r["alkres"] == "detected"]
    keys = ("fusion", "alk_pos", "partner_pos", "split_fragments", "discordant_fragments",
            "supporting_fragments", "spanning_fragments", "fraction")  # fmt: skip
    for name, change in (("secondary", as_secondary), ("nomatetags", without_mate_tags),
                         ("umi", umi_collapsed)):  # fmt: skip
        bam = rewrite(source, tmp_path / f"{name}.bam", change)
        result = assess_sample("P02_T1", "tumor", bam, REFERENCE, alk(), FusionSettings(), {})
        (row,) = [r for r in result.rows if r["alkres"] == "detected"]
        assert {k: row[k] for k in keys} == {k: expected[k] for k in keys}, name
        if name == "secondary":
            assert result.status["secondary_split_records"] > 0
            assert result.status["supplementary_records"] == 0
            assert not any("no split alignments" in f for f in result.status["flags"])
        if name == "umi":
            assert result.status["duplicates_skipped"] == 0
            assert result.status["umi_tags"] == ["MI", "RX"]
            assert any("each read pair counts as one molecule" in n for n in result.status["notes"])
