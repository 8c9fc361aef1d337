"""The per-patient resistance report (JSON + self-contained HTML) and the cohort report.

The JSON is the report: the HTML is rendered from it (plus figures), so what a clinician
reads and what another system reads cannot disagree. Values of the cohort tables are copied
as written there (strings), which keeps every number traceable to alterations.tsv,
hotspots.tsv and the fusion stage's fusions.tsv and status.json. HTML is rendered by Jinja2 with autoescaping: text from the sheets is shown as
text, never as markup.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup

from alkres.cohort import (
    CONFIDENT_NEGATIVE,
    FUSION_NOT_DETECTED,
    INCONCLUSIVE,
    MECHANISM,
    METRIC_LABELS,
    Biopsy,
    FollowUp,
    Interpretation,
    interpret,
    mechanism_labels,
    mutation_units,
)
from alkres.fusion_types import load_variant_names, load_variant_notes
from alkres.knowledge import KnowledgeBase

TEMPLATES = Path(__file__).resolve().parent / "templates"
REPORT_SCHEMA = "alkres-patient-report/1"
DECISION_SUPPORT = (
    "Decision support, not a prescription: the activity of each TKI is what the cited sources "
    "report for the detected ALK alterations. The choice of treatment rests with the treating "
    "physician and the tumour board, with the full clinical picture."
)
ALTERATION_FIELDS = [
    "alteration", "hgvs_p", "hgvs_c", "type", "chrom", "pos", "ref", "alt", "depth",
    "alt_count", "vaf", "copy_number", "phase_set", "phase", "classification", "callers",
    "detail",
]  # fmt: skip
HOTSPOT_FIELDS = ["codon", "depth", "status", "detail", "lod_vaf"]
FUSION_FIELDS = [
    "fusion", "partner", "exon_pair", "variant", "in_frame", "orientation", "precise",
    "split_fragments", "discordant_fragments", "ambiguous_fragments", "supporting_fragments", "spanning_fragments",
    "fraction", "reciprocal_seen", "reciprocal_fragments", "alkres", "agreement", "note",
]  # fmt: skip
FUSION_STATUS_FIELDS = [
    "status", "intron19_spanning_fragments", "fragments_needed", "limit_fraction",
    "supporting_fragments_total", "flags", "notes",
]  # fmt: skip
NOT_SEEN = (
    "An ALK-rearranged tumour's DNA carries its fusion, and this sample had enough fragments "
    "across ALK intron 19 to show one, yet none was seen: the sample may hold little tumour "
    "DNA (or the ALK breakpoint lies outside intron 19, where alkres looks). "
)
NEGATIVE_CAVEAT = (
    NOT_SEEN + "This weakens a negative mutation result of this biopsy: a resistance mutation "
    "could be missed for the same reason, so the biopsy is inconclusive, not a confident negative."
)
# With a mutation found there is no negative result to weaken, only the other codons' calls.
MUTATION_CAVEAT = (
    NOT_SEEN + "The mutations detected stand, but this weakens a negative mutation result at "
    "the other codons: a further resistance mutation could be missed for the same reason."
)
# What a DNA breakpoint cannot separate: names that cover two RNA isoforms of one exon pair.
ISOFORM_NOTES = {
    "v3a/b": {
        "statement": (
            "DNA cannot tell v3a from v3b: the two differ only by EML4's cryptic 33-bp exon 6b "
            "and are found together in the same samples, so a DNA breakpoint gives v3a/b."
        ),
        "source": "Nagasaka & Ou, J Thorac Oncol 2021 (doi 10.1016/j.jtho.2021.11.010)",
    },
}
ISOFORM_SOURCE = "DNAfusion find_variants() table (CTrierMaansson/DNAfusion)"
NAMING_NOTE = {
    "statement": (
        'EML4-ALK variant names differ between sources (E14;A20 is "variant 4" in Clin '
        "Cancer Res 2008 and v7 in the DNAfusion table; E15;A20 is v4 there), so the exon pair "
        "is given first and the name second."
    ),
    "source": (
        "Clin Cancer Res 2008;14(20):6618; DNAfusion find_variants() table, after Zhang et al., "
        "Lung Cancer 2021 (doi 10.1016/j.lungcan.2021.06.012)"
    ),
}
CODON = re.compile(r"^[A-Z](\d+)(?:del|dup)?$")


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["percent"] = _percent
    environment.filters["label"] = lambda text: str(text).replace("_", " ")
    environment.filters["without_notes"] = without_notes
    return environment


def without_notes(reasons: str | None) -> str:
    """QC reasons without the ``note:`` ones (how the reads were read), which the fusion
    section shows: the biopsy table keeps what changes a verdict."""
    parts = [
        part for part in str(reasons or "").split("; ") if part and not part.startswith("note:")
    ]
    return "; ".join(parts)


def _percent(value: str | float | None, digits: int = 1) -> str:
    if value in (None, ""):
        return ""
    return f"{100 * float(value):.{digits}f}%"


def conclusion_text(biopsy: Biopsy) -> str:
    if biopsy.status == MECHANISM:
        return "Resistance mechanism detected: " + ", ".join(mechanism_labels(biopsy)) + "."
    if biopsy.status == CONFIDENT_NEGATIVE:
        return (
            "No resistance mechanism detected; a confident negative: every catalogued codon is "
            "wild type at the required power and ALK copy number was assessed."
        )
    return (
        "No resistance mechanism detected, but the result is inconclusive: "
        + "; ".join(biopsy.reasons)
        + ". A mechanism cannot be ruled out."
    )


def biopsy_section(
    biopsy: Biopsy,
    variant_notes: Mapping[str, list] | None = None,
    variant_names: Mapping[str, Mapping] | None = None,
) -> dict:
    def pick(row: Mapping, fields: Sequence[str]) -> dict:
        return {name: row.get(name, "") for name in fields}

    return {
        "sample_id": biopsy.sample_id,
        "collection_date": biopsy.collection_date,
        "specimen": biopsy.specimen,
        "prior_tkis": biopsy.prior_tkis,
        "n_prior_tkis": biopsy.n_prior_tkis,
        "progressed_on": biopsy.progressed_on,
        "tumor_purity": biopsy.tumor_purity,
        "qc": {"verdict": biopsy.qc_verdict, "reasons": biopsy.qc_reasons},
        "alk_alterations": [pick(row, ALTERATION_FIELDS) for row in biopsy.mutations]
        + [pick(row, ALTERATION_FIELDS) for row in biopsy.amplifications],
        "compound_units": [unit for unit in mutation_units(biopsy.mutations) if len(unit) > 1],
        "bypass_alterations": [pick(row, ["gene", *ALTERATION_FIELDS]) for row in biopsy.bypass],
        "other_variants": [pick(row, ALTERATION_FIELDS) for row in biopsy.other_variants],
        "hotspots": [pick(row, HOTSPOT_FIELDS) for row in biopsy.hotspots],
        "copy_number": [
            pick(row, ["region", "gene", "copy_number", "ci_low", "ci_high", "status", "detail"])
            for row in biopsy.copy_number
        ],
        "result": {
            "status": biopsy.status,
            "reasons": biopsy.reasons,
            "text": conclusion_text(biopsy),
        },  # fmt: skip
        "fusion": fusion_section(biopsy, variant_notes, variant_names),
    }


def isoform_note(variant: str) -> dict | None:
    """Why DNA gives e.g. v3a/b and not v3a or v3b."""
    if variant in ISOFORM_NOTES:
        return dict(ISOFORM_NOTES[variant])
    match = re.fullmatch(r"v(\d+)a/b", variant)
    if not match:
        return None
    number = match.group(1)
    return {
        "statement": (
            f"DNA cannot tell v{number}a from v{number}b: both share the exon pair a DNA "
            "breakpoint gives, and they are named as one class."
        ),
        "source": ISOFORM_SOURCE,
    }


def fusion_entry(
    row: Mapping, variant_notes: Mapping[str, list], variant_names: Mapping[str, Mapping]
) -> dict:
    """One fusions.tsv row as the report shows it, with the variant's sourced notes."""
    entry = {name: row.get(name, "") for name in FUSION_FIELDS}
    entry["alk_breakpoint"] = f"{row.get('alk_chrom', '')}:{row.get('alk_pos', '')}"
    entry["partner_breakpoint"] = f"{row.get('partner_chrom', '')}:{row.get('partner_pos', '')}"
    entry["callers"] = [
        {"caller": caller, "verdict": verdict}
        for caller, verdict in (
            item.split(": ", 1) for item in str(row.get("callers", "")).split("; ") if ": " in item
        )
    ]
    naming = variant_names.get(row.get("exon_pair", "")) if row.get("partner") == "EML4" else None
    entry["variant_name"] = (
        {key: naming.get(key, "") for key in ("variant", "share", "sources", "status")}
        if naming
        else None
    )
    entry["variant_notes"] = [
        {key: note.get(key, "") for key in ("statement", "source", "status")}
        for note in variant_notes.get(row.get("variant", ""), [])
    ]
    entry["isoform_note"] = isoform_note(row.get("variant", ""))
    return entry


