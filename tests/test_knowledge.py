"""Knowledge base: sourced activity calls, the verified/unverified rule, lookups and checks."""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from alkres.knowledge.knowledge import (
    ACTIVITIES,
    ACTIVITY_FILE,
    MUTATIONS_FILE,
    STATUSES,
    KnowledgeBase,
    load_knowledge_base,
)
from alkres.knowledge.transcript import (
    DEFAULT_RESOURCES_DIR,
    GENETIC_CODE,
    SEQUENCE_FILES,
    Transcript,
    load_transcript,
    read_fasta,
)

SHARED_REFERENCE = Path("/work/shared/reference")
LIN = "Lin JJ et al. Cancer Discov 2017"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="module")
def grch38() -> Transcript:
    return load_transcript("GRCh38")


@pytest.fixture(scope="module")
def protein() -> str:
    return read_fasta(DEFAULT_RESOURCES_DIR / SEQUENCE_FILES["ALK"][1])[1]


def test_version_line_heads_both_files(kb: KnowledgeBase) -> None:
    assert kb.version == "2026.12.04-1"
    for name in (MUTATIONS_FILE, ACTIVITY_FILE):
        first = (DEFAULT_RESOURCES_DIR / name).read_text().splitlines()[0]
        assert first.startswith(
            "# version: 2026.12.04-1; built by resources/build_knowledge_base.py"
        )


# ---------------------------------------------------------------- mutations

