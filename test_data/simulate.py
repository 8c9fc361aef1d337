"""Synthetic panel data: a reference with real ALK coordinates, haplotypes, fusions, ART reads,
bwa alignments.

A reference is one contig's sequence (bytes) or several contigs' ({name: sequence}, in FASTA
order); islands, variants, fusions and traps name their contig.

The bundled test cohort and the benchmarks are built with these functions, so that every
simulated biopsy goes through the same real tools (ART, bwa mem, samtools) a lab's data does.
Everything is seeded: the same specification gives the same reads.
"""

from __future__ import annotations

import gzip
import random
import shutil
import subprocess
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pysam

from alkres.knowledge.transcript import Transcript, reverse_complement
from alkres.mutations.variants import Variant

GRCH38_CHR2_LENGTH = 242_193_529
READ_LENGTH = 150
FRAGMENT_MEAN = 250
FRAGMENT_SD = 50
ISLAND_FLANK = 150  # fragments reach this far beyond a target, as with hybrid capture
# Bases of the other gene simulated beyond a fusion junction. ART places a fragment only where
# a long one would still fit, so the last few hundred bases of a sequence are under-sampled:
# with 150 bases (the island flank) fragments crossing the junction came out at about a fifth
# of their density. 500 bases keep the junction clear of that edge.
FUSION_FLANK = 500
ART_PROFILE = "HS25"  # ART's built-in Illumina HiSeq 2500 profile, supports 2x150

# One contig's sequence (sliced reference[start - 1 : end]), or several by contig name.
Reference = bytes | bytearray | Mapping[str, bytes | bytearray]


def contig_sequence(reference: Reference, chrom: str) -> bytes | bytearray:
    """The sequence of ``chrom``: the reference itself when it is one contig."""
    if isinstance(reference, Mapping):
        if chrom not in reference:
            raise ValueError(f"the reference has no contig {chrom} ({', '.join(reference)})")
        return reference[chrom]
    return reference


@dataclass(frozen=True)
class Target:
    """A capture target (1-based inclusive) and the name the panel BED gives it."""

    chrom: str
    start: int
    end: int
    name: str


@dataclass(frozen=True)
class Island:
    """A stretch of real sequence in an otherwise N reference: one or more targets plus flanks."""

    chrom: str
    start: int
    end: int
    targets: tuple[Target, ...]

    @property
    def name(self) -> str:
        return f"{self.chrom}_{self.start}_{self.end}"

    def contains(self, pos: int) -> bool:
        return self.start <= pos <= self.end


@dataclass(frozen=True)
class Haplotype:
    """A set of variants carried together on the same molecules, and its share of the reads."""

    variants: tuple[Variant, ...]
    allele_fraction: float


@dataclass(frozen=True)
class Fusion:
    """A partner-ALK fusion made by an inversion of ``alk_break + 1 .. partner_break``.

    ``alk_break`` is the last ALK base the fusion keeps (its 3' part lies at lower positions,
    ALK being on the minus strand) and ``partner_break`` the last partner base it keeps (its
    5' part lies at lower positions, the partner being on the plus strand). The derived
    chromosome is ref[..alk_break] + revcomp(ref[alk_break+1..partner_break]) + the rest.
    ``fused_copies`` counts fused ALK copies per tumour cell (1 for a plain heterozygous
    fusion, CN - 1 for an amplified one); ``reciprocal`` adds the partner-ALK junction of a
    balanced inversion; ``purity`` is the tumour cell fraction of the library.
    """

    chrom: str
    alk_break: int
    partner_break: int
    purity: float
    fused_copies: float = 1.0
    reciprocal: bool = True

    def __post_init__(self) -> None:
        if not self.alk_break < self.partner_break:
            raise ValueError(f"{self}: the ALK breakpoint must lie before the partner's")
        if not 0.0 <= self.purity <= 1.0 or self.fused_copies < 0:
            raise ValueError(f"{self}: purity must be within 0-1 and fused_copies >= 0")


@dataclass(frozen=True)
class MateTrap:
    """Library chimeras that join random fragments of ``source`` (the ALK gene) to one
    off-target stretch: read 1 lies anywhere in ALK, read 2 (reverse strand) always starts at
    ``pos``. Their mates stack at one position, the mapping artefact seen in real panels."""

    chrom: str
    pos: int
    pairs: int
    source: tuple[int, int]  # (start, end) on chrom: the gene whose captured islands are used
    # The stretches read 1 is drawn from, when not the sample's captured islands (a benchmark
    # that simulates reads over one island only still draws chimeras from the whole gene).
    source_islands: tuple[tuple[int, int], ...] = ()


