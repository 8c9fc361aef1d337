"""Build resources/gene_transcripts.tsv: the coding exons of the MANE Select transcripts of the
off-target (bypass) genes and TP53, on GRCh38 and GRCh37, from the verbatim source rows kept in
resources/genes/sources/.

Sources (each file's rows copied verbatim):
- refGene_hg38_rows.txt, refGene_hg19_rows.txt: UCSC refGene tables as committed in
  github:vladsavelyev/bed_annotation@3c3edae3742ea023440ecb0ccce05284b1c53032
  (bed_annotation/refseq/hg38/refGene.txt.gz and bed_annotation/refseq/hg19/refGene.txt.gz;
  the hg19 file last changed 2018-08-22). UCSC coordinates: 0-based, half-open.
- MANE_v1.4_rows.tsv: NCBI MANE v1.4 summary, as committed in
  github:j-jamshidi/bed_annot@fee302305c89bf1a2c577322515fb0d634343e5f:MANE.GRCh38.v1.4.summary.txt
  (transcript and protein accessions with versions).
- CCDS_GRCh38_rows.tsv: NCBI CCDS.current.txt rows, as committed in
  github:NadiaPrasetyo/IRES_scan@2a7703bac4d890866309a465c1c2b8027f17fbcc:data/CCDS.current.txt
  (0-based, both ends inclusive): a second source the GRCh38 coding exons must equal.

refGene rows carry no accession version: the UTR ends of their exons can differ from the MANE
versions, but their coding parts must equal the CCDS, and the two builds' coding exons must have
the same lengths in the same order. Only the coding part of each exon is written (c. numbering,
codons and splice sites of internal exons are exact; the UTR ends of the first and last coding
exons are not kept). The build stops, writing nothing, if any check fails.

Usage: python resources/build_gene_transcripts.py [-o resources/gene_transcripts.tsv]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent
SOURCES = RESOURCES / "genes" / "sources"
PROTEINS = RESOURCES / "genes" / "proteins"
OUTPUT = RESOURCES / "gene_transcripts.tsv"
REFGENE_SOURCE = "UCSC refGene {build} via github:vladsavelyev/bed_annotation@3c3edae3742ea023440ecb0ccce05284b1c53032"
# Gene -> UniProt protein file (the MANE protein; KRAS NM_004985 encodes K-Ras4B, P01116-2).
PROTEIN_FILES = {
    "MET": "MET_P08581.fa", "KRAS": "KRAS4B_P01116-2.fa", "NRAS": "NRAS_P01111.fa",
    "BRAF": "BRAF_P15056.fa", "MAP2K1": "MAP2K1_Q02750.fa", "PIK3CA": "PIK3CA_P42336.fa",
    "EGFR": "EGFR_P00533.fa", "KIT": "KIT_P10721.fa", "NF2": "NF2_P35240.fa",
    "TP53": "TP53_P04637.fa",
}  # fmt: skip
COLUMNS = [
    "gene", "refseq", "ensembl", "uniprot", "chrom", "strand", "exon", "grch38_start",
    "grch38_end", "grch37_start", "grch37_end", "cds_start_c", "cds_end_c", "source",
]  # fmt: skip
REFGENE_COLUMNS = [
    "bin", "name", "chrom", "strand", "txStart", "txEnd", "cdsStart", "cdsEnd", "exonCount",
    "exonStarts", "exonEnds", "score", "name2", "cdsStartStat", "cdsEndStat", "exonFrames",
]  # fmt: skip


@dataclass(frozen=True)
class Segment:
    """The coding part of one exon, 1-based inclusive, with its exon number (5' to 3')."""

    exon: int
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def read_refgene(path: Path) -> dict[str, dict[str, str]]:
    """refGene rows by accession (without version)."""
    with path.open(newline="") as handle:
        rows = csv.DictReader(handle, fieldnames=REFGENE_COLUMNS, delimiter="\t")
        return {row["name"]: row for row in rows}


def coding_segments(row: dict[str, str]) -> list[Segment]:
    """Coding parts of the exons of one refGene row, in transcript (5' to 3') order."""
    starts = [int(x) for x in row["exonStarts"].strip(",").split(",")]
    ends = [int(x) for x in row["exonEnds"].strip(",").split(",")]
    cds_start, cds_end = int(row["cdsStart"]), int(row["cdsEnd"])
    count = len(starts)
    segments = []
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        low, high = max(start, cds_start), min(end, cds_end)
        if low < high:
            number = index + 1 if row["strand"] == "+" else count - index
            segments.append(Segment(number, low + 1, high))
    return segments if row["strand"] == "+" else segments[::-1]


def read_mane(path: Path) -> dict[str, dict[str, str]]:
    """MANE Select rows by gene symbol."""
    with path.open(newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["symbol"]: row for row in rows if row["MANE_status"] == "MANE Select"}


def read_ccds(path: Path) -> dict[str, list[tuple[int, int]]]:
    """CCDS coding segments (1-based inclusive) by CCDS id."""
    segments = {}
    with path.open() as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            pairs = re.findall(r"(\d+)-(\d+)", fields[9])
            segments[fields[4]] = [(int(a) + 1, int(b) + 1) for a, b in pairs]
    return segments


def protein_length(gene: str) -> tuple[str, int]:
    lines = (PROTEINS / PROTEIN_FILES[gene]).read_text().splitlines()
    accession = lines[0][1:].split()[0].split("|")[1 if lines[0].startswith(">sp|") else 0]
    return accession, len("".join(lines[1:]).strip())


def build() -> list[dict[str, str]]:
    """Rows of gene_transcripts.tsv; ValueError naming the gene and check that fails."""
    hg38 = read_refgene(SOURCES / "refGene_hg38_rows.txt")
    hg19 = read_refgene(SOURCES / "refGene_hg19_rows.txt")
    mane = read_mane(SOURCES / "MANE_v1.4_rows.tsv")
    ccds = read_ccds(SOURCES / "CCDS_GRCh38_rows.tsv")
    rows = []
    for gene in PROTEIN_FILES:
        select = mane[gene]
        accession = select["RefSeq_nuc"].split(".")[0]
        new, old = hg38[accession], hg19[accession]
        segments38, segments37 = coding_segments(new), coding_segments(old)
        lengths38 = [s.length for s in segments38]
        if lengths38 != [s.length for s in segments37]:
            raise ValueError(f"{gene}: GRCh38 and GRCh37 coding exon lengths differ")
        matching = [
            name for name, parts in ccds.items()
            if sorted(parts) == sorted((s.start, s.end) for s in segments38)
        ]  # fmt: skip
        if not matching:
            raise ValueError(f"{gene}: GRCh38 coding exons match no CCDS row")
        uniprot, length = protein_length(gene)
        if sum(lengths38) != 3 * (length + 1):
            raise ValueError(f"{gene}: CDS {sum(lengths38)} nt is not 3 x ({length} aa + stop)")
        if new["chrom"] != old["chrom"] or new["strand"] != old["strand"]:
            raise ValueError(f"{gene}: chromosome or strand differs between the builds")
        c = 1
        for seg38, seg37 in zip(segments38, segments37, strict=True):
            rows.append({
                "gene": gene, "refseq": select["RefSeq_nuc"], "ensembl": select["Ensembl_nuc"],
                "uniprot": uniprot, "chrom": new["chrom"], "strand": new["strand"],
                "exon": str(seg38.exon), "grch38_start": str(seg38.start),
                "grch38_end": str(seg38.end), "grch37_start": str(seg37.start),
                "grch37_end": str(seg37.end), "cds_start_c": str(c),
                "cds_end_c": str(c + seg38.length - 1),
                "source": f"{REFGENE_SOURCE.format(build='hg38/hg19')}; MANE v1.4; "
                f"{matching[0]} (NCBI CCDS, GRCh38)",
            })  # fmt: skip
            c += seg38.length
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    try:
        rows = build()
    except (KeyError, ValueError) as error:
        print(f"nothing written: {error}", file=sys.stderr)
        return 1
    with args.output.open("w", newline="") as handle:
        handle.write(
            "# Coding exons of the MANE Select transcripts of the bypass genes and TP53 "
            "(GRCh38 and GRCh37, 1-based inclusive, coding part only, stop codon included). "
            "Built by resources/build_gene_transcripts.py from resources/genes/sources/ "
            "(see resources/README.md); do not edit by hand.\n"
        )
        writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} coding exons of {len(PROTEIN_FILES)} genes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