MUTATION_CASES = [
    # alteration, kind, codon, ref, alt, hgvs_p, hgvs_c, hgvs_c_status
    ("G1202R", "substitution", 1202, "G", "R", "NP_004295.2:p.(Gly1202Arg)", "c.3604G>A", "STATED"),
    ("D1203N", "substitution", 1203, "D", "N", "NP_004295.2:p.(Asp1203Asn)", "c.3607G>A", "DERIVED"),
    ("F1174L", "substitution", 1174, "F", "L", "NP_004295.2:p.(Phe1174Leu)", "c.3520T>C", "UNVERIFIED"),
    ("G1269S", "substitution", 1269, "G", "S", "NP_004295.2:p.(Gly1269Ser)", "", "DERIVED"),
    ("G1202del", "deletion", 1202, "G", "", "NP_004295.2:p.(Gly1202del)", "c.3603_3605del", "UNVERIFIED"),
    ("T1151dup", "duplication", 1151, "T", "", "NP_004295.2:p.(Thr1151dup)", "c.3451_3453dup", "UNVERIFIED"),
    ("amplification", "amplification", None, "", "", "", "", ""),
    (
        "G1202R+L1196M",
        "compound",
        None,
        "",
        "",
        "NP_004295.2:p.(Gly1202Arg); NP_004295.2:p.(Leu1196Met)",
        "",
        "",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("alteration", "kind", "codon", "ref", "alt", "hgvs_p", "hgvs_c", "status"), MUTATION_CASES
)
def test_mutation_rows(
    kb: KnowledgeBase,
    alteration: str,
    kind: str,
    codon: int | None,
    ref: str,
    alt: str,
    hgvs_p: str,
    hgvs_c: str,
    status: str,
) -> None:
    mutation = kb.mutations[alteration]
    assert (mutation.kind, mutation.codon, mutation.ref_aa, mutation.alt_aa) == (
        kind,
        codon,
        ref,
        alt,
    )
    assert (mutation.hgvs_p, mutation.hgvs_c, mutation.hgvs_c_status) == (hgvs_p, hgvs_c, status)
    assert mutation.sources


def test_every_catalogue_row_is_in_the_knowledge_base(kb: KnowledgeBase) -> None:
    with (DEFAULT_RESOURCES_DIR / "alk_resistance_catalogue.tsv").open(newline="") as handle:
        changes = [row["protein_change"] for row in csv.DictReader(handle, delimiter="\t")]
    names = {"amplification" if "amplification" in c else c.split()[0] for c in changes}
    assert len(changes) == 43
    # Rows without any source are left out (build_knowledge_base.NO_SOURCE_ROWS).
    assert names - set(kb.mutations) == {"I1268V", "G1202R+F1174C"}


def test_compound_rows_name_existing_single_rows(kb: KnowledgeBase) -> None:
    compound = kb.mutations["G1202R+L1196M"]
    assert compound.components == ("G1202R", "L1196M")
    for mutation in kb.mutations.values():
        for part in mutation.components:
            assert kb.mutations[part].kind in ("substitution", "deletion", "duplication")


COMPOUND_LOOKUP_CASES = [
    (["G1202R", "L1196M"], "G1202R+L1196M"),
    (["L1196M", "G1202R"], "G1202R+L1196M"),
    (["L1196M", "G1202R", "I1171N"], "G1202R+I1171N+L1196M"),
    (["C1156Y", "L1198F"], "C1156Y+L1198F"),
    (["G1202R"], None),
    (["G1202R", "F1174V"], None),
]


@pytest.mark.parametrize(("alterations", "expected"), COMPOUND_LOOKUP_CASES)
def test_compound_for(kb: KnowledgeBase, alterations: list[str], expected: str | None) -> None:
    found = kb.compound_for(alterations)
    assert (found.alteration if found else None) == expected


SUBSTITUTION_CASES = [
    (1174, {"C", "L", "V", "I"}),
    (1202, {"R"}),
    (1171, {"T", "N", "S"}),
    (1156, {"Y", "F", "T"}),
    (1203, {"N"}),
    (1000, set()),
]


@pytest.mark.parametrize(("codon", "alts"), SUBSTITUTION_CASES)
def test_substitutions_at(kb: KnowledgeBase, codon: int, alts: set[str]) -> None:
    found = kb.substitutions_at(codon)
    assert set(found) == alts
    assert all(mutation.codon == codon for mutation in found.values())


@pytest.mark.parametrize(
    ("codon", "expected"), [(1202, ["G1202del"]), (1151, ["T1151dup"]), (1174, [])]
)
def test_indels_at(kb: KnowledgeBase, codon: int, expected: list[str]) -> None:
    assert [mutation.alteration for mutation in kb.indels_at(codon)] == expected


def _single_base_changes(codon: str) -> set[str]:
    return {
        GENETIC_CODE[codon[:i] + base + codon[i + 1 :]]
        for i in range(3)
        for base in "ACGT"
        if base != codon[i]
    }


def test_substitution_hgvs_c_agrees_with_the_cds(kb: KnowledgeBase, grch38: Transcript) -> None:
    """A stated c. change must hit the reference base and give the named amino acid; an empty
    one must mean that no single-base change can."""
    for mutation in kb.mutations.values():
        if mutation.kind != "substitution":
            continue
        codon = grch38.codon_ref(mutation.codon)
        if not mutation.hgvs_c:
            assert mutation.alt_aa not in _single_base_changes(codon), mutation.alteration
            continue
        match = re.fullmatch(r"c\.(\d+)([ACGT])>([ACGT])", mutation.hgvs_c)
        assert match, mutation.hgvs_c
        position, ref, alt = int(match.group(1)), match.group(2), match.group(3)
        assert (position - 1) // 3 + 1 == mutation.codon, mutation.alteration
        assert grch38.cds[position - 1] == ref, mutation.alteration
        offset = (position - 1) % 3
        assert GENETIC_CODE[codon[:offset] + alt + codon[offset + 1 :]] == mutation.alt_aa


# ---------------------------------------------------------------- activity calls

SOURCED_CALL_CASES = [
    # alteration, tki, activity, status, text in source
    ("G1202R", "lorlatinib", "sensitive", "verified", LIN),
    ("G1202R", "crizotinib", "resistant", "verified", "CIViC EID441"),
    ("G1202R", "crizotinib", "resistant", "verified", "CIViC EID1357"),
    ("G1202R", "ceritinib", "resistant", "verified", "CIViC EID1345"),
    ("G1202R", "alectinib", "resistant", "verified", "CIViC EID1350"),
    ("G1202R", "brigatinib", "resistant", "verified", "CIViC EID1351"),
    ("G1202R", "brigatinib", "intermediate", "verified", LIN),
    ("G1202R", "entrectinib", "resistant", "verified", LIN),
    ("L1196M", "crizotinib", "resistant", "verified", "CIViC EID237"),
    ("L1196M", "crizotinib", "resistant", "verified", LIN),
    ("L1196M", "ceritinib", "sensitive", "verified", "MOAlmanac"),
    ("C1156Y", "lorlatinib", "sensitive", "verified", "CIViC EID842"),
    ("C1156Y+L1198F", "crizotinib", "sensitive", "verified", "CIViC EID844"),
    ("C1156Y+L1198F", "lorlatinib", "resistant", "verified", "CIViC EID843"),
    ("C1156Y+L1198F", "lorlatinib", "resistant", "verified", LIN),
    ("G1202R+I1171N+L1196M", "lorlatinib", "resistant", "verified", "CIViC EID11114"),
    ("I1171N+F1174I", "lorlatinib", "resistant", "verified", "Mizuta"),
    ("I1171N+F1174I", "gilteritinib", "sensitive", "verified", "Mizuta"),
    ("amplification", "crizotinib", "resistant", "verified", "CIViC EID766"),
    ("E1210K+S1206C", "brigatinib", "resistant", "verified", LIN),
    ("C1156T", "crizotinib", "resistant", "verified", LIN),
]


@pytest.mark.parametrize(("alteration", "tki", "activity", "status", "source"), SOURCED_CALL_CASES)
def test_sourced_calls(
    kb: KnowledgeBase, alteration: str, tki: str, activity: str, status: str, source: str
) -> None:
    calls = kb.calls_for(alteration, tki)
    assert any(
        call.activity == activity and call.status == status and source in call.source
        for call in calls
    ), calls


def test_cids_keep_their_pmid() -> None:
    lines = (DEFAULT_RESOURCES_DIR / ACTIVITY_FILE).read_text()
    assert "CIViC EID441; PMID:22277784" in lines


def test_lin_footnote_is_kept_as_note(kb: KnowledgeBase) -> None:
    (call,) = [call for call in kb.calls_for("G1202R", "brigatinib") if LIN in call.source]
    assert call.note.startswith("Lin 2017 footnote a")


def test_every_activity_row_is_sourced_and_typed(kb: KnowledgeBase) -> None:
    assert kb.activity
    for call in kb.activity:
        assert call.source.strip() and call.evidence.strip(), call
        assert call.activity in ACTIVITIES and call.status in STATUSES, call
        assert call.alteration in kb.mutations


# Cells the catalogue marks UNVERIFIED in the part giving the call.
UNVERIFIED_CASES = [
    ("D1203N", "lorlatinib", "sensitive"),
    ("D1203N", "crizotinib", "intermediate"),
    ("G1202del", "crizotinib", "intermediate"),
    ("L1196M", "brigatinib", "sensitive"),
    ("L1198F", "ceritinib", "resistant"),
    ("F1174L", "ceritinib", "resistant"),
    ("T1151dup", "ceritinib", "resistant"),
    ("G1202R+L1196M", "lorlatinib", "resistant"),
    ("G1202R+F1174L", "lorlatinib", "resistant"),
    ("G1202R", "neladalkib", "sensitive"),
    ("I1171S", "gilteritinib", "sensitive"),
]


@pytest.mark.parametrize(("alteration", "tki", "activity"), UNVERIFIED_CASES)
def test_unverified_cells_stay_unverified(
    kb: KnowledgeBase, alteration: str, tki: str, activity: str
) -> None:
    catalogue_calls = [c for c in kb.calls_for(alteration, tki) if LIN not in c.source]
    assert catalogue_calls
    assert all(call.status == "unverified" for call in catalogue_calls), catalogue_calls
    assert any(call.activity == activity for call in catalogue_calls)


def test_recalled_or_secondary_sources_are_never_verified(kb: KnowledgeBase) -> None:
    marker = re.compile(r"recalled|not verified|not re-read|secondary source|inferred", re.I)
    for call in kb.activity:
        if marker.search(call.source):
            assert call.status == "unverified", call


def _whole_call_unverified(cell: str) -> bool:
    """Cells whose call itself is UNVERIFIED: "UNVERIFIED ..." or "S - UNVERIFIED (...)"."""
    return cell.startswith("UNVERIFIED") or bool(
        re.match(r"^[SRI/]+(?: \([^()]*\))? - UNVERIFIED\b", cell)
    )


def test_no_unverified_catalogue_cell_yields_a_verified_row(kb: KnowledgeBase) -> None:
    with (DEFAULT_RESOURCES_DIR / "alk_resistance_catalogue.tsv").open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    checked = 0
    for row in rows:
        change = row["protein_change"]
        name = "amplification" if "amplification" in change else change.split()[0]
        if name not in kb.mutations:  # left out: no source (NO_SOURCE_ROWS)
            continue
        for tki in (
            "crizotinib",
            "ceritinib",
            "alectinib",
            "brigatinib",
            "lorlatinib",
            "ensartinib",
        ):
            if _whole_call_unverified(row[tki]):
                checked += 1
                for call in kb.calls_for(name, tki):
                    re_read = ("Okada K", "Katayama R")  # build_knowledge_base.REFRESH
                    assert (
                        LIN in call.source
                        or call.status == "unverified"
                        or call.source.startswith(re_read)
                    ), (row[tki], call)
    assert checked > 150


def test_bare_unverified_cells_give_no_row(kb: KnowledgeBase) -> None:
    # Ensartinib is UNVERIFIED in every catalogue row; only Lin 2017 speaks about it.
    assert all(LIN in call.source for call in kb.activity if call.tki == "ensartinib")
    assert "I1268V" not in kb.mutations


def test_calls_for_can_drop_unverified(kb: KnowledgeBase) -> None:
    everything = kb.calls_for("G1202R", "lorlatinib")
    verified = kb.calls_for("G1202R", "lorlatinib", include_unverified=False)
    assert {call.status for call in everything} == {"verified", "unverified"}
    assert verified and all(call.verified for call in verified)


def test_unknown_alteration_is_an_error(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="not in the knowledge base"):
        kb.calls_for("G1202X")
    with pytest.raises(ValueError, match="not in the knowledge base"):
        kb.unit_verdict(["G1202R", "A1234B"], "lorlatinib")


# ---------------------------------------------------------------- verdicts

VERDICT_CASES = [
    # unit (mutations on one molecule), drug, verdict, level it rests on
    (["G1202R"], "lorlatinib", "sensitive", "review table"),
    (["G1202R"], "crizotinib", "resistant", "review table"),
    # The review's "intermediate" (footnote a) outranks two Ba/F3 "resistant" statements.
    (["G1202R"], "brigatinib", "intermediate", "review table"),
    # The review's "active" outranks a mild Ba/F3 shift (CIViC EID1354).
    (["G1269A"], "alectinib", "sensitive", "review table"),
    # Recalled (unverified) statements only.
    (["D1203N"], "lorlatinib", "unknown", ""),
    # Neuroblastoma evidence decides no NSCLC verdict.
    (["R1275Q"], "lorlatinib", "unknown", ""),
    (["T1151M"], "lorlatinib", "unknown", ""),
    # A combination statement decides for its combination.
    (["C1156Y", "L1198F"], "crizotinib", "sensitive", "case report"),
    # The review lists L1198F + C1156Y among lorlatinib resistance mutations.
    (["C1156Y", "L1198F"], "lorlatinib", "resistant", "review table"),
    # A part that resists makes the molecule resist.
    (["G1202R", "L1196M"], "crizotinib", "resistant", "review table"),
    # Parts that each respond do not make an uncovered combination respond.
    (["G1202R", "L1196M"], "lorlatinib", "unknown", ""),
    (["G1202R", "F1174V"], "lorlatinib", "unknown", ""),
    # The mesothelioma case of I1171N+L1196M is no NSCLC statement.
    (["I1171N", "L1196M"], "lorlatinib", "unknown", ""),
    (["I1171N", "L1198H"], "lorlatinib", "resistant", "in vitro"),
]


@pytest.mark.parametrize(("unit", "tki", "activity", "level"), VERDICT_CASES)
def test_unit_verdict(kb: KnowledgeBase, unit: list[str], tki: str, activity: str, level: str):
    verdict = kb.unit_verdict(unit, tki)
    assert verdict.activity == activity, verdict.basis
    assert verdict.level == level
    assert all(call.relevant for call in verdict.statements)
    if activity != "unknown":
        assert verdict.statements and verdict.basis


def test_uncovered_combination_says_so(kb: KnowledgeBase) -> None:
    verdict = kb.unit_verdict(["G1202R", "F1174V"], "lorlatinib")
    assert "no statement covers G1202R+F1174V on one molecule" in verdict.basis
    assert not verdict.covered


def _kb_with(tmp_path: Path, statements: list[str]) -> KnowledgeBase:
    directory = _copy_tables(tmp_path)
    path = directory / ACTIVITY_FILE
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:2] + statements) + "\n")
    return load_knowledge_base(directory)


