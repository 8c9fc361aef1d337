"""One sample's fusion verdict: alkres's junctions named and thresholded, compared with the
structural-variant callers' calls, and the sample's fusion status for QC and the report."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pysam

from alkres.fusion.evidence import (
    CT_OF_SIDE,
    Evidence,
    FusionSettings,
    Junction,
    Window,
    breakpoint_window,
    call_junctions,
    calling_fragments,
    fragments_needed,
    gather_evidence,
)
from alkres.fusion.naming import load_partners, load_variant_names, locate, type_fusion
from alkres.io import atomic_output, log_to, reference_contig
from alkres.knowledge.transcript import Transcript, load_transcript
from alkres.tables import ALTERATION_COLUMNS, write_alterations, write_fusion_status, write_fusions

SIDE_OF_CT = {value: key for key, value in CT_OF_SIDE.items()}
# Reads in the window from which a BAM with duplicates marked would show some: fewer (a shallow
# library) and no duplicate flags say nothing about how the BAM was made.
DUPLICATE_NOTE_RECORDS = 5_000


@dataclass(frozen=True)
class CallerJunction:
    """A structural-variant caller's junction with one end in the ALK window."""

    caller: str
    alk_pos: int
    alk_side: str
    partner_chrom: str
    partner_pos: int
    partner_side: str
    passed: bool
    support: str


def read_caller_junctions(path: str | Path, caller: str, window: Window) -> list[CallerJunction]:
    """Junctions of a Delly-style VCF/BCF (INV, DEL, DUP, BND with CT, END or CHR2/POS2)."""
    junctions = []
    with pysam.VariantFile(str(path)) as vcf:
        for record in vcf:
            info = record.info
            svtype = info.get("SVTYPE", "")
            ends = [(record.chrom, record.pos)]
            if svtype == "BND" and "CHR2" in info and "POS2" in info:
                ends.append((info["CHR2"], int(info["POS2"])))
            elif "END" in info or record.stop:
                ends.append((info.get("CHR2", record.chrom), int(info.get("END", record.stop))))
            if len(ends) != 2 or "CT" not in info:
                continue
            first_ct, second_ct = str(info["CT"]).split("to")
            sides = (SIDE_OF_CT[first_ct], SIDE_OF_CT[second_ct])
            inside = [window.contains(chrom, pos) for chrom, pos in ends]
            if inside.count(True) != 1:
                continue
            alk, partner = (0, 1) if inside[0] else (1, 0)
            filters = list(record.filter.keys())
            support = ", ".join(
                f"{key}={info[key]}" for key in ("PE", "SR") if key in info and info[key]
            )
            junctions.append(
                CallerJunction(
                    caller, ends[alk][1], sides[alk], ends[partner][0], ends[partner][1],
                    sides[partner], passed=filters in ([], ["PASS"]), support=support,
                )
            )  # fmt: skip
    return junctions


NOT_RUN_KEY = "alkres_not_run"


def caller_not_run(path: str | Path) -> str:
    """Why a caller did not run, as its rule wrote in the VCF header ('' if it ran)."""
    with pysam.VariantFile(str(path)) as vcf:
        for record in vcf.header.records:
            if record.key == NOT_RUN_KEY:
                return str(record.value)
    return ""


def is_detection(verdict: str) -> bool:
    return verdict.startswith("detected")


def matches(junction: Junction, call: CallerJunction, distance: int) -> bool:
    return (
        call.alk_side == junction.alk_side
        and call.partner_side == junction.partner_side
        and call.partner_chrom == junction.partner_chrom
        and abs(call.alk_pos - junction.alk_pos) <= distance
        and abs(call.partner_pos - junction.partner_pos) <= distance
    )


def caller_verdict(call: CallerJunction | None) -> str:
    if call is None:
        return "not detected"
    return "detected" if call.passed else "detected (filtered)"


@dataclass
class SampleFusions:
    rows: list[dict]
    status: dict


