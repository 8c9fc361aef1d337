"""Genotyping of the bypass hotspots on hand-built alignments: a KRAS codon (minus strand), an
EGFR exon 19 deletion region and the MET exon 14 splice sites (plus strand), each read with its
real exon structure; calls against a background, sites off the panel, genes the reference lacks;
and the annotation and classification of the calls and of TP53 caller variants."""

import pysam
import pytest
from simulate import Target, apply_variants, build_reference, merge_targets_into_islands

from alkres.biopsy.biopsy import alteration_tier, bypass_entry
from alkres.knowledge.bypass import load_bypass_catalogue
from alkres.knowledge.transcript import (
    GENETIC_CODE,
    Exon,
    Transcript,
    gene_protein,
    load_exons,
    translate,
)
from alkres.mutations.annotate_sample import BypassGene, CallerFilters, bypass_alteration_rows
from alkres.mutations.caller_vcf import CallerVariant
from alkres.mutations.genotype import OTHER_INDEL, ReadFilters
from alkres.mutations.hotspot_calls import call_sample, calling_parameters
from alkres.mutations.hotspot_counts import (
    GeneSites,
    bypass_sites,
    genotype_alignment,
    single_base_alleles,
    watched_alleles,
)
from alkres.mutations.statistics import BackgroundRate
from alkres.mutations.variants import Variant, cds_edit_to_variant, codon_substitution

CATALOGUE = load_bypass_catalogue()
# The real codons around the hotspots (HGVS names: KRAS c.34G>T p.G12C; EGFR c.2235_2249del
# p.E746_A750del over K745..T751 = AAG GAA TTA AGA GAA GCA ACA).
REAL_CODONS = {
    "KRAS": {12: "GGT", 13: "GGC", 61: "CAA"},
    "EGFR": {745: "AAG", 746: "GAA", 747: "TTA", 748: "AGA", 749: "GAA", 750: "GCA", 751: "ACA"},
}
FIRST_CODON = {}
for codon, amino_acid in sorted(GENETIC_CODE.items()):
    FIRST_CODON.setdefault(amino_acid, codon)
SHIFT = 1_000  # the gene's first coding base lands here: small contigs, real exon structure


def back_translated(gene: str) -> str:
    _, protein = gene_protein(gene)
    real = REAL_CODONS.get(gene, {})
    cds = "".join(real.get(i + 1, FIRST_CODON[aa]) for i, aa in enumerate(protein))
    cds += "TAA"
    assert translate(cds) == protein + "*"
    return cds


def shifted_transcript(gene: str, strand: int, chrom: str) -> tuple[Transcript, int]:
    """The gene's MANE exons moved so that the gene starts near SHIFT, with a back-translated
    CDS (real codons at the hotspots); returns it and the contig length it needs."""
    exons = load_exons("GRCh38", gene)
    offset = min(e.start for e in exons) - SHIFT
    moved = tuple(
        Exon(e.number, e.start - offset, e.end - offset, e.cds_start_c, e.cds_end_c) for e in exons
    )
    _, protein = gene_protein(gene)
    transcript = Transcript(gene, f"{gene}-test", f"{gene}-test", chrom, strand, moved,
                            back_translated(gene), protein, "GRCh38")  # fmt: skip
    return transcript, max(e.end for e in moved) + 2_000


def entries(gene: str):
    return [e for e in CATALOGUE if e.gene == gene and e.kind in ("codon", "region", "splice")]