def test_disagreement_at_the_strongest_level_is_conflicting(tmp_path: Path) -> None:
    kb = _kb_with(tmp_path, [
        "G1202R\tlorlatinib\tsensitive\tclinical\tcase report\tNSCLC\tsource A\tverified\t",
        "G1202R\tlorlatinib\tresistant\tclinical\tcase report\tNSCLC\tsource B\tverified\t",
        "G1202R\tlorlatinib\tresistant\tBa/F3\tin vitro\tALK-fusion model\tsource C\tverified\t",
    ])  # fmt: skip
    verdict = kb.verdict("G1202R", "lorlatinib")
    assert verdict.activity == "conflicting"
    assert "source A" in verdict.basis and "source B" in verdict.basis


def test_stronger_level_decides_and_weaker_disagreement_is_named(tmp_path: Path) -> None:
    kb = _kb_with(tmp_path, [
        "G1202R\tlorlatinib\tsensitive\ttrial\tclinical trial\tNSCLC\tsource A\tverified\t",
        "G1202R\tlorlatinib\tresistant\tBa/F3\tin vitro\tALK-fusion model\tsource C\tverified\t",
        "G1202R\tlorlatinib\tresistant\tNB\tclinical trial\tneuroblastoma\tsource D\tverified\t",
        "G1202R\tlorlatinib\tresistant\trecalled\tclinical trial\tNSCLC\tsource E\tunverified\t",
    ])  # fmt: skip
    verdict = kb.verdict("G1202R", "lorlatinib")
    assert verdict.activity == "sensitive" and verdict.level == "clinical trial"
    assert "outweighs resistant (in vitro: source C)" in verdict.basis
    assert "source D" not in verdict.basis and "source E" not in verdict.basis


