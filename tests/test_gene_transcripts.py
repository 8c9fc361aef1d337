"""The bundled transcripts of the bypass genes and TP53 (resources/gene_transcripts.tsv): built
from their verbatim source rows, checked against the UniProt proteins, the published positions
of well-known hotspots on both builds, and served by the transcript layer with the coding
sequence read from a reference."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pysam
import pytest

from alkres.knowledge.resources import read_resource_table
from alkres.knowledge.transcript import (
    BUILDS,
    DEFAULT_RESOURCES_DIR,
    GENE_TRANSCRIPTS_FILE,
    GENETIC_CODE,
    Transcript,
    bundled_genes,
    gene_protein,
    load_exons,
    load_gene_transcript,
    read_fasta,
    reverse_complement,
    translate,
)

GENES = ["MET", "KRAS", "NRAS", "BRAF", "MAP2K1", "PIK3CA", "EGFR", "KIT", "NF2", "TP53"]
ROWS = read_resource_table(DEFAULT_RESOURCES_DIR / GENE_TRANSCRIPTS_FILE)


def builder():
    path = DEFAULT_RESOURCES_DIR / "build_gene_transcripts.py"
    spec = importlib.util.spec_from_file_location("build_gene_transcripts", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def protein(gene: str) -> str:
    return gene_protein(gene)[1]


def back_translated(gene: str) -> str:
    """A coding sequence for the gene's protein (one codon per amino acid) plus a stop."""
    codon_of = {}
    for codon, aa in sorted(GENETIC_CODE.items()):
        codon_of.setdefault(aa, codon)
    return "".join(codon_of[aa] for aa in protein(gene)) + codon_of["*"]


def transcript_of(gene: str, build: str) -> Transcript:
    """The gene's transcript with a coding sequence that gives its protein (positions only)."""
    rows = [row for row in ROWS if row["gene"] == gene]
    return Transcript(
        gene=gene, transcript_id=rows[0]["ensembl"], refseq=rows[0]["refseq"],
        chrom=rows[0]["chrom"], strand=1 if rows[0]["strand"] == "+" else -1,
        exons=load_exons(build, gene), cds=back_translated(gene), protein=protein(gene),
        build=build,
    )  # fmt: skip


def test_the_table_is_what_the_builder_makes_of_its_sources():
    assert builder().build() == ROWS


def test_every_gene_is_served_with_mane_and_uniprot_ids():
    assert bundled_genes() == ["ALK", *GENES]
    for gene in GENES:
        rows = [row for row in ROWS if row["gene"] == gene]
        assert len({(r["refseq"], r["ensembl"], r["uniprot"]) for r in rows}) == 1
        assert rows[0]["refseq"].startswith("NM_") and rows[0]["ensembl"].startswith("ENST")


@pytest.mark.parametrize("build", BUILDS)
@pytest.mark.parametrize("gene", GENES)
def test_coding_exons_hold_the_protein_and_its_stop(gene, build):
    exons = load_exons(build, gene)
    assert sum(exon.length for exon in exons) == 3 * (len(protein(gene)) + 1)
    c = 1
    for exon in exons:
        assert (exon.cds_start_c, exon.cds_end_c) == (c, c + exon.length - 1)
        c += exon.length
    # Positions read in one direction along the chromosome, as the strand says.
    starts = [exon.start for exon in exons]
    strand = next(row["strand"] for row in ROWS if row["gene"] == gene)
    assert starts == sorted(starts, reverse=strand == "-")


def test_proteins_start_with_methionine_and_have_the_uniprot_length():
    lengths = {"MET": 1390, "KRAS": 188, "NRAS": 189, "BRAF": 766, "MAP2K1": 393,
               "PIK3CA": 1068, "EGFR": 1210, "KIT": 976, "NF2": 595, "TP53": 393}  # fmt: skip
    for gene, length in lengths.items():
        assert protein(gene).startswith("M") and len(protein(gene)) == length, gene


# Hotspots named by the off-target resistance catalogue: the reference residue of each must be
# that of the UniProt protein at that codon.
HOTSPOTS = {
    "KRAS": ["G12", "G13", "Q61"], "NRAS": ["Q61"], "BRAF": ["V600"],
    "MAP2K1": ["Q56", "K57", "E203"], "PIK3CA": ["E542", "E545", "H1047"],
    "EGFR": ["T790", "L858"], "KIT": ["D816"], "TP53": ["R175", "R248", "R273"],
}  # fmt: skip


