"""The per-patient resistance report (JSON + self-contained HTML) and the cohort report.

The JSON is the report: the HTML is rendered from it (plus figures), so what a clinician
reads and what another system reads cannot disagree. Values of the cohort tables are copied
as written there (strings), which keeps every number traceable to alterations.tsv and
hotspots.tsv. HTML is rendered by Jinja2 with autoescaping: text from the sheets is shown as
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
    return environment


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


def biopsy_section(biopsy: Biopsy) -> dict:
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
) -> dict:
    """Everything the report shows, in a JSON-ready dict (biopsies in date order)."""
    latest = biopsies[-1]
    interpretation = interpret(knowledge, latest.mutations)
    return {
        "schema": REPORT_SCHEMA,
        "patient_id": patient_id,
        "biopsies": [biopsy_section(biopsy) for biopsy in biopsies],
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


def render_cohort_html(
    summary: Sequence[Mapping],
    patients: Sequence[Mapping],
    matrix: Mapping,
    provenance: Mapping,
) -> str:
    template = _environment().get_template("cohort_report.html.j2")
    return template.render(
        summary=summary,
        patients=patients,
        matrix=matrix,
        provenance=provenance,
        labels=METRIC_LABELS,
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