class Locus:
    """One gene on its own small contig: reference, FASTA, island around a genomic span."""

    def __init__(self, tmp_path, gene, strand, chrom, span):
        self.transcript, length = shifted_transcript(gene, strand, chrom)
        low, high = span(self.transcript)
        self.island = merge_targets_into_islands([Target(chrom, low, high, "t")], flank=300)[0]
        self.reference = build_reference([self.island], [self.transcript], length, seed=11)
        self.chrom, self.length = chrom, length
        self.fasta = tmp_path / f"{gene}.fa"
        self.fasta.write_text(f">{chrom}\n{self.reference.decode()}\n")
        pysam.faidx(str(self.fasta))
        self.sites = bypass_sites(self.transcript, entries(gene))

    def haplotype(self, variants=()):
        return apply_variants(self.island, self.reference, list(variants))

    def bam(self, path, reads):
        """reads: (name, flag, 1-based start, cigar, sequence)."""
        header = {"HD": {"VN": "1.6", "SO": "coordinate"},
                  "SQ": [{"SN": self.chrom, "LN": self.length}]}  # fmt: skip
        with pysam.AlignmentFile(str(path), "wb", header=header) as bam:
            for name, flag, start, cigar, sequence in sorted(reads, key=lambda r: r[2]):
                read = pysam.AlignedSegment(bam.header)
                read.query_name, read.flag, read.reference_id = name, flag, 0
                read.reference_start, read.cigarstring = start - 1, cigar
                read.query_sequence = sequence
                read.mapping_quality = 60
                read.query_qualities = pysam.qualitystring_to_array("I" * len(sequence))
                bam.write(read)
        pysam.index(str(path))
        return path


def reads_over(locus, centre, n, sequence_of, cigar_of, name="r", flag=0):
    """n single reads of 100 bases starting 40..60 bases before ``centre``."""
    reads = []
    for i in range(n):
        start = centre - 40 - (i % 20)
        reads.append((f"{name}{i}", flag | (16 if i % 2 else 0), start, cigar_of(start),
                      sequence_of(start)))  # fmt: skip
    return reads


def test_single_base_alleles_of_a_codon():
    # GGT (KRAS G12): AGT S, CGT R, TGT C, GAT D, GCT A, GTT V; GGA/GGC/GGG are synonymous.
    assert single_base_alleles("GGT") == ["A", "C", "D", "R", "S", "V"]


def test_bypass_sites_follow_the_catalogue():
    kras, _ = shifted_transcript("KRAS", -1, "chr12")
    sites = bypass_sites(kras, entries("KRAS"))
    assert [s.key for s in sites] == ["KRAS G12", "KRAS G13", "KRAS Q61"]
    assert [s.label for s in sites] == ["G12", "G13", "Q61"]
    # the codon's bases in the transcript are the real ones
    assert kras.codon_ref(12) == "GGT"
    assert watched_alleles(None, sites[0], kras) == single_base_alleles("GGT")
    met, _ = shifted_transcript("MET", 1, "chr7")
    splice = bypass_sites(met, entries("MET"))
    assert [s.key for s in splice] == [
        "MET exon 14 skipping (acceptor)", "MET exon 14 skipping (donor)",
    ]  # fmt: skip
    exon = next(e for e in met.exons if e.start <= met.codon_positions(1010)[0] <= e.end)
    assert exon.number == 14
    assert splice[0].substitution_positions == (exon.start - 2, exon.start - 1)
    assert splice[1].substitution_positions == (exon.end + 1, exon.end + 2)


def test_kras_g12c_on_the_minus_strand(tmp_path):
    locus = Locus(tmp_path, "KRAS", -1, "chr12",
                  lambda t: (min(t.codon_positions(12)) - 60, max(t.codon_positions(12)) + 60))  # fmt: skip
    g12c = codon_substitution(locus.transcript, 12, "TGT")  # c.34G>T
    assert (g12c.ref, g12c.alt) == ("C", "A")  # the plus strand of a minus-strand gene
    centre = min(locus.transcript.codon_positions(12))
    mutant, wild = locus.haplotype([g12c]), locus.haplotype()

    def seq(hap):
        return lambda start: hap[start - locus.island.start : start - locus.island.start + 100]

    reads = reads_over(locus, centre, 20, seq(mutant), lambda s: "100M", "m") + reads_over(
        locus, centre, 80, seq(wild), lambda s: "100M", "w"
    )
    bam = locus.bam(tmp_path / "k.bam", reads)
    kras_sites = [s for s in locus.sites if s.key == "KRAS G12"]
    fragments, counts = genotype_alignment(bam, locus.fasta, locus.transcript, kras_sites,
                                           ReadFilters())  # fmt: skip
    assert counts["KRAS G12"].alleles == {"C": 20, "G": 80}
    result = call_sample(
        "S1", "P1", [GeneSites("KRAS", locus.transcript, tuple(kras_sites))], fragments, counts,
        {}, None, calling_parameters({}),
    )  # fmt: skip
    assert result.hotspot_rows[0]["gene"] == "KRAS"
    assert result.hotspot_rows[0]["codon"] == "G12"
    assert result.hotspot_rows[0]["status"] == "mutant"
    (mutation,) = result.mutation_rows
    assert (mutation["gene"], mutation["alteration"]) == ("KRAS", "G12C")
    assert (mutation["pos"], mutation["ref"], mutation["alt"]) == (g12c.pos, "C", "A")