def test_hotspot_residues_are_those_of_the_proteins():
    for gene, codons in HOTSPOTS.items():
        for label in codons:
            assert protein(gene)[int(label[1:]) - 1] == label[0], (gene, label)


# Published positions of the first base of a hotspot change: (gene, c., build, chrom, position).
PUBLISHED = [
    ("KRAS", 35, "GRCh38", "chr12", 25245350),  # G12, c.35 (VEP output)
    ("BRAF", 1799, "GRCh38", "chr7", 140753336),  # V600E (test data)
    ("KRAS", 35, "GRCh37", "chr12", 25398284),  # G12V
    ("BRAF", 1799, "GRCh37", "chr7", 140453136),  # V600E
    ("NRAS", 182, "GRCh37", "chr1", 115256529),  # Q61R
    ("EGFR", 2573, "GRCh37", "chr7", 55259515),  # L858R
    ("PIK3CA", 1633, "GRCh37", "chr3", 178936091),  # E545K
    ("TP53", 524, "GRCh37", "chr17", 7578406),  # R175H
    ("KIT", 2447, "GRCh37", "chr4", 55599321),  # D816V
]


@pytest.mark.parametrize(("gene", "c", "build", "chrom", "position"), PUBLISHED)
def test_published_hotspot_positions(gene, c, build, chrom, position):
    transcript = transcript_of(gene, build)
    assert transcript.chrom == chrom
    assert transcript.c_to_g(c) == position


def test_bundled_braf_cds_translates_to_its_protein():
    header, cds = read_fasta(DEFAULT_RESOURCES_DIR / "genes" / "BRAF_cds_CCDS5863.1.fa")
    assert "CCDS5863.1" in header
    assert translate(cds) == protein("BRAF") + "*"


def reference_with(tmp_path: Path, gene: str, build: str, cds: str) -> Path:
    """A FASTA whose contig carries `cds` at the gene's coding exons, N elsewhere."""
    transcript = transcript_of(gene, build)
    exons = sorted(load_exons(build, gene), key=lambda exon: exon.cds_start_c)
    bases = bytearray(b"N" * (max(exon.end for exon in exons) + 100))
    offset = 0
    for exon in exons:
        part = cds[offset : offset + exon.length]
        offset += exon.length
        if transcript.strand == -1:
            part = reverse_complement(part)
        bases[exon.start - 1 : exon.end] = part.encode()
    path = tmp_path / "reference.fa"
    path.write_text(f">{transcript.chrom}\n{bases.decode()}\n")
    pysam.faidx(str(path))
    return path


@pytest.mark.parametrize(("gene", "build"), [("TP53", "GRCh38"), ("KRAS", "GRCh37")])
def test_coding_sequence_is_read_from_the_reference(tmp_path, gene, build):
    cds = back_translated(gene)
    reference = reference_with(tmp_path, gene, build, cds)
    transcript = load_gene_transcript(build, gene, reference)
    assert transcript.cds == cds and transcript.n_codons == len(protein(gene)) + 1
    if gene == "KRAS":
        # c.34-36 on the minus strand; c.35 is the published G12 position.
        assert transcript.codon_positions(12) == (25398285, 25398284, 25398283)


def test_a_reference_that_does_not_give_the_protein_is_refused(tmp_path):
    cds = back_translated("TP53")
    broken = cds[:30] + ("A" if cds[30] != "A" else "C") + cds[31:]
    reference = reference_with(tmp_path, "TP53", "GRCh38", broken)
    with pytest.raises(ValueError, match=r"TP53 .*GRCh38.*do not give UniProt P04637.*codon 11"):
        load_gene_transcript("GRCh38", "TP53", reference)


def test_reference_check_flags_a_gene_whose_bases_do_not_give_its_protein(tmp_path):
    """check_reference: ALK decides the build; every other bundled gene on the FASTA is
    translated, "absent" when its contig is missing, flagged when it does not translate."""
    from alkres.inputs.check_reference import check_genes

    good = reference_with(tmp_path, "TP53", "GRCh38", back_translated("TP53"))
    status = check_genes(good, "GRCh38")
    assert status["TP53"] == "ok"
    assert {status[gene] for gene in GENES if gene != "TP53"} == {"absent"}
    cds = back_translated("TP53")
    stop = cds[:60] + "TAA" + cds[63:]  # a stop at codon 21
    (tmp_path / "bad").mkdir()
    bad = reference_with(tmp_path / "bad", "TP53", "GRCh38", stop)
    assert check_genes(bad, "GRCh38")["TP53"].startswith("flagged: TP53")
    assert "codon 21" in check_genes(bad, "GRCh38")["TP53"]
