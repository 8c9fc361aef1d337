"""Input checks: reference build, truncated or corrupt BAM/CRAM, contigs that do not fit."""

from __future__ import annotations

import shutil
import subprocess

import pysam
import pytest
from simulate import write_fasta

from alkres.inputs import InputError
from alkres.inputs.check_alignment import check_alignment_file
from alkres.inputs.check_reference import check_reference_build
from alkres.knowledge.transcript import load_transcript, reverse_complement
from conftest import TEST_DATA

BAM = TEST_DATA / "bams" / "P05_T1.bam"  # the cohort's BAM (the others are CRAM)
CRAM = TEST_DATA / "bams" / "P04_T1.cram"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The bundled GRCh38 panel reference, decompressed (as the workflow does)."""
    folder = tmp_path_factory.mktemp("reference")
    plain = folder / "genome.fa"
    with open(plain, "wb") as out:
        subprocess.run(["bgzip", "-dc", str(TEST_DATA / "reference" / "chr2_alk_panel.fa.gz")],
                       check=True, stdout=out)  # fmt: skip
    pysam.faidx(str(plain))
    return plain


def fasta_with_alk_at(tmp_path, build: str, contig: str = "chr2"):
    """A small FASTA with the ALK CDS written at `build`'s coordinates, N elsewhere."""
    alk = load_transcript(build, "ALK", chrom=contig)
    positions = [alk.c_to_g(c) for c in range(1, len(alk.cds) + 1)]
    sequence = bytearray(b"N" * (max(positions) + 1000))
    coding = reverse_complement(alk.cds) if alk.strand < 0 else alk.cds
    for base, pos in zip(coding, sorted(positions), strict=True):
        sequence[pos - 1] = ord(base)
    path = tmp_path / f"{build}.fa"
    write_fasta(path, [(contig, sequence)])
    pysam.faidx(str(path))
    return path


def test_reference_of_the_configured_build_passes(reference):
    check = check_reference_build(reference, "GRCh38")
    assert check.identity == 1.0 and check.compared == 4863


@pytest.mark.parametrize("build, other", [("GRCh38", "GRCh37"), ("GRCh37", "GRCh38")])
def test_wrong_build_stops_with_the_fix(tmp_path, build, other):
    fasta = fasta_with_alk_at(tmp_path, build)
    assert check_reference_build(fasta, build).identity == 1.0
    with pytest.raises(
        InputError, match=rf"reference.build is {other}.*set reference.build: {build}"
    ):
        check_reference_build(fasta, other)


def test_ensembl_named_reference_is_read(tmp_path):
    fasta = fasta_with_alk_at(tmp_path, "GRCh38", contig="2")
    assert check_reference_build(fasta, "GRCh38").contig == "2"


def test_reference_without_chromosome_2_stops(tmp_path):
    path = tmp_path / "other.fa"
    write_fasta(path, [("chr7", b"ACGT" * 100)])
    pysam.faidx(str(path))
    with pytest.raises(InputError, match="no contig chr2 or 2"):
        check_reference_build(path, "GRCh38")


@pytest.mark.parametrize("source", [BAM, CRAM])
def test_complete_files_pass(reference, source):
    record = check_alignment_file("S1", source, reference, f"{reference}.fai")
    assert record["contig"] == "chr2" and record["quickcheck"] == "ok"


@pytest.mark.parametrize("source", [BAM, CRAM])
def test_truncated_file_stops_naming_it(reference, tmp_path, source):
    copy = tmp_path / source.name
    data = source.read_bytes()
    copy.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(InputError, match=rf"sample S1: {copy} is truncated or corrupt.*Fix:"):
        check_alignment_file("S1", copy, reference, f"{reference}.fai")


def test_garbage_file_stops_naming_it(reference, tmp_path):
    bad = tmp_path / "bad.bam"
    bad.write_bytes(b"this is not a BAM file\n" * 100)
    with pytest.raises(InputError, match=r"bad.bam is truncated or corrupt"):
        check_alignment_file("S1", bad, reference, f"{reference}.fai")


def reheadered(source, tmp_path, edit):
    header = pysam.view("-H", str(source))
    path = tmp_path / f"reheadered{source.suffix}"
    (tmp_path / "header.sam").write_text(edit(header))
    with open(path, "wb") as out:
        subprocess.run(["samtools", "reheader", str(tmp_path / "header.sam"), str(source)],
                       check=True, stdout=out)  # fmt: skip
    return path


def test_other_contig_lengths_stop(reference, tmp_path):
    """A GRCh37 BAM (chr2 is 243,199,373 bp there) against the GRCh38 reference."""
    bam = reheadered(BAM, tmp_path, lambda h: h.replace("LN:242193529", "LN:243199373"))
    with pytest.raises(
        InputError, match=r"aligned to another reference.*chr2 243199373 vs 242193529"
    ):
        check_alignment_file("S1", bam, reference, f"{reference}.fai")


def test_ensembl_bam_on_ucsc_reference_stops(reference, tmp_path):
    bam = reheadered(BAM, tmp_path, lambda h: h.replace("SN:chr2", "SN:2"))
    with pytest.raises(InputError, match=r"has no contig chr2 \(its contigs: 2"):
        check_alignment_file("S1", bam, reference, f"{reference}.fai")


def test_inputs_are_not_modified(reference, tmp_path):
    copy = tmp_path / BAM.name
    shutil.copy(BAM, copy)
    before = copy.read_bytes()
    check_alignment_file("S1", copy, reference, f"{reference}.fai")
    assert copy.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [BAM.name]


def with_extra_contigs(header: str, names: list[str]) -> str:
    """The header with @SQ lines for contigs the reference does not have, after the others."""
    lines = header.splitlines()
    last_sq = max(i for i, line in enumerate(lines) if line.startswith("@SQ"))
    extra = [f"@SQ\tSN:{name}\tLN:{1000 + i}" for i, name in enumerate(names)]
    return "\n".join(lines[: last_sq + 1] + extra + lines[last_sq + 1 :]) + "\n"


@pytest.mark.parametrize("extra", [["chrEBV"], [f"chrUn_decoy{i}" for i in range(8)]])
def test_reference_without_a_contig_of_the_bam_stops_naming_both(reference, tmp_path, extra):
    """Delly (and CRAM decoding) read the reference of every contig the header names."""
    bam = reheadered(BAM, tmp_path, lambda h: with_extra_contigs(h, extra))
    with pytest.raises(InputError) as error:
        check_alignment_file("S1", bam, reference, f"{reference}.fai", reference_name="/my/ref.fa")
    message = str(error.value)
    assert (
        f"sample S1: {bam} names {len(extra)} contig(s) that the reference /my/ref.fa lacks"
        in message
    )
    assert ", ".join(extra[:5]) in message and all(name not in message for name in extra[5:])
    assert "Fix: set reference.fasta to the FASTA the reads were aligned to" in message
    assert "\n" not in message