def fusion_section(
    biopsy: Biopsy,
    variant_notes: Mapping[str, list] | None = None,
    variant_names: Mapping[str, Mapping] | None = None,
) -> dict:
    """The biopsy's ALK fusion: what was detected and its evidence, or the status sentence
    (copied from status.json) and what it means for the biopsy's other results."""
    variant_notes = load_variant_notes() if variant_notes is None else variant_notes
    variant_names = load_variant_names() if variant_names is None else variant_names
    status = {name: biopsy.fusion_status.get(name, "") for name in FUSION_STATUS_FIELDS}
    status["flags"] = list(status["flags"] or [])
    status["notes"] = list(status["notes"] or [])
    detected = [fusion_entry(r, variant_notes, variant_names) for r in biopsy.detected_fusions]
    undetected = [
        fusion_entry(r, variant_notes, variant_names)
        for r in biopsy.fusions
        if r.get("alkres") != "detected"
    ]
    if detected:
        text = "ALK fusion detected: " + "; ".join(f["fusion"] for f in detected) + "."
    elif status["status"]:
        text = f"No ALK fusion detected ({status['status']})."
    else:
        text = "No ALK fusion assessment for this biopsy."
    caveat = ""
    if not detected and biopsy.fusion_result == FUSION_NOT_DETECTED:
        caveat = MUTATION_CAVEAT if biopsy.mutations else NEGATIVE_CAVEAT
    return {
        "result": biopsy.fusion_result,
        **status,
        "text": text,
        "negative_caveat": caveat,
        "fusions": detected,
        "other_evidence": undetected,
        "naming_note": dict(NAMING_NOTE) if any(f["variant"] for f in detected) else None,
        "alterations": [
            {name: row.get(name, "") for name in ALTERATION_FIELDS} for row in biopsy.drivers
        ],
    }


