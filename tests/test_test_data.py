"""The bundled synthetic cohort keeps its promise of real bases: every catalogued hotspot codon of
a gene whose coding sequence is back-translated lies in a stretch of real human bases
(make_test_data.REAL_CODING), and the bundled reference carries each stretch at its place."""

import pytest
from make_test_data import BYPASS_GENES, REAL_CODING

from alkres.knowledge.bypass import load_bypass_catalogue
from alkres.knowledge.transcript import load_gene_transcript
from conftest import REPO

REFERENCE = REPO / "test_data" / "reference" / "chr2_alk_panel.fa.gz"
REAL_CDS = {"BRAF"}  # the whole CDS is real (CCDS5863.1)


def covered(gene: str, first: int, last: int) -> bool:
    """Coding positions first..last (c.) lie inside one REAL_CODING stretch of the gene."""
    return any(
        name == gene and start <= first and last <= start + len(bases) - 1
        for name, start, bases, _, _ in REAL_CODING
    )


def test_every_catalogued_hotspot_codon_is_real_in_the_bundled_genes():
    codons = [
        entry for entry in load_bypass_catalogue()
        if entry.kind == "codon" and entry.gene in BYPASS_GENES and entry.gene not in REAL_CDS
    ]  # fmt: skip
    assert {e.gene for e in codons} >= {"KRAS", "PIK3CA", "EGFR", "MAP2K1", "TP53"}
    missing = [
        f"{e.gene} {e.alteration}" for e in codons
        if not covered(e.gene, 3 * e.codon_start - 2, 3 * e.codon_end)
    ]  # fmt: skip
    assert not missing, f"back-translated, not real: {missing} (add them to REAL_CODING)"


@pytest.mark.parametrize("gene", sorted({row[0] for row in REAL_CODING}))
def test_the_bundled_reference_carries_the_real_bases(gene):
    transcript = load_gene_transcript("GRCh38", gene, REFERENCE)
    for name, start, bases, codons, _ in REAL_CODING:
        if name == gene:
            assert transcript.cds[start - 1 : start - 1 + len(bases)] == bases, (gene, codons)
