"""Naming an ALK fusion from its two DNA breakpoints: partner gene, exon pair, variant, frame.

A genomic breakpoint in an intron keeps whole exons on each side, so the fused transcript joins
the partner's last kept exon to ALK's first kept exon. The exon pair (``E13;A20``) follows, the
EML4-ALK variant name (``v1``) comes from the bundled naming table, and the frame follows from
the coding phase at the two exon ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alkres.knowledge.resources import read_resource_table
from alkres.knowledge.transcript import DEFAULT_RESOURCES_DIR, Exon, Transcript, load_exons

VARIANTS_FILE = "eml4_alk_variants.tsv"
PARTNERS_FILE = "fusion_partners.tsv"
VARIANT_NOTES_FILE = "fusion_variant_notes.tsv"


@dataclass(frozen=True)
class GeneLocation:
    """Where a position falls in a gene: ``intron`` n lies between exon n and exon n+1 in
    transcript order; ``exon`` n is inside exon n."""

    gene: str
    kind: str  # "intron" | "exon"
    number: int


def locate(exons: Sequence[Exon], strand: int, gene: str, pos: int) -> GeneLocation | None:
    """The exon or intron of ``pos`` in a gene with ``exons`` in transcript order, else None."""
    ordered = sorted(exons, key=lambda exon: exon.number)
    for exon in ordered:
        if exon.start <= pos <= exon.end:
            return GeneLocation(gene, "exon", exon.number)
    for before, after in zip(ordered, ordered[1:], strict=False):
        low, high = (before.end, after.start) if strand > 0 else (after.end, before.start)
        if low < pos < high:
            return GeneLocation(gene, "intron", before.number)
    return None


@dataclass(frozen=True)
class Partner:
    """A 5' partner gene with its exons and the c. number that anchors its coding frame."""

    gene: str
    strand: int
    exons: tuple[Exon, ...]
    cds_anchor_exon: int
    cds_anchor_c: int
    anchor_source: str

    @property
    def span(self) -> tuple[int, int]:
        return min(e.start for e in self.exons), max(e.end for e in self.exons)

    def exon_end_c(self, number: int) -> int:
        """c. number of the last base of exon ``number``, counted from the anchor exon (exons
        between the anchor and ``number`` taken as wholly coding)."""
        by_number = {exon.number: exon for exon in self.exons}
        c = self.cds_anchor_c
        if number >= self.cds_anchor_exon:
            for n in range(self.cds_anchor_exon + 1, number + 1):
                c += by_number[n].length
        else:
            for n in range(self.cds_anchor_exon, number, -1):
                c -= by_number[n].length
        return c


def load_partners(build: str, resources_dir: Path | None = None) -> list[Partner]:
    directory = DEFAULT_RESOURCES_DIR if resources_dir is None else Path(resources_dir)
    partners = []
    for row in read_resource_table(directory / PARTNERS_FILE):
        partners.append(
            Partner(
                gene=row["gene"],
                strand=1 if row["strand"] == "+" else -1,
                exons=load_exons(build, row["gene"], directory),
                cds_anchor_exon=int(row["cds_anchor_exon"]),
                cds_anchor_c=int(row["cds_anchor_c"]),
                anchor_source=row["anchor_source"],
            )
        )
    return partners


