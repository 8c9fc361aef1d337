"""Transcript model: c. numbering <-> genomic coordinates for ALK (and EML4 exons).

Every hotspot position, pileup site and HGVS label in the pipeline comes from this
model. A one-base slip would send every call to the wrong codon, so loading checks
the CDS against the protein and the exon table against the CDS before anything is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import product
from pathlib import Path

from alkres.knowledge.resources import read_resource_table

BUILDS = ("GRCh38", "GRCh37")
DEFAULT_RESOURCES_DIR = Path(__file__).resolve().parents[4] / "resources"
TRANSCRIPTS_FILE = "transcripts.tsv"
# Coding sequence and protein FASTA per gene; genes without an entry have exons only.
SEQUENCE_FILES = {"ALK": ("alk_cds_ENST00000389048.fa", "alk_protein_Q9UM73.fa")}
# The bypass genes and TP53: coding exons (resources/build_gene_transcripts.py) and UniProt
# proteins; their coding sequence is read from the run's reference.
GENE_TRANSCRIPTS_FILE = "gene_transcripts.tsv"
GENE_PROTEINS_DIR = Path("genes") / "proteins"

_CODON_ORDER = "TCAG"
_TABLE1_AMINO_ACIDS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
GENETIC_CODE = {
    "".join(codon): aa
    for codon, aa in zip(product(_CODON_ORDER, repeat=3), _TABLE1_AMINO_ACIDS, strict=True)
}
_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def translate(seq: str) -> str:
    """Protein of `seq` (standard code); '*' is a stop, 'X' a codon with non-ACGT bases.

    A trailing partial codon is ignored, so the in-frame prefix of a frameshifted
    sequence can be translated.
    """
    upper = seq.upper()
    return "".join(GENETIC_CODE.get(upper[i : i + 3], "X") for i in range(0, len(upper) - 2, 3))


def reverse_complement(seq: str) -> str:
    """Reverse complement of a DNA string (ACGTN, case kept)."""
    unknown = set(seq) - set("ACGTNacgtn")
    if unknown:
        raise ValueError(f"cannot complement bases {sorted(unknown)} in {seq!r}")
    return seq.translate(_COMPLEMENT)[::-1]


@dataclass(frozen=True)
class Exon:
    """One exon; start/end are genomic, 1-based inclusive, start <= end on any strand."""

    number: int
    start: int
    end: int
    cds_start_c: int | None
    cds_end_c: int | None

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def coding_length(self) -> int:
        if self.cds_start_c is None or self.cds_end_c is None:
            return 0
        return self.cds_end_c - self.cds_start_c + 1


@dataclass(frozen=True)
class _CodingSegment:
    """The coding bases of one exon: c_start..c_end, with c_start at genomic `first`."""

    c_start: int
    c_end: int
    first: int
    strand: int

    @property
    def low(self) -> int:
        return min(self.first, self.first + self.strand * (self.c_end - self.c_start))

    @property
    def high(self) -> int:
        return max(self.first, self.first + self.strand * (self.c_end - self.c_start))


def _coding_segment(exon: Exon, strand: int, cds_length: int) -> _CodingSegment:
    """Place an exon's coding bases on the genome.

    A partly coding exon carrying c.1 holds its coding bases at its transcript-3' end;
    one carrying the last CDS base holds them at its transcript-5' end.
    """
    if exon.cds_start_c is None or exon.cds_end_c is None:
        raise ValueError(f"exon {exon.number} has no coding bases")
    five_prime = exon.start if strand > 0 else exon.end
    holds_first = exon.cds_start_c == 1
    holds_last = exon.cds_end_c == cds_length
    if exon.coding_length == exon.length or (holds_last and not holds_first):
        first = five_prime
    elif holds_first and not holds_last:
        first = five_prime + strand * (exon.length - exon.coding_length)
    else:
        raise ValueError(
            f"exon {exon.number}: c.{exon.cds_start_c}-{exon.cds_end_c} covers "
            f"{exon.coding_length} of {exon.length} bases but is neither the first nor the "
            "last coding exon"
        )
    return _CodingSegment(exon.cds_start_c, exon.cds_end_c, first, strand)


def _coding_segments(
    exons: tuple[Exon, ...], strand: int, cds_length: int
) -> tuple[_CodingSegment, ...]:
    """Coding segments in c. order, checked to tile c.1..c.cds_length without gaps."""
    coding = [exon for exon in exons if exon.cds_start_c is not None]
    if not coding:
        raise ValueError("no exon has coding bases")
    expected = 1
    for exon in coding:
        if exon.cds_start_c != expected:
            raise ValueError(
                f"exon {exon.number} starts at c.{exon.cds_start_c}, expected c.{expected}"
            )
        if exon.coding_length <= 0 or exon.coding_length > exon.length:
            raise ValueError(
                f"exon {exon.number}: {exon.coding_length} coding bases in a "
                f"{exon.length}-base exon"
            )
        expected = exon.coding_length + exon.cds_start_c
    total = sum(exon.coding_length for exon in coding)
    if total != cds_length:
        raise ValueError(f"coding lengths add up to {total}, but the CDS has {cds_length} bases")
    return tuple(_coding_segment(exon, strand, cds_length) for exon in coding)


@dataclass(frozen=True)
class Transcript:
    """A coding transcript on one genome build; positions are 1-based."""

    gene: str
    transcript_id: str
    refseq: str
    chrom: str
    strand: int
    exons: tuple[Exon, ...]
    cds: str
    protein: str
    build: str
    _segments: tuple[_CodingSegment, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.build not in BUILDS:
            raise ValueError(f"unknown build {self.build!r}; expected one of {BUILDS}")
        if self.strand not in (-1, 1):
            raise ValueError(f"strand must be -1 or +1, not {self.strand!r}")
        if len(self.cds) % 3:
            raise ValueError(f"CDS length {len(self.cds)} is not a multiple of 3")
        translated = translate(self.cds)
        if translated != self.protein + "*":
            mismatch = next(
                (
                    i
                    for i, (a, b) in enumerate(zip(translated, self.protein + "*", strict=False))
                    if a != b
                ),
                min(len(translated), len(self.protein) + 1),
            )
            raise ValueError(
                f"CDS does not translate to the protein plus a stop: first difference at "
                f"codon {mismatch + 1} (CDS {len(self.cds)} nt, protein {len(self.protein)} aa)"
            )
        object.__setattr__(
            self, "_segments", _coding_segments(self.exons, self.strand, len(self.cds))
        )

    @property
    def n_codons(self) -> int:
        """Number of codons including the stop codon."""
        return len(self.cds) // 3

    def c_to_g(self, c: int) -> int:
        """Genomic position of coding base c.`c`."""
        for segment in self._segments:
            if segment.c_start <= c <= segment.c_end:
                return segment.first + segment.strand * (c - segment.c_start)
        raise ValueError(f"c.{c} is outside the CDS of {self.transcript_id} (1..{len(self.cds)})")

    def g_to_c(self, pos: int) -> int | None:
        """c. position of a genomic position, or None if it is not a coding base."""
        for segment in self._segments:
            if segment.low <= pos <= segment.high:
                return segment.c_start + segment.strand * (pos - segment.first)
        return None

    def codon_positions(self, codon: int) -> tuple[int, int, int]:
        """Genomic positions of a codon's bases in c. order (split codons included)."""
        if not 1 <= codon <= self.n_codons:
            raise ValueError(f"codon {codon} is outside 1..{self.n_codons} of {self.transcript_id}")
        first_c = 3 * codon - 2
        return (self.c_to_g(first_c), self.c_to_g(first_c + 1), self.c_to_g(first_c + 2))

    def codon_ref(self, codon: int) -> str:
        """Reference codon as written in the CDS (coding strand)."""
        if not 1 <= codon <= self.n_codons:
            raise ValueError(f"codon {codon} is outside 1..{self.n_codons} of {self.transcript_id}")
        return self.cds[3 * codon - 3 : 3 * codon]

    def genomic_ref(self, pos: int) -> str:
        """Plus-strand reference base at a coding genomic position, as a VCF REF would show it."""
        c = self.g_to_c(pos)
        if c is None:
            raise ValueError(f"{self.chrom}:{pos} is not a coding base of {self.transcript_id}")
        base = self.cds[c - 1]
        return base if self.strand > 0 else reverse_complement(base)

    def exon_of(self, pos: int) -> int | None:
        """Number of the exon containing a genomic position, or None if intronic/outside."""
        for exon in self.exons:
            if exon.start <= pos <= exon.end:
                return exon.number
        return None

    def with_chrom(self, chrom: str) -> Transcript:
        """The same model on another contig name, e.g. "2" for Ensembl-named references."""
        return replace(self, chrom=chrom)


