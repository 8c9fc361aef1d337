"""Genotyping of the bypass hotspots on hand-built alignments: a KRAS codon (minus strand), an
EGFR exon 19 deletion region and the MET exon 14 splice sites (plus strand), each read with its
real exon structure; calls against a background, sites off the panel, genes the reference lacks;
the annotation and classification of the calls and of TP53 caller variants; and TP53's hotspot
codons, genotyped the same way and reported as co-mutation sites, never as bypass."""

import pysam
import pytest
from simulate import Target, apply_variants, build_reference, merge_targets_into_islands

from alkres.biopsy.biopsy import (
    alteration_tier,
    biopsy_from_record,
    build_records,
    bypass_entry,
    load_context,
)
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
from alkres.reports.cohort_report import summary_rows
from alkres.reports.html import render_patient_html
from alkres.reports.patient_report import patient_report

CATALOGUE = load_bypass_catalogue()
# The real codons around the hotspots (HGVS names: KRAS c.34G>T p.G12C; EGFR c.2235_2249del
# p.E746_A750del over K745..T751 = AAG GAA TTA AGA GAA GCA ACA).
REAL_CODONS = {
    "KRAS": {12: "GGT", 13: "GGC", 61: "CAA"},
    "EGFR": {745: "AAG", 746: "GAA", 747: "TTA", 748: "AGA", 749: "GAA", 750: "GCA", 751: "ACA"},
    # NM_000546 (c.818G>A is p.R273H on CGT)
    "TP53": {175: "CGC", 220: "TAT", 245: "GGC", 248: "CGG", 249: "AGG", 273: "CGT", 282: "CGG"},
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


@pytest.mark.parametrize("gene", ["KRAS", "EGFR", "MET", "BRAF", "PIK3CA", "MAP2K1", "TP53"])
def test_every_catalogued_hotspot_gets_a_site(gene):
    strand = {"KRAS": -1, "BRAF": -1, "TP53": -1}.get(gene, 1)
    transcript, _ = shifted_transcript(gene, strand, "chrN")
    sites = bypass_sites(transcript, entries(gene))
    expected = sum(2 if e.kind == "splice" else 1 for e in entries(gene))
    assert len(sites) == expected
    for site in sites:
        if site.kind == "codon":
            assert transcript.protein[site.codon - 1] == site.label[0]


# ------------------------------------------------------------------ TP53 hotspot codons


def _tp53_exon8(tmp_path):
    """TP53 (minus strand) on its own contig, read over exon 8: hotspot codons R273 and R282."""

    def span(t):
        return min(t.codon_positions(262)) - 60, max(t.codon_positions(306)) + 60

    return Locus(tmp_path, "TP53", -1, "chr17", span)


def _tp53_reads(locus, n_mutant, n_total, variant=None):
    """n_total single reads over codon 273, the first n_mutant of them carrying ``variant``."""
    centre = min(locus.transcript.codon_positions(273))
    mutant = locus.haplotype([variant]) if variant else locus.haplotype()
    wild = locus.haplotype()

    def seq(hap):
        return lambda start: hap[start - locus.island.start : start - locus.island.start + 100]

    return reads_over(locus, centre, n_mutant, seq(mutant), lambda s: "100M", "m") + reads_over(
        locus, centre, n_total - n_mutant, seq(wild), lambda s: "100M", "w"
    )


def _tp53_calls(tmp_path, locus, reads):
    sites = tuple(s for s in locus.sites if s.codon in (273, 282))
    bam = locus.bam(tmp_path / "tp53.bam", reads)
    fragments, counts = genotype_alignment(bam, locus.fasta, locus.transcript, sites,
                                           ReadFilters())  # fmt: skip
    background = {(site.key, "*"): BackgroundRate(0, 2000, 4) for site in sites}
    return call_sample("S1", "P1", [GeneSites("TP53", locus.transcript, sites)], fragments,
                       counts, background, None, calling_parameters({}))  # fmt: skip


def _tp53_genes(locus):
    fasta = pysam.FastaFile(str(locus.fasta))
    sites = tuple(s for s in locus.sites if s.codon in (273, 282))
    return {"TP53": BypassGene(locus.transcript, sites,
                               lambda s, e: fasta.fetch("chr17", s - 1, e).upper())}  # fmt: skip


def test_tp53_hotspot_codons_are_catalogued_co_mutation_sites():
    tp53 = [e for e in CATALOGUE if e.gene == "TP53" and e.kind == "codon"]
    assert [e.alteration for e in tp53] == ["R175", "Y220", "G245", "R248", "R249", "R273", "R282"]
    assert {e.classification for e in tp53} == {"co_mutation"}
    transcript, _ = shifted_transcript("TP53", -1, "chr17")
    sites = bypass_sites(transcript, tp53)
    assert [s.key for s in sites] == [f"TP53 {e.alteration}" for e in tp53]
    # the real codons: R273 is CGT, so R273H (c.818G>A) is one base away
    assert transcript.codon_ref(273) == "CGT"
    assert "H" in watched_alleles(None, sites[5], transcript)


def test_tp53_r273h_at_5_percent_is_called_as_a_co_mutation_once(tmp_path):
    locus = _tp53_exon8(tmp_path)
    r273h = codon_substitution(locus.transcript, 273, "CAT")  # c.818G>A
    assert (r273h.ref, r273h.alt) == ("C", "T")  # the plus strand of a minus-strand gene
    result = _tp53_calls(tmp_path, locus, _tp53_reads(locus, 25, 500, r273h))
    calls = {row["codon"]: row for row in result.hotspot_rows}
    assert calls["R273"]["status"] == "mutant" and calls["R273"]["gene"] == "TP53"
    assert calls["R282"]["status"] == "wild_type"
    (mutation,) = result.mutation_rows
    assert (mutation["gene"], mutation["alteration"]) == ("TP53", "R273H")
    assert mutation["vaf"] == 0.05
    assert (mutation["pos"], mutation["ref"], mutation["alt"]) == (r273h.pos, "C", "T")
    # freebayes saw it too, with a QUAL far below the callers' filter (pooled-continuous mode)
    key = (r273h.chrom, r273h.pos, r273h.ref, r273h.alt)
    callers = {key: CallerVariant(*key, 500, 25, 0.5, ["freebayes"])}
    rows, annotated = bypass_alteration_rows(
        "S1", "P1", [{**mutation, "patient_id": "P1", "sample_id": "S1"}], callers,
        _tp53_genes(locus), CallerFilters(), {}, 0.35, CATALOGUE,
    )  # fmt: skip
    (row,) = rows  # one row: the caller's variant at the site is the genotyper's to decide
    assert (row["gene"], row["alteration"], row["classification"]) == (
        "TP53", "R273H", "co_mutation",
    )  # fmt: skip
    assert row["callers"] == "alkres_hotspot,freebayes"
    assert row["hgvs_c"].endswith("c.818G>A")
    assert annotated[key][1] == "hotspot_site"
    tier = alteration_tier({**row, "type": "snv"}, None, {}, {}, CATALOGUE)
    assert (tier["tier"], tier["tier_level"]) == ("II", "D")
    assert tier["tier_reason"].startswith("prognostic co-mutation")
    # germline-like in a normal: a polymorphism, as at a bypass hotspot
    germline = {**mutation, "vaf": 0.5}
    rows, _ = bypass_alteration_rows("S1", "P1", [germline], {}, _tp53_genes(locus),
                                     CallerFilters(), {key: 0.5}, 0.35, CATALOGUE)  # fmt: skip
    assert [r["classification"] for r in rows] == ["benign_polymorphism"]


def test_a_tp53_caller_variant_the_genotyper_does_not_confirm_is_not_reported(tmp_path):
    locus = _tp53_exon8(tmp_path)
    r273h = codon_substitution(locus.transcript, 273, "CAT")
    key = (r273h.chrom, r273h.pos, r273h.ref, r273h.alt)
    callers = {key: CallerVariant(*key, 500, 40, 300.0, ["bcftools", "freebayes"])}
    rows, annotated = bypass_alteration_rows("S1", "P1", [], callers, _tp53_genes(locus),
                                             CallerFilters(), {}, 0.35, CATALOGUE)  # fmt: skip
    assert rows == []
    assert annotated[key][1] == "hotspot_site"


def test_tp53_variants_off_the_hotspot_substitutions_stay_with_the_callers(tmp_path):
    locus = _tp53_exon8(tmp_path)
    t = locus.transcript
    # a missense change at codon 280 (no hotspot here) and a 1-base deletion in codon 273
    r280 = codon_substitution(t, 280, "AAA" if t.codon_ref(280) != "AAA" else "AAG")
    c818 = t.codon_positions(273)[1]  # genomic base of c.818
    ref = locus.reference[c818 - 2 : c818].decode()
    frameshift = Variant("chr17", c818 - 1, ref, ref[0])
    callers = {
        (v.chrom, v.pos, v.ref, v.alt): CallerVariant(v.chrom, v.pos, v.ref, v.alt, 500, 100,
                                                      300.0, ["freebayes"])
        for v in (r280, frameshift)
    }  # fmt: skip
    rows, annotated = bypass_alteration_rows("S1", "P1", [], callers, _tp53_genes(locus),
                                             CallerFilters(), {}, 0.35, CATALOGUE)  # fmt: skip
    assert len(rows) == 2
    assert {r["classification"] for r in rows} == {"co_mutation"}
    assert {r["callers"] for r in rows} == {"freebayes"}
    assert {filter_name for _, filter_name in annotated.values()} == {"PASS"}
    assert any(r["alteration"].startswith("R280") for r in rows)
    assert any("fs" in r["hgvs_p"] or "del" in r["hgvs_c"] for r in rows)


def test_a_wild_type_tp53_hotspot_has_a_limit_of_detection(tmp_path):
    locus = _tp53_exon8(tmp_path)
    result = _tp53_calls(tmp_path, locus, _tp53_reads(locus, 0, 500))
    assert not result.mutation_rows
    for row in result.hotspot_rows:
        assert row["gene"] == "TP53"
        assert row["status"] == "wild_type", row
        assert 0 < float(row["lod_vaf"]) < 0.05, row
        assert row["detail"].startswith("wild type; detectable down to")


def _biopsy_rows(tmp_path, n_mutant):
    """A biopsy's alteration and hotspot rows with TP53 R273 and R282 genotyped from reads, a
    TP53 hotspot off the panel, and a KRAS G12 bypass hotspot wild type."""
    locus = _tp53_exon8(tmp_path)
    r273h = codon_substitution(locus.transcript, 273, "CAT")
    result = _tp53_calls(tmp_path, locus, _tp53_reads(locus, n_mutant, 500, r273h))
    rows, _ = bypass_alteration_rows("S1", "P1", result.mutation_rows, {}, _tp53_genes(locus),
                                     CallerFilters(), {}, 0.35, CATALOGUE)  # fmt: skip
    hotspots = [
        *result.hotspot_rows,
        {"patient_id": "P1", "sample_id": "S1", "gene": "TP53", "codon": "R175", "depth": 0,
         "status": "not_assessable", "detail": "not on the panel: no capture target covers TP53"
         " R175", "lod_vaf": ""},
        {"patient_id": "P1", "sample_id": "S1", "gene": "KRAS", "codon": "G12", "depth": 500,
         "status": "wild_type", "detail": "wild type; detectable down to 2.0% VAF at 500x",
         "lod_vaf": "0.0200"},
        {"patient_id": "P1", "sample_id": "S1", "gene": "ALK", "codon": "G1202", "depth": 500,
         "status": "wild_type", "detail": "", "lod_vaf": "0.0200"},
    ]  # fmt: skip
    return [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows], hotspots


def test_tp53_hotspot_calls_are_co_mutations_in_the_biopsy_and_its_report(tmp_path):
    alterations, hotspots = _biopsy_rows(tmp_path, 25)
    sample = {"sample_id": "S1", "patient_id": "P1", "sample_type": "tumor",
              "specimen": "tissue", "collection_date": "2024-01-01",
              "prior_tkis_list": ["alectinib"], "tumor_purity": "0.5"}  # fmt: skip
    copy_number = [{"sample_id": "S1", "region": "ALK", "gene": "ALK", "copy_number": "2.0",
                    "status": "not_amplified", "ci_low": "1.8", "ci_high": "2.2",
                    "detail": ""}]  # fmt: skip
    context = load_context()
    (record,) = build_records([sample], {"S1": {"verdict": "pass", "reasons": ""}},
                              alterations, hotspots, copy_number, context=context)  # fmt: skip
    rows = record["rows"]
    assert [r["alteration"] for r in rows["co_mutations"]] == ["R273H"]
    assert rows["bypass"] == []
    assert record["mechanisms"] == []  # a co-mutation is never a resistance mechanism
    assert record["result"]["status"] != "mechanism"
    assert [r["codon"] for r in rows["co_mutation_hotspots"]] == ["R273", "R282", "R175"]
    assert [(r["gene"], r["codon"]) for r in rows["bypass_hotspots"]] == [("KRAS", "G12")]
    # TP53 off the panel is no bypass gene the panel cannot show
    assert not any("TP53" in c["text"] for c in record["caveats"])
    interpretation = record["interpretation"]
    assert "TP53" not in interpretation["headline"]
    assert all("TP53" not in m["mechanism"] for m in interpretation["mechanisms"])
    section = record["report_section"]
    assert section["bypass_alterations"] == []
    assert [r["alteration"] for r in section["co_mutations"]] == ["R273H"]
    assert section["co_mutations"][0]["tier_reason"].startswith("prognostic co-mutation")
    assert [h["codon"] for h in section["bypass_hotspots"]] == ["G12"]
    tp53_sites = {h["codon"]: h for h in section["co_mutation_hotspots"]}
    assert tp53_sites["R273"]["status"] == "mutant"
    assert tp53_sites["R282"]["status"] == "wild_type" and tp53_sites["R282"]["lod_vaf"]
    assert tp53_sites["R175"]["status"] == "not_assessable"
    biopsy = biopsy_from_record(record)
    summary = {r["metric"]: r["value"] for r in summary_rows([biopsy], {})}
    assert summary["patients_with_bypass_alteration"].startswith("0/1")
    report = patient_report("P1", [record], None, {"alkres_version": "test",
                            "knowledge_base_version": "test", "reference_build": "GRCh38",
                            "tools": {}, "thresholds": {}})  # fmt: skip
    html = render_patient_html(report, {})
    bypass_table = html.split('<table class="bypass-hotspots">')[1].split("</table>")[0]
    co_table = html.split('<table class="co-mutation-hotspots">')[1].split("</table>")[0]
    assert "TP53" not in bypass_table and "KRAS" in bypass_table
    assert "R273" in co_table and "R282" in co_table
    assert "TP53 hotspot codons (prognostic co-mutation sites, not resistance mechanisms)" in html
    assert '<table class="bypass">' not in html  # no bypass alteration table
    co_mutations = html.split('<table class="co-mutations">')[1].split("</table>")[0]
    assert "R273H" in co_mutations


def test_wild_type_tp53_hotspots_are_counted_apart_from_the_bypass_hotspots(tmp_path):
    alterations, hotspots = _biopsy_rows(tmp_path, 0)
    assert alterations == []
    sample = {"sample_id": "S1", "patient_id": "P1", "sample_type": "tumor",
              "specimen": "tissue", "collection_date": "2024-01-01",
              "prior_tkis_list": ["alectinib"], "tumor_purity": "0.5"}  # fmt: skip
    (record,) = build_records([sample], {"S1": {"verdict": "pass", "reasons": ""}}, [],
                              hotspots, [])  # fmt: skip
    section = record["report_section"]
    assert {h["codon"]: h["status"] for h in section["co_mutation_hotspots"]} == {
        "R273": "wild_type", "R282": "wild_type", "R175": "not_assessable",
    }  # fmt: skip
    assert [h["codon"] for h in section["bypass_hotspots"]] == ["G12"]
    report = patient_report("P1", [record], None, {"alkres_version": "test",
                            "knowledge_base_version": "test", "reference_build": "GRCh38",
                            "tools": {}, "thresholds": {}})  # fmt: skip
    html = render_patient_html(report, {})
    assert "1 of 1 hotspots wild type" in html  # the bypass count leaves TP53 out
    assert "2 of 3 hotspot codons wild type" in html


def test_nf2_loss_of_function_from_the_callers_is_the_catalogued_loss(tmp_path):
    """NF2 is read as a whole (catalogue row "NF2 loss"): a caller's variant that ends the
    protein or breaks a canonical splice site is a bypass alteration, tiered as that row;
    a missense change is a VUS, and a germline-like one a polymorphism."""
    locus = Locus(tmp_path, "NF2", 1, "chr22",
                  lambda t: (t.exons[0].start - 60, t.exons[0].end + 60))  # fmt: skip
    fasta = pysam.FastaFile(str(locus.fasta))
    genes = {
        "NF2": BypassGene(locus.transcript, (), lambda s, e: fasta.fetch("chr22", s - 1, e).upper())
    }
    assert locus.transcript.codon_ref(8) == "AGA"  # R8, back-translated
    stop = codon_substitution(locus.transcript, 8, "TGA")
    missense = codon_substitution(locus.transcript, 8, "AAA")
    donor_pos = locus.transcript.exons[0].end + 1  # c.114+1, plus strand
    donor_ref = fasta.fetch("chr22", donor_pos - 1, donor_pos).upper()
    donor = Variant("chr22", donor_pos, donor_ref, "A" if donor_ref != "A" else "C")
    variants = {
        (v.chrom, v.pos, v.ref, v.alt): CallerVariant(v.chrom, v.pos, v.ref, v.alt, 400, 60,
                                                      200.0, ["bcftools", "freebayes"])
        for v in (stop, missense, donor)
    }  # fmt: skip
    rows, _ = bypass_alteration_rows("S1", "P1", [], variants, genes, CallerFilters(), {}, 0.35)
    by_pos = {row["pos"]: row for row in rows}
    assert (by_pos[stop.pos]["alteration"], by_pos[stop.pos]["classification"]) == (
        "R8*",
        "bypass",
    )
    assert by_pos[stop.pos]["detail"] == "loss"
    assert by_pos[missense.pos]["classification"] == "vus"
    assert by_pos[donor_pos]["classification"] == "bypass"
    assert "c.114+1" in by_pos[donor_pos]["hgvs_c"]
    entry = bypass_entry(by_pos[stop.pos], CATALOGUE)
    assert (entry.gene, entry.alteration) == ("NF2", "loss")
    tier = alteration_tier({**by_pos[stop.pos], "type": "snv"}, None, {}, {}, CATALOGUE)
    assert (tier["tier"], tier["tier_level"]) == ("II", "D")
    # the same stop carried by a normal at germline VAF: a polymorphism, not a mechanism
    key = (stop.chrom, stop.pos, stop.ref, stop.alt)
    germline = {key: CallerVariant(*key, 400, 200, 200.0, ["bcftools"])}
    rows, _ = bypass_alteration_rows(
        "S1", "P1", [], germline, genes, CallerFilters(), {key: 0.5}, 0.35
    )
    assert rows[0]["classification"] == "benign_polymorphism"