def interpretation_section(
    knowledge: KnowledgeBase, biopsy: Biopsy, interpretation: Interpretation
) -> dict:
    amplification_calls = []
    if biopsy.amplifications and "amplification" in knowledge.mutations:
        amplification_calls = [
            {
                "tki": call.tki,
                "activity": call.activity,
                "evidence": call.evidence,
                "source": call.source,
                "status": call.status,
            }  # fmt: skip
            for call in knowledge.calls_for("amplification")
        ]
    compounds = []
    for unit in interpretation.units:
        if len(unit) > 1:
            compound = knowledge.compound_for(unit)
            compounds.append(
                {
                    "alterations": unit,
                    "catalogued_as": compound.alteration if compound else "",
                    "sources": compound.sources if compound else "",
                }
            )
    if interpretation.alterations:
        active = interpretation.predicted_active
        statement = (
            f"TKIs with reported activity against every ALK mutation detected in "
            f"{biopsy.sample_id} ({', '.join(interpretation.alterations)}): "
            + (
                ", ".join(active)
                if active
                else "none (no TKI has verified evidence of activity against all of them)"
            )
            + "."
        )
    else:
        statement = f"No ALK resistance mutation detected in {biopsy.sample_id}."
    if biopsy.amplifications:
        statement += " ALK amplification detected: what the sources report for it is listed below."
    return {
        "sample_id": biopsy.sample_id,
        "alterations": interpretation.alterations,
        "basis": interpretation.basis,
        "compounds": compounds,
        "tkis": [
            {
                "tki": tki,
                "activity": interpretation.activity[tki],
                "statements": interpretation.statements[tki],
            }
            for tki in interpretation.activity
        ],
        "predicted_active": interpretation.predicted_active,
        "statement": statement,
        "amplification_statements": amplification_calls,
        "decision_support": DECISION_SUPPORT,
    }


def patient_report(
    patient_id: str,
    biopsies: Sequence[Biopsy],
    follow: FollowUp | None,
    knowledge: KnowledgeBase,
    provenance: Mapping,
    variant_notes: Mapping[str, list] | None = None,
    variant_names: Mapping[str, Mapping] | None = None,
) -> dict:
    """Everything the report shows, in a JSON-ready dict (biopsies in date order).
    variant_notes / variant_names: the fusion resources (default: the bundled ones)."""
    latest = biopsies[-1]
    interpretation = interpret(knowledge, latest.mutations)
    variant_notes = load_variant_notes() if variant_notes is None else variant_notes
    variant_names = load_variant_names() if variant_names is None else variant_names
    return {
        "schema": REPORT_SCHEMA,
        "patient_id": patient_id,
        "biopsies": [biopsy_section(biopsy, variant_notes, variant_names) for biopsy in biopsies],
        "latest_biopsy": latest.sample_id,
        "interpretation": interpretation_section(knowledge, latest, interpretation),
        "follow_up": None
        if follow is None
        else {
            "next_tki": follow.next_tki,
            "best_response": follow.best_response,
            "progressed_on": follow.progressed_on,
            "next_tki_activity": follow.activity,
            "comment": follow.comment,
        },
        "provenance": dict(provenance),
    }