def test_levels_and_diseases_are_checked_on_load(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"line 3, column 'level'"):
        _kb_with(tmp_path, [
            "G1202R\tlorlatinib\tsensitive\tclinical\tanecdote\tNSCLC\tsource\tverified\t"
        ])  # fmt: skip
    with pytest.raises(ValueError, match=r"line 3, column 'disease'"):
        _kb_with(tmp_path, [
            "G1202R\tlorlatinib\tsensitive\tclinical\tcase report\tlung\tsource\tverified\t"
        ])  # fmt: skip


def test_roles_of_the_catalogue(kb: KnowledgeBase) -> None:
    roles = {name: m.role for name, m in kb.mutations.items()}
    assert roles["R1275Q"] == "activating"
    assert {roles[n] for n in ("G1128A", "T1151M", "C1156F", "G1202del")} == {"uncertain"}
    # Parts of a compound that resists are resistance mutations (L1198F with C1156Y).
    assert roles["L1198F"] == roles["D1203N"] == roles["G1202R"] == "resistance"
    assert all(m.role_note for m in kb.mutations.values() if m.role != "resistance")


def test_every_drug_of_the_knowledge_base_has_a_role() -> None:
    from alkres.inputs.tki_vocabulary import load_agents

    agents = load_agents()
    kb = load_knowledge_base()
    assert set(kb.tkis) <= set(agents)
    approved = {name for name, agent in agents.items() if agent.role == "approved ALK TKI"}
    assert approved == {
        "crizotinib", "ceritinib", "alectinib", "brigatinib", "lorlatinib", "ensartinib",
    }  # fmt: skip
    for name in ("tanespimycin", "luminespib", "tae684", "azd3463", "asp3026", "gilteritinib",
                 "entrectinib"):  # fmt: skip
        assert agents[name].role == "other"
    assert agents["neladalkib"].role == "investigational"


