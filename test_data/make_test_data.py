#!/usr/bin/env python3
"""Regenerate the bundled synthetic cohort in test_data/ (deterministic: fixed seeds).

    python test_data/make_test_data.py            # everything
    python test_data/make_test_data.py --only P01_T1

Needs art_illumina, bwa and samtools on PATH (Debian: art-nextgen-simulation-tools, bwa,
samtools). Writes the reference (bgzip FASTA), the panel BED, one BAM per sample, the sample
and clinical sheets and the truth table. The bwa index is kept in test_data/.build/ (not
committed) so that re-running for one sample is quick; it is rebuilt when the reference changes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
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

from alkres.knowledge.transcript import Exon, load_exons, load_transcript, translate  # noqa: E402
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


TRUTH_COLUMNS = ["sample_id", "patient_id", "sample_type", "tumor_purity", "simulated_depth",
                 "alteration", "type", "hgvs_c", "chrom", "pos", "end", "ref", "alt", "vaf",
                 "copy_number", "phase", "note", "partner_gene", "partner_chrom", "partner_pos",
                 "exon_pair", "variant", "reciprocal", "convention", "mate_trap"]  # fmt: skip


def small_variant(
    alteration: str, hgvs_c: str, variant: Variant, vaf: float, phase: str = ""
) -> dict:
    """A truth row for an SNV, MNV or indel (ALK, NM_004304.5)."""
    kind = "snv" if len(variant.ref) == len(variant.alt) == 1 else (
        "mnv" if len(variant.ref) == len(variant.alt) else "indel")  # fmt: skip
    return {"alteration": alteration, "type": kind, "hgvs_c": hgvs_c, "chrom": variant.chrom,
            "pos": variant.pos, "end": variant.pos + len(variant.ref) - 1, "ref": variant.ref,
            "alt": variant.alt, "vaf": vaf, "phase": phase}  # fmt: skip


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
    truth = {"alteration": f"EML4-ALK {exon_pair} ({variant})", "type": "fusion", "chrom": CHROM,
             "pos": alk_break, "end": alk_break, "vaf": round(fusion_fraction(fusion), 4),
             "copy_number": "" if copy_number is None else copy_number, "note": note,
             "partner_gene": "EML4", "partner_chrom": CHROM, "partner_pos": eml4_break,
             "exon_pair": exon_pair, "variant": variant,
             "reciprocal": "yes" if reciprocal else "no"}  # fmt: skip
    return fusion, truth


def cohort_specs(alk) -> tuple[list[dict], list[dict]]:
    """The synthetic cohort: sample-sheet rows with their simulation spec, and clinical rows."""
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
        return {"alteration": "amplification", "type": "amplification", "chrom": CHROM,
                "pos": alk_3prime_start, "end": end, "copy_number": copy_number,
                "note": "ALK exons 20-29 (3' part, from mid-intron 19)"}  # fmt: skip

    def amplified_3prime(alk_break, copy_number, purity):
        # The amplified unit of a fusion is its ALK 3' part (exons 20-29), up to its breakpoint.
        return (CHROM, alk_3prime_start, alk_break,
                amplification_multiplier(copy_number, purity))  # fmt: skip

    amp_cn, amp_purity = 10, 0.6
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
    """ALK (exon 1 first, then intron 19 before exon 20), EML4 (exon 1 first), then controls."""

    def key(target: Target) -> tuple:
        gene, _, part = target.name.partition("_")
        if gene == "ALK":
            number = 19.5 if part == "intron19" else int(part.removeprefix("exon"))
            return (0, number)
        if gene == "EML4":
            return (1, int(part.removeprefix("exon")))
        return (2, target.start)

    return sorted(targets, key=key)


def write_tsv(path: Path, rows: list[dict], header: list[str], comment: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        if comment:
            handle.write(f"# {comment}\n")
        writer = csv.DictWriter(handle, fieldnames=header, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_reference(reference: bytearray, build_dir: Path) -> Path:
    """bgzip FASTA + .fai + .gzi in test_data/reference, plain copy + bwa index in build_dir.

    The index is rebuilt when the reference differs from the one it was built from (a checksum
    beside it), since bwa would otherwise align to stale sequence without complaint.
    """
    build_dir.mkdir(parents=True, exist_ok=True)
    plain = build_dir / "reference.fa"
    write_fasta(plain, [(CHROM, reference)])
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    with open(REFERENCE, "wb") as out:
        subprocess.run(["bgzip", "-c", "-@", "2", str(plain)], check=True, stdout=out)
    subprocess.run(["samtools", "faidx", str(REFERENCE)], check=True)
    subprocess.run(["samtools", "faidx", str(plain)], check=True)
    checksum = hashlib.sha256(reference).hexdigest()
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
    targets = sorted(alk_targets() + eml4_targets() + control_targets(), key=lambda t: t.start)
    islands = merge_targets_into_islands(targets)
    reference = build_reference(islands, [alk], GRCH38_CHR2_LENGTH, seed=stable_seed("reference"),
                                sequence_only=sequence_only_regions(),
                                copies=repeat_copies())  # fmt: skip
    plain_reference = write_reference(reference, BUILD_DIR)

    # As vendors ship panel BEDs: gene by gene, each gene's targets in transcript order (ALK,
    # on the minus strand, from exon 1 at the highest position down). alkres sorts it.
    PANEL_BED.parent.mkdir(parents=True, exist_ok=True)
    with open(PANEL_BED, "w") as bed:
        for target in panel_order(targets):
            bed.write(f"{target.chrom}\t{target.start - 1}\t{target.end}\t{target.name}\n")

    samples, clinical = cohort_specs(alk)
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