@dataclass
class SampleSpec:
    """What one simulated library holds: depth, haplotypes, copy-number gains, fusions and
    chimeric artefacts."""

    sample_id: str
    fold_coverage: float
    haplotypes: list[Haplotype] = field(default_factory=list)
    # (chrom, start, end, depth multiplier) for gained regions
    gains: list[tuple[str, int, int, float]] = field(default_factory=list)
    fusions: list[Fusion] = field(default_factory=list)
    traps: list[MateTrap] = field(default_factory=list)


@dataclass(frozen=True)
class Convention:
    """How a lab's pipeline leaves its reads: the conventions alkres must read alike.

    ``mark_secondary``: ``bwa mem -M``, split parts flagged secondary instead of supplementary.
    ``mate_tags``: keep MC (bwa) and MQ (samtools fixmate); without them, as from older
    aligners and some vendors' pipelines. ``mark_duplicates``: samtools markdup flags; off for
    reads collapsed upstream (UMI consensus), which then carry ``umi_tags`` (RX, MI).
    """

    name: str = "default"
    mark_secondary: bool = False
    mate_tags: bool = True
    mark_duplicates: bool = True
    umi_tags: bool = False


CONVENTIONS = {
    "default": Convention(),
    "bwa_mem_M": Convention("bwa_mem_M", mark_secondary=True),
    "no_mate_tags": Convention("no_mate_tags", mate_tags=False),
    # A ctDNA kit's pipeline: bwa mem -M, no MC/MQ, UMI-collapsed reads without duplicate flags.
    "vendor": Convention(
        "vendor", mark_secondary=True, mate_tags=False, mark_duplicates=False, umi_tags=True
    ),
}


def stable_seed(*parts: object) -> int:
    """A seed that depends only on the given values (not on Python's hash randomisation)."""
    return zlib.crc32("|".join(map(str, parts)).encode()) & 0x7FFFFFFF


def merge_targets_into_islands(
    targets: Iterable[Target], flank: int = ISLAND_FLANK
) -> list[Island]:
    """Group targets whose flanked extents touch into one island each."""
    ordered = sorted(targets, key=lambda t: (t.chrom, t.start))
    islands: list[Island] = []
    for target in ordered:
        start, end = target.start - flank, target.end + flank
        if islands and islands[-1].chrom == target.chrom and start <= islands[-1].end + 1:
            last = islands[-1]
            islands[-1] = Island(
                last.chrom, last.start, max(last.end, end), (*last.targets, target)
            )
        else:
            islands.append(Island(target.chrom, start, end, (target,)))
    return islands