def test_refreshed_statements(kb: KnowledgeBase) -> None:
    """Statements re-read from their sources (resources/README.md, Knowledge-base refresh)."""
    gilteritinib = kb.calls_for("I1171T", "gilteritinib")
    assert gilteritinib and all(not call.verified for call in gilteritinib)
    assert kb.verdict("L1256F", "lorlatinib").activity == "resistant"
    assert kb.verdict("L1256F", "alectinib").activity == "sensitive"
    assert kb.verdict("I1171T", "ceritinib").activity == "sensitive"
    assert all(
        call.disease == "mesothelioma"
        for name in ("I1171N+L1196M", "G1202R+I1171N+L1196M")
        for call in kb.calls_for(name)
    )


def test_clinical_notes_have_sources_and_tiers() -> None:
    from alkres.knowledge.knowledge import load_clinical_notes

    notes = load_clinical_notes()
    assert {"ALK fusion", "ALK amplification", "MET amplification"} <= set(notes)
    assert notes["ALK fusion"].tier == "I" and notes["ALK fusion"].tier_level == "A"
    assert all(note.source and note.status == "verified" for note in notes.values())


# ---------------------------------------------------------------- validation on load


def _copy_tables(directory: Path) -> Path:
    for name in (MUTATIONS_FILE, ACTIVITY_FILE):
        shutil.copy(DEFAULT_RESOURCES_DIR / name, directory / name)
    return directory


