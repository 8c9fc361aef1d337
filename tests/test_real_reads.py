"""ALK fusion evidence on real reads: two cell lines captured with a ctDNA kit and aligned by
its vendor's pipeline (test_data/real/, from the DNAfusion package, GPL-3). The BAMs hold only
reads over ALK intron 19 and EML4, were aligned with `bwa mem -Y -M` (split parts secondary), carry
no MC/MQ tags and no duplicate flags (duplicates were removed upstream), and show a locus 3.7 Mb
from ALK where mates of ALK reads stack. H3122 carries EML4-ALK v1 (E13;A20) whose EML4 side lies
in an Alu element; HCC827 is ALK-negative.

No GRCh38 FASTA is bundled: the reference bases are rebuilt from the reads' own alignments (their
MD tags), which is all the evidence code reads of the reference (clip placement)."""

import pysam
import pytest

from alkres.fusion.evidence import FusionSettings
from alkres.fusion.fusion_calls import assess_sample
from alkres.knowledge.transcript import load_transcript
from conftest import TEST_DATA

REAL = TEST_DATA / "real"
H3122 = REAL / "H3122_ALK_intron19_EML4.bam"
HCC827 = REAL / "HCC827_ALK_intron19_EML4.bam"
CONTIG_LENGTH = 42_400_000  # past EML4; the evidence code reads no further
# H3122's junction as read off its own reads: ALK intron 19 and EML4 intron 13 (GRCh38).
ALK_BREAKPOINT, EML4_BREAKPOINT = 29_223_741, 42_299_750
TRAP = "chr2:32916487"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """chr2 with the bases the reads were aligned to (N elsewhere)."""
    sequence = bytearray(b"N" * CONTIG_LENGTH)
    for bam in (H3122, HCC827):
        with pysam.AlignmentFile(str(bam)) as reads:
            for read in reads.fetch("chr2"):
                if read.is_unmapped or not read.has_tag("MD") or read.reference_end > CONTIG_LENGTH:
                    continue
                bases = read.get_reference_sequence().upper().encode()
                sequence[read.reference_start : read.reference_start + len(bases)] = bases
    path = tmp_path_factory.mktemp("real") / "chr2_from_reads.fa"
    with open(path, "w") as handle:
        handle.write(">chr2\n")
        for start in range(0, CONTIG_LENGTH, 60):
            handle.write(sequence[start : start + 60].decode() + "\n")
    pysam.faidx(str(path))
    return path


def assess(bam, reference):
    alk = load_transcript("GRCh38", "ALK", chrom="chr2")
    return assess_sample(bam.stem.split("_")[0], "tumor", bam, reference, alk, FusionSettings(), {})


def test_the_real_bams_are_in_the_vendor_conventions():
    with pysam.AlignmentFile(str(H3122)) as reads:
        header = reads.header.to_dict()
        records = list(reads.fetch("chr2", 29_223_000, 29_225_500))
    assert "-M" in header["PG"][0]["CL"].split()
    assert not any(r.is_supplementary for r in records)
    assert any(r.is_secondary and r.has_tag("SA") for r in records)
    assert not any(r.has_tag("MC") or r.has_tag("MQ") for r in records)
    assert not any(r.is_duplicate for r in records)


def test_h3122_gives_one_v1_row_with_its_split_reads(reference):
    result = assess(H3122, reference)
    (row,) = result.rows  # one junction, one row: no repeat-copy partners, no artefact rows
    assert row["fusion"] == "EML4-ALK E13;A20 (v1)" and row["alkres"] == "detected"
    assert row["in_frame"] == "yes" and row["orientation"] == "3to3"
    assert abs(row["alk_pos"] - ALK_BREAKPOINT) <= 1
    assert abs(row["partner_pos"] - EML4_BREAKPOINT) <= 1  # 1-bp microhomology
    # The split reads count, the -M secondary parts among them; the Alu-placed ones join.
    assert row["split_fragments"] >= 40 and row["discordant_fragments"] >= 50
    assert row["ambiguous_fragments"] > 0
    status = result.status
    assert status["status"] == "detected" and status["fusions"] == [row["fusion"]]
    assert status["secondary_split_records"] > 0 and status["supplementary_records"] == 0
    assert status["mate_tags"] == [] and status["duplicates_skipped"] == 0
    assert status["adapter_clips"] > 500  # short inserts read into the adapter
    assert TRAP in [a["locus"] for a in status["artefacts"]]


def test_hcc827_is_alk_negative_and_its_mate_trap_is_an_artefact(reference):
    result = assess(HCC827, reference)
    assert [r for r in result.rows if r["alkres"] == "detected"] == []
    status = result.status
    assert status["status"].startswith("fusion not detected")
    (artefact,) = status["artefacts"]
    assert artefact["locus"] == TRAP
    assert artefact["window_pairs"] >= 50 and artefact["stacked_mates"] >= 30
    assert artefact["window_span"] > 2 * status["fragment_length"]
    assert any(note.startswith(f"mapping artefact at {TRAP}") for note in status["notes"])