def _egfr(tmp_path):
    def span(t):
        low = min(t.codon_positions(729))
        high = max(t.codon_positions(761))
        return low - 60, high + 60

    return Locus(tmp_path, "EGFR", 1, "chr7", span)


def test_egfr_exon_19_deletion_is_named_at_protein_level(tmp_path):
    locus = _egfr(tmp_path)
    t = locus.transcript
    deletion = cds_edit_to_variant(t, 2235, 2249, "")  # c.2235_2249del
    assert len(deletion.ref) == 16 and deletion.ref[1:] == "GGAATTAAGAGAAGC"
    site = next(s for s in locus.sites if s.key == "EGFR exon 19 deletion")
    mutant, wild = locus.haplotype([deletion]), locus.haplotype()
    first = deletion.pos + 1  # first deleted base
    reads = []
    for i in range(12):  # reads carrying the deletion: 50 bases, 15D, 50 bases
        start = first - 50 - i
        offset = start - locus.island.start
        reads.append(
            (f"m{i}", 16 * (i % 2), start, f"{50 + i}M15D{50 - i}M", mutant[offset : offset + 100])
        )
    for i in range(60):
        start = first - 50 - (i % 30)
        offset = start - locus.island.start
        reads.append((f"w{i}", 16 * (i % 2), start, "100M", wild[offset : offset + 100]))
    # a frameshifting 1-base deletion in the region is no exon 19 deletion
    start = first - 50
    offset = start - locus.island.start
    other = wild[offset : offset + 50] + wild[offset + 51 : offset + 101]
    reads.append(("o1", 0, start, "50M1D50M", other))
    bam = locus.bam(tmp_path / "e.bam", reads)
    fragments, counts = genotype_alignment(bam, locus.fasta, t, [site], ReadFilters())
    alleles = dict(counts[site.key].alleles)
    assert alleles["E746_A750del"] == 12
    assert alleles[OTHER_INDEL] == 1
    assert alleles["ref"] == sum(1 for r in reads if r[0].startswith("w")
                                 and r[2] < site.anchor[0] and r[2] + 100 > site.anchor[1])  # fmt: skip
    background = {(site.key, "*"): BackgroundRate(0, 2000, 4)}
    result = call_sample("S1", "P1", [GeneSites("EGFR", t, (site,))], fragments, counts,
                         background, None, calling_parameters({}))  # fmt: skip
    (mutation,) = result.mutation_rows
    assert mutation["alteration"] == "E746_A750del"
    assert (mutation["pos"], mutation["ref"], mutation["alt"]) == (
        deletion.pos, deletion.ref, deletion.alt,
    )  # fmt: skip