def _edit(path: Path, key: dict[str, str], changes: dict[str, str | None]) -> int:
    """Change (or, with None for "*", delete) the first row matching `key`; its line number."""
    lines = path.read_text().split("\n")
    header = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    columns = lines[header].split("\t")
    for index in range(header + 1, len(lines)):
        fields = lines[index].split("\t")
        row = dict(zip(columns, fields, strict=False))
        if all(row.get(column) == value for column, value in key.items()):
            if "*" in changes:
                del lines[index]
            else:
                lines[index] = "\t".join(changes.get(c, row[c]) or "" for c in columns)
            path.write_text("\n".join(lines))
            return index + 1
    raise AssertionError(f"no row {key} in {path}")


CORRUPTION_CASES = [
    # file, row key, changes, column named in the error
    (MUTATIONS_FILE, {"alteration": "G1202R"}, {"alteration": "G1202Arg"}, "alteration"),
    (MUTATIONS_FILE, {"alteration": "G1202R"}, {"ref_aa": "A"}, "ref_aa"),
    (
        MUTATIONS_FILE,
        {"alteration": "D1203N"},
        {"alteration": "A1203N", "ref_aa": "A", "hgvs_p": "NP_004295.2:p.(Ala1203Asn)"},
        "ref_aa",
    ),
    (MUTATIONS_FILE, {"alteration": "G1202R"}, {"hgvs_p": "p.G1202R"}, "hgvs_p"),
    (MUTATIONS_FILE, {"alteration": "G1202R"}, {"hgvs_p": "NP_004295.2:p.(Gly1203Arg)"}, "hgvs_p"),
    (MUTATIONS_FILE, {"alteration": "G1202R"}, {"hgvs_c": "3604G>A"}, "hgvs_c"),
    (MUTATIONS_FILE, {"alteration": "G1202R"}, {"hgvs_c_status": "PROBABLE"}, "hgvs_c_status"),
    (MUTATIONS_FILE, {"alteration": "G1202R"}, {"kind": "deletion"}, "kind"),
    (MUTATIONS_FILE, {"alteration": "G1202R"}, {"codon": "1203"}, "codon"),
    (MUTATIONS_FILE, {"alteration": "G1202R"}, {"sources": ""}, "sources"),
    (MUTATIONS_FILE, {"alteration": "G1202R+L1196M"}, {"components": "G1202R"}, "components"),
    (ACTIVITY_FILE, {"alteration": "G1202R", "tki": "crizotinib"}, {"source": ""}, "source"),
    (ACTIVITY_FILE, {"alteration": "G1202R", "tki": "crizotinib"}, {"source": "  "}, "source"),
    (ACTIVITY_FILE, {"alteration": "G1202R", "tki": "crizotinib"}, {"activity": "active"}, "activity"),
    (ACTIVITY_FILE, {"alteration": "G1202R", "tki": "crizotinib"}, {"status": "confirmed"}, "status"),
    (ACTIVITY_FILE, {"alteration": "G1202R", "tki": "crizotinib"}, {"alteration": "G1202K"}, "alteration"),
    (ACTIVITY_FILE, {"alteration": "G1202R", "tki": "crizotinib"}, {"tki": "Xalkori"}, "tki"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "key", "changes", "column"), CORRUPTION_CASES)