def assess_sample(
    sample_id: str,
    sample_type: str,
    bam: str | Path,
    fasta: str | Path,
    alk: Transcript,
    settings: FusionSettings,
    caller_files: Mapping[str, str | Path],
) -> SampleFusions:
    """alkres's junctions and each caller's, the table rows and the sample's fusion status."""
    window = breakpoint_window(alk, settings.window_margin)
    partners = load_partners(alk.build)
    variant_names = load_variant_names()
    spans = [(alk.chrom, p.span[0] - 2_000, p.span[1] + 2_000) for p in partners]
    gene_span = (min(e.start for e in alk.exons), max(e.end for e in alk.exons))
    with (
        pysam.AlignmentFile(str(bam), reference_filename=str(fasta)) as alignment,
        pysam.FastaFile(str(fasta)) as reference,
    ):
        evidence = gather_evidence(alignment, reference, window, settings, spans, gene_span)
    junctions = evidence.junctions
    calls = {
        caller: read_caller_junctions(path, caller, window) for caller, path in caller_files.items()
    }
    not_run = {caller: caller_not_run(path) for caller, path in caller_files.items()}
    called, reciprocals = call_junctions(junctions, settings)
    rows, matched_calls, row_junctions = [], set(), []
    for index, junction in enumerate(junctions):
        if not calling_fragments(junction):
            continue  # no uniquely placed support: ambiguous evidence names no partner
        reciprocal = reciprocals.get(index)
        fusion = type_fusion(
            alk, partners, variant_names, junction.alk_pos, junction.alk_side,
            junction.partner_chrom, junction.partner_pos, junction.partner_side,
        )  # fmt: skip
        verdicts = {}
        for caller, caller_calls in calls.items():
            if not_run[caller]:
                verdicts[caller] = f"not run ({not_run[caller]})"
                continue
            hit = next(
                (c for c in caller_calls if matches(junction, c, settings.caller_match_distance)),
                None,
            )
            if hit is not None:
                matched_calls.add((caller, hit))
            verdicts[caller] = caller_verdict(hit)
        seen_by_a_caller = any(is_detection(v) for v in verdicts.values())
        if not called[index] and not seen_by_a_caller and sample_type != "normal":
            continue  # below-threshold evidence of a tumour stays in the status counts
        row = fusion_row(sample_id, junction, fusion, called[index], reciprocal, verdicts)
        rows.append(row)
        row_junctions.append((row, junction, fusion.productive))
    # One event, one row: a reciprocal junction is shown in the row of its driver junction.
    drivers = [(row, j) for row, j, productive in row_junctions if productive]
    folded = {
        id(row)
        for row, junction, productive in row_junctions
        if not productive
        and any(
            is_reciprocal(junction.alk_side, junction.partner_side, junction.partner_chrom,
                          junction.alk_pos, junction.partner_pos, driver,
                          settings.cluster_distance)
            for _, driver in drivers
        )
    }  # fmt: skip
    rows = [row for row in rows if id(row) not in folded]
    reach = evidence.collected.fragment_length
    set_aside: dict = {}  # artefact locus -> caller -> junctions the caller calls there
    for caller, caller_calls in calls.items():
        for call in caller_calls:
            if (caller, call) in matched_calls:
                continue
            host = next(
                (
                    row
                    for row in rows
                    if row["partner_chrom"] == call.partner_chrom
                    and is_reciprocal_of_row(call, row, settings.cluster_distance)
                ),
                None,
            )
            if host is not None:
                host["reciprocal_seen"] = "yes"  # the other junction of an event already shown
                continue
            artefact = next(
                (
                    a
                    for a in evidence.artefacts
                    if a.chrom == call.partner_chrom and abs(a.pos - call.partner_pos) <= 2 * reach
                ),
                None,
            )
            if artefact is not None:
                # A caller's junction to an artefact locus is the artefact: counted, no row.
                set_aside.setdefault(artefact, Counter())[caller] += 1
                continue
            rows.append(caller_only_row(sample_id, alk, partners, variant_names, call, calls))
    status = sample_status(
        sample_id, sample_type, evidence, called, window, settings, rows, alk, set_aside
    )
    return SampleFusions(rows, status)


OPPOSITE = {"left": "right", "right": "left"}


def is_reciprocal(alk_side, partner_side, partner_chrom, alk_pos, partner_pos, other, distance):
    """Whether a junction is the other junction of ``other``'s balanced inversion."""
    return (
        other.alk_side == OPPOSITE[alk_side]
        and other.partner_side == OPPOSITE[partner_side]
        and other.partner_chrom == partner_chrom
        and abs(other.alk_pos - alk_pos) <= distance
        and abs(other.partner_pos - partner_pos) <= distance
    )