def test_met_exon_14_donor_deletion_counts_at_the_donor_only(tmp_path):
    def span(t):
        exon = next(e for e in t.exons if e.number == 14)
        return exon.start - 60, exon.end + 60

    locus = Locus(tmp_path, "MET", 1, "chr7", span)
    exon = next(e for e in locus.transcript.exons if e.number == 14)
    # the last 6 exon bases and the first 14 intron bases
    anchor_pos = exon.end - 6
    ref = locus.reference[anchor_pos - 1 : exon.end + 14].decode()
    deletion = Variant("chr7", anchor_pos, ref, ref[0])
    mutant, wild = locus.haplotype([deletion]), locus.haplotype()
    reads = []
    for i in range(10):
        start = anchor_pos - 50 - i
        offset = start - locus.island.start
        reads.append(
            (f"m{i}", 16 * (i % 2), start, f"{51 + i}M20D{49 - i}M", mutant[offset : offset + 100])
        )
    for i in range(40):
        start = exon.end - 50 - i
        offset = start - locus.island.start
        reads.append((f"w{i}", 16 * (i % 2), start, "100M", wild[offset : offset + 100]))
    # a splice-donor substitution (+1 G>T) in another read
    donor = exon.end + 1
    start = donor - 50
    offset = start - locus.island.start
    sequence = wild[offset : offset + 100]
    base = "T" if sequence[50] != "T" else "A"
    reads.append(("s1", 0, start, "100M", sequence[:50] + base + sequence[51:]))
    bam = locus.bam(tmp_path / "m.bam", reads)
    sites = locus.sites
    fragments, counts = genotype_alignment(bam, locus.fasta, locus.transcript, sites, ReadFilters())
    donor_site = next(s for s in sites if s.key.endswith("(donor)"))
    acceptor_site = next(s for s in sites if s.key.endswith("(acceptor)"))
    alleles = dict(counts[donor_site.key].alleles)
    deletion_name = next(a for a in alleles if a.endswith("del"))
    assert deletion_name.startswith("c.") and "+14del" in deletion_name
    assert alleles[deletion_name] == 10
    assert sum(1 for a in alleles if a.endswith(f">{base}")) == 1
    assert "ref" in alleles
    # nothing reaches the acceptor, 140 bases away
    assert set(counts[acceptor_site.key].alleles) <= {"ref"}
    result = call_sample("S1", "P1", [GeneSites("MET", locus.transcript, tuple(sites))],
                         fragments, counts, {}, None, calling_parameters({}))  # fmt: skip
    calls = {row["codon"]: row["status"] for row in result.hotspot_rows}
    assert calls["exon 14 skipping (donor)"] == "mutant"
    (mutation,) = result.mutation_rows
    assert mutation["alteration"] == "exon 14 skipping"


def test_sites_off_the_panel_and_genes_the_reference_lacks_are_not_assessable(tmp_path):
    kras, _ = shifted_transcript("KRAS", -1, "chr12")
    sites = tuple(bypass_sites(kras, entries("KRAS")))
    g12 = sites[0].positions
    targets = [("chr12", g12[0] - 20, g12[-1] + 20, "KRAS_exon2")]  # G12 and G13 only
    genes = [
        GeneSites("KRAS", kras, sites),
        GeneSites("NRAS", None, (), "NRAS is not in the reference FASTA (no contig chr1)",
                  tuple(entries("NRAS"))),
    ]  # fmt: skip
    from alkres.mutations.genotype import SiteCounts

    counts = {
        site.key: SiteCounts(depth=500, alleles={site.reference_peptide: 500}) for site in sites
    }
    result = call_sample("S1", "P1", genes, {}, counts, {}, None, calling_parameters({}),
                         targets=targets)  # fmt: skip
    rows = {(r["gene"], r["codon"]): r for r in result.hotspot_rows}
    assert rows[("KRAS", "G12")]["status"] == "wild_type"
    assert rows[("KRAS", "Q61")]["status"] == "not_assessable"
    assert rows[("KRAS", "Q61")]["detail"].startswith("not on the panel")
    assert rows[("NRAS", "Q61")]["status"] == "not_assessable"
    assert "not in the reference" in rows[("NRAS", "Q61")]["detail"]
    assert not result.mutation_rows


