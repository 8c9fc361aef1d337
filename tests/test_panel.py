"""The panel BED: checked against the reference's contigs and sorted, whatever order it came in."""

from __future__ import annotations

import random

import pytest

from alkres.inputs import InputError
from alkres.inputs.panel_targets import natural_key, read_panel_bed, sorted_targets

CONTIGS = {f"chr{name}": 250_000_000 for name in [*range(1, 23), "X", "Y", "M"]}
REFERENCE = "/data/genome.fa"


def write_bed(tmp_path, lines: list[str]):
    path = tmp_path / "targets.bed"
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


def targets(tmp_path, lines: list[str]):
    return sorted_targets(read_panel_bed(write_bed(tmp_path, lines), CONTIGS, REFERENCE))


def is_coordinate_sorted(rows) -> bool:
    keys = [(natural_key(chrom), start, end) for chrom, start, end, _ in rows]
    return keys == sorted(keys)


def test_transcript_order_is_sorted_with_names_kept(tmp_path):
    exons = [("chr2", 29_000_000 - 1000 * i, 29_000_000 - 1000 * i + 150, f"ALK_exon{i}")
             for i in range(1, 30)]  # fmt: skip
    rows = targets(tmp_path, ["\t".join(map(str, exon)) for exon in exons])
    assert is_coordinate_sorted(rows)
    assert sorted(rows) == sorted(exons)  # same targets, same names: only the order changed


def test_contigs_come_in_natural_order(tmp_path):
    contigs = ["chr10", "chrX", "chr2", "chr1", "chr22", "chr11", "chrY"]
    shuffled = random.Random(1).sample(contigs, len(contigs))
    rows = targets(tmp_path, [f"{chrom}\t100\t200\t{chrom}_t" for chrom in shuffled])
    assert [row[0] for row in rows] == sorted(contigs, key=natural_key)
    assert [row[0] for row in rows][:5] == ["chr1", "chr2", "chr10", "chr11", "chr22"]


def test_repeated_lines_are_written_once(tmp_path):
    line = "chr2\t100\t200\tA"
    rows = targets(tmp_path, [line, "chr2\t50\t80\tB", line, "chr2\t100\t200\tC"])
    assert rows == [("chr2", 50, 80, "B"), ("chr2", 100, 200, "A"), ("chr2", 100, 200, "C")]


def test_comment_track_browser_and_header_lines_are_skipped(tmp_path):
    lines = ["chrom\tstart\tend\tname", "# vendor panel v2", "track name=panel",
             "browser position chr2:1-100", "", "chr2\t300\t400\tB", "chr2\t100\t200\tA"]  # fmt: skip
    assert targets(tmp_path, lines) == [("chr2", 100, 200, "A"), ("chr2", 300, 400, "B")]


def test_windows_line_ends_and_extra_columns_are_read(tmp_path):
    path = tmp_path / "targets.bed"
    path.write_bytes(b"chr2\t100\t200\tA\t0\t-\r\nchr2\t10\t20\tB\r\n")
    rows = sorted_targets(read_panel_bed(path, CONTIGS, REFERENCE))
    assert rows == [("chr2", 10, 20, "B"), ("chr2", 100, 200, "A")]


def test_a_target_without_a_name_is_named_by_its_position(tmp_path):
    assert targets(tmp_path, ["chr2\t99\t200"]) == [("chr2", 99, 200, "chr2:100-200")]


BAD_ROWS = {
    "two-columns": ("chr2\t100", r"2 column\(s\), but a BED needs chrom, start and end"),
    "space-separated": ("chr2 100 200 A", r"1 column\(s\).*Fix: separate .* by tabs"),
    "not-a-number": ("chr2\t1,000\t2000\tA", r"start '1,000' and end '2000' must be whole numbers"),
    "negative-start": ("chr2\t-5\t200\tA", r"start '-5' .* must be whole numbers"),
    "start-not-below-end": ("chr2\t200\t200\tA", r"start 200 is not below end 200"),
    "unknown-contig": ("2\t100\t200\tA", rf"contig '2' is not in the reference {REFERENCE}"),
    "beyond-contig-end": ("chrM\t100\t250000001\tA", r"end 250000001 is beyond the end of chrM"),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_bad_row_stops_naming_the_file_and_line(tmp_path, case):
    row, problem = BAD_ROWS[case]
    path = write_bed(tmp_path, ["# header", "chr2\t1\t50\tgood", row])
    with pytest.raises(InputError, match=problem) as error:
        read_panel_bed(path, CONTIGS, REFERENCE)
    message = str(error.value)
    assert message.startswith(f"{path}: line 3: ") and "Fix:" in message
    assert "\n" not in message


def test_bed_without_targets_stops(tmp_path):
    path = write_bed(tmp_path, ["# only a comment", "track name=empty"])
    with pytest.raises(InputError, match=rf"{path}: no targets\. Fix: set panel.targets"):
        read_panel_bed(path, CONTIGS, REFERENCE)


def test_the_input_is_not_modified(tmp_path):
    path = write_bed(tmp_path, ["chr2\t300\t400\tB", "chr2\t100\t200\tA"])
    before = path.read_bytes()
    sorted_targets(read_panel_bed(path, CONTIGS, REFERENCE))
    assert path.read_bytes() == before
