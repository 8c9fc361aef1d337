"""The off-target resistance catalogue (resources/bypass_catalogue.tsv): every codon checked
against the gene's UniProt protein, every verified role and implication with its source, and a
bad row refused with its file, line and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alkres.knowledge.bypass import (
    BYPASS_FILE,
    NO_SOURCE,
    load_bypass_catalogue,
    site_classification,
)
from alkres.knowledge.transcript import DEFAULT_RESOURCES_DIR, GENE_TRANSCRIPTS_FILE


@pytest.fixture(scope="module")
def catalogue():
    return load_bypass_catalogue()


def test_the_issue_hotspots_are_catalogued(catalogue):
    labels = {entry.label for entry in catalogue}
    assert {
        "KRAS G12", "KRAS G13", "KRAS Q61", "NRAS Q61", "BRAF V600", "MAP2K1 Q56", "MAP2K1 K57",
        "MAP2K1 E203", "PIK3CA E542", "PIK3CA E545", "PIK3CA H1047", "EGFR exon 19 deletion",
        "EGFR L858", "EGFR T790", "EGFR exon 20 insertion", "MET exon 14 skipping",
        "MET amplification", "NF2 loss", "TP53 mutation", "TP53 R175", "TP53 Y220", "TP53 G245",
        "TP53 R248", "TP53 R249", "TP53 R273", "TP53 R282",
    } <= labels  # fmt: skip


def test_tp53_is_a_co_mutation_and_the_rest_bypass(catalogue):
    tp53 = [entry for entry in catalogue if entry.gene == "TP53"]
    assert {entry.classification for entry in tp53} == {"co_mutation"}
    assert {e.classification for e in catalogue if e.gene != "TP53"} == {"bypass"}
    # the gene as a whole (any damaging variant, from the callers) and its hotspot codons
    assert [(e.alteration, e.kind) for e in tp53] == [("mutation", "co_mutation")] + [
        (codon, "codon") for codon in ("R175", "Y220", "G245", "R248", "R249", "R273", "R282")
    ]


def test_tp53_hotspot_codons_carry_the_gene_rows_sourced_role_and_their_hotspot_source(
    catalogue,
):
    gene_row = next(e for e in catalogue if e.label == "TP53 mutation")
    for entry in catalogue:
        if entry.gene != "TP53" or entry.kind != "codon":
            continue
        assert entry.role.startswith("not a resistance mechanism"), entry.label
        assert (entry.role, entry.role_source, entry.role_status) == (
            gene_row.role, gene_row.role_source, "verified",
        ), entry.label  # fmt: skip
        assert (entry.implication, entry.implication_status) == (
            gene_row.implication, "verified",
        ), entry.label  # fmt: skip
        assert "doi:10.1038/cddis.2014.75" in entry.activation_source, entry.label
        assert f"cancer hotspots v2 ({entry.alteration}," in entry.activation_source, entry.label


def test_site_classification_follows_the_catalogue_row(catalogue):
    assert site_classification("TP53", "R273", catalogue) == "co_mutation"
    assert site_classification("KRAS", "G12", catalogue) == "bypass"
    assert site_classification("MET", "exon 14 skipping (donor)", catalogue) == "bypass"
    assert site_classification("EGFR", "exon 19 deletion", catalogue) == "bypass"


def test_verified_statements_name_their_sources(catalogue):
    for entry in catalogue:
        if entry.role_status == "verified":
            assert entry.role_source and entry.role_source != NO_SOURCE, entry.label
        if entry.implication_status == "verified":
            assert entry.implication_source, entry.label
    # What no readable source states stays unverified (MET exon 14 skipping, NRAS, KIT).
    unverified = {e.label for e in catalogue if e.role_status == "unverified"}
    assert {"MET exon 14 skipping", "NRAS Q61", "KIT amplification"} <= unverified


def copy_resources(tmp_path: Path) -> Path:
    shutil.copy(DEFAULT_RESOURCES_DIR / GENE_TRANSCRIPTS_FILE, tmp_path)
    shutil.copytree(DEFAULT_RESOURCES_DIR / "genes" / "proteins", tmp_path / "genes" / "proteins")
    shutil.copy(DEFAULT_RESOURCES_DIR / BYPASS_FILE, tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("KRAS\tG12\tcodon\t12\t12", "KRAS\tG12\tcodon\t13\t13",
         r"line \d+, column 'alteration': 'G12' does not name codon 13"),
        ("KRAS\tG13\tcodon\t13\t13", "KRAS\tA13\tcodon\t13\t13",
         r"column 'alteration': KRAS A13: the UniProt protein has G at codon 13"),
        ("NF2\tloss\tloss\t\t\tbypass", "NF2\tloss\tloss\t\t\tescape",
         r"column 'classification'"),
        ("none read\tunverified\tno ALK-specific implication in the sources read\t\tunverified\tOncoKB test fixture",
         "none read\tverified\tno ALK-specific implication in the sources read\t\tunverified\tOncoKB test fixture",
         r"column 'role_source': 'none read' names no source"),
    ],
)  # fmt: skip
def test_a_bad_row_is_refused_with_its_line_and_column(tmp_path, old, new, message):
    directory = copy_resources(tmp_path)
    path = directory / BYPASS_FILE
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ValueError, match=message):
        load_bypass_catalogue(directory)