def test_bypass_rows_classify_hotspot_calls_and_tp53_variants(tmp_path):
    locus = _egfr(tmp_path)
    fasta = pysam.FastaFile(str(locus.fasta))

    def fetch(start, end):
        return fasta.fetch(locus.chrom, start - 1, end).upper()

    deletion = cds_edit_to_variant(locus.transcript, 2235, 2249, "")
    genes = {"EGFR": BypassGene(locus.transcript, tuple(locus.sites), fetch)}
    mutation = {"patient_id": "P1", "sample_id": "S1", "gene": "EGFR",
                "site": "EGFR exon 19 deletion", "alteration": "E746_A750del",
                "chrom": deletion.chrom, "pos": deletion.pos, "ref": deletion.ref,
                "alt": deletion.alt, "depth": 400, "alt_count": 60, "vaf": 0.15,
                "phase_set": ""}  # fmt: skip
    key = (deletion.chrom, deletion.pos, deletion.ref, deletion.alt)
    # the same deletion seen by a caller: decided by the genotyper
    caller = {key: CallerVariant(*key, 400, 55, 200.0, ["freebayes"])}
    rows, annotated = bypass_alteration_rows("S1", "P1", [mutation], caller, genes,
                                             CallerFilters(), {}, 0.35)  # fmt: skip
    (row,) = rows
    assert row["classification"] == "bypass"
    assert row["alteration"] == "E746_A750del"
    assert row["detail"] == "exon 19 deletion"
    assert row["callers"] == "alkres_hotspot,freebayes"
    assert row["hgvs_c"].endswith("c.2235_2249del")
    ((_, filter_name),) = annotated.values()
    assert filter_name == "hotspot_site"
    entry = bypass_entry(row, CATALOGUE)
    assert (entry.gene, entry.alteration) == ("EGFR", "exon 19 deletion")
    tier = alteration_tier({**row, "type": "deletion"}, None, {}, {}, CATALOGUE)
    assert (tier["tier"], tier["tier_level"]) == ("II", "D")


def test_tp53_caller_variant_is_a_co_mutation(tmp_path):
    locus = Locus(tmp_path, "TP53", -1, "chr17",
                  lambda t: (min(t.codon_positions(175)) - 60, max(t.codon_positions(175)) + 60))  # fmt: skip
    fasta = pysam.FastaFile(str(locus.fasta))
    r175h = codon_substitution(
        locus.transcript, 175, "CAC" if locus.transcript.codon_ref(175)[2] == "C" else "CAT"
    )
    genes = {
        "TP53": BypassGene(
            locus.transcript, (), lambda s, e: fasta.fetch("chr17", s - 1, e).upper()
        )
    }
    key = (r175h.chrom, r175h.pos, r175h.ref, r175h.alt)
    variants = {key: CallerVariant(*key, 500, 100, 300.0, ["bcftools", "freebayes"])}
    rows, _ = bypass_alteration_rows("S1", "P1", [], variants, genes, CallerFilters(), {}, 0.35)
    (row,) = rows
    assert (row["gene"], row["alteration"], row["classification"]) == (
        "TP53",
        "R175H",
        "co_mutation",
    )
    # carried by a normal at germline VAF: a polymorphism, never a co-mutation
    germline = {key: CallerVariant(*key, 500, 250, 300.0, ["bcftools"])}
    rows, _ = bypass_alteration_rows(
        "S1", "P1", [], germline, genes, CallerFilters(), {key: 0.5}, 0.35
    )
    assert rows[0]["classification"] == "benign_polymorphism"


@pytest.mark.parametrize("gene", ["KRAS", "EGFR", "MET", "BRAF", "PIK3CA", "MAP2K1"])
def test_every_catalogued_hotspot_gets_a_site(gene):
    strand = {"KRAS": -1, "BRAF": -1}.get(gene, 1)
    transcript, _ = shifted_transcript(gene, strand, "chrN")
    sites = bypass_sites(transcript, entries(gene))
    expected = sum(2 if e.kind == "splice" else 1 for e in entries(gene))
    assert len(sites) == expected
    for site in sites:
        if site.kind == "codon":
            assert transcript.protein[site.codon - 1] == site.label[0]
