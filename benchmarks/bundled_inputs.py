"""What the simulating benchmarks share: the bundled reference and panel, the reference's
contigs as the read simulator reads them, the panel's islands, a file checksum for cached
BAMs, and the plain reference with its bwa index."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pysam

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "test_data"))  # the read simulator

from simulate import Target, merge_targets_into_islands  # noqa: E402

REFERENCE_GZ = REPO / "test_data" / "reference" / "chr2_alk_panel.fa.gz"
PANEL_BED = REPO / "test_data" / "panel" / "alk_panel_targets.bed"
BUNDLED_PLAIN = REPO / "test_data" / ".build" / "reference.fa"  # kept by make_test_data.py
BWA_SUFFIXES = (".amb", ".ann", ".bwt", ".pac", ".sa")


class FastaSlices:
    """One contig of the bgzip reference as the simulator reads it (contig[start:end] ->
    bytes), fetched on demand instead of holding a 242-Mb contig in memory."""

    def __init__(self, fasta: pysam.FastaFile, chrom: str):
        self.fasta, self.chrom = fasta, chrom

    def __getitem__(self, part: slice) -> bytes:
        return self.fasta.fetch(self.chrom, part.start, part.stop).encode()


def file_md5(path: Path) -> str:
    """MD5 of a file, read in blocks (what a cached BAM's key records of its inputs)."""
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def panel_islands(leave_out: Sequence[str] = ()):
    """The bundled panel's targets (BED, 0-based) as the simulator's islands, without the
    targets whose name starts with one of `leave_out` ("ALK_", "EML4_")."""
    targets = []
    with open(PANEL_BED) as handle:
        for line in handle:
            if line.strip() and not line.startswith(("#", "track")):
                chrom, start, end, name = line.rstrip("\n").split("\t")[:4]
                if not name.startswith(tuple(leave_out)):
                    targets.append(Target(chrom, int(start) + 1, int(end), name))
    return merge_targets_into_islands(targets)


def plain_reference_with_index(out: Path) -> Path:
    """The bundled reference as plain FASTA with its .fai and bwa index: test_data/.build's when
    it is there with the same contigs, else built once into out/reference/ (about 15 min)."""
    if all(Path(f"{BUNDLED_PLAIN}{s}").exists() for s in (".fai", *BWA_SUFFIXES)):
        with (
            pysam.FastaFile(str(REFERENCE_GZ)) as bundled,
            pysam.FastaFile(str(BUNDLED_PLAIN)) as plain,
        ):
            if (bundled.references, bundled.lengths) == (plain.references, plain.lengths):
                return BUNDLED_PLAIN
    plain = out / "reference" / "reference.fa"
    plain.parent.mkdir(parents=True, exist_ok=True)
    if not Path(f"{plain}.bwt").exists():
        print("building the plain reference and its bwa index (about 15 minutes)", file=sys.stderr)
        with open(plain, "wb") as handle:
            subprocess.run(["bgzip", "-dc", str(REFERENCE_GZ)], check=True, stdout=handle)
        subprocess.run(["samtools", "faidx", str(plain)], check=True)
        subprocess.run(["bwa", "index", str(plain)], check=True, stderr=subprocess.DEVNULL)
    return plain
