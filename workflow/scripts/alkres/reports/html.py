"""HTML of the patient and cohort reports, rendered by Jinja2 with autoescaping (text from the
sheets is shown as text, never as markup). The patient report's HTML is rendered from its JSON
(plus figures), so what a clinician reads and what another system reads cannot disagree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup

from alkres.biopsy.model import CONFIDENT_NEGATIVE, INCONCLUSIVE, MECHANISM
from alkres.fusion.naming import load_variant_notes

TEMPLATES = Path(__file__).resolve().parent / "templates"


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
    labels: Mapping[str, str],
    fusion_variants: Sequence[Mapping] = (),
    association_notes: Sequence[Mapping] | None = None,
) -> str:
    template = _environment().get_template("cohort_report.html.j2")
    return template.render(
        summary=summary,
        patients=patients,
        matrix=matrix,
        provenance=provenance,
        labels=labels,
        fusion_variants=fusion_variants,
        association_notes=variant_association_notes()
        if association_notes is None
        else association_notes,
    )
