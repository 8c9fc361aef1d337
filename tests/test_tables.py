"""The files that pass between rules: each has one writer and one reader (alkres.tables), the
reader gives back what the writer wrote, and a table from another version is an error."""

import json

import pandas as pd
import pytest

from alkres import tables


def test_string_tables_round_trip_as_written(tmp_path):
    rows = [
        {"patient_id": "P1", "sample_id": "P1_T1", "gene": "ALK", "codon": "G1202", "depth": 512,
         "status": "wild_type", "detail": "wild type; detectable down to 1.9% VAF at 512x",
         "lod_vaf": 0.0191},
        {"patient_id": "P1", "sample_id": "P1_T1", "gene": "ALK", "codon": "L1196", "depth": "",
         "status": "not_assessable", "detail": "", "lod_vaf": ""},
    ]  # fmt: skip
    path = tmp_path / "h.tsv"
    tables.write_hotspots(path, rows)
    back = tables.read_hotspots([path])
    # Every cell comes back as the string written: reports copy it to the digit.
    assert back == [{key: str(value) for key, value in row.items()} for row in rows]
    assert path.read_text().splitlines()[0].split("\t") == tables.HOTSPOT_COLUMNS
    # The writer is stable: the rows read back give the same bytes.
    again = tmp_path / "again.tsv"
    tables.write_hotspots(again, back)
    assert again.read_bytes() == path.read_bytes()


def test_a_table_with_other_columns_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "old.alterations.tsv"
    path.write_text("sample_id\talteration\nT1\tG1202R\n")
    with pytest.raises(ValueError, match=r"old\.alterations\.tsv: columns sample_id, alteration"):
        tables.read_alterations([path])


def test_numeric_tables_come_back_as_numbers(tmp_path):
    counts = tmp_path / "counts.tsv"
    tables.write_counts(
        counts,
        [{"site": "G1202", "allele": "", "fragments": "", "forward": "", "reverse": "",
          "depth": 400, "bases": ""},
         {"site": "G1202", "allele": "R", "fragments": 3, "forward": 2, "reverse": 1,
          "depth": 400, "bases": "AGA"}],
    )  # fmt: skip
    assert tables.read_counts(counts)[1] == {
        "site": "G1202", "allele": "R", "fragments": 3, "forward": 2, "reverse": 1, "depth": 400,
    }  # fmt: skip
    background = tmp_path / "background.tsv"
    tables.write_background(
        background, [{"site": "G1202", "allele": "R", "alt_fragments": 1, "depth": 900,
                      "n_normals": 3}]
    )  # fmt: skip
    assert tables.read_background(background)[0]["depth"] == 900
    normals = tmp_path / "normals.tsv"
    tables.write_normal_variants(normals, {("chr2", 100, "A", "G"): 0.5123456})
    assert tables.read_normal_variants(normals) == {("chr2", 100, "A", "G"): 0.512346}


def test_qc_metrics_keep_their_format(tmp_path):
    row = {"sample_id": "007", "sample_type": "tumor", "total_reads": 12345,
           "mapped_fraction": 0.987654321, "verdict": "pass", "reasons": "",
           "low_depth_codons": ""}  # fmt: skip
    path = tmp_path / "q.tsv"
    tables.write_qc_metrics(path, row)
    assert "0.9877" in path.read_text()  # 4 significant digits
    metrics = tables.read_qc_metrics([path])
    assert metrics.loc[0, "sample_id"] == "007"  # an ID stays text
    assert metrics.loc[0, "total_reads"] == 12345 and metrics.loc[0, "reasons"] == ""
    summary = tmp_path / "summary.tsv"
    tables.write_qc_summary(summary, metrics)
    assert summary.read_text() == path.read_text()


def test_fusion_status_and_biopsy_records(tmp_path):
    status = {"sample_id": "T1", "status": "detected", "flags": [], "notes": ["x"]}
    path = tmp_path / "T1.status.json"
    tables.write_fusion_status(path, status)
    assert tables.read_fusion_statuses([path]) == {"T1": status}
    record = tmp_path / "T1.json"
    tables.write_biopsy(record, {"sample_id": "T1", "result": {"status": "mechanism"}})
    (back,) = tables.read_biopsies([record])
    assert back["schema"] == tables.BIOPSY_SCHEMA and back["result"]["status"] == "mechanism"
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"sample_id": "T1"}))
    with pytest.raises(ValueError, match="other.json: not a alkres-biopsy/5 record"):
        tables.read_biopsies([other])


def test_cohort_alterations_sort_by_sample_then_position(tmp_path):
    def row(sample, chrom, pos, alteration):
        return {column: "" for column in tables.ALTERATION_COLUMNS} | {
            "sample_id": sample, "chrom": chrom, "pos": pos, "alteration": alteration,
        }  # fmt: skip

    path = tmp_path / "alterations.tsv"
    tables.write_cohort_alterations(
        path,
        [row("B", "chr2", "900", "x"), row("A", "chr2", "1000", "y"), row("A", "chr2", "99", "z")],
    )
    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    assert list(frame["alteration"]) == ["z", "y", "x"]  # 99 before 1000: numeric order


def test_bed_round_trip(tmp_path):
    path = tmp_path / "t.bed"
    tables.write_bed(path, [("chr2", 9, 20, "a"), ("chr10", 0, 5, "b")])
    assert tables.read_bed(path) == [("chr2", 9, 20, "a"), ("chr10", 0, 5, "b")]
