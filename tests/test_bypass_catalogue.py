"""The off-target resistance catalogue (resources/bypass_catalogue.tsv): every codon checked
against the gene's UniProt protein, every verified role and implication with its source, and a
bad row refused with its file, line and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alkres.knowledge.bypass import BYPASS_FILE, NO_SOURCE, load_bypass_catalogue
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
        "MET amplification", "NF2 loss", "TP53 mutation",
    } <= labels  # fmt: skip


def test_tp53_is_a_co_mutation_and_the_rest_bypass(catalogue):
    kinds = {entry.gene: entry.classification for entry in catalogue}
    assert kinds.pop("TP53") == "co_mutation"
    assert set(kinds.values()) == {"bypass"}


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