def read_fasta(path: Path) -> tuple[str, str]:
    """Header and upper-case sequence of a single-record FASTA file."""
    header: str | None = None
    chunks: list[str] = []
    with Path(path).open() as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            if line.startswith(">"):
                if header is not None:
                    raise ValueError(f"{path}: expected one FASTA record, found several")
                header = line[1:]
            elif header is None:
                raise ValueError(f"{path}: sequence before the first FASTA header")
            else:
                chunks.append(line)
    if header is None:
        raise ValueError(f"{path}: no FASTA record")
    return header, "".join(chunks).upper()


def _resources(resources_dir: Path | None) -> Path:
    return DEFAULT_RESOURCES_DIR if resources_dir is None else Path(resources_dir)


def _read_gene_rows(table: Path, gene: str) -> list[dict[str, str]]:
    rows = read_resource_table(table)
    gene_rows = [row for row in rows if row["gene"] == gene]
    if not gene_rows:
        genes = sorted({row["gene"] for row in rows})
        raise ValueError(f"{table}: no exons for gene {gene!r}; genes present: {genes}")
    return sorted(gene_rows, key=lambda row: int(row["exon"]))


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _exon_from_row(row: dict[str, str], build: str) -> Exon:
    prefix = build.lower()
    return Exon(
        number=int(row["exon"]),
        start=int(row[f"{prefix}_start"]),
        end=int(row[f"{prefix}_end"]),
        cds_start_c=_optional_int(row["cds_start_c"]),
        cds_end_c=_optional_int(row["cds_end_c"]),
    )