def is_reciprocal_of_row(call: CallerJunction, row: Mapping, distance: int) -> bool:
    """Whether a caller's junction is the reciprocal of the junction a row shows."""
    sides = dict(zip(("alk_side", "partner_side"), row["orientation"].split("to"), strict=True))
    sides = {key: SIDE_OF_CT.get(value) for key, value in sides.items()}
    if None in sides.values():
        return False
    shown = CallerJunction("", int(row["alk_pos"]), sides["alk_side"], row["partner_chrom"],
                           int(row["partner_pos"]), sides["partner_side"], True, "")  # fmt: skip
    return is_reciprocal(call.alk_side, call.partner_side, call.partner_chrom, call.alk_pos,
                         call.partner_pos, shown, distance)  # fmt: skip


def fusion_row(sample_id, junction, fusion, called, reciprocal, verdicts) -> dict:
    alkres = "detected" if called else "below threshold"
    disagreements = [
        c for c, v in verdicts.items() if not v.startswith("not run") and is_detection(v) != called
    ]
    return {
        "sample_id": sample_id,
        "fusion": fusion.label,
        "partner": fusion.partner,
        "exon_pair": fusion.exon_pair,
        "variant": fusion.variant,
        "in_frame": fusion.in_frame,
        "orientation": junction.orientation,
        "alk_chrom": junction.alk_chrom,
        "alk_pos": junction.alk_pos,
        "partner_chrom": junction.partner_chrom,
        "partner_pos": junction.partner_pos,
        "precise": "yes" if junction.precise else "no (discordant pairs only)",
        "split_fragments": len(junction.split_fragments),
        "discordant_fragments": len(junction.discordant_fragments),
        "ambiguous_fragments": len(junction.ambiguous_fragments),
        "supporting_fragments": junction.supporting_fragments,
        "spanning_fragments": junction.spanning_fragments,
        "fraction": f"{junction.fraction:.4f}",
        "reciprocal_seen": "yes" if reciprocal is not None else "no",
        "reciprocal_fragments": reciprocal.supporting_fragments if reciprocal else 0,
        "alkres": alkres,
        "callers": "; ".join(f"{caller}: {verdict}" for caller, verdict in verdicts.items()),
        "agreement": "disagree: " + ", ".join(disagreements) if disagreements else "agree",
        "note": fusion.note,
    }


def caller_only_row(sample_id, alk, partners, variant_names, call, calls) -> dict:
    fusion = type_fusion(
        alk, partners, variant_names, call.alk_pos, call.alk_side, call.partner_chrom,
        call.partner_pos, call.partner_side,
    )  # fmt: skip
    verdicts = {
        caller: caller_verdict(call) if caller == call.caller else "not detected"
        for caller in calls
    }
    return {
        "sample_id": sample_id, "fusion": fusion.label, "partner": fusion.partner,
        "exon_pair": fusion.exon_pair, "variant": fusion.variant, "in_frame": fusion.in_frame,
        "orientation": f"{CT_OF_SIDE[call.alk_side]}to{CT_OF_SIDE[call.partner_side]}",
        "alk_chrom": alk.chrom, "alk_pos": call.alk_pos, "partner_chrom": call.partner_chrom,
        "partner_pos": call.partner_pos, "precise": "", "split_fragments": 0,
        "discordant_fragments": 0, "ambiguous_fragments": 0, "supporting_fragments": 0,
        "spanning_fragments": "", "fraction": "", "reciprocal_seen": "", "reciprocal_fragments": "",
        "alkres": "not detected",
        "callers": "; ".join(f"{caller}: {verdict}" for caller, verdict in verdicts.items()),
        "agreement": f"disagree: {call.caller}" + (f" ({call.support})" if call.support else ""),
        "note": fusion.note,
    }  # fmt: skip