def random_sequence(length: int, gc: float, rng: random.Random) -> str:
    weights = [(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2]
    return "".join(rng.choices("ACGT", weights=weights, k=length))


def build_reference(
    islands: Sequence[Island],
    transcripts: Sequence[Transcript],
    chrom_length: int,
    seed: int,
    sequence_only: Sequence[tuple[int, int]] = (),
    copies: Sequence[tuple[int, int, int]] = (),
    planted: Sequence[tuple[int, str]] = (),
) -> bytearray:
    """The plus-strand sequence of one contig: N outside islands, random bases inside them,
    and the real coding bases of each transcript at their real positions.

    ``sequence_only`` regions (start, end; 1-based inclusive) get random bases too but are not
    captured: reads come only from islands. They give the far side of a fusion somewhere to map.
    ``planted`` (start, plus-strand bases) are written over the transcripts, e.g. splice sites
    and other known bases around the coding ones. ``copies`` (source start, source end,
    destination start) are written last: identical copies of a stretch make it a repeat, as
    Alu elements are.
    """
    sequence = bytearray(b"N" * chrom_length)
    # Their own random stream, written before the islands: island bases stay as without them.
    region_rng = random.Random(stable_seed(seed, "sequence-only"))
    for start, end in sequence_only:
        gc = region_rng.uniform(0.38, 0.58)
        sequence[start - 1 : end] = random_sequence(end - start + 1, gc, region_rng).encode()
    rng = random.Random(seed)
    for island in islands:
        gc = rng.uniform(0.38, 0.58)
        island_bases = random_sequence(island.end - island.start + 1, gc, rng)
        sequence[island.start - 1 : island.end] = island_bases.encode()
    for transcript in transcripts:
        for c in range(1, len(transcript.cds) + 1):
            pos = transcript.c_to_g(c)
            base = transcript.cds[c - 1]
            if transcript.strand < 0:
                base = reverse_complement(base)
            sequence[pos - 1] = ord(base)
    for start, bases in planted:
        sequence[start - 1 : start - 1 + len(bases)] = bases.encode()
    for source_start, source_end, destination in copies:
        stretch = bytes(sequence[source_start - 1 : source_end])
        sequence[destination - 1 : destination - 1 + len(stretch)] = stretch
    return sequence


def write_fasta(path: Path, records: Sequence[tuple[str, bytes | str]], width: int = 60) -> None:
    with open(path, "w") as handle:
        for name, seq in records:
            text = seq.decode() if isinstance(seq, (bytes, bytearray)) else seq
            handle.write(f">{name}\n")
            for offset in range(0, len(text), width):
                handle.write(text[offset : offset + width])
                handle.write("\n")


def carries(island: Island, variant: Variant) -> bool:
    """Whether the variant lies on the island (its contig and its span)."""
    return variant.chrom == island.chrom and island.contains(variant.pos)


def apply_variants(island: Island, reference: Reference, variants: Sequence[Variant]) -> str:
    """The island's sequence with the variants inside it applied (right to left, so offsets hold)."""
    seq = contig_sequence(reference, island.chrom)[island.start - 1 : island.end].decode()
    inside = sorted((v for v in variants if carries(island, v)), key=lambda v: v.pos, reverse=True)
    for variant in inside:
        offset = variant.pos - island.start
        found = seq[offset : offset + len(variant.ref)]
        if found != variant.ref:
            raise ValueError(f"{variant}: reference has {found} at {variant.chrom}:{variant.pos}")
        seq = seq[:offset] + variant.alt + seq[offset + len(variant.ref) :]
    return seq


def depth_multiplier(island: Island, gains: Sequence[tuple[str, int, int, float]]) -> float:
    """Relative depth of an island: the gain whose region covers the island's midpoint, else 1."""
    midpoint = (island.start + island.end) // 2
    for chrom, start, end, multiplier in gains:
        if chrom == island.chrom and start <= midpoint <= end:
            return multiplier
    return 1.0


def amplification_multiplier(copy_number: float, purity: float, ploidy: float = 2.0) -> float:
    """Depth multiplier of a region at ``copy_number`` in a tumour of the given purity."""
    return (purity * copy_number + (1 - purity) * ploidy) / ploidy


def unchanged_copies(fusion: Fusion) -> float:
    """Copies per cell of the unrearranged sequence at a breakpoint: normal cells and the
    tumour's other allele."""
    return (1 - fusion.purity) * 2 + fusion.purity


def fusion_fraction(fusion: Fusion) -> float:
    """Share of the fragments over the ALK breakpoint that carry the fusion junction."""
    fused = fusion.purity * fusion.fused_copies
    return fused / (fused + unchanged_copies(fusion))


def _bases(reference: bytes | bytearray, start: int, end: int) -> str:
    return reference[start - 1 : end].decode()


def fusion_home_island(fusion: Fusion, islands: Sequence[Island]) -> Island:
    """The island a fusion's junction pieces are built on: the one holding the ALK
    breakpoint, else the one holding the partner breakpoint."""
    for pos in (fusion.alk_break, fusion.partner_break):
        for island in islands:
            if island.chrom == fusion.chrom and island.contains(pos):
                return island
    raise ValueError(f"no island holds a breakpoint of {fusion}")


def _far_side(
    home: Island, fusion: Fusion, others: Sequence[Island], flank: int
) -> tuple[int, int, list[Island]]:
    """Where the fused piece (down from the far breakpoint) and the reciprocal piece (up from
    it) end, and the other islands they run into. Those are carried whole, so that each of
    their fragments on the rearranged allele is simulated once."""
    far = fusion.partner_break if home.contains(fusion.alk_break) else fusion.alk_break
    nearby = [i for i in others if i != home and i.chrom == home.chrom]
    low, high, joined = far - flank + 1, far + flank, []
    for island in sorted(nearby, key=lambda i: i.start, reverse=True):
        if island.start <= far and island.end >= low:
            low = min(low, island.start)
            joined.append(island)
    if fusion.reciprocal:
        for island in sorted(nearby, key=lambda i: i.start):
            if island.end > far and island.start <= high:
                high = max(high, island.end)
                if island not in joined:
                    joined.append(island)
    return low, high, joined


def fusion_pieces(
    island: Island,
    fusion: Fusion,
    reference: Reference,
    flank: int = FUSION_FLANK,
    others: Sequence[Island] = (),
) -> list[tuple[str, str, float]]:
    """The sequences an island holding a fusion breakpoint is simulated from, named, with their
    copies per cell (2 = the sample's fold coverage): [(name, sequence, copies), ...].

    - ``{island}``: the unchanged island, from normal cells and the tumour's other allele; one
      piece, so that reference fragments span the breakpoint.
    - ``{island}_fusion``: the island up to the breakpoint, then ``flank`` bases of the other
      gene across the partner-ALK junction (see FUSION_FLANK), or more (see ``others``).
    - ``{island}_reciprocal`` (balanced inversions only): the ALK-partner junction, then the
      island beyond the breakpoint.

    ``others`` are the other simulated islands: a piece that runs into one carries it whole
    (see fusion_joined_islands).
    """
    if island.chrom != fusion.chrom:
        raise ValueError(f"{fusion} is not on {island.name}")
    if island.contains(fusion.alk_break):
        near = fusion.alk_break
    elif island.contains(fusion.partner_break):
        near = fusion.partner_break
    else:
        raise ValueError(f"{island.name} holds neither breakpoint of {fusion}")
    low, high, _ = _far_side(island, fusion, others, flank)
    reference = contig_sequence(reference, fusion.chrom)
    far = fusion.partner_break if near == fusion.alk_break else fusion.alk_break
    fused = _bases(reference, island.start, near) + reverse_complement(_bases(reference, low, far))
    pieces = [
        (island.name, _bases(reference, island.start, island.end), unchanged_copies(fusion)),
        (f"{island.name}_fusion", fused, fusion.purity * fusion.fused_copies),
    ]
    if fusion.reciprocal:
        reciprocal = reverse_complement(_bases(reference, far + 1, high)) + _bases(
            reference, near + 1, island.end
        )
        pieces.append((f"{island.name}_reciprocal", reciprocal, fusion.purity))
    for name, seq, _ in pieces:
        if "N" in seq:
            raise ValueError(
                f"{name}: the reference has no bases across {fusion}; give the far side a"
                " sequence-only region"
            )
    return pieces


def fusion_joined_islands(
    island: Island, fusion: Fusion, others: Sequence[Island], flank: int = FUSION_FLANK
) -> list[Island]:
    """The other islands the junction pieces built on ``island`` run into (the island holding
    the far breakpoint, or one within ``flank`` of it). Their rearranged copies are in those
    pieces, so they are simulated unchanged only, at unchanged_copies."""
    return _far_side(island, fusion, others, flank)[2]


def island_sequences_for_sample(
    spec: SampleSpec, islands: Sequence[Island], reference: Reference
) -> dict[float, list[tuple[str, str]]]:
    """Group the sequences to simulate by fold coverage: {fold: [(name, sequence), ...]}.

    An island carrying variants is split into its haplotypes, each simulated at its share of
    the depth; the rest of the reads come from the reference haplotype. An island holding a
    fusion breakpoint is simulated from its fusion pieces, and an island those pieces run into
    from its unchanged sequence at unchanged_copies; their copies already carry any gain of the
    fused allele, so the sample's gains do not apply to them.
    """
    # island name -> its pieces, for islands a fusion rearranges
    rearranged: dict[str, list[tuple[str, str, float]]] = {}
    for fusion in spec.fusions:
        home = fusion_home_island(fusion, islands)
        plan = {home.name: fusion_pieces(home, fusion, reference, others=islands)}
        for joined in fusion_joined_islands(home, fusion, islands):
            bases = _bases(contig_sequence(reference, joined.chrom), joined.start, joined.end)
            plan[joined.name] = [(joined.name, bases, unchanged_copies(fusion))]
        for name in plan:
            if name in rearranged:
                raise ValueError(f"{spec.sample_id}: more than one fusion rearranges {name}")
        rearranged |= plan
    groups: dict[float, list[tuple[str, str]]] = {}
    for island in islands:
        carried = [h for h in spec.haplotypes if any(carries(island, v) for v in h.variants)]
        if island.name in rearranged:
            if carried:
                raise ValueError(
                    f"{spec.sample_id}: small variants inside the fusion island {island.name}"
                    " are not simulated"
                )
            for name, seq, copies in rearranged[island.name]:
                if copies > 0:
                    groups.setdefault(round(spec.fold_coverage * copies / 2, 3), []).append(
                        (name, seq)
                    )
            continue
        fold = spec.fold_coverage * depth_multiplier(island, spec.gains)
        reference_share = 1.0 - sum(h.allele_fraction for h in carried)
        if reference_share < -1e-9:
            raise ValueError(f"{spec.sample_id}: allele fractions over {island.name} exceed 1")
        parts = [(island.name, apply_variants(island, reference, []), reference_share)]
        for index, haplotype in enumerate(carried):
            parts.append(
                (
                    f"{island.name}_hap{index + 1}",
                    apply_variants(island, reference, haplotype.variants),
                    haplotype.allele_fraction,
                )
            )
        for name, seq, share in parts:
            if share > 0:
                groups.setdefault(round(fold * share, 3), []).append((name, seq))
    return groups


QUALITY_BINS = ((2, 2), (14, 12), (30, 23), (99, 37))  # NovaSeq-style 4-level binning


def bin_quality_string(quality: str) -> str:
    out = []
    for char in quality:
        q = ord(char) - 33
        for upper, value in QUALITY_BINS:
            if q <= upper:
                out.append(chr(value + 33))
                break
    return "".join(out)


def read_fastq(path: Path) -> Iterable[tuple[str, str, str]]:
    with open(path) as handle:
        while True:
            header = handle.readline()
            if not header:
                return
            seq = handle.readline().rstrip("\n")
            handle.readline()
            qual = handle.readline().rstrip("\n")
            yield header[1:].split()[0], seq, qual


def run(command: Sequence[str], cwd: Path, stdout=None) -> None:
    subprocess.run(
        command, cwd=cwd, check=True, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def island_contigs(islands: Sequence[Island], reference: Reference) -> list[str]:
    """The contigs the islands lie on, in the reference's order (a one-contig reference serves
    the islands of one contig only)."""
    chroms = list(dict.fromkeys(island.chrom for island in islands))
    if not isinstance(reference, Mapping):
        if len(chroms) > 1:
            raise ValueError(
                f"islands on {', '.join(chroms)} need a reference with those contigs"
                " ({name: sequence})"
            )
        return chroms
    missing = [chrom for chrom in chroms if chrom not in reference]
    if missing:
        raise ValueError(f"the reference has no contig {', '.join(missing)}")
    return [chrom for chrom in reference if chrom in chroms]


def simulate_reads(
    spec: SampleSpec,
    islands: Sequence[Island],
    reference: Reference,
    workdir: Path,
) -> tuple[Path, Path]:
    """Run ART per fold-coverage group; return gzipped R1/R2 FASTQs with short names and binned qualities.

    Contig by contig, in the reference's order. The first contig's groups and the mate traps
    are seeded and numbered as for a one-contig reference, so adding contigs to a reference
    leaves the reads of its first contig as they were; the other contigs' reads follow.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    r1_path, r2_path = workdir / "reads_R1.fq.gz", workdir / "reads_R2.fq.gz"
    pair_number = 0
    with (
        gzip.open(r1_path, "wt", compresslevel=1) as out1,
        gzip.open(r2_path, "wt", compresslevel=1) as out2,
    ):
        for contig_index, chrom in enumerate(island_contigs(islands, reference)):
            on_contig = [island for island in islands if island.chrom == chrom]
            contig_spec = replace(spec, fusions=[f for f in spec.fusions if f.chrom == chrom])
            groups = island_sequences_for_sample(contig_spec, on_contig, reference)
            for group_index, fold in enumerate(sorted(groups)):
                if fold <= 0:
                    continue
                if contig_index == 0:
                    prefix = f"art_{group_index}"
                    seed = stable_seed(spec.sample_id, fold, group_index)
                else:
                    prefix = f"art_{chrom}_{group_index}"
                    seed = stable_seed(spec.sample_id, chrom, fold, group_index)
                write_fasta(workdir / f"{prefix}.fa", groups[fold])
                command = [
                    "art_illumina", "-ss", ART_PROFILE, "-i", f"{prefix}.fa", "-p",
                    "-l", str(READ_LENGTH), "-f", str(fold), "-m", str(FRAGMENT_MEAN),
                    "-s", str(FRAGMENT_SD), "-rs", str(seed), "-na", "-o", f"{prefix}_",
                ]  # fmt: skip
                run(command, cwd=workdir)
                pair_number = append_pairs(workdir, prefix, spec.sample_id, pair_number, out1, out2)
            if contig_index == 0:
                pair_number = simulate_traps(spec, islands, reference, workdir, pair_number,
                                             out1, out2)  # fmt: skip
    return r1_path, r2_path


def simulate_traps(
    spec: SampleSpec, islands: Sequence[Island], reference: Reference, workdir: Path,
    pair_number: int, out1, out2,
) -> int:  # fmt: skip
    """Append the sample's mate-trap chimeras (ART in amplicon mode); returns the last pair
    number."""
    for trap_index, trap in enumerate(spec.traps):
        prefix = f"trap_{trap_index}"
        write_fasta(
            workdir / f"{prefix}.fa", trap_chimeras(spec.sample_id, trap, islands, reference)
        )
        # Amplicon mode: read 1 from the chimera's start, read 2 from its end.
        command = [
            "art_illumina", "-ss", ART_PROFILE, "-amp", "-p", "-na", "-i", f"{prefix}.fa",
            "-l", str(READ_LENGTH), "-f", "1", "-rs", str(stable_seed(spec.sample_id, prefix)),
            "-o", f"{prefix}_",
        ]  # fmt: skip
        run(command, cwd=workdir)
        pair_number = append_pairs(workdir, prefix, spec.sample_id, pair_number, out1, out2)
    return pair_number


def append_pairs(workdir: Path, prefix: str, sample_id: str, pair_number: int, out1, out2) -> int:
    """Append ART's pairs ({prefix}_1/2.fq) to the sample's FASTQs, named sample:number with
    binned qualities, and remove ART's files; returns the last pair number."""
    reads1 = read_fastq(workdir / f"{prefix}_1.fq")
    reads2 = read_fastq(workdir / f"{prefix}_2.fq")
    for (_, seq1, qual1), (_, seq2, qual2) in zip(reads1, reads2, strict=True):
        pair_number += 1
        name = f"{sample_id}:{pair_number}"
        out1.write(f"@{name}\n{seq1}\n+\n{bin_quality_string(qual1)}\n")
        out2.write(f"@{name}\n{seq2}\n+\n{bin_quality_string(qual2)}\n")
    for leftover in (f"{prefix}_1.fq", f"{prefix}_2.fq", f"{prefix}.fa"):
        (workdir / leftover).unlink(missing_ok=True)
    return pair_number


def trap_chimeras(
    sample_id: str, trap: MateTrap, islands: Sequence[Island], reference: Reference
) -> list[tuple[str, str]]:
    """The chimeric molecules of a mate trap: 150-250 bases of a captured island of the source
    gene (either strand) followed by the READ_LENGTH bases of the trap locus from ``pos``."""
    rng = random.Random(stable_seed(sample_id, "trap", trap.chrom, trap.pos))
    stretches = trap.source_islands or [(i.start, i.end) for i in islands if i.chrom == trap.chrom]
    sources = [
        Island(trap.chrom, start, end, ())
        for start, end in stretches
        if end >= trap.source[0] and start <= trap.source[1] and end - start + 1 >= 250
    ]
    if not sources:
        raise ValueError(f"{sample_id}: no captured island of at least 250 bp in {trap.source}")
    reference = contig_sequence(reference, trap.chrom)
    locus = _bases(reference, trap.pos, trap.pos + READ_LENGTH - 1)
    if "N" in locus:
        raise ValueError(f"{sample_id}: the trap locus {trap.chrom}:{trap.pos} has no sequence")
    chimeras = []
    # Islands weighted by length, as reads are.
    weights = [i.end - i.start + 1 for i in sources]
    for index in range(trap.pairs):
        island = rng.choices(sources, weights=weights)[0]
        length = rng.randint(150, 250)
        start = rng.randint(island.start, max(island.start, island.end - length + 1))
        part = _bases(reference, start, start + length - 1)
        if rng.random() < 0.5:
            part = reverse_complement(part)
        chimeras.append((f"trap{index}", part + locus))
    return chimeras


BWA_INDEX_SUFFIXES = ("", ".fai", ".amb", ".ann", ".bwt", ".pac", ".sa")


def align(
    sample_id: str,
    reads: tuple[Path, Path],
    reference: Path,
    out_path: Path,
    workdir: Path,
    threads: int = 2,
    convention: Convention = CONVENTIONS["default"],
) -> None:
    """bwa mem -> samtools fixmate -> sort -> markdup -> BAM or CRAM (by suffix) + index,
    leaving the reads as ``convention`` says a lab's pipeline leaves them.

    ``reference`` is a plain FASTA with its bwa index and .fai beside it. Tools run on links
    with fixed relative names, so the @PG command lines (and the files) are reproducible.
    """
    for suffix in BWA_INDEX_SUFFIXES:
        link = workdir / f"reference.fa{suffix}"
        link.unlink(missing_ok=True)
        link.symlink_to(Path(f"{reference}{suffix}").resolve())
    read_group = f"@RG\\tID:{sample_id}\\tSM:{sample_id}\\tLB:{sample_id}\\tPL:ILLUMINA"
    secondary = ["-M"] if convention.mark_secondary else []
    with open(workdir / "aligned.sam", "w") as handle:
        # A fixed -K makes bwa's output independent of the thread count.
        run(
            ["bwa", "mem", "-t", "2", "-K", "10000000", *secondary, "-R", read_group,
             "reference.fa", reads[0].name, reads[1].name],
            cwd=workdir, stdout=handle,
        )  # fmt: skip
    run(
        ["samtools", "fixmate", "--no-PG", "-m", "-O", "bam", "aligned.sam", "fixmate.bam"],
        cwd=workdir,
    )
    run(
        ["samtools", "sort", "--no-PG", "-@", str(threads), "-o", "sorted.bam", "fixmate.bam"],
        cwd=workdir,
    )
    if convention.mark_duplicates:
        run(["samtools", "markdup", "--no-PG", "-s", "sorted.bam", "markdup.bam"], cwd=workdir)
    else:
        (workdir / "sorted.bam").rename(workdir / "markdup.bam")
    if not convention.mate_tags or convention.umi_tags:
        apply_convention_tags(workdir / "markdup.bam", workdir / "converted.bam", convention)
        (workdir / "converted.bam").rename(workdir / "markdup.bam")
    # Drop markdup's helper tag; keep what aligners normally leave (NM, MD, AS, XS, MC, SA).
    if out_path.suffix == ".cram":
        run(["samtools", "view", "--no-PG", "-C", "-T", "reference.fa", "-x", "ms",
             "-o", "unheadered.cram", "markdup.bam"], cwd=workdir)  # fmt: skip
        # Keep the reference checksum (M5) but not the build machine's path (UR).
        header = subprocess.run(
            ["samtools", "view", "-H", "unheadered.cram"], cwd=workdir, check=True,
            capture_output=True, text=True,
        ).stdout  # fmt: skip
        header = "\n".join(
            "\t".join(f for f in line.split("\t") if not f.startswith("UR:"))
            for line in header.splitlines()
        )
        (workdir / "header.sam").write_text(header + "\n")
        with open(workdir / "final.cram", "wb") as handle:
            run(["samtools", "reheader", "--no-PG", "header.sam", "unheadered.cram"],
                cwd=workdir, stdout=handle)  # fmt: skip
        final = workdir / "final.cram"
    else:
        run(
            ["samtools", "view", "--no-PG", "-b", "-x", "ms", "-o", "final.bam", "markdup.bam"],
            cwd=workdir,
        )
        final = workdir / "final.bam"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(final, out_path)
    run(["samtools", "index", str(out_path.resolve())], cwd=workdir)


def apply_convention_tags(source: Path, target: Path, convention: Convention) -> None:
    """Strip the mate tags (MC, MQ) and/or add UMI tags as consensus reads carry them: RX (the
    UMI, here drawn from the pair's name) and MI (the molecule, one per pair)."""
    with (
        pysam.AlignmentFile(str(source)) as reader,
        pysam.AlignmentFile(str(target), "wb", template=reader) as writer,
    ):
        for read in reader:
            if not convention.mate_tags:
                for tag in ("MC", "MQ"):
                    if read.has_tag(tag):
                        read.set_tag(tag, None)
            if convention.umi_tags:
                rng = random.Random(stable_seed(read.query_name))
                read.set_tag("RX", "".join(rng.choices("ACGT", k=8)), "Z")
                read.set_tag("MI", read.query_name.rsplit(":", 1)[-1], "Z")
            writer.write(read)