def test_corrupted_tables_are_rejected_with_file_line_and_column(
    tmp_path: Path, name: str, key: dict[str, str], changes: dict[str, str], column: str
) -> None:
    directory = _copy_tables(tmp_path)
    line = _edit(directory / name, key, changes)
    with pytest.raises(ValueError) as error:
        load_knowledge_base(directory)
    message = str(error.value)
    assert str(directory / name) in message
    assert f"line {line}, column '{column}'" in message


def test_missing_component_row_is_rejected(tmp_path: Path) -> None:
    directory = _copy_tables(tmp_path)
    _edit(directory / MUTATIONS_FILE, {"alteration": "L1196M"}, {"*": None})
    with pytest.raises(ValueError, match=r"column 'components': L1196M is not a single"):
        load_knowledge_base(directory)


def test_reference_is_checked_against_the_protein(tmp_path: Path, protein: str) -> None:
    changed = protein[:1201] + "A" + protein[1202:]
    with pytest.raises(ValueError, match=r"line \d+, column 'ref_aa'.*has A at codon 1202"):
        load_knowledge_base(DEFAULT_RESOURCES_DIR, protein=changed)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda text: text.split("\n", 1)[1], r"line 1, column '#'"),
        (lambda text: text.replace("\trole_note\n", "\tnote\n", 1), r"column 'header'"),
        (lambda text: text.replace("2026.12.04-1", "2026.12.05-1", 1), r"version"),
    ],
)
def test_broken_headers_are_rejected(tmp_path: Path, mutate, message: str) -> None:
    directory = _copy_tables(tmp_path)
    path = directory / MUTATIONS_FILE
    path.write_text(mutate(path.read_text()))
    with pytest.raises(ValueError, match=message):
        load_knowledge_base(directory)


# ---------------------------------------------------------------- resources/build_knowledge_base.py