def codon_number(codon: str) -> int:
    match = CODON.match(codon)
    if not match:
        raise ValueError(f"not a codon label: {codon!r}")
    return int(match.group(1))


def vaf_series(report: Mapping) -> dict[str, list[float | None]]:
    """Per small ALK variant, its VAF at each biopsy: the called VAF, 0 where its codon was
    wild type, None where it was not assessable."""
    names: list[str] = []
    for biopsy in report["biopsies"]:
        for row in biopsy["alk_alterations"]:
            if row["type"] != "amplification" and row["alteration"] not in names:
                names.append(row["alteration"])
    series = {}
    for name in names:
        values: list[float | None] = []
        for biopsy in report["biopsies"]:
            called = [r for r in biopsy["alk_alterations"] if r["alteration"] == name]
            if called:
                values.append(float(called[0]["vaf"]))
                continue
            codon = re.match(r"^([A-Z]\d+)", name)
            labels = {name, codon[1] if codon else name}
            status = next((h["status"] for h in biopsy["hotspots"] if h["codon"] in labels), "")
            values.append(0.0 if status == "wild_type" else None)
        series[name] = values
    return series


def image_data_uri(path: str | Path) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return f"data:image/png;base64,{data}"


def render_patient_html(report: Mapping, figures: Mapping) -> str:
    """figures: 'vaf' (SVG text or ''), 'depth' and 'copy_ratio' per sample (SVG / data URI)."""
    template = _environment().get_template("patient_report.html.j2")
    safe = {
        "vaf": Markup(figures.get("vaf", "")),
        "depth": {k: Markup(v) for k, v in figures.get("depth", {}).items()},
        "copy_ratio": dict(figures.get("copy_ratio", {})),
    }
    return template.render(report=report, figures=safe, statuses=STATUS_LABELS)


STATUS_LABELS = {
    MECHANISM: "resistance mechanism detected",
    CONFIDENT_NEGATIVE: "no mechanism detected (confident negative)",
    INCONCLUSIVE: "inconclusive",
}


def variant_association_notes(variant_notes: Mapping[str, list] | None = None) -> list[dict]:
    """The sourced statements behind the variant x mutation table (Lin et al., on v3)."""
    variant_notes = load_variant_notes() if variant_notes is None else variant_notes
    return [
        {key: note.get(key, "") for key in ("statement", "source", "status")}
        for note in variant_notes.get("v3a/b", [])
        if note.get("source", "").startswith("Lin JJ")
    ]


def render_cohort_html(
    summary: Sequence[Mapping],
    patients: Sequence[Mapping],
    matrix: Mapping,
    provenance: Mapping,
    fusion_variants: Sequence[Mapping] = (),
    association_notes: Sequence[Mapping] | None = None,
) -> str:
    template = _environment().get_template("cohort_report.html.j2")
    return template.render(
        summary=summary,
        patients=patients,
        matrix=matrix,
        provenance=provenance,
        labels=METRIC_LABELS,
        fusion_variants=fusion_variants,
        association_notes=variant_association_notes()
        if association_notes is None
        else association_notes,
    )


def line_matrix(biopsies: Sequence[Biopsy]) -> dict:
    """Patient x TKI line: what each biopsy taken after that many TKIs showed (the oncoprint).
    A cell's classes say what kinds of mechanism it holds, or its status if none."""
    lines = sorted({b.n_prior_tkis for b in biopsies})
    cells: dict[str, dict[int, dict]] = {}
    for biopsy in biopsies:
        cell = cells.setdefault(biopsy.patient_id, {}).setdefault(
            biopsy.n_prior_tkis, {"classes": set(), "biopsies": []}
        )
        kinds = [
            kind
            for kind, rows in (
                ("mutation", biopsy.mutations),
                ("amplification", biopsy.amplifications),
                ("bypass", biopsy.bypass),
            )
            if rows
        ]
        cell["classes"].update(kinds or [biopsy.status])
        cell["biopsies"].append(
            {
                "sample_id": biopsy.sample_id,
                "status": biopsy.status,
                "text": ", ".join(mechanism_labels(biopsy))
                or ("none" if biopsy.status == CONFIDENT_NEGATIVE else biopsy.status),
                "progressed_on": biopsy.progressed_on,
            }
        )
    for patient_cells in cells.values():
        for cell in patient_cells.values():
            # A mechanism outranks a negative or inconclusive biopsy at the same line.
            kinds = cell["classes"] & {"mutation", "amplification", "bypass"}
            cell["css"] = " ".join(sorted(kinds or cell["classes"]))
            del cell["classes"]
    return {"lines": lines, "patients": dict(sorted(cells.items()))}
