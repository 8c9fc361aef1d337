#!/usr/bin/env python3
"""Regenerate the bundled synthetic cohort in test_data/ (deterministic: fixed seeds).

    python test_data/make_test_data.py            # everything
    python test_data/make_test_data.py --only P01_T1

Needs art_illumina, bwa and samtools on PATH (Debian: art-nextgen-simulation-tools, bwa,
samtools). Writes the reference (bgzip FASTA: chr2 whole, six more contigs cut after their last
island), the panel BED, one BAM per sample, the sample and clinical sheets and the truth table.
The bwa index is kept in test_data/.build/ (not committed) so that re-running for one sample is
quick; it is rebuilt when the reference changes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "workflow" / "scripts"))

from simulate import (  # noqa: E402
    CONVENTIONS,
    GRCH38_CHR2_LENGTH,
    Convention,
    Fusion,
    Haplotype,
    Island,
    MateTrap,
    SampleSpec,
    Target,
    align,
    amplification_multiplier,
    build_reference,
    fusion_fraction,
    merge_targets_into_islands,
    simulate_reads,
    stable_seed,
    write_fasta,
)

from alkres.knowledge.resources import read_resource_table  # noqa: E402
from alkres.knowledge.transcript import (  # noqa: E402
    GENETIC_CODE,
    Exon,
    Transcript,
    gene_protein,
    load_exons,
    load_gene_transcript,
    load_transcript,
    read_fasta,
    reverse_complement,
    translate,
)
from alkres.mutations.variants import Variant, cds_edit_to_variant, codon_substitution  # noqa: E402

CHROM = "chr2"
BUILD = "GRCh38"
TARGET_PAD = 10  # bases of intron captured on each side of a coding exon (splice sites)
N_CONTROL_REGIONS = 36
CONTROL_LENGTH = 200
REFERENCE = HERE / "reference" / "chr2_alk_panel.fa.gz"
PANEL_BED = HERE / "panel" / "alk_panel_targets.bed"
BUILD_DIR = HERE / ".build"


def alk_exon(number: int) -> Exon:
    return next(exon for exon in load_exons(BUILD, "ALK") if exon.number == number)


def alk_targets() -> list[Target]:
    """ALK coding exons (coding part only for exons 1 and 29) with splice-site padding, and
    intron 19, where EML4-ALK and most other ALK fusions break."""
    targets = [Target(CHROM, alk_exon(20).end + 1, alk_exon(19).start - 1, "ALK_intron19")]
    for exon in load_exons(BUILD, "ALK"):
        start, end = exon.start, exon.end
        if exon.cds_start_c is not None:
            alk = load_transcript(BUILD, "ALK", chrom=CHROM)
            ends = (alk.c_to_g(exon.cds_start_c), alk.c_to_g(exon.cds_end_c))
            start, end = min(ends), max(ends)
        targets.append(
            Target(CHROM, start - TARGET_PAD, end + TARGET_PAD, f"ALK_exon{exon.number}")
        )
    return targets


def eml4_targets() -> list[Target]:
    """EML4 exons; the UTR-heavy first and last exons are captured at their intron side only."""
    exons = load_exons(BUILD, "EML4")
    targets = []
    for exon in exons:
        start, end = exon.start, exon.end
        if exon.number == exons[0].number:
            start = max(start, end - 199)
        if exon.number == exons[-1].number:
            end = min(end, start + 199)
        targets.append(
            Target(CHROM, start - TARGET_PAD, end + TARGET_PAD, f"EML4_exon{exon.number}")
        )
    return targets


# A locus that attracts mismapped mates of ALK reads from all over the gene, as a real panel's
# BAMs show at this position (3.7 Mb from ALK); the P08/P09 libraries carry such chimeras.
TRAP_POS = 32_916_487
TRAP_REGION = (TRAP_POS - 500, TRAP_POS + 700)
# An Alu-like stretch of EML4 intron 13 holding P08's EML4 breakpoint, copied to three other
# places on chr2: the partner side of P08's split reads maps to four places at MAPQ 0.
REPEAT = (42_300_151, 42_300_450)
REPEAT_COPIES = (61_234_001, 118_500_001, 187_700_001)


def sequence_only_regions() -> list[tuple[int, int]]:
    """Uncaptured stretches given bases so that fusion reads map across: ALK from exon 21 to
    exon 18 (intron 19 and its neighbours), the EML4 gene, and the mate-trap locus. New regions
    go last: each draws from one random stream, so earlier regions keep their bases."""
    eml4 = load_exons(BUILD, "EML4")
    return [(alk_exon(21).start, alk_exon(18).end), (eml4[0].start, eml4[-1].end), TRAP_REGION]


def repeat_copies() -> list[tuple[int, int, int]]:
    return [(REPEAT[0], REPEAT[1], destination) for destination in REPEAT_COPIES]


def alk_gene_span() -> tuple[int, int]:
    exons = load_exons(BUILD, "ALK")
    return min(e.start for e in exons), max(e.end for e in exons)


def control_targets() -> list[Target]:
    """Copy-number control regions spread along chr2, away from ALK and EML4."""
    avoid = [(27_000_000, 32_000_000), (40_000_000, 45_000_000)]
    targets, position = [], 2_500_000
    while len(targets) < N_CONTROL_REGIONS:
        if not any(lo <= position <= hi for lo, hi in avoid):
            name = f"CTRL_{len(targets) + 1:02d}"
            targets.append(Target(CHROM, position, position + CONTROL_LENGTH - 1, name))
        position += 6_400_000
    return targets


# ------------------------------------------------------------------ the other contigs

RESOURCES = HERE.parent / "resources"
BRAF_CDS = RESOURCES / "genes" / "BRAF_cds_CCDS5863.1.fa"
# The bundled genes besides ALK that this reference carries, in the order of
# resources/gene_transcripts.tsv. NRAS (chr1) and KIT (chr4) are left out on purpose: their
# contigs are not in the reference, nor their exons on the panel.
BYPASS_GENES = ("MET", "KRAS", "BRAF", "MAP2K1", "PIK3CA", "EGFR", "NF2", "TP53")
# FASTA order: chr2 first (code that takes the first contig still finds ALK), then karyotype.
CONTIGS = ("chr2", "chr3", "chr7", "chr12", "chr15", "chr17", "chr22")
# GRCh38 lengths of the other contigs, which are cut TRUNCATE_AFTER bases after their last
# island or planted exon (a partial FASTA); coordinates stay GRCh38.
GRCH38_LENGTHS = {"chr3": 198_295_559, "chr7": 159_345_973, "chr12": 133_275_309,
                  "chr15": 101_991_189, "chr17": 83_257_441, "chr22": 50_818_468}  # fmt: skip
TRUNCATE_AFTER = 100_000
# Genes captured only at the coding exons holding these codons; the others at every coding exon.
PANEL_CODONS = {"BRAF": (466, 469, 594, 600, 601), "MAP2K1": (56, 57, 203),
                "PIK3CA": (542, 545, 1047), "EGFR": tuple(range(719, 862))}  # fmt: skip
# Intron given bases on each side of an uncaptured coding exon, so that its splice sites lie in
# sequence as the captured exons' do.
UNCAPTURED_FLANK = 50
# Copy-number control regions (first base) on the other contigs, numbered on from chr2's
# CTRL_01-36: a dozen along chr7, away from EGFR (55.0 Mb), MET (116.7 Mb) and BRAF (140.8 Mb),
# so that MET can be set against the rest of chr7; two or three on each other contig.
OTHER_CONTROLS = {
    "chr3": (40_000_000, 90_000_000, 140_000_000),
    "chr7": (5_000_000, 15_000_000, 25_000_000, 35_000_000, 45_000_000, 65_000_000,
             75_000_000, 85_000_000, 95_000_000, 105_000_000, 125_000_000, 133_000_000),
    "chr12": (5_000_000, 12_000_000, 19_000_000),
    "chr15": (30_000_000, 45_000_000, 55_000_000),
    "chr17": (2_500_000, 5_000_000),
    "chr22": (18_000_000, 24_000_000),
}  # fmt: skip

# Real human bases written over the back-translated coding sequence of a bypass gene (BRAF has
# its whole real CDS): every catalogued hotspot (resources/bypass_catalogue.tsv) with its
# neighbours, EGFR exons 19 and 20 whole (the catalogued deletion and insertion regions) and
# the end of MET exon 14, so that real HGVS names read right here.
# (gene, first c. position, coding-strand bases, what they are, source). "IUCT" stands for the
# hg19 amplicon sequences of a hotspot panel quoted in a public copy of the IUCT-Oncopole
# amplicon read simulator (F. Escudie, 2017, GPL-3); each stretch below lies at the named
# exon's real place in them, and translates to the UniProt residues.
EGFR_EXON19 = ("GGACTCTGGATCCCAGAAGGTGAGAAAGTTAAAATTCCCGTCGCTATCAAGGAATTAAGAGAAGCAACATCTCCGAAAGCC"
               "AACAAGGAAATCCTCGAT")  # fmt: skip
EGFR_EXON20 = ("GAAGCCTACGTGATGGCCAGCGTGGACAACCCCCACGTGTGCCGCCTGCTGGGCATCTGCCTCACCTCCACCGTGCAGC"
               "TCATCACGCAGCTCATGCCCTTCGGCTGCCTCCTGGACTATGTCCGGGAACACAAAGACAATATTGGCTCCCAGTACC"
               "TGCTCAACTGGTGTGTGCAGATCGCAAAG")  # fmt: skip
REAL_CODING = [
    ("KRAS", 28, "GGAGCTGGTGGCGTA", "codons 10-14", "IUCT hg19 chr12:25398173-25398392 (exon 2); G12 GGT, G13 GGC as in PMC6813200 Table 1"),
    ("KRAS", 178, "GGTCAAGAG", "codons 60-62", "IUCT hg19 chr12:25380087-25380387 (exon 3); Q61 CAA as in PMC6813200 Table 1"),
    ("MAP2K1", 163, "ACCCAGAAGCAG", "codons 55-58", "IUCT hg19 chr15:66727334-66727631 (exon 2)"),
    ("MAP2K1", 607, "GAG", "codon 203", "G and A by c.607G>A (E203K) and c.608A>C (E203A, PMID:18456719); the third base as commonly quoted, not read from a sequence"),
    ("PIK3CA", 1621, "TCTGAAATCACTGAGCAG", "codons 541-546", "IUCT hg19 chr3:178935912-178936214 (exon 10)"),
    ("PIK3CA", 3136, "GCACATCAT", "codons 1046-1048", "IUCT hg19 chr3:178951772-178952568 (exon 21); the same in COSMIC COSM775 (H1047R) records"),
    ("EGFR", 2185, EGFR_EXON19, "exon 19, codons 729-761", "IUCT hg19 chr7:55242382-55242576; the same in indelPost's tests (GRCh38 chr7:55174725-55174825)"),
    ("EGFR", 2284, EGFR_EXON20, "exon 20, codons 762-823", "IUCT hg19 chr7:55248957-55249271"),
    ("EGFR", 2569, "GGGCTGGCC", "codons 857-859", "IUCT hg19 chr7:55259379-55259659 (exon 21)"),
    ("MET", 2998, "TCTGTAGACTACCGAGCTACTTTTCCAGAAG", "codons 1000-1009 and c.3028 (end of exon 14)", "IUCT hg19 chr7:116411870-116412120; also c.3001_3021delGTAGACTACCGAGCTACTTTT (p.V1001_F1007del) in a public list of MET exon 14 variants"),
    ("TP53", 520, "AGGCGCTGC", "codons 174-176", "NM_000546 CDS as quoted in several public code repositories"),
    ("TP53", 655, "CCCTATGAG", "codons 219-221", "the same NM_000546 CDS (1,182 nt, translating to P04637)"),
    ("TP53", 730, "GGCGGCATG", "codons 244-246", "the same NM_000546 CDS"),
    ("TP53", 739, "AACCGGAGG", "codons 247-249", "NM_000546 CDS as quoted in several public code repositories"),
    ("TP53", 814, "GTGCGTGTT", "codons 272-274", "NM_000546 CDS as quoted in several public code repositories"),
    ("TP53", 841, "GACCGGCGC", "codons 281-283", "the same NM_000546 CDS"),
]  # fmt: skip
# Real intron bases from +1 after a coding exon: the MET exon 14 splice donor (IUCT hg19
# chr7:116411870-116412120; +1 G, +2 T, +3 A also by c.3028+1G>T, c.3028+2T>C, c.3028+3A>G).
REAL_DONORS = {("MET", 14): "GTATATTTCAGTTTATTGTTCTGAGAA"}
# Real HGVS names (COSMIC/ClinVar style) whose reference bases the planted CDS must show, each
# giving its protein change.
HGVS_CHECKS = [
    ("KRAS", "c.34G>T", "G12C"), ("KRAS", "c.35G>A", "G12D"), ("KRAS", "c.38G>A", "G13D"),
    ("KRAS", "c.181C>A", "Q61K"), ("KRAS", "c.183A>T", "Q61H"),
    ("BRAF", "c.1397G>T", "G466V"), ("BRAF", "c.1406G>C", "G469A"), ("BRAF", "c.1781A>G", "D594G"),
    ("BRAF", "c.1799T>A", "V600E"), ("BRAF", "c.1801A>G", "K601E"),
    ("MAP2K1", "c.167A>C", "Q56P"), ("MAP2K1", "c.171G>T", "K57N"), ("MAP2K1", "c.607G>A", "E203K"),
    ("PIK3CA", "c.1624G>A", "E542K"), ("PIK3CA", "c.1633G>A", "E545K"),
    ("PIK3CA", "c.3140A>G", "H1047R"),
    ("EGFR", "c.2235_2249delGGAATTAAGAGAAGC", "E746_A750del"), ("EGFR", "c.2369C>T", "T790M"),
    ("EGFR", "c.2573T>G", "L858R"),
    ("MET", "c.3028G>C", "D1010H"),
    ("TP53", "c.524G>A", "R175H"), ("TP53", "c.742C>T", "R248W"), ("TP53", "c.743G>A", "R248Q"),
    ("TP53", "c.817C>T", "R273C"), ("TP53", "c.818G>A", "R273H"),
]  # fmt: skip


def check_hgvs(cds: str, protein: str, hgvs_c: str, change: str) -> None:
    """The CDS holds the reference bases a real HGVS name states, and the change gives its
    protein change (a deletion also as its 3'-most placement, as HGVS names it)."""
    if substitution := re.fullmatch(r"c\.(\d+)([ACGT])>([ACGT])", hgvs_c):
        c, ref, alt = int(substitution[1]), substitution[2], substitution[3]
        found, mutant = cds[c - 1], cds[: c - 1] + alt + cds[c:]
    elif deletion := re.fullmatch(r"c\.(\d+)_(\d+)del([ACGT]*)", hgvs_c):
        start, end, ref = int(deletion[1]), int(deletion[2]), deletion[3]
        found, mutant = cds[start - 1 : end], cds[: start - 1] + cds[end:]
        if cds[start - 1] == cds[end]:
            raise ValueError(f"{hgvs_c}: the deletion shifts 3' in this CDS")
    else:
        raise ValueError(f"{hgvs_c}: not a substitution or deletion name")
    if ref and found != ref:
        raise ValueError(f"{hgvs_c}: the CDS has {found}")
    if missense := re.fullmatch(r"([A-Z])(\d+)([A-Z])", change):
        codon = int(missense[2])
        wild, expected = missense[1], protein[: codon - 1] + missense[3] + protein[codon:]
        if protein[codon - 1] != wild:
            raise ValueError(f"{change}: the protein has {protein[codon - 1]} at {codon}")
    elif in_frame := re.fullmatch(r"[A-Z](\d+)_[A-Z](\d+)del", change):
        expected = protein[: int(in_frame[1]) - 1] + protein[int(in_frame[2]) :]
    else:
        raise ValueError(f"{change}: not a missense or in-frame deletion name")
    if translate(mutant) != expected + "*":
        raise ValueError(f"{hgvs_c} does not give {change} on this CDS")


def synonymous_codons() -> dict[str, list[str]]:
    codons: dict[str, list[str]] = {}
    for codon, amino_acid in GENETIC_CODE.items():
        codons.setdefault(amino_acid, []).append(codon)
    return codons


def planted_cds(gene: str) -> str:
    """The coding sequence written for a bypass gene: BRAF's real CDS; for the others the
    UniProt protein back-translated (seeded codon choice) under the real bases of REAL_CODING.
    Checked to give the protein, start to stop, and the reference bases of HGVS_CHECKS."""
    _, protein = gene_protein(gene)
    if gene == "BRAF":
        cds = read_fasta(BRAF_CDS)[1]
    else:
        rng, synonymous = random.Random(stable_seed("cds", gene)), synonymous_codons()
        cds = "".join(rng.choice(synonymous[amino_acid]) for amino_acid in protein + "*")
        for name, start, bases, _, _ in REAL_CODING:
            if name == gene:
                cds = cds[: start - 1] + bases + cds[start - 1 + len(bases) :]
    if translate(cds) != protein + "*":
        raise ValueError(f"{gene}: the planted CDS does not give its UniProt protein")
    for name, hgvs_c, change in HGVS_CHECKS:
        if name == gene:
            check_hgvs(cds, protein, hgvs_c, change)
    return cds


def planted_transcript(gene: str) -> Transcript:
    """A bypass gene's MANE Select transcript (resources/gene_transcripts.tsv) with its planted CDS."""
    table = read_resource_table(RESOURCES / "gene_transcripts.tsv")
    row = next(row for row in table if row["gene"] == gene)
    return Transcript(gene=gene, transcript_id=row["ensembl"], refseq=row["refseq"],
                      chrom=row["chrom"], strand=1 if row["strand"] == "+" else -1,
                      exons=load_exons(BUILD, gene), cds=planted_cds(gene),
                      protein=gene_protein(gene)[1], build=BUILD)  # fmt: skip


def splice_sites(transcript: Transcript) -> list[tuple[int, str]]:
    """(first position, plus-strand bases) of a GT donor after and an AG acceptor before every
    coding-exon boundary inside the CDS (REAL_DONORS where known)."""
    exons = sorted(transcript.exons, key=lambda exon: exon.cds_start_c)
    sites = []
    for index, exon in enumerate(exons):
        donor = REAL_DONORS.get((transcript.gene, exon.number), "GT")
        if transcript.strand > 0:
            if index < len(exons) - 1:
                sites.append((exon.end + 1, donor))
            if index > 0:
                sites.append((exon.start - 2, "AG"))
        else:
            if index < len(exons) - 1:
                sites.append((exon.start - len(donor), reverse_complement(donor)))
            if index > 0:
                sites.append((exon.end + 1, reverse_complement("AG")))
    return sites


def captured(gene: str, exon: Exon) -> bool:
    codons = PANEL_CODONS.get(gene)
    return codons is None or any(
        exon.cds_start_c <= 3 * codon and 3 * codon - 2 <= exon.cds_end_c for codon in codons
    )


def gene_targets(transcript: Transcript) -> list[Target]:
    """A bypass gene's captured coding exons, padded like ALK's for the splice sites."""
    return [Target(transcript.chrom, exon.start - TARGET_PAD, exon.end + TARGET_PAD,
                   f"{transcript.gene}_exon{exon.number}")
            for exon in transcript.exons if captured(transcript.gene, exon)]  # fmt: skip


def uncaptured_regions(transcript: Transcript) -> list[tuple[int, int]]:
    return [(exon.start - UNCAPTURED_FLANK, exon.end + UNCAPTURED_FLANK)
            for exon in transcript.exons if not captured(transcript.gene, exon)]  # fmt: skip


def other_control_targets() -> list[Target]:
    targets = []
    for chrom in CONTIGS[1:]:
        for start in OTHER_CONTROLS[chrom]:
            name = f"CTRL_{N_CONTROL_REGIONS + len(targets) + 1:02d}"
            targets.append(Target(chrom, start, start + CONTROL_LENGTH - 1, name))
    return targets


def other_contigs(islands: list[Island], transcripts: list[Transcript]) -> dict[str, bytearray]:
    """The contigs besides chr2: N but for their islands, the planted coding exons and their
    splice sites; each cut TRUNCATE_AFTER bases after its last island or planted exon."""
    contigs = {}
    for chrom in CONTIGS[1:]:
        on_contig = [island for island in islands if island.chrom == chrom]
        genes = [transcript for transcript in transcripts if transcript.chrom == chrom]
        sequence_only = [region for gene in genes for region in uncaptured_regions(gene)]
        length = max(end for _, end in [*sequence_only, *((i.start, i.end) for i in on_contig)])
        length += TRUNCATE_AFTER
        if length >= GRCH38_LENGTHS[chrom]:
            raise ValueError(f"{chrom}: {length} bases would not be a partial contig")
        contigs[chrom] = build_reference(
            on_contig, genes, length, seed=stable_seed("reference", chrom),
            sequence_only=sequence_only,
            planted=[site for gene in genes for site in splice_sites(gene)],
        )  # fmt: skip
    return contigs


def cnv_region(name: str) -> tuple[str, int, int]:
    """A region of resources/cnv_genes.tsv on GRCh38: (chrom, start, end)."""
    row = next(r for r in read_resource_table(RESOURCES / "cnv_genes.tsv") if r["name"] == name)
    return row["chrom"], int(row["grch38_start"]), int(row["grch38_end"])


def hgvs_substitution(transcript: Transcript, hgvs_c: str) -> Variant:
    """The genomic change of a coding substitution named c.<n><ref>><alt>."""
    c, ref, alt = re.fullmatch(r"c\.(\d+)([ACGT])>([ACGT])", hgvs_c).groups()
    if transcript.cds[int(c) - 1] != ref:
        raise ValueError(f"{transcript.gene} {hgvs_c}: the CDS has {transcript.cds[int(c) - 1]}")
    codon = (int(c) + 2) // 3
    bases = list(transcript.codon_ref(codon))
    bases[(int(c) - 1) % 3] = alt
    return codon_substitution(transcript, codon, "".join(bases))


def met_exon14_donor_deletion(met: Transcript, chr7: bytes | bytearray) -> tuple[Variant, str]:
    """The last 6 bases of MET exon 14 and the first 14 of intron 14 deleted (the splice donor,
    which skips the exon), VCF-style, with its HGVS c. name (c.3023_3028+14del)."""
    last = next(exon for exon in met.exons if exon.number == 14).cds_end_c
    anchor = met.c_to_g(last - 6)
    ref = chr7[anchor - 1 : anchor + 20].decode()
    # Placed once: neither the VCF (left) nor the HGVS (3') form can shift.
    if ref[0] == ref[-1] or ref[1] == chr(chr7[anchor + 20]):
        raise ValueError(f"MET exon 14 donor deletion at chr7:{anchor} is not placed once")
    return Variant(met.chrom, anchor, ref, ref[0]), f"c.{last - 5}_{last}+14del"


TRUTH_COLUMNS = ["sample_id", "patient_id", "sample_type", "tumor_purity", "simulated_depth",
                 "gene", "alteration", "type", "hgvs_c", "chrom", "pos", "end", "ref", "alt",
                 "vaf", "copy_number", "phase", "note", "partner_gene", "partner_chrom",
                 "partner_pos", "exon_pair", "variant", "reciprocal", "convention",
                 "mate_trap"]  # fmt: skip


def small_variant(
    alteration: str, hgvs_c: str, variant: Variant, vaf: float, phase: str = "", gene: str = "ALK"
) -> dict:
    """A truth row for an SNV, MNV or indel (ALK, NM_004304.5, unless another gene is named)."""
    kind = "snv" if len(variant.ref) == len(variant.alt) == 1 else (
        "mnv" if len(variant.ref) == len(variant.alt) else "indel")  # fmt: skip
    return {"gene": gene, "alteration": alteration, "type": kind, "hgvs_c": hgvs_c,
            "chrom": variant.chrom, "pos": variant.pos, "end": variant.pos + len(variant.ref) - 1,
            "ref": variant.ref, "alt": variant.alt, "vaf": vaf, "phase": phase}  # fmt: skip


# EML4-ALK variant -> EML4 exon joined to ALK exon 20
EML4_ALK_VARIANTS = {"v1": "E13;A20", "v2": "E20;A20", "v3a/b": "E6;A20"}


def eml4_alk(
    variant: str, alk_break: int, eml4_break: int, purity: float, reciprocal: bool,
    copy_number: float | None = None, note: str = "",
) -> tuple[Fusion, dict]:  # fmt: skip
    """An EML4-ALK inversion (one fused copy, or copy_number - 1 when amplified) and its truth row."""
    fusion = Fusion(CHROM, alk_break, eml4_break, purity,
                    fused_copies=1.0 if copy_number is None else copy_number - 1,
                    reciprocal=reciprocal)  # fmt: skip
    exon_pair = EML4_ALK_VARIANTS[variant]
    truth = {"gene": "ALK", "alteration": f"EML4-ALK {exon_pair} ({variant})", "type": "fusion",
             "chrom": CHROM, "pos": alk_break, "end": alk_break,
             "vaf": round(fusion_fraction(fusion), 4), "copy_number": "" if copy_number is None else copy_number, "note": note,
             "partner_gene": "EML4", "partner_chrom": CHROM, "partner_pos": eml4_break,
             "exon_pair": exon_pair, "variant": variant,
             "reciprocal": "yes" if reciprocal else "no"}  # fmt: skip
    return fusion, truth


def cohort_specs(
    alk: Transcript, genes: dict[str, Transcript], reference: dict[str, bytearray]
) -> tuple[list[dict], list[dict]]:
    """The synthetic cohort: sample-sheet rows with their simulation spec, and clinical rows.
    ``genes`` are the bypass genes' transcripts as read from the written reference."""
    g1202r = codon_substitution(alk, 1202, "AGA")  # c.3604G>A
    i1171n = codon_substitution(alk, 1171, "AAC")  # c.3512T>A
    trap = MateTrap(CHROM, TRAP_POS, 60, alk_gene_span())
    l1196m = codon_substitution(alk, 1196, "ATG")  # c.3586C>A
    t1151dup = cds_edit_to_variant(alk, 3454, 3453, alk.cds[3450:3453])  # c.3451_3453dup (ACG)
    alk_3prime_start = alk.c_to_g(len(alk.cds)) - 2_000

    def row(sample_id, patient_id, sample_type, date, tkis, purity, fold, specimen="tissue",
            haplotypes=(), gains=(), truth=(), fmt="cram", fusion=None, convention="default",
            traps=()):  # fmt: skip
        fusions = [] if fusion is None else [fusion[0]]
        truth = [*truth] if fusion is None else [fusion[1], *truth]
        return {
            "convention": CONVENTIONS[convention] if isinstance(convention, str) else convention,
            "sheet": {
                "sample_id": sample_id, "patient_id": patient_id, "bam": f"bams/{sample_id}.{fmt}",
                "sample_type": sample_type, "specimen": specimen, "collection_date": date,
                "prior_tkis": tkis, "tumor_purity": "" if purity is None else str(purity),
            },
            "spec": SampleSpec(sample_id, fold, list(haplotypes), list(gains), fusions,
                               list(traps)),
            "fold": fold, "truth": list(truth),
        }  # fmt: skip

    def amplification_truth(copy_number, end):
        return {"gene": "ALK", "alteration": "amplification", "type": "amplification",
                "chrom": CHROM, "pos": alk_3prime_start, "end": end, "copy_number": copy_number,
                "note": "ALK exons 20-29 (3' part, from mid-intron 19)"}  # fmt: skip

    def amplified_3prime(alk_break, copy_number, purity):
        # The amplified unit of a fusion is its ALK 3' part (exons 20-29), up to its breakpoint.
        return (CHROM, alk_3prime_start, alk_break,
                amplification_multiplier(copy_number, purity))  # fmt: skip

    amp_cn, amp_purity = 10, 0.6
    g12c = hgvs_substitution(genes["KRAS"], "c.34G>T")
    r273h = hgvs_substitution(genes["TP53"], "c.818G>A")
    v600e = hgvs_substitution(genes["BRAF"], "c.1799T>A")
    e545k = hgvs_substitution(genes["PIK3CA"], "c.1633G>A")
    e746_a750del = cds_edit_to_variant(genes["EGFR"], 2235, 2249, "")  # c.2235_2249del
    met_donor, met_donor_hgvs = met_exon14_donor_deletion(genes["MET"], reference["chr7"])
    met_chrom, met_start, met_end = cnv_region("MET")
    # P01's two biopsies carry the same fusion; P04's biopsy holds no tumour cells.
    p01_fusion = ("v3a/b", 29_224_102, 42_270_311)
    samples = [
        row("P01_T1", "P01", "tumor", "2023-05-10", "crizotinib", 0.5, 500,
            haplotypes=[Haplotype((l1196m,), 0.15)],
            truth=[small_variant("L1196M", "c.3586C>A", l1196m, 0.15)],
            fusion=eml4_alk(*p01_fusion, purity=0.5, reciprocal=True)),
        row("P01_T2", "P01", "tumor", "2024-08-21", "crizotinib;alectinib", 0.6, 500,
            haplotypes=[Haplotype((g1202r, l1196m), 0.22)],
            truth=[small_variant("G1202R", "c.3604G>A", g1202r, 0.22, phase="cis:L1196M"),
                   small_variant("L1196M", "c.3586C>A", l1196m, 0.22, phase="cis:G1202R")],
            fusion=eml4_alk(*p01_fusion, purity=0.6, reciprocal=True)),
        row("P02_T1", "P02", "tumor", "2024-02-14", "Xalkori;Zykadia", 0.4, 500,
            haplotypes=[Haplotype((t1151dup,), 0.20)],
            truth=[small_variant("T1151dup", "c.3451_3453dup", t1151dup, 0.20)],
            fusion=eml4_alk("v1", 29_223_706, 42_297_004, purity=0.4, reciprocal=False)),
        row("P03_T1", "P03", "tumor", "2024-06-03", "crizotinib", amp_purity, 400,
            gains=[amplified_3prime(29_224_428, amp_cn, amp_purity)],
            truth=[amplification_truth(amp_cn, 29_224_428)],
            fusion=eml4_alk("v2", 29_224_428, 42_325_871, purity=amp_purity, reciprocal=True,
                            copy_number=amp_cn)),
        row("P04_T1", "P04", "tumor", "2024-09-30", "alectinib", 0.5, 500,
            truth=[{"alteration": "none",
                    "note": "no tumour cells in the biopsy (despite sheet purity 0.5): no fusion"}]),
        # BAM, not CRAM: the cohort exercises both input formats.
        row("P05_T1", "P05", "tumor", "2025-01-15", "alectinib;lorlatinib", None, 60,
            specimen="plasma", fmt="bam",
            fusion=eml4_alk("v3a/b", 29_225_101, 42_276_543, purity=0.06, reciprocal=True,
                            note="ctDNA fraction 0.06")),
        # Copy-number series: a gain above the threshold (CN 8 against 6) and one below it
        # (higher purity, CN 4).
        row("P06_T1", "P06", "tumor", "2024-11-12", "crizotinib;ceritinib", 0.5, 400,
            gains=[amplified_3prime(29_224_877, 8, 0.5)],
            truth=[amplification_truth(8, 29_224_877)],
            fusion=eml4_alk("v1", 29_224_877, 42_299_118, purity=0.5, reciprocal=True,
                            copy_number=8)),
        # The EML4 breakpoint lies inside the EML4 exon-20 island: junction reads from both sides.
        row("P07_T1", "P07", "tumor", "2025-02-20", "alectinib", 0.8, 400,
            gains=[amplified_3prime(29_223_980, 4, 0.8)],
            truth=[amplification_truth(4, 29_223_980)],
            fusion=eml4_alk("v2", 29_223_980, 42_325_640, purity=0.8, reciprocal=False,
                            copy_number=4)),
        # Another lab's conventions (bwa mem -M, no MC/MQ tags, UMI-collapsed reads without
        # duplicate flags), a v1 fusion whose EML4 side lies in a repeat with copies elsewhere,
        # and ALK reads whose chimeric mates stack at one locus.
        row("P08_T1", "P08", "tumor", "2025-03-11", "crizotinib;alectinib", 0.5, 500, fmt="bam",
            haplotypes=[Haplotype((i1171n,), 0.15)],
            truth=[small_variant("I1171N", "c.3512T>A", i1171n, 0.15)],
            fusion=eml4_alk("v1", 29_223_760, 42_300_300, purity=0.5, reciprocal=False,
                            note="EML4 breakpoint inside a repeat copied at three other loci"),
            convention="vendor", traps=[trap]),
        # An ALK-negative biopsy (tumour cells without the fusion) from a pipeline using
        # bwa mem -M without MC/MQ tags, with the same mapping artefact.
        row("P09_T1", "P09", "tumor", "2025-04-02", "crizotinib", 0.4, 500,
            truth=[{"alteration": "none",
                    "note": "ALK-negative tumour: no fusion; mates of ALK reads stack at the trap locus"}],
            convention=Convention("bwa_mem_M_no_mate_tags", mark_secondary=True, mate_tags=False),
            traps=[trap]),
        # Bypass tracks and a co-mutation, each beside an EML4-ALK fusion (genes besides ALK;
        # NRAS and KIT are on neither the reference nor the panel).
        row("P10_T1", "P10", "tumor", "2025-04-23", "alectinib", 0.5, 500,
            haplotypes=[Haplotype((g12c,), 0.20), Haplotype((r273h,), 0.25)],
            truth=[small_variant("G12C", "c.34G>T", g12c, 0.20, gene="KRAS"),
                   small_variant("R273H", "c.818G>A", r273h, 0.25, gene="TP53")],
            fusion=eml4_alk("v3a/b", 29_224_660, 42_273_905, purity=0.5, reciprocal=True)),
        # MET amplified focally: copy number 10 over the MET region of resources/cnv_genes.tsv
        # (every MET island), the rest of chr7 at 2.
        row("P11_T1", "P11", "tumor", "2025-05-07", "alectinib;lorlatinib", 0.6, 400,
            gains=[(met_chrom, met_start, met_end, amplification_multiplier(10, 0.6))],
            truth=[{"gene": "MET", "alteration": "amplification", "type": "amplification",
                    "chrom": met_chrom, "pos": met_start, "end": met_end, "copy_number": 10,
                    "note": "focal"}],
            fusion=eml4_alk("v1", 29_223_845, 42_298_210, purity=0.6, reciprocal=False)),
        # chr7 polysomy: every chr7 island (EGFR, MET, BRAF, controls) at copy number 4.
        row("P12_T1", "P12", "tumor", "2025-05-21", "crizotinib;alectinib", 0.6, 400,
            haplotypes=[Haplotype((v600e,), 0.15)],
            gains=[("chr7", 1, GRCH38_LENGTHS["chr7"], amplification_multiplier(4, 0.6))],
            truth=[{"alteration": "chr7 polysomy", "type": "polysomy", "chrom": "chr7",
                    "copy_number": 4,
                    "note": "all of chr7 at copy number 4: MET/chr7 = 1, not focal"},
                   small_variant("V600E", "c.1799T>A", v600e, 0.15, gene="BRAF")],
            fusion=eml4_alk("v2", 29_225_240, 42_325_790, purity=0.6, reciprocal=True)),
        row("P13_T1", "P13", "tumor", "2025-06-11", "brigatinib", 0.5, 500,
            haplotypes=[Haplotype((e746_a750del,), 0.15), Haplotype((e545k,), 0.12)],
            truth=[small_variant("E746_A750del", "c.2235_2249del", e746_a750del, 0.15,
                                 gene="EGFR"),
                   small_variant("E545K", "c.1633G>A", e545k, 0.12, gene="PIK3CA")],
            fusion=eml4_alk("v1", 29_224_333, 42_296_501, purity=0.5, reciprocal=True)),
        # MET exon 14 skipping: its splice donor deleted.
        row("P14_T1", "P14", "tumor", "2025-06-25", "alectinib", 0.5, 500,
            haplotypes=[Haplotype((met_donor,), 0.20)],
            truth=[small_variant("exon 14 skipping", met_donor_hgvs, met_donor, 0.20,
                                 gene="MET")],
            fusion=eml4_alk("v3a/b", 29_223_655, 42_278_023, purity=0.5, reciprocal=False)),
        row("N01", "", "normal", "", "", None, 400),
        row("N02", "", "normal", "", "", None, 400),
        row("N03", "", "normal", "", "", None, 400),
        row("N04", "", "normal", "", "", None, 400),
        row("N05", "", "normal", "", "", None, 400),
        row("N06", "", "normal", "", "", None, 400),
    ]  # fmt: skip
    clinical = [
        {"patient_id": "P01", "next_tki": "lorlatinib", "best_response": "PR"},
        {"patient_id": "P02", "next_tki": "brigatinib", "best_response": "SD"},
        {"patient_id": "P03", "next_tki": "lorlatinib", "best_response": "PD"},
    ]
    return samples, clinical


def panel_order(targets: list[Target]) -> list[Target]:
    """ALK (exon 1 first, then intron 19 before exon 20), EML4 (exon 1 first), the bypass genes
    in BYPASS_GENES order (exons in transcript order), then the controls contig by contig."""

    def key(target: Target) -> tuple:
        gene, _, part = target.name.partition("_")
        if gene == "ALK":
            number = 19.5 if part == "intron19" else int(part.removeprefix("exon"))
            return (0, number)
        if gene == "EML4":
            return (1, int(part.removeprefix("exon")))
        if gene in BYPASS_GENES:
            return (2 + BYPASS_GENES.index(gene), int(part.removeprefix("exon")))
        return (2 + len(BYPASS_GENES), CONTIGS.index(target.chrom), target.start)

    return sorted(targets, key=key)


def write_tsv(path: Path, rows: list[dict], header: list[str], comment: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        if comment:
            handle.write(f"# {comment}\n")
        writer = csv.DictWriter(handle, fieldnames=header, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_reference(reference: dict[str, bytearray], build_dir: Path) -> Path:
    """bgzip FASTA + .fai + .gzi in test_data/reference, plain copy + bwa index in build_dir.

    The index is rebuilt when the reference differs from the one it was built from (a checksum
    beside it), since bwa would otherwise align to stale sequence without complaint.
    """
    build_dir.mkdir(parents=True, exist_ok=True)
    plain = build_dir / "reference.fa"
    write_fasta(plain, list(reference.items()))
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    with open(REFERENCE, "wb") as out:
        subprocess.run(["bgzip", "-c", "-@", "2", str(plain)], check=True, stdout=out)
    subprocess.run(["samtools", "faidx", str(REFERENCE)], check=True)
    subprocess.run(["samtools", "faidx", str(plain)], check=True)
    digest = hashlib.sha256()
    for name, sequence in reference.items():
        digest.update(f">{name}\n".encode())
        digest.update(sequence)
    checksum = digest.hexdigest()
    checksum_file = build_dir / "reference.fa.sha256"
    indexed = checksum_file.read_text().strip() if checksum_file.exists() else ""
    if not (build_dir / "reference.fa.bwt").exists() or indexed != checksum:
        checksum_file.unlink(missing_ok=True)
        subprocess.run(["bwa", "index", str(plain)], check=True, stderr=subprocess.DEVNULL)
        checksum_file.write_text(checksum + "\n")
    return plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="regenerate only these samples' BAMs")
    args = parser.parse_args()
    for tool in ("art_illumina", "bwa", "samtools", "bgzip"):
        if shutil.which(tool) is None:
            sys.exit(f"make_test_data: '{tool}' not found on PATH; run `make setup` first")

    alk = load_transcript(BUILD, "ALK", chrom=CHROM)
    assert translate(alk.cds)[:-1] == alk.protein
    planted = [planted_transcript(gene) for gene in BYPASS_GENES]
    targets = [*alk_targets(), *eml4_targets(), *control_targets(),
               *(target for transcript in planted for target in gene_targets(transcript)),
               *other_control_targets()]  # fmt: skip
    targets.sort(key=lambda t: (CONTIGS.index(t.chrom), t.start))
    islands = merge_targets_into_islands(targets)
    # chr2 as a one-contig reference: its islands alone, so that its bases stay as they were.
    chr2 = build_reference([island for island in islands if island.chrom == CHROM], [alk],
                           GRCH38_CHR2_LENGTH, seed=stable_seed("reference"),
                           sequence_only=sequence_only_regions(),
                           copies=repeat_copies())  # fmt: skip
    reference = {CHROM: chr2} | other_contigs(islands, planted)
    plain_reference = write_reference(reference, BUILD_DIR)
    # The bypass genes as the pipeline reads them: from the written FASTA, refused unless their
    # bases give the UniProt protein start to stop.
    genes = {t.gene: load_gene_transcript(BUILD, t.gene, REFERENCE, t.chrom) for t in planted}
    for transcript in planted:
        if genes[transcript.gene].cds != transcript.cds:
            raise ValueError(f"{transcript.gene}: the reference does not hold the planted CDS")

    # As vendors ship panel BEDs: gene by gene, each gene's targets in transcript order (ALK,
    # on the minus strand, from exon 1 at the highest position down). alkres sorts it.
    PANEL_BED.parent.mkdir(parents=True, exist_ok=True)
    with open(PANEL_BED, "w") as bed:
        for target in panel_order(targets):
            bed.write(f"{target.chrom}\t{target.start - 1}\t{target.end}\t{target.name}\n")

    samples, clinical = cohort_specs(alk, genes, reference)
    for sample in samples:
        sample_id = sample["sheet"]["sample_id"]
        if args.only and sample_id not in args.only:
            continue
        print(f"simulating {sample_id}", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix=f"alkres_{sample_id}_") as tmp:
            workdir = Path(tmp)
            reads = simulate_reads(sample["spec"], islands, reference, workdir)
            align(sample_id, reads, plain_reference, HERE / sample["sheet"]["bam"], workdir,
                  convention=sample["convention"])  # fmt: skip

    sheet_header = ["sample_id", "patient_id", "bam", "sample_type", "specimen",
                    "collection_date", "prior_tkis", "tumor_purity"]  # fmt: skip
    write_tsv(HERE / "samples.tsv", [s["sheet"] for s in samples], sheet_header,
              "Synthetic ALK-resistance cohort; regenerate with test_data/make_test_data.py")  # fmt: skip
    write_tsv(HERE / "clinical.tsv", clinical, ["patient_id", "next_tki", "best_response"])
    truth_rows = []
    for sample in samples:
        sheet = sample["sheet"]
        base = {"sample_id": sheet["sample_id"], "patient_id": sheet["patient_id"],
                "sample_type": sheet["sample_type"], "tumor_purity": sheet["tumor_purity"],
                "simulated_depth": sample["fold"], "convention": sample["convention"].name,
                "mate_trap": ";".join(f"{t.chrom}:{t.pos} ({t.pairs} pairs)"
                                      for t in sample["spec"].traps)}  # fmt: skip
        for alteration in sample["truth"] or [{"alteration": "none"}]:
            truth_rows.append({column: "" for column in TRUTH_COLUMNS} | base | alteration)
    write_tsv(HERE / "truth.tsv", truth_rows, TRUTH_COLUMNS,
              "What each synthetic sample was simulated to carry (simulated_depth = ART fold coverage)")  # fmt: skip


if __name__ == "__main__":
    main()