@functools.cache
def _builder() -> ModuleType:
    """resources/build_knowledge_base.py, imported from its path (resources/ is no package)."""
    path = DEFAULT_RESOURCES_DIR / "build_knowledge_base.py"
    spec = importlib.util.spec_from_file_location("build_knowledge_base", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


RECALL = "recalled from Gainor et al. Cancer Discov 2016;6:1118 Fig.6 Ba/F3 p-ALK IC50 table, not re-read"
CELL_CASES = [
    # cell, [(activity, status, source)]; None = irregular (needs an override)
    ("UNVERIFIED", []),
    ("", []),
    (f"UNVERIFIED ({RECALL}): I", [("intermediate", "unverified", RECALL)]),
    (f"S - UNVERIFIED ({RECALL})", [("sensitive", "unverified", RECALL)]),
    (
        "R - CIViC EID441 (Ba/F3, PMID:22277784, level D); EID1357 (clinical case, level C)",
        [
            ("resistant", "verified", "CIViC EID441; PMID:22277784"),
            ("resistant", "verified", "CIViC EID1357"),
        ],
    ),
    (
        "R - CIViC EID764, EID765 (clinical; PMID:22235099, 23344087); EID1342 (Ba/F3)",
        [
            ("resistant", "verified", "CIViC EID764, EID765; PMID:22235099, PMID:23344087"),
            ("resistant", "verified", "CIViC EID1342"),
        ],
    ),
    (
        "S - CIViC EID1341 (Ba/F3); MOAlmanac: sensitivity, Preclinical",
        [
            ("sensitive", "verified", "CIViC EID1341"),
            ("sensitive", "verified", _builder().MOA_SOURCE),
        ],
    ),
    (
        f"R - CIViC EID1351 (Ba/F3); Gainor 2016 table reportedly intermediate: UNVERIFIED ({RECALL})",
        [
            ("resistant", "verified", "CIViC EID1351"),
            ("intermediate", "unverified", RECALL),
        ],
    ),
    ("S - MOAlmanac: resistance", None),  # direction disagrees with the call
    ("R - UNVERIFIED", None),
    ("R/I - UNVERIFIED (recalled from somewhere)", None),
    ("UNVERIFIED (crizotinib-resistant per literature)", None),
]


@pytest.mark.parametrize(("cell", "expected"), CELL_CASES)
def test_builder_reads_regular_cells(
    cell: str, expected: list[tuple[str, str, str]] | None
) -> None:
    statements = _builder().cell_statements(cell, "crizotinib")
    if expected is None:
        assert statements is None
    else:
        assert [(s.activity, s.status, s.source) for s in statements] == expected


def test_builder_has_no_stale_overrides() -> None:
    builder = _builder()
    catalogue = builder.read_catalogue(DEFAULT_RESOURCES_DIR / "alk_resistance_catalogue.tsv")
    cells = {
        (builder.alteration_name(row["protein_change"]), column): row[column].strip()
        for _, row in catalogue
        for column in (*builder.CATALOGUE_TKIS, "other_agents")
    }
    for key, override in builder.OVERRIDES.items():
        assert cells.get(key) == override.text, key


@pytest.mark.skipif(not SHARED_REFERENCE.is_dir(), reason="shared reference tables not mounted")
def test_builder_reproduces_the_committed_tables(tmp_path: Path) -> None:
    assert _builder().main(["-o", str(tmp_path)]) == 0
    for name in (MUTATIONS_FILE, ACTIVITY_FILE):
        assert (tmp_path / name).read_bytes() == (DEFAULT_RESOURCES_DIR / name).read_bytes(), name


def test_builder_refuses_a_changed_cell(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.tsv"
    text = (DEFAULT_RESOURCES_DIR / "alk_resistance_catalogue.tsv").read_text()
    catalogue.write_text(text.replace("R - UNVERIFIED\t", "R - probably\t", 1))
    lin = SHARED_REFERENCE / "alk_tki_activity_lin2017.tsv"
    if not lin.is_file():
        pytest.skip("shared reference tables not mounted")
    out = tmp_path / "out"
    assert (
        _builder().main(["--catalogue", str(catalogue), "--lin2017", str(lin), "-o", str(out)]) == 1
    )
    assert not out.exists()
