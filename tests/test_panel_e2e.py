"""A panel BED in transcript order (as vendors ship it) runs through the callers.

freebayes reports variants in the order of its targets. With ALK's exons listed in transcript
(descending) order, a tumour with mutations in three targets gave an unsorted VCF, and `tabix`
stopped with "Unsorted positions". The test tumour pools the reads of the bundled tumours that
carry the simulated SNVs; the bundled BED (in transcript order) gets the one target holding two
of them split between them, upper half first, as a tiled vendor BED lists it.
"""

from __future__ import annotations

import gzip
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest

from alkres.inputs.panel_targets import natural_key
from conftest import TEST_DATA, read_tsv, run_snakemake

pytestmark = pytest.mark.e2e
BUNDLED_BED = TEST_DATA / "panel" / "alk_panel_targets.bed"
REFERENCE = TEST_DATA / "reference" / "chr2_alk_panel.fa.gz"
SHEET_HEADER = "sample_id\tpatient_id\tbam\tsample_type\tspecimen\tcollection_date\tprior_tkis\n"


def bed_rows(path: Path) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in path.open() if line.strip()]


def is_sorted(rows: list[list[str]]) -> bool:
    keys = [(natural_key(row[0]), int(row[1]), int(row[2])) for row in rows]
    return keys == sorted(keys)


def snv_carriers(truth) -> dict[str, set[int]]:
    """Tumours that together carry every simulated SNV once (1-based positions)."""
    positions: dict[str, set[int]] = {}
    for row in truth:
        if row["type"] == "snv" and row["gene"] == "ALK":
            positions.setdefault(row["sample_id"], set()).add(int(row["pos"]))
    chosen: dict[str, set[int]] = {}
    for sample in sorted(positions, key=lambda s: -len(positions[s])):
        if positions[sample] - set().union(*chosen.values()):
            chosen[sample] = positions[sample]
    return chosen


def split_between(rows: list[list[str]], positions: list[int]) -> list[list[str]]:
    """Each target holding several positions cut between them, the upper piece first."""
    out = []
    for chrom, start, end, name, *_ in rows:
        inside = sorted(p for p in positions if int(start) < p <= int(end))
        if len(inside) < 2:
            out.append([chrom, start, end, name])
            continue
        cuts = [int(start), *((a + b) // 2 for a, b in pairwise(inside)), int(end)]
        pieces = [[chrom, str(a), str(b), f"{name}_{i}"] for i, (a, b) in enumerate(pairwise(cuts))]
        out += pieces[::-1]
    return out


def pooled_tumour(folder: Path, samples: list[str]) -> Path:
    """One BAM with the reads of `samples`, and a sheet naming it as tumour POOL."""
    sheet = {row["sample_id"]: row for row in read_tsv(TEST_DATA / "samples.tsv")}
    bams = [str(TEST_DATA / sheet[sample]["bam"]) for sample in samples]
    pooled = folder / "pool.bam"
    subprocess.run(["samtools", "merge", "-f", "--reference", str(REFERENCE), "-o", str(pooled),
                    *bams], check=True)  # fmt: skip
    subprocess.run(["samtools", "index", str(pooled)], check=True)
    (folder / "samples.tsv").write_text(SHEET_HEADER + "POOL\tPX\tpool.bam\ttumor\ttissue\t2024-01-01\talectinib\n")  # fmt: skip
    return folder / "samples.tsv"


@pytest.fixture(scope="module")
def run(tmp_path_factory, truth):
    folder = tmp_path_factory.mktemp("unsorted_panel")
    carriers = snv_carriers(truth)
    positions = sorted(set().union(*carriers.values()))
    rows = split_between(bed_rows(BUNDLED_BED), positions)
    bed = folder / "vendor_order.bed"
    bed.write_text("".join("\t".join(row) + "\n" for row in rows))
    sheet = pooled_tumour(folder, list(carriers))
    outdir = folder / "results"
    targets = [f"{outdir}/calls/freebayes/POOL.vcf.gz",
               f"{outdir}/qc/mosdepth/POOL.mosdepth.summary.txt", f"{outdir}/cnv/bins.target.bed"]  # fmt: skip
    result = run_snakemake(*targets, "--cores", "2", "--config", f"outdir={outdir}",
                           f"samples={sheet}", "clinical=", f"panel={{'targets': '{bed}'}}")  # fmt: skip
    return result, outdir, rows, positions


def test_the_test_bed_lists_the_mutations_in_descending_order(run):
    _, _, rows, positions = run
    assert not is_sorted(bed_rows(BUNDLED_BED))
    holding = [next(i for i, (_, s, e, *_) in enumerate(rows) if int(s) < p <= int(e))
               for p in positions]  # fmt: skip
    assert len(positions) >= 3 and len(set(holding)) == len(positions)
    assert holding == sorted(holding, reverse=True)  # the highest position's target first


def test_freebayes_runs_on_a_bed_in_transcript_order(run):
    result, outdir, _, positions = run
    assert result.returncode == 0, result.stderr[-3000:]
    with gzip.open(outdir / "calls" / "freebayes" / "POOL.vcf.gz", "rt") as vcf:
        called = [int(line.split("\t")[1]) for line in vcf if not line.startswith("#")]
    assert set(positions) <= set(called) and called == sorted(called)


def test_every_step_reads_one_sorted_copy_with_the_names_given(run):
    _, outdir, rows, _ = run
    panel = bed_rows(outdir / "reference" / "panel_targets.bed")
    assert is_sorted(panel) and sorted(map(tuple, panel)) == sorted(map(tuple, rows))
    assert is_sorted(bed_rows(outdir / "reference" / "calling_targets.bed"))
    with gzip.open(outdir / "qc" / "mosdepth" / "POOL.regions.bed.gz", "rt") as regions:
        assert [line.split("\t")[3] for line in regions] == [row[3] for row in panel]