def _check_build(build: str) -> None:
    if build not in BUILDS:
        raise ValueError(f"unknown build {build!r}; expected one of {BUILDS}")


def _gene_table(directory: Path, gene: str) -> Path:
    """The table that holds `gene`: transcripts.tsv (ALK, EML4), else gene_transcripts.tsv."""
    main = directory / TRANSCRIPTS_FILE
    if any(row["gene"] == gene for row in read_resource_table(main)):
        return main
    return directory / GENE_TRANSCRIPTS_FILE


def bundled_genes(resources_dir: Path | None = None) -> list[str]:
    """Genes with coding exons in the bundled tables, in table order."""
    directory = _resources(resources_dir)
    genes: dict[str, None] = {}
    for name in (TRANSCRIPTS_FILE, GENE_TRANSCRIPTS_FILE):
        for row in read_resource_table(directory / name):
            if row["cds_start_c"]:
                genes[row["gene"]] = None
    return list(genes)


def load_exons(build: str, gene: str, resources_dir: Path | None = None) -> tuple[Exon, ...]:
    """Exons of `gene` on `build`, in exon-number order (EML4 too: it has no CDS here; the
    bypass genes' rows are their coding exons)."""
    _check_build(build)
    table = _gene_table(_resources(resources_dir), gene)
    return tuple(_exon_from_row(row, build) for row in _read_gene_rows(table, gene))


def gene_chromosome(gene: str, resources_dir: Path | None = None) -> str:
    """The chromosome (UCSC name) of a gene of gene_transcripts.tsv."""
    table = _resources(resources_dir) / GENE_TRANSCRIPTS_FILE
    return _single_value(_read_gene_rows(table, gene), "chrom", table)


def gene_protein(gene: str, resources_dir: Path | None = None) -> tuple[str, str]:
    """UniProt accession and sequence of a gene of gene_transcripts.tsv (genes/proteins/)."""
    directory = _resources(resources_dir)
    table = directory / GENE_TRANSCRIPTS_FILE
    uniprot = _single_value(_read_gene_rows(table, gene), "uniprot", table)
    matches = sorted((directory / GENE_PROTEINS_DIR).glob(f"*_{uniprot}.fa"))
    if len(matches) != 1:
        raise ValueError(f"{directory / GENE_PROTEINS_DIR}: no single protein file for {uniprot}")
    return uniprot, read_fasta(matches[0])[1]