def load_variant_names(resources_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """EML4-ALK exon pair -> naming-table row (variant, share, sources)."""
    directory = DEFAULT_RESOURCES_DIR if resources_dir is None else Path(resources_dir)
    return {row["exon_pair"]: row for row in read_resource_table(directory / VARIANTS_FILE)}


def load_variant_notes(resources_dir: Path | None = None) -> dict[str, list[dict[str, str]]]:
    """Variant name -> sourced statements about resistance and outcome."""
    directory = DEFAULT_RESOURCES_DIR if resources_dir is None else Path(resources_dir)
    notes: dict[str, list[dict[str, str]]] = {}
    for row in read_resource_table(directory / VARIANT_NOTES_FILE):
        notes.setdefault(row["variant"], []).append(row)
    return notes


@dataclass(frozen=True)
class FusionType:
    """The name of a fusion as the report gives it."""

    partner: str  # gene symbol, or chrom:pos when the breakpoint is in no bundled gene
    exon_pair: str  # "E13;A20"; "" when either side is not intronic in a known gene
    variant: str  # "v1", "v3a/b", ...; "" when the exon pair has no name
    in_frame: str  # "yes" | "no" | "" (not determinable)
    productive: bool  # partner 5' part joined to ALK 3' part (the driver orientation)
    alk_location: GeneLocation | None
    partner_location: GeneLocation | None
    note: str

    @property
    def label(self) -> str:
        """``EML4-ALK E6;A20 (v3a/b)`` as in the alterations table."""
        name = f"{self.partner}-ALK" if self.productive else f"ALK-{self.partner} (reciprocal)"
        if self.exon_pair:
            name += f" {self.exon_pair}"
        if self.variant:
            name += f" ({self.variant})"
        return name


def alk_first_kept_exon(location: GeneLocation) -> int:
    """ALK exons kept by a 3' fusion whose ALK breakpoint is in ``location``: intron n (between
    exon n and n+1, minus strand) keeps exons n+1 onwards."""
    return location.number + 1 if location.kind == "intron" else location.number


def in_frame(partner: Partner, partner_exon: int, alk: Transcript, alk_exon: int) -> bool | None:
    """Whether joining the end of ``partner_exon`` to the start of ALK ``alk_exon`` keeps the
    reading frame (None if either exon has no coding bases to count from)."""
    alk_exon_row = next((e for e in alk.exons if e.number == alk_exon), None)
    if alk_exon_row is None or alk_exon_row.cds_start_c is None:
        return None
    if not any(e.number == partner_exon for e in partner.exons):
        return None
    partner_end_c = partner.exon_end_c(partner_exon)
    if partner_end_c < 1:
        return None
    # In frame when the partner's last base and ALK's base before its first kept one sit at the
    # same codon position.
    return partner_end_c % 3 == (alk_exon_row.cds_start_c - 1) % 3


def type_fusion(
    alk: Transcript,
    partners: Sequence[Partner],
    variant_names: dict[str, dict[str, str]],
    alk_pos: int,
    alk_side: str,
    partner_chrom: str,
    partner_pos: int,
    partner_side: str,
) -> FusionType:
    """Name a junction between ALK (breakpoint ``alk_pos``, keeping the ``alk_side`` "left" =
    positions <= pos or "right" = positions >= pos) and a partner breakpoint."""
    alk_location = locate(alk.exons, alk.strand, "ALK", alk_pos)
    partner = next(
        (
            p
            for p in partners
            if partner_chrom == alk.chrom and p.span[0] <= partner_pos <= p.span[1]
        ),
        None,
    )
    if partner is None:
        return FusionType(
            partner=f"{partner_chrom}:{partner_pos}",
            exon_pair="",
            variant="",
            in_frame="",
            productive=alk_side == ("left" if alk.strand < 0 else "right"),
            alk_location=alk_location,
            partner_location=None,
            note="partner breakpoint in no gene of the bundled partner table",
        )
    partner_location = locate(partner.exons, partner.strand, partner.gene, partner_pos)
    # The partner's 5' part and ALK's 3' part are kept in the driver fusion.
    alk_three_prime = "left" if alk.strand < 0 else "right"
    partner_five_prime = "left" if partner.strand > 0 else "right"
    productive = alk_side == alk_three_prime and partner_side == partner_five_prime
    notes = []
    exon_pair = variant = frame = ""
    if (
        alk_location is not None
        and partner_location is not None
        and alk_location.kind == partner_location.kind == "intron"
    ):
        partner_exon = partner_location.number
        alk_exon = alk_first_kept_exon(alk_location)
        if not productive:
            # The reciprocal junction keeps ALK's 5' part and the partner's 3' part.
            exon_pair = f"A{alk_location.number};E{partner_location.number + 1}"
        else:
            exon_pair = f"E{partner_exon};A{alk_exon}"
            named = variant_names.get(exon_pair) if partner.gene == "EML4" else None
            variant = named["variant"] if named else ""
            frame_ok = in_frame(partner, partner_exon, alk, alk_exon)
            frame = "" if frame_ok is None else ("yes" if frame_ok else "no")
            if frame == "no":
                notes.append(
                    "out of frame when whole exons are joined: the fused transcript needs"
                    " a cryptic splice site or a breakpoint inside an exon"
                )
    else:
        for location, gene in ((alk_location, "ALK"), (partner_location, partner.gene)):
            if location is not None and location.kind == "exon":
                notes.append(f"breakpoint inside {gene} exon {location.number}")
        exon_pair = ""
    return FusionType(
        partner=partner.gene,
        exon_pair=exon_pair,
        variant=variant,
        in_frame=frame,
        productive=productive,
        alk_location=alk_location,
        partner_location=partner_location,
        note="; ".join(notes),
    )