def sample_status(
    sample_id: str,
    sample_type: str,
    evidence: Evidence,
    called: Sequence[bool],
    window: Window,
    settings: FusionSettings,
    rows: Sequence[dict],
    alk: Transcript | None = None,
    set_aside: Mapping | None = None,
) -> dict:
    """Detected / ALK breakpoint without a placed partner / not detected (with power) / not
    assessable, the QC flags (warnings) and notes (how the reads were read: aligner
    conventions, duplicates, mapping artefacts)."""
    collected, junctions = evidence.collected, evidence.junctions
    depth = collected.median_spanning(
        window.intron_start, window.intron_end, step=25, anchor=settings.span_anchor
    )
    needed = fragments_needed(
        settings.limit_fraction, settings.min_supporting_fragments, settings.required_power
    )
    flags, notes = [], []
    counted = [j for j in junctions if calling_fragments(j)]
    evidence_fragments = sum(len(calling_fragments(j)) for j in counted)
    detected = [r for r in rows if r["alkres"] == "detected" and r["fusion"]]
    # ALK breakpoints whose partner was never placed, away from any detected junction (near
    # one, they are reads of that junction whose partner side the aligner could not place).
    reach = collected.fragment_length
    minimum = settings.min_supporting_fragments
    unplaced = [
        j
        for j in junctions
        if not j.partner_placed
        and len(j.aligned_fragments) >= minimum
        and not any(abs(int(r["alk_pos"]) - j.alk_pos) <= reach for r in detected)
    ]
    # A precise ALK breakpoint whose partner side sits in a repeat but reached unique sequence in
    # fewer fragments than a call needs: its partner is not named, yet the breakpoint is there.
    weakly_placed = [
        j
        for j in junctions
        if j.partner_placed
        and j.precise
        and len(calling_fragments(j)) < minimum
        and len(j.split_fragments) >= minimum
        and not any(abs(int(r["alk_pos"]) - j.alk_pos) <= reach for r in detected)
    ]
    if sample_type == "normal":
        status = (
            "fusion evidence in a normal" if evidence_fragments else "no fusion evidence (normal)"
        )
        if evidence_fragments:
            flags.append(
                f"fusion evidence in a normal: {evidence_fragments} fragment(s) at "
                + ", ".join(
                    f"{j.partner_chrom}:{j.partner_pos}"
                    if j.partner_placed
                    else "an unplaced partner"
                    for j in counted
                )
            )
    elif detected:
        status = "detected"
    elif unplaced or weakly_placed:
        candidates = [(len(j.aligned_fragments), j, "") for j in unplaced] + [
            (
                len(j.split_fragments),
                j,
                f"; {len(calling_fragments(j))} placed uniquely, at"
                f" {j.partner_chrom}:{j.partner_pos}, fewer than the {minimum} a call needs",
            )
            for j in weakly_placed
        ]
        count, best, placed = max(candidates, key=lambda c: c[0])
        status = (
            f"ALK breakpoint without a placed partner: {count} fragments"
            f" clipped at {best.alk_chrom}:{best.alk_pos}, their partner side in a repeat"
            f" (several places{placed}), to be confirmed by RNA or FISH"
        )
        flags.append(status)
    elif depth >= needed:
        status = "fusion not detected: tumour content may be too low for a confident negative"
        flags.append(status)
    else:
        status = (
            f"fusion not assessable: {depth} fragments span ALK intron 19, fewer than the"
            f" {needed} needed to see a fusion at {settings.limit_fraction:.0%}"
        )
        flags.append(status)
    if collected.split_records == 0 and collected.clips:
        flags.append(
            "no split alignments near ALK intron 19 (no supplementary or secondary parts with"
            " an SA tag): split reads come from soft clips"
        )
    if collected.secondary_split_records:
        notes.append(
            f"{collected.secondary_split_records} split part(s) flagged secondary (bwa mem -M)"
            " counted as split reads"
        )
    if collected.records and not collected.mate_tags:
        notes.append("no MC/MQ tags: each mate's placement and mapping quality read from the mate")
    if collected.records >= DUPLICATE_NOTE_RECORDS and not collected.duplicates_skipped:
        kind = (
            f"UMI tags ({', '.join(sorted(collected.umi_tags))})"
            if collected.umi_tags
            else "no UMI tags"
        )
        notes.append(
            f"no duplicate flags near ALK intron 19, {kind}: each read pair counts as one"
            " molecule, as for UMI-collapsed or deduplicated reads"
        )
    for artefact in evidence.artefacts:
        calls = (set_aside or {}).get(artefact, {})
        tail = "".join(
            f" ({caller} calls {n} junction(s) there, set aside)" for caller, n in calls.items()
        )
        notes.append(artefact.describe(alk) + tail)
    for junction in unplaced:
        location = locate(alk.exons, alk.strand, "ALK", junction.alk_pos) if alk else None
        where = f" (ALK {location.kind} {location.number})" if location else ""
        notes.append(
            f"{len(junction.aligned_fragments)} fragment(s) clipped at {junction.alk_chrom}:"
            f"{junction.alk_pos}{where} with the same partner bases, which map to several places"
            " (a repeat): no partner named, not called"
        )
    return {
        "sample_id": sample_id,
        "sample_type": sample_type,
        "status": status,
        "fusions": [r["fusion"] for r in detected],
        "intron19_spanning_fragments": depth,
        "fragments_needed": needed,
        "limit_fraction": settings.limit_fraction,
        "supporting_fragments_total": evidence_fragments,
        "fragment_length": collected.fragment_length,
        "split_records": collected.split_records,
        "supplementary_records": collected.supplementary_records,
        "secondary_split_records": collected.secondary_split_records,
        "soft_clips": len(collected.clips),
        "adapter_clips": collected.adapter_clips,
        "duplicates_skipped": collected.duplicates_skipped,
        "mate_tags": sorted(collected.mate_tags),
        "umi_tags": sorted(collected.umi_tags),
        "ambiguous_pairs_unjoined": evidence.unjoined_ambiguous,
        "artefacts": [
            {
                "locus": f"{a.chrom}:{a.pos}",
                "window_pairs": a.window_pairs,
                "stacked_mates": a.stacked,
                "window_span": a.window_span,
                "gene_pairs": a.gene_pairs,
            }
            for a in evidence.artefacts
        ],  # fmt: skip
        "flags": flags,
        "notes": notes,
    }