def reference_cds(reference: Path, chrom: str, exons: tuple[Exon, ...], strand: int) -> str:
    """The coding sequence the reference FASTA gives for these exons (5' to 3'); each must be
    wholly coding, as the rows of gene_transcripts.tsv are."""
    import pysam

    if any(exon.coding_length != exon.length for exon in exons):
        raise ValueError("reference_cds needs exons that are wholly coding")
    with pysam.FastaFile(str(reference)) as fasta:
        if chrom not in fasta.references:
            raise ValueError(f"{reference}: no contig {chrom!r}")
        parts = []
        for exon in sorted(exons, key=lambda e: e.cds_start_c or 0):
            bases = fasta.fetch(chrom, exon.start - 1, exon.end).upper()
            if len(bases) != exon.length:
                raise ValueError(f"{reference}: {chrom} ends before {exon.end}")
            parts.append(bases if strand == 1 else reverse_complement(bases))
    return "".join(parts)


def load_gene_transcript(
    build: str,
    gene: str,
    reference: Path,
    chrom: str | None = None,
    resources_dir: Path | None = None,
) -> Transcript:
    """The coding transcript of a bundled bypass gene (or TP53) on `build`, its coding sequence
    read from the `reference` FASTA and checked against the bundled UniProt protein: a
    reference whose bases do not give that protein, start to stop, is an error naming the
    gene, the build and the first codon that differs."""
    _check_build(build)
    directory = _resources(resources_dir)
    table = directory / GENE_TRANSCRIPTS_FILE
    rows = _read_gene_rows(table, gene)
    strand = 1 if _single_value(rows, "strand", table) == "+" else -1
    contig = chrom or _single_value(rows, "chrom", table)
    exons = tuple(_exon_from_row(row, build) for row in rows)
    uniprot, protein = gene_protein(gene, directory)
    cds = reference_cds(reference, contig, exons, strand)
    transcript_id = _single_value(rows, "ensembl", table)
    try:
        return Transcript(
            gene=gene, transcript_id=transcript_id, refseq=_single_value(rows, "refseq", table),
            chrom=contig, strand=strand, exons=exons, cds=cds, protein=protein, build=build,
        )  # fmt: skip
    except ValueError as error:
        raise ValueError(
            f"{gene} {transcript_id} ({build}): the bases of {reference} at its coding exons do"
            f" not give UniProt {uniprot}: {error}"
        ) from error


def _single_value(rows: list[dict[str, str]], column: str, table: Path) -> str:
    values = {row[column] for row in rows}
    if len(values) != 1:
        raise ValueError(f"{table}: {column} differs between exons: {sorted(values)}")
    return values.pop()


def load_transcript(
    build: str, gene: str = "ALK", resources_dir: Path | None = None, chrom: str = "chr2"
) -> Transcript:
    """The checked coding transcript of `gene` on `build`, named on contig `chrom`."""
    _check_build(build)
    directory = _resources(resources_dir)
    table = directory / TRANSCRIPTS_FILE
    if gene not in SEQUENCE_FILES:
        raise ValueError(f"no CDS is available for {gene}; use load_exons() for its exons")
    rows = _read_gene_rows(table, gene)
    transcript_id = _single_value(rows, "transcript", table)
    strand_text = _single_value(rows, "strand", table)
    if strand_text not in ("+", "-"):
        raise ValueError(f"{table}: strand of {gene} is {strand_text!r}, expected + or -")
    cds_file, protein_file = (directory / name for name in SEQUENCE_FILES[gene])
    cds_header, cds = read_fasta(cds_file)
    if transcript_id not in cds_header:
        raise ValueError(f"{cds_file}: header does not name {transcript_id}: {cds_header!r}")
    _, protein = read_fasta(protein_file)
    try:
        return Transcript(
            gene=gene,
            transcript_id=transcript_id,
            refseq=_single_value(rows, "refseq", table),
            chrom=chrom,
            strand=1 if strand_text == "+" else -1,
            exons=tuple(_exon_from_row(row, build) for row in rows),
            cds=cds,
            protein=protein,
            build=build,
        )
    except ValueError as error:
        raise ValueError(
            f"{gene} {transcript_id} ({build}) from {table}, {cds_file} and {protein_file}: {error}"
        ) from error
