"""Static figures for the HTML reports, returned as inline SVG text (the reports must open
offline, so nothing is linked). Glyphs are drawn as paths: no font is needed to view them."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

matplotlib.rcParams["svg.fonttype"] = "path"
matplotlib.rcParams["svg.hashsalt"] = "alkres"  # identical SVG for identical data

STATUS_COLOURS = {"mutant": "#c0392b", "wild_type": "#2e7d32", "not_assessable": "#f39c12"}


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def vaf_across_biopsies(
    biopsy_labels: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> str:
    """VAF (%) of each alteration at each biopsy; None where its codon was not assessable
    (no point drawn), 0 where it was assessed and not found."""
    figure, axis = plt.subplots(figsize=(7, 2.8), dpi=100)
    x = list(range(len(biopsy_labels)))
    for name, values in series.items():
        points = [(i, 100 * v) for i, v in zip(x, values, strict=True) if v is not None]
        if points:
            axis.plot(*zip(*points, strict=True), marker="o", linewidth=1.5, label=name)
    axis.set_xticks(x, biopsy_labels, fontsize=8)
    axis.set_xlim(-0.5, len(x) - 0.5)
    axis.set_ylim(bottom=0)
    axis.set_ylabel("VAF (%)")
    axis.grid(axis="y", color="#dddddd", linewidth=0.6)
    if series:
        axis.legend(fontsize=8, frameon=False, loc="upper left")
    figure.tight_layout()
    return _svg(figure)


def codon_depth_profile(
    codons: Sequence[int],
    depths: Sequence[int],
    hotspots: Sequence[Mapping],
    exon_starts: Mapping[int, int],
    required_depth: float | None,
    title: str,
) -> str:
    """Depth of every codon of the ALK kinase-domain exons (the lowest of its three bases),
    catalogued codons marked by their status, exon boundaries dotted."""
    figure, axis = plt.subplots(figsize=(9, 2.8), dpi=100)
    axis.fill_between(codons, depths, step="mid", color="#90a4ae", alpha=0.6, linewidth=0)
    for exon, codon in exon_starts.items():
        axis.axvline(codon - 0.5, color="#b0bec5", linewidth=0.6, linestyle=":")
        axis.text(codon, 1.0, f"e{exon}", transform=axis.get_xaxis_transform(), fontsize=6,
                  va="top", color="#607d8b")  # fmt: skip
    for status, colour in STATUS_COLOURS.items():
        marked = [(int(h["codon_number"]), float(h["depth"] or 0)) for h in hotspots
                  if h["status"] == status]  # fmt: skip
        if marked:
            axis.scatter(*zip(*marked, strict=True), s=14, color=colour, zorder=3,
                         label=status.replace("_", " "))  # fmt: skip
    if required_depth:
        axis.axhline(required_depth, color="#c0392b", linewidth=0.8, linestyle="--")
    axis.set_xlabel("ALK codon (NP_004295.2)")
    axis.set_ylabel("depth")
    axis.set_ylim(bottom=0)
    axis.set_title(title, fontsize=9)
    if hotspots:
        axis.legend(fontsize=7, frameon=False, loc="lower right", ncol=3)
    figure.tight_layout()
    return _svg(figure)
