"""Which panel targets the callers read: those within ALK (calling.regions: alk)."""

import io

import pytest

from alkres.copy_number.cnvkit_cli import run_cnvkit
from alkres.inputs.calling_targets import caller_genes, gene_span, targets_within, within_a_gene
from alkres.knowledge.transcript import load_exons

PANEL = [
    ("chr2", 29_192_700, 29_193_000, "ALK_exon29"),  # ALK: GRCh38 chr2:29,192,774-29,921,566
    ("chr2", 29_921_000, 29_921_600, "ALK_exon1"),
    ("chr2", 42_300_000, 42_300_200, "EML4_exon6"),
    ("chr2", 2_500_000, 2_500_200, "CTRL_01"),
    ("chr7", 116_700_000, 116_700_200, "MET_exon14"),
]


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_alk_span_covers_every_exon(build):
    exons = load_exons(build, "ALK")
    start, end = gene_span(exons)
    assert all(start <= exon.start <= exon.end <= end for exon in exons)
    assert end - start > 700_000  # ALK spans about 729 kb on both builds


def test_only_targets_within_alk_are_kept_in_panel_order():
    start, end = gene_span(load_exons("GRCh38", "ALK"))
    kept = targets_within(PANEL, "chr2", start, end)
    assert [row[3] for row in kept] == ["ALK_exon29", "ALK_exon1"]


def test_callers_read_tp53_and_nf2_but_not_the_genotyped_bypass_genes():
    """calling.regions: genes: the callers read TP53 (a whole-gene co-mutation) and NF2 (lost
    by a loss-of-function variant anywhere); the other bypass genes' hotspots are the
    genotyper's, so their targets are left out."""
    assert sorted(caller_genes()) == ["NF2", "TP53"]
    assert within_a_gene(("chr22", 29_654_646, 29_654_735, "NF2_exon5"), "GRCh38")
    tp53 = ("chr17", 7_673_700, 7_673_850, "TP53_exon8")
    kras = ("chr12", 25_245_263, 25_245_394, "KRAS_exon2")
    assert within_a_gene(tp53, "GRCh38")
    assert within_a_gene(("17", *tp53[1:]), "GRCh38")  # Ensembl contig names
    assert not within_a_gene(kras, "GRCh38")
    assert not within_a_gene(PANEL[4], "GRCh38")  # MET
    assert within_a_gene(kras, "GRCh38", genes=["KRAS"])


def test_contig_names_must_match():
    start, end = gene_span(load_exons("GRCh38", "ALK"))
    assert targets_within(PANEL, "2", start, end) == []


@pytest.mark.parametrize(
    ("row", "inside"),
    [
        (("chr2", 99, 100, "last base before"), False),  # BED 99-100 is base 100
        (("chr2", 100, 101, "first base"), True),
        (("chr2", 199, 200, "last base"), True),
        (("chr2", 200, 201, "first base after"), False),
    ],
)
def test_overlap_edges_are_one_based_inclusive(row, inside):
    assert bool(targets_within([row], "chr2", 101, 200)) is inside


def test_cnvkit_commands_run_in_process_and_a_bad_one_stops():
    log = io.StringIO()
    run_cnvkit([["version"]], log)
    assert "cnvkit.py version" in log.getvalue()
    with pytest.raises(SystemExit):
        run_cnvkit([["no-such-command"]], io.StringIO())