def alteration_rows(patient_id: str, rows: Sequence[dict]) -> list[dict]:
    """The alterations-table rows of the fusions alkres detected (classification driver)."""
    out = []
    for row in rows:
        if row["alkres"] != "detected":
            continue
        detail = (
            f"split {row['split_fragments']}, discordant {row['discordant_fragments']} fragments;"
            f" partner {row['partner_chrom']}:{row['partner_pos']} ({row['orientation']});"
            f" reciprocal {'seen' if row['reciprocal_seen'] == 'yes' else 'not seen'};"
            f" in frame: {row['in_frame'] or 'unknown'}; {row['callers']}"
        )
        out.append(
            {column: "" for column in ALTERATION_COLUMNS}
            | {
                "patient_id": patient_id, "sample_id": row["sample_id"], "gene": "ALK",
                "alteration": row["fusion"], "type": "fusion", "chrom": row["alk_chrom"],
                "pos": row["alk_pos"], "depth": row["spanning_fragments"] + row["supporting_fragments"],
                "alt_count": row["supporting_fragments"],
                "vaf": row["fraction"], "classification": "driver",
                "callers": ",".join(["alkres_fusion", *confirming_callers(row)]),
                "detail": detail,
            }
        )  # fmt: skip
    return out


def confirming_callers(row: Mapping) -> list[str]:
    """Callers whose verdict in a fusion row is a detection."""
    verdicts = (item.split(": ", 1) for item in row["callers"].split("; ") if item)
    return [caller for caller, verdict in verdicts if is_detection(verdict)]


def main(snakemake) -> None:
    """Rule fusion_calls: the fusion table, the status (QC and reports) and the alteration rows."""
    log_to(snakemake.log[0])
    alk = load_transcript(
        snakemake.params.build, "ALK", chrom=reference_contig(snakemake.input.fai)
    )
    result = assess_sample(
        snakemake.wildcards.sample,
        snakemake.params.sample_type,
        snakemake.input.bam,
        snakemake.input.fasta,
        alk,
        FusionSettings.from_config(snakemake.params.settings),
        dict(zip(snakemake.params.callers, snakemake.input.caller_vcfs, strict=True)),
    )
    for flag in result.status["flags"]:
        print(f"{snakemake.wildcards.sample}: {flag}", file=sys.stderr)
    with atomic_output(snakemake.output.fusions) as path:
        write_fusions(path, result.rows)
    with atomic_output(snakemake.output.alterations) as path:
        write_alterations(path, alteration_rows(snakemake.params.patient_id, result.rows))
    with atomic_output(snakemake.output.status) as path:
        write_fusion_status(path, result.status)
