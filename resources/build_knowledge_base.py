"""Build the ALK knowledge base (mutations and per-TKI activity) from the two shared tables.

The catalogue gives one row per alteration with a free-text cell per drug ("R - CIViC EID441
(Ba/F3, PMID:22277784, level D); EID1357 (...)", "UNVERIFIED (recalled from ...): S"). The
report needs one typed statement per (alteration, drug, source), each keeping its source and
whether that source could be read. Regular cells are parsed by pattern; the irregular ones are
interpreted in the OVERRIDES table below, each entry quoting the exact text it interprets, so a
changed catalogue cell stops the build instead of being misread. Any cell left uninterpreted
is printed and the script exits with status 1 without writing anything.

Usage: python resources/build_knowledge_base.py [--catalogue PATH] [--lin2017 PATH] [-o DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

# resources/ is no package: the shared vocabulary and the loader come from the workflow code.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))
from alkres.knowledge.knowledge import (  # noqa: E402
    ACTIVITY_COLUMNS,
    ACTIVITY_FILE,
    MUTATION_COLUMNS,
    MUTATIONS_FILE,
    expected_hgvs_p,
    load_knowledge_base,
    tki_rank,
)
from alkres.knowledge.transcript import SEQUENCE_FILES, read_fasta  # noqa: E402

VERSION = "2026.12.04-1"
SHARED_REFERENCE = Path("/work/shared/reference")
DEFAULT_CATALOGUE = SHARED_REFERENCE / "alk_resistance_catalogue.tsv"
DEFAULT_LIN2017 = SHARED_REFERENCE / "alk_tki_activity_lin2017.tsv"
RESOURCES_DIR = Path(__file__).resolve().parent
CATALOGUE_TKIS = ("crizotinib", "ceritinib", "alectinib", "brigatinib", "lorlatinib", "ensartinib")
PROTEIN_ACCESSION = "NP_004295.2"

CALL_LETTERS = {"S": "sensitive", "R": "resistant", "I": "intermediate"}
LIN_VALUES = {"active": "sensitive", "resistant": "resistant", "intermediate": "intermediate"}

CIVIC_SOURCE = "CIViC"
MOA_SOURCE = "MOAlmanac (vanallenlab/moalmanac-db@20757ca somatic_variant.tsv)"
LIN_SOURCE = "Lin JJ et al. Cancer Discov 2017;7(2):137-155, Table 2"
LIN_EVIDENCE = "review table (preclinical and clinical reports)"
MIZUTA_SOURCE = "Mizuta et al. Nat Commun 2021;12:1261 (abstract)"
RECONDO_SOURCE = "Recondo et al. Clin Cancer Res 2020;26:242 (PMID:31585938; abstract)"
GAINOR_RECALL = (
    "recalled from Gainor et al. Cancer Discov 2016;6:1118 Fig.6 Ba/F3 p-ALK IC50 table, "
    "not re-read"
)
GAINOR_EVIDENCE = "preclinical (Ba/F3 p-ALK IC50), recalled"
NOT_STATED = "not stated in catalogue"

_SINGLE = r"[A-Z]\d+(?:[A-Z]|del|dup)"
SINGLE_ALTERATION = re.compile(rf"^{_SINGLE}$")
COMPOUND_ALTERATION = re.compile(rf"^{_SINGLE}(?:\+{_SINGLE})+$")
_HGVS_C = re.compile(r"c\.\d+(?:_\d+)?(?:delins[ACGT]+|del|dup|[ACGT]>[ACGT])")
_HGVS_P = re.compile(r"^(?:NP_004295\.2:)?p\.\([A-Z][a-z]{2}\d+(?:[A-Z][a-z]{2}|del|dup)\)")


@dataclass(frozen=True)
class Statement:
    """One activity statement: a call for one drug from one source."""

    tki: str
    activity: str
    evidence: str
    source: str
    status: str
    note: str = ""
    level: str = ""  # set by with_level_and_disease, unless a curated statement gives it
    disease: str = ""


@dataclass(frozen=True)
class Override:
    """Hand-checked reading of one catalogue cell; `text` must equal the cell exactly."""

    text: str
    statements: tuple[Statement, ...] = ()
    reason: str = ""  # why the cell gives no statement (or fewer than it mentions)


@dataclass
class BuildReport:
    """What the build could not turn into rows, printed so nothing is dropped silently."""

    unparsed: list[str] = field(default_factory=list)
    no_row: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def _unverified(tki: str, activity: str, source: str, evidence: str, note: str = "") -> Statement:
    return Statement(tki, activity, evidence, source, "unverified", note)


def _verified(tki: str, activity: str, source: str, evidence: str, note: str = "") -> Statement:
    return Statement(tki, activity, evidence, source, "verified", note)


def _mizuta_all_approved(tki: str) -> Override:
    # "R (all approved ALK TKIs per abstract)": the abstract named in the row's sources
    # (Mizuta 2021) reports these I1171N compounds resistant to every approved ALK TKI.
    return Override(
        "R (all approved ALK TKIs per abstract)",
        (
            _verified(
                tki,
                "resistant",
                MIZUTA_SOURCE,
                "preclinical",
                "abstract: resistant to all approved ALK TKIs",
            ),
        ),
    )


NO_SOURCE = "names no source for the call"

# Key: (alteration, catalogue column). Every entry quotes the cell it interprets.
OVERRIDES: dict[tuple[str, str], Override] = {
    # ---------------------------------------------------------------- per-TKI cells
    ("G1202R", "lorlatinib"): Override(
        "S - UNVERIFIED (recalled from Gainor et al. Cancer Discov 2016;6:1118 Fig.6 Ba/F3 "
        "p-ALK IC50 table, not re-read); consistent with Gainor 2016 abstract (ALK-mutant "
        "ceritinib-resistant lines predicted lorlatinib-sensitive) and Berko et al. Nat Commun "
        "2023 (single ALK mutations retain lorlatinib sensitivity)",
        (
            _unverified(
                "lorlatinib",
                "sensitive",
                GAINOR_RECALL,
                GAINOR_EVIDENCE,
                "catalogue adds: consistent with Gainor 2016 abstract and Berko et al. "
                "Nat Commun 2023 (class-level statements, not G1202R-specific)",
            ),
        ),
    ),
    ("L1198F", "crizotinib"): Override(
        "S (re-sensitisation) - CIViC EID844 (C1156Y+L1198F compound sensitive to crizotinib, "
        "clinical response 6 mo; PMID:26698910 Shaw NEJM 2016)",
        reason="evidence is for the compound C1156Y+L1198F; carried on that row (CIViC EID844)",
    ),
    ("L1198F", "ceritinib"): Override(
        "R/I - UNVERIFIED (recalled from Gainor et al. Cancer Discov 2016;6:1118 Fig.6 Ba/F3 "
        "p-ALK IC50 table, not re-read)",
        (
            _unverified(
                "ceritinib",
                "resistant",
                GAINOR_RECALL,
                GAINOR_EVIDENCE,
                "catalogue call R/I (resistant or intermediate); recorded as the worse",
            ),
        ),
    ),
    ("L1198F", "lorlatinib"): Override(
        "R when compound with C1156Y - CIViC EID843 (PMID:26698910); single L1198F: UNVERIFIED "
        "(recalled from Gainor et al. Cancer Discov 2016;6:1118 Fig.6 Ba/F3 p-ALK IC50 table, "
        "not re-read)",
        reason="R is for the compound C1156Y+L1198F (CIViC EID843, carried on that row); "
        "for single L1198F the cell gives no call",
    ),
    ("I1171N", "lorlatinib"): Override(
        "S (single) - UNVERIFIED (recalled from Gainor et al. Cancer Discov 2016;6:1118 Fig.6 "
        "Ba/F3 p-ALK IC50 table, not re-read); clinical PR on lorlatinib in I1171N+L1196M case "
        "(CIViC EID11113)",
        (_unverified("lorlatinib", "sensitive", GAINOR_RECALL, GAINOR_EVIDENCE, "single mutant"),),
        reason="the CIViC EID11113 part is for the compound I1171N+L1196M, carried on that row",
    ),
    ("V1180L", "lorlatinib"): Override(
        "S - UNVERIFIED (recalled from Gainor et al. Cancer Discov 2016;6:1118 Fig.6 Ba/F3 "
        "p-ALK IC50 table, not re-read) (lorlatinib not in Katayama 2014)",
        (
            _unverified(
                "lorlatinib",
                "sensitive",
                GAINOR_RECALL,
                GAINOR_EVIDENCE,
                "lorlatinib not in Katayama 2014",
            ),
        ),
    ),
    ("F1174L", "crizotinib"): Override(
        "R - CIViC EID33 (EML4-ALK Ba/F3; PMID:21030459), EID32 (RANBP2-ALK IMT); NB: EID1271 "
        "poor clinical response; EID38 high-dose crizotinib overcomes",
        (
            _verified(
                "crizotinib",
                "resistant",
                "CIViC EID33; PMID:21030459",
                "preclinical (Ba/F3)",
                "EML4-ALK Ba/F3",
            ),
            _verified(
                "crizotinib",
                "resistant",
                "CIViC EID32",
                f"{NOT_STATED}; IMT",
                "RANBP2-ALK inflammatory myofibroblastic tumour",
            ),
            # "NB:" = neuroblastoma, as in the R1275Q cells "S (NB)".
            _verified(
                "crizotinib",
                "resistant",
                "CIViC EID1271",
                "clinical; neuroblastoma",
                "poor clinical response; catalogue also cites CIViC EID38: high-dose "
                "crizotinib overcomes (no separate call recorded)",
            ),
        ),
        reason="CIViC EID38 (high-dose crizotinib overcomes) gives no plain call; kept as a note",
    ),
    ("F1174L", "ceritinib"): Override(
        "UNVERIFIED (reported after ceritinib, Friboulet 2014; not verified)",
        (
            _unverified(
                "ceritinib",
                "resistant",
                "Friboulet 2014 (cited by the catalogue; not verified)",
                "clinical (found at progression), not verified",
                "catalogue: reported after ceritinib",
            ),
        ),
    ),
    ("L1152P", "crizotinib"): Override(
        "UNVERIFIED (reported crizotinib-resistant in literature; not verified)",
        reason=NO_SOURCE,
    ),
    ("G1269S", "crizotinib"): Override(
        "UNVERIFIED (crizotinib-resistant per literature; not verified)", reason=NO_SOURCE
    ),
    ("G1128A", "crizotinib"): Override(
        "UNVERIFIED (crizotinib-resistant per literature)", reason=NO_SOURCE
    ),
    ("E1210K", "brigatinib"): Override("UNVERIFIED (reported after brigatinib)", reason=NO_SOURCE),
    ("T1151dup", "ceritinib"): Override(
        "UNVERIFIED (CIViC EID1348 shows TAE684 resistance, 20x; ceritinib inferred only)",
        (
            _unverified(
                "ceritinib",
                "resistant",
                "CIViC EID1348 (TAE684, not ceritinib); ceritinib call inferred only",
                "preclinical (TAE684, 20x), inferred",
            ),
        ),
    ),
    ("G1202R+L1196M", "lorlatinib"): Override(
        "R - supported by CIViC EID11114 (G1202R arose in cis with L1196M, with I1171N also "
        "present, at lorlatinib progression; plasma NGS, case report); as an isolated double "
        "mutant UNVERIFIED",
        (
            _unverified(
                "lorlatinib",
                "resistant",
                "CIViC EID11114 (PMID:32600123, per the G1202R+I1171N+L1196M row); "
                "isolated double mutant not verified",
                "clinical case (plasma NGS), with I1171N also present",
                "G1202R in cis with L1196M at lorlatinib progression, I1171N also present",
            ),
        ),
    ),
    ("G1202R+F1174L", "lorlatinib"): Override(
        "R - Recondo 2020 abstract reports F1174L/G1202R among compounds with differential "
        "lorlatinib susceptibility; direction UNVERIFIED",
        (
            _unverified(
                "lorlatinib",
                "resistant",
                RECONDO_SOURCE,
                "patient-derived (abstract)",
                "abstract reports differential lorlatinib susceptibility; direction unverified",
            ),
        ),
    ),
    ("G1202R+L1198F", "crizotinib"): Override(
        "UNVERIFIED (L1198F may restore crizotinib binding)",
        reason="no call and no source (speculation)",
    ),
    ("G1202R+L1198F", "lorlatinib"): Override("R - UNVERIFIED", reason=NO_SOURCE),
    ("I1171N+L1198F", "lorlatinib"): Override("R - UNVERIFIED", reason=NO_SOURCE),
    ("L1196M+D1203N", "lorlatinib"): Override(
        "UNVERIFIED (Recondo 2020: differential susceptibility)",
        reason="no direction given (differential susceptibility)",
    ),
    ("C1156Y+G1269A", "lorlatinib"): Override(
        "UNVERIFIED (Recondo 2020: differential susceptibility)",
        reason="no direction given (differential susceptibility)",
    ),
    **{
        (compound, tki): _mizuta_all_approved(tki)
        for compound in ("I1171N+F1174I", "I1171N+L1198H")
        for tki in ("crizotinib", "ceritinib", "alectinib", "brigatinib", "lorlatinib")
    },
    # ---------------------------------------------------------------- other_agents cells
    ("G1202R", "other_agents"): Override(
        "neladalkib (NVL-655): clinical activity reported in G1202R (~70% ORR, ALKOVE-1 ESMO "
        "2024, secondary source lungcancerstoday.com interview; UNVERIFIED primary); "
        "tanespimycin/17-AAG S in Ba/F3 (CIViC EID1352)",
        (
            _unverified(
                "neladalkib",
                "sensitive",
                "ALKOVE-1 ESMO 2024 via lungcancerstoday.com interview (secondary source; "
                "primary not verified)",
                "clinical (phase 1/2, secondary report)",
                "~70% ORR in G1202R",
            ),
            _verified(
                "tanespimycin",
                "sensitive",
                "CIViC EID1352",
                "preclinical (Ba/F3)",
                "HSP90 inhibitor (17-AAG)",
            ),
        ),
    ),
    ("D1203N", "other_agents"): Override(
        "Compound L1196M+D1203N described at lorlatinib resistance (Recondo 2020 CCR, "
        "PMID:31585938)",
        reason="context for the compound L1196M+D1203N, whose own cell gives no direction",
    ),
    ("L1196M", "other_agents"): Override(
        "Compound G1202R+L1196M is lorlatinib-refractory (see compound rows); gatekeeper-type",
        reason="pointer to the compound row",
    ),
    ("L1198F", "other_agents"): Override(
        "Often part of lorlatinib-resistant compounds (C1156Y+L1198F, I1171N+L1198F, "
        "G1202R+L1198F)",
        reason="pointer to the compound rows",
    ),
    ("I1171T", "other_agents"): Override(
        "TAE684 S (CIViC EID1285); gilteritinib active vs ALK-TKI-resistant single mutants "
        "(Mizuta 2021 Nat Commun 12:1261 abstract)",
        (
            _verified("tae684", "sensitive", "CIViC EID1285", NOT_STATED),
            _verified(
                "gilteritinib",
                "sensitive",
                MIZUTA_SOURCE,
                "preclinical",
                "abstract statement about ALK-TKI-resistant single mutants as a class",
            ),
        ),
    ),
    ("I1171N", "other_agents"): Override(
        "gilteritinib: inhibits I1171N single and compound mutants in vitro/in vivo "
        "(Mizuta 2021 abstract)",
        (
            _verified(
                "gilteritinib",
                "sensitive",
                MIZUTA_SOURCE,
                "preclinical (in vitro/in vivo)",
                "I1171N single mutant",
            ),
        ),
        reason="the compound part is carried on the I1171N compound rows",
    ),
    ("I1171S", "other_agents"): Override(
        "gilteritinib: see I1171N (UNVERIFIED for S specifically)",
        (
            _unverified(
                "gilteritinib",
                "sensitive",
                f"{MIZUTA_SOURCE}, I1171N data; not shown for I1171S",
                "preclinical (extrapolated from I1171N)",
            ),
        ),
    ),
    ("V1180L", "other_agents"): Override(
        "TAE684 S (CIViC EID1290)",
        (_verified("tae684", "sensitive", "CIViC EID1290", NOT_STATED),),
    ),
    ("C1156Y", "other_agents"): Override(
        "luminespib (AUY922) R clinical (CIViC EID841)",
        (
            _verified(
                "luminespib", "resistant", "CIViC EID841", "clinical", "HSP90 inhibitor (AUY922)"
            ),
        ),
    ),
    ("C1156F", "other_agents"): Override(
        "Reported in ASP3026-resistant NPM-ALK ALCL lines (Mologni Oncotarget 2015 abstract)",
        (
            # Found in lines selected for ASP3026 resistance: an acquired-resistance call.
            _verified(
                "asp3026",
                "resistant",
                "Mologni et al. Oncotarget 2015;6:5720 (abstract)",
                "preclinical (NPM-ALK ALCL cell lines)",
                "found in ASP3026-resistant lines",
            ),
        ),
    ),
    ("F1174C", "other_agents"): Override(
        "F1174 is also a neuroblastoma activating hotspot (Berko Nat Commun 2023)",
        reason="no drug call",
    ),
    ("F1174L", "other_agents"): Override(
        "TAE684 S (EID142); AZD3463 S (EID1327); compound F1174L+G1202R at lorlatinib "
        "resistance (Recondo 2020)",
        (
            _verified("tae684", "sensitive", "CIViC EID142", NOT_STATED),
            _verified("azd3463", "sensitive", "CIViC EID1327", NOT_STATED),
        ),
        reason="the compound part is carried on the G1202R+F1174L row",
    ),
    ("F1174I", "other_agents"): Override(
        "Compound I1171N+F1174I resistant to all approved ALK TKIs; gilteritinib active "
        "(Mizuta 2021 abstract)",
        reason="pointer to the compound row I1171N+F1174I",
    ),
    ("G1269A", "other_agents"): Override(
        "compound C1156Y+G1269A described at lorlatinib resistance (Recondo 2020 abstract)",
        reason="context for the compound C1156Y+G1269A, whose own cell gives no direction",
    ),
    ("S1206C", "other_agents"): Override(
        "reported as part of brigatinib-resistant compound with E1210K (literature; UNVERIFIED)",
        reason=f"{NO_SOURCE}; the compound is carried from the Lin 2017 table",
    ),
    ("E1210K", "other_agents"): Override(
        "compounds E1210K+S1206C / E1210K+D1203N reported after brigatinib (UNVERIFIED)",
        reason=f"{NO_SOURCE}; the compounds are carried from the Lin 2017 table",
    ),
    ("F1245C", "other_agents"): Override(
        "F1245 is a neuroblastoma activating hotspot; F1245V: entrectinib PR in NB (CIViC EID2987)",
        reason="the entrectinib evidence is for F1245V, which is not catalogued",
    ),
    ("R1275Q", "other_agents"): Override(
        "TAE684: EID39 (S, higher IC50) vs EID48 (R, SMS-KCNR)",
        (
            _verified(
                "tae684",
                "sensitive",
                "CIViC EID39",
                f"{NOT_STATED}; neuroblastoma",
                "higher IC50",
            ),
            _verified(
                "tae684",
                "resistant",
                "CIViC EID48",
                "preclinical (cell line); neuroblastoma",
                "SMS-KCNR cells",
            ),
        ),
    ),
    ("I1268V", "other_agents"): Override(
        "no evidence found in any searched source", reason="no drug call"
    ),
    ("L1198H", "other_agents"): Override(
        "Compound I1171N+L1198H resistant to all approved ALK TKIs; gilteritinib active "
        "(Mizuta 2021 abstract)",
        reason="pointer to the compound row I1171N+L1198H",
    ),
    ("L1256F", "other_agents"): Override(
        "reported as lorlatinib-resistant single mutation in a low-reliability third-party "
        "knowledge file only",
        reason=NO_SOURCE,
    ),
    ("T1151dup", "other_agents"): Override(
        "17-AAG S (CIViC EID1349)",
        (
            _verified(
                "tanespimycin",
                "sensitive",
                "CIViC EID1349",
                NOT_STATED,
                "HSP90 inhibitor (17-AAG)",
            ),
        ),
    ),
    ("G1202R+L1196M", "other_agents"): Override(
        "neladalkib designed to cover G1202R compounds (UNVERIFIED preclinical data)",
        reason="design intent, no call",
    ),
    ("I1171N+F1174I", "other_agents"): Override(
        "gilteritinib S in vitro/in vivo (Mizuta 2021); alectinib/lorlatinib-treated xenografts "
        "regrew",
        (
            _verified(
                "gilteritinib",
                "sensitive",
                MIZUTA_SOURCE,
                "preclinical (in vitro/in vivo)",
                "alectinib/lorlatinib-treated xenografts regrew",
            ),
        ),
    ),
    ("I1171N+L1198H", "other_agents"): Override(
        "gilteritinib S (Mizuta 2021)",
        (_verified("gilteritinib", "sensitive", MIZUTA_SOURCE, "preclinical"),),
    ),
}

# Mutations named by the Lin 2017 table but not catalogued; exon and region come from the
# catalogue row at the same codon.
# C1156T: the Cys codon TGC (c.3466-3468) needs two changes to become Thr (ACN), so there
# is no single-nucleotide c. change; hgvs_c stays empty (DERIVED).
LIN_ONLY_HGVS_C = {"C1156T": ("", "DERIVED")}


# ------------------------------------------------------------------------- reading


def read_catalogue(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every catalogue row."""
    with Path(path).open(newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"protein_change", "hgvs_p", "sources", *CATALOGUE_TKIS} - set(
            reader.fieldnames or ()
        )
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        return list(enumerate(reader, start=2))


def read_lin2017(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header comment lines (without '# ') and data rows of the Lin 2017 table."""
    with Path(path).open(newline="") as handle:
        lines = handle.read().splitlines()
    comments = [line[1:].strip() for line in lines if line.startswith("#")]
    data = [line for line in lines if line and not line.startswith("#")]
    rows = list(csv.DictReader(data, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or "mutation" not in rows[0]:
        raise ValueError(f"{path}: no 'mutation' column")
    return comments, rows


# ------------------------------------------------------------------------- alterations


def alteration_name(protein_change: str) -> str:
    """Short name: the head of protein_change ("T1151dup (1151Tins)" -> "T1151dup")."""
    if "amplification" in protein_change.lower():
        return "amplification"
    return protein_change.split()[0]


def alteration_kind(alteration: str) -> str:
    if alteration == "amplification":
        return "amplification"
    if COMPOUND_ALTERATION.match(alteration):
        return "compound"
    if not SINGLE_ALTERATION.match(alteration):
        raise ValueError(f"unreadable alteration {alteration!r}")
    if alteration.endswith("del"):
        return "deletion"
    if alteration.endswith("dup"):
        return "duplication"
    return "substitution"


def single_parts(alteration: str) -> tuple[str, int, str]:
    """Reference residue, codon and change ("R", "del", "dup") of a single alteration."""
    match = re.fullmatch(r"([A-Z])(\d+)([A-Z]|del|dup)", alteration)
    if match is None:
        raise ValueError(f"{alteration!r} is not a single alteration")
    return match.group(1), int(match.group(2)), match.group(3)


def clean_hgvs_p(text: str, alteration: str, kind: str) -> str:
    """The catalogue's hgvs_p without its bracketed notes, checked against the alteration.

    Compound cells list bare "p.(...)" parts; each gets the protein accession so every part
    reads on its own.
    """
    if kind == "amplification":
        return ""
    parts = [part.strip() for part in text.split(";")] if kind == "compound" else [text]
    cleaned = []
    for part in parts:
        match = _HGVS_P.match(part)
        if match is None:
            raise ValueError(f"{alteration}: unreadable hgvs_p {text!r}")
        value = match.group(0)
        cleaned.append(
            value if value.startswith(PROTEIN_ACCESSION) else f"{PROTEIN_ACCESSION}:{value}"
        )
    expected = expected_hgvs_p(alteration).split("; ")
    if cleaned != expected:
        raise ValueError(f"{alteration}: hgvs_p {text!r} does not match {expected}")
    return "; ".join(cleaned)


def clean_hgvs_c(text: str) -> tuple[str, str]:
    """(typical c. change, STATED | DERIVED | UNVERIFIED) from the hgvs_c_typical cell.

    Where several routes are listed and none is stated as typical, the first listed is kept
    and marked UNVERIFIED, as the catalogue marks it.
    """
    if text.strip() in ("", "n/a", "see single-mutation rows"):
        return "", ""
    tag = re.search(r"\[([^\]]*)\]|\((STATED|DERIVED)\)", text)
    if tag is None:
        raise ValueError(f"no STATED/DERIVED tag in hgvs_c text {text!r}")
    label = tag.group(1) or tag.group(2)
    if "UNVERIFIED" in label:
        status = "UNVERIFIED"
    elif label.startswith(("STATED", "DERIVED")):
        status = label.split(":")[0].split(";")[0].strip()
    else:
        raise ValueError(f"unknown hgvs_c tag {label!r} in {text!r}")
    if "no single-nucleotide change" in text:
        return "", status
    match = _HGVS_C.search(text)
    if match is None:
        raise ValueError(f"no c. change in hgvs_c text {text!r}")
    return match.group(0), status


def short_region(note: str) -> str:
    """The region note without its parenthesised detail."""
    previous = None
    while previous != note:
        previous, note = note, re.sub(r"\s*\([^()]*\)", "", note)
    return re.sub(r"\s+", " ", note).strip()


def compound_region(exons: Sequence[str]) -> str:
    """Region text for a compound not in the catalogue, in the catalogue's own wording."""
    if len(set(exons)) == 1:
        return "compound; same exon - can be phased from DNA reads"
    return (
        "compound; different exons separated by introns >1 kb - cis/trans phasing NOT "
        "possible from short DNA reads"
    )


def mutation_row(row: dict[str, str]) -> dict[str, str]:
    """One output mutation row from one catalogue row."""
    alteration = alteration_name(row["protein_change"])
    kind = alteration_kind(alteration)
    codon = ref = alt = ""
    components = ""
    if kind == "compound":
        components = ";".join(alteration.split("+"))
    elif kind != "amplification":
        ref, codon_number, change = single_parts(alteration)
        codon = str(codon_number)
        alt = change if kind == "substitution" else ""
    hgvs_c, hgvs_c_status = clean_hgvs_c(row["hgvs_c_typical"])
    return {
        "alteration": alteration,
        "kind": kind,
        "codon": codon,
        "ref_aa": ref,
        "alt_aa": alt,
        "components": components,
        "hgvs_p": clean_hgvs_p(row["hgvs_p"], alteration, kind),
        "hgvs_c": hgvs_c,
        "hgvs_c_status": hgvs_c_status,
        "exon": row["exon"].strip(),
        "region": short_region(row["region_note"]),
        "sources": row["sources"].strip(),
    }


# ------------------------------------------------------------------------- activity cells


def split_top_level(text: str, separator: str = ";") -> list[str]:
    """Split on `separator` outside parentheses."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def pmids(text: str) -> list[str]:
    """PMIDs in `text`, including continuation lists such as "PMID:22235099, 23344087"."""
    found = []
    for match in re.finditer(r"PMID:\s*(\d+(?:\s*,\s*\d{7,9})*)", text):
        found.extend(re.findall(r"\d+", match.group(1)))
    return found


_MODELS = (
    ("ba/f3", "Ba/F3"),
    ("xenograft", "xenograft"),
    ("pdx", "PDX"),
    ("cell line", "cell line"),
    (" cells", "cell line"),
    ("h3122", "cell line"),
    ("enu screen", "mutagenesis screen"),
    ("kinase assay", "kinase assay"),
    ("in vitro", "in vitro"),
)
_CLINICAL = re.compile(r"clinical|patient|case|progress|\bPR\b|\bVAF\b|plasma", re.IGNORECASE)
_DISEASES = (("neuroblastoma", "neuroblastoma"), ("NB", "neuroblastoma"), ("IMT", "IMT"),
             ("mesothelioma", "mesothelioma"))  # fmt: skip


def evidence_of(detail: str) -> str:
    """Short evidence type ("preclinical (Ba/F3)", "clinical case") from a detail text."""
    lowered = f" {detail.lower()}"
    models = []
    for key, label in _MODELS:
        if key in lowered and label not in models:
            models.append(label)
    if not models and re.search(r"\b(?:IC50|GI50)\b", detail):
        models.append("in vitro")
    parts = []
    if _CLINICAL.search(detail):
        parts.append("clinical case" if re.search(r"\bcase\b", detail) else "clinical")
    if models:
        parts.append(f"preclinical ({', '.join(models)})")
    evidence = "; ".join(parts) if parts else NOT_STATED
    diseases = []
    for key, label in _DISEASES:
        if re.search(rf"\b{key}\b", detail) and label not in diseases:
            diseases.append(label)
    return "; ".join([evidence, *diseases])


def tidy_detail(detail: str) -> str:
    """Detail text without its PMIDs (they go to the source column)."""
    text = re.sub(r"PMID:\s*\d+(?:\s*,\s*\d{7,9})*", "", detail)
    text = re.sub(r"\s*[;,]\s*(?=[;,]|$)", "", text)
    text = re.sub(r"^\s*[;,]\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()


_CIVIC_GROUP = re.compile(
    r"(?:CIViC\s+)?(?P<eids>EID\d+(?:\s*[,/]\s*EID\d+)*)(?:\s*\((?P<detail>[^()]*)\))?"
)


def civic_statements(segment: str, tki: str, activity: str, note: str) -> list[Statement] | None:
    """Statements from "CIViC EID1 (detail), EID2 (detail)" (optionally "NB ..."); None if
    the segment is anything else."""
    context = ""
    body = segment
    if re.match(r"^NB:?\s", body):
        context, body = "neuroblastoma", re.sub(r"^NB:?\s+", "", body)
    groups = split_top_level(body, ",")
    merged: list[str] = []
    for group in groups:  # "EID764, EID765 (clinical; ...)" is one group sharing its detail
        if merged and re.fullmatch(r"(?:CIViC\s+)?EID\d+", merged[-1]) and group.startswith("EID"):
            merged[-1] = f"{merged[-1]}, {group}"
        else:
            merged.append(group)
    statements = []
    for group in merged:
        match = _CIVIC_GROUP.fullmatch(group)
        if match is None:
            return None
        eids = re.findall(r"EID\d+", match.group("eids"))
        detail = match.group("detail") or ""
        ids = [f"{CIVIC_SOURCE} {', '.join(eids)}"]
        found = pmids(detail)
        if found:
            ids.append(", ".join(f"PMID:{pmid}" for pmid in found))
        evidence = evidence_of(" ".join(filter(None, (detail, context, note))))
        notes = [text for text in (note, tidy_detail(detail)) if text]
        statements.append(
            Statement(tki, activity, evidence, "; ".join(ids), "verified", "; ".join(notes))
        )
    return statements


_MOA = re.compile(
    r"^MOAlmanac:\s*(?P<direction>resistance|sensitivity)(?P<level>,\s*Preclinical)?"
    r"(?:,?\s*\(?(?P<pmid>PMID:\d+)\)?)?$"
)
_RECALLED = re.compile(r"^UNVERIFIED \((?P<source>recalled from [^()]*)\)$")
_REPORTEDLY = re.compile(
    r"^(?:note )?Gainor 2016 (?:table |Ba/F3 )?reportedly (?P<call>S|R|I|intermediate|sensitive"
    r"|resistant)(?: \((?P<detail>[^()]*)\))?: UNVERIFIED \((?P<source>recalled from [^()]*)\)$"
)


def segment_statements(segment: str, tki: str, activity: str, note: str) -> list[Statement] | None:
    """Statements from one ';'-separated part of a call cell; None if not understood."""
    moa = _MOA.match(segment)
    if moa:
        moa_activity = "resistant" if moa.group("direction") == "resistance" else "sensitive"
        if moa_activity != activity:
            return None
        source = f"{MOA_SOURCE}; {moa.group('pmid')}" if moa.group("pmid") else MOA_SOURCE
        evidence = "preclinical" if moa.group("level") else NOT_STATED
        return [Statement(tki, activity, evidence, source, "verified", note)]
    recalled = _RECALLED.match(segment)
    if recalled:
        return [_unverified(tki, activity, recalled.group("source"), GAINOR_EVIDENCE, note)]
    reportedly = _REPORTEDLY.match(segment)
    if reportedly:
        call = reportedly.group("call")
        own = CALL_LETTERS.get(call, call)
        detail = reportedly.group("detail") or ""
        return [_unverified(tki, own, reportedly.group("source"), GAINOR_EVIDENCE, detail)]
    return civic_statements(segment, tki, activity, note)


_CALL_CELL = re.compile(r"^(?P<call>[SRI])(?: \((?P<modifier>[^()]*)\))? - (?P<rest>.+)$")
_RECALLED_CALL_CELL = re.compile(
    r"^UNVERIFIED \((?P<source>recalled from [^()]*)\): (?P<call>[SRI])$"
)


def cell_statements(text: str, tki: str) -> list[Statement] | None:
    """Statements from a regular per-TKI cell; [] for a bare UNVERIFIED, None if irregular."""
    text = text.strip()
    if text in ("", "UNVERIFIED"):
        return []
    recalled = _RECALLED_CALL_CELL.match(text)
    if recalled:
        activity = CALL_LETTERS[recalled.group("call")]
        return [_unverified(tki, activity, recalled.group("source"), GAINOR_EVIDENCE)]
    cell = _CALL_CELL.match(text)
    if cell is None:
        return None
    activity = CALL_LETTERS[cell.group("call")]
    modifier = cell.group("modifier") or ""
    statements: list[Statement] = []
    for segment in split_top_level(cell.group("rest")):
        found = segment_statements(segment, tki, activity, modifier)
        if found is None:
            return None
        statements.extend(found)
    return statements


def interpret_cell(
    alteration: str, column: str, text: str, report: BuildReport, where: str
) -> list[Statement]:
    """Statements of one catalogue cell, through OVERRIDES first, then the regular patterns."""
    override = OVERRIDES.get((alteration, column))
    if override is not None:
        if override.text != text.strip():
            report.unparsed.append(
                f"{where} {alteration} {column}: cell changed since its override was written: "
                f"{text!r}"
            )
            return []
        if override.reason:
            report.no_row.append(f"{alteration} {column}: {override.reason}")
        return list(override.statements)
    if column == "other_agents":
        if text.strip():
            report.unparsed.append(f"{where} {alteration} other_agents: {text!r}")
        return []
    statements = cell_statements(text, column)
    if statements is None:
        report.unparsed.append(f"{where} {alteration} {column}: {text!r}")
        return []
    return statements


def with_row_evidence(statement: Statement, row_note: str) -> Statement:
    """A compound row's evidence_level_note describes its one evidence item ("case report
    (level C)"), so it fills in an evidence type the cell itself does not give."""
    if statement.evidence != NOT_STATED or evidence_of(row_note) == NOT_STATED:
        return statement
    return replace(statement, evidence=evidence_of(row_note))


def _lone_eid(source: str) -> tuple[str, str] | None:
    """(EID, PMIDs) of a source naming exactly one CIViC evidence item."""
    match = re.fullmatch(r"CIViC (EID\d+)(?:; (PMID:.*))?", source)
    return (match.group(1), match.group(2) or "") if match else None


def civic_pmids(catalogue: Sequence[tuple[int, dict[str, str]]]) -> dict[str, str]:
    """EID -> "PMID:n" wherever any catalogue cell cites that item with exactly one PMID."""
    found: dict[str, str] = {}
    for _, row in catalogue:
        for text in row.values():
            for match in re.finditer(r"EID(\d+) \(([^()]*)\)", text or ""):
                ids = pmids(match.group(2))
                if len(ids) == 1:
                    found.setdefault(f"EID{match.group(1)}", f"PMID:{ids[0]}")
    return found


def enrich_civic(
    activity: Sequence[tuple[str, Statement]], pmid_of: dict[str, str]
) -> list[tuple[str, Statement]]:
    """Fill in the PMID and evidence type of a CIViC item cited bare in one cell from the
    cells citing the same item with them (an evidence item has one source and one design)."""
    evidence_of_eid: dict[str, str] = {}
    for _, statement in activity:
        lone = _lone_eid(statement.source)
        if lone is not None and statement.evidence != NOT_STATED:
            evidence_of_eid.setdefault(lone[0], statement.evidence)
    enriched = []
    for name, statement in activity:
        lone = _lone_eid(statement.source)
        if lone is not None:
            eid, found = lone
            if not found and eid in pmid_of:
                statement = replace(statement, source=f"{statement.source}; {pmid_of[eid]}")
            if statement.evidence == NOT_STATED and eid in evidence_of_eid:
                statement = replace(statement, evidence=evidence_of_eid[eid])
        enriched.append((name, statement))
    return enriched


# ------------------------------------------------------------------------- Lin 2017


def lin_footnotes(comments: Iterable[str]) -> dict[str, str]:
    """Footnote letter -> its text, without the table-preparer's '-> record as' advice."""
    notes = {}
    for line in comments:
        match = re.match(r"^Footnote (\w) \(([^)]*)\):\s*(.*)$", line)
        if match:
            text = re.split(r"\s*->\s*", match.group(3))[0].rstrip(" .")
            notes[match.group(1)] = f"Lin 2017 footnote {match.group(1)} ({match.group(2)}): {text}"
    return notes


def lin_compounds(comments: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(tki, components) for the compound resistance mutations the header lists."""
    found = []
    for line in comments:
        if not line.startswith("Compound rows as listed:"):
            continue
        for clause in re.finditer(r"(\w+) resistance reported with ([^;.]*)", line):
            for pair in re.finditer(rf"({_SINGLE}) \+ ({_SINGLE})", clause.group(2)):
                found.append((clause.group(1).lower(), (pair.group(1), pair.group(2))))
    return found


def lin_statements(
    rows: Sequence[dict[str, str]], footnotes: dict[str, str], report: BuildReport
) -> list[tuple[str, Statement]]:
    """(alteration, statement) for every listed Lin 2017 cell; not_listed gives nothing."""
    found = []
    tkis = [column for column in rows[0] if column != "mutation"]
    for row in rows:
        alteration = alteration_name(row["mutation"])
        for tki in tkis:
            value = row[tki].strip()
            match = re.fullmatch(r"(\w+)(?: \(footnote (\w)\))?", value)
            if match is None or (match.group(1) not in LIN_VALUES and value != "not_listed"):
                report.unparsed.append(f"Lin 2017 {alteration} {tki}: {value!r}")
                continue
            if value == "not_listed":
                continue
            note = footnotes[match.group(2)] if match.group(2) else ""
            statement = _verified(tki, LIN_VALUES[match.group(1)], LIN_SOURCE, LIN_EVIDENCE, note)
            found.append((alteration, statement))
    return found


# ------------------------------------------------------------------------- assembly


def lin_only_mutation(alteration: str, mutations: dict[str, dict[str, str]]) -> dict[str, str]:
    """Mutation row for a Lin 2017 single mutation the catalogue does not list."""
    ref, codon, change = single_parts(alteration)
    sibling = next(
        (row for row in mutations.values() if row["codon"] == str(codon) and row["ref_aa"] == ref),
        None,
    )
    if sibling is None or alteration not in LIN_ONLY_HGVS_C:
        raise ValueError(f"Lin 2017 names {alteration}, which has no catalogued codon sibling")
    hgvs_c, status = LIN_ONLY_HGVS_C[alteration]
    return {
        "alteration": alteration,
        "kind": alteration_kind(alteration),
        "codon": str(codon),
        "ref_aa": ref,
        "alt_aa": change,
        "components": "",
        "hgvs_p": expected_hgvs_p(alteration),
        "hgvs_c": hgvs_c,
        "hgvs_c_status": status,
        "exon": sibling["exon"],
        "region": sibling["region"],
        "sources": f"{LIN_SOURCE} (not in the catalogue); exon and region as catalogue row "
        f"{sibling['alteration']} (same codon)",
    }


def lin_compound_mutation(
    components: Sequence[str], mutations: dict[str, dict[str, str]]
) -> dict[str, str]:
    """Mutation row for a compound the Lin 2017 table lists but the catalogue does not."""
    alteration = "+".join(components)
    exons = [mutations[part]["exon"] for part in components]
    return {
        "alteration": alteration,
        "kind": "compound",
        "codon": "",
        "ref_aa": "",
        "alt_aa": "",
        "components": ";".join(components),
        "hgvs_p": expected_hgvs_p(alteration),
        "hgvs_c": "",
        "hgvs_c_status": "",
        "exon": "+".join(exons),
        "region": compound_region(exons),
        "sources": f"{LIN_SOURCE} (compound listed in the table; not a catalogue row)",
    }


def find_compound(mutations: dict[str, dict[str, str]], components: Sequence[str]) -> str | None:
    wanted = set(components)
    for name, row in mutations.items():
        if row["kind"] == "compound" and set(row["components"].split(";")) == wanted:
            return name
    return None


def build(
    catalogue: Sequence[tuple[int, dict[str, str]]],
    lin_comments: Sequence[str],
    lin_rows: Sequence[dict[str, str]],
    report: BuildReport,
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Mutation rows and activity rows, in catalogue order then Lin-only additions."""
    mutations: dict[str, dict[str, str]] = {}
    activity: list[tuple[str, Statement]] = []
    for line, row in catalogue:
        where = f"catalogue line {line}"
        try:
            mutation = mutation_row(row)
        except ValueError as error:
            report.unparsed.append(f"{where}: {error}")
            continue
        name = mutation["alteration"]
        if name in mutations:
            report.unparsed.append(f"{where}: {name} is listed twice")
            continue
        mutations[name] = mutation
        for column in (*CATALOGUE_TKIS, "other_agents"):
            for statement in interpret_cell(name, column, row[column], report, where):
                if mutation["kind"] == "compound":
                    statement = with_row_evidence(statement, row.get("evidence_level_note", ""))
                activity.append((name, statement))
    activity = enrich_civic(activity, civic_pmids(catalogue))
    cells = {(name, column) for name in mutations for column in (*CATALOGUE_TKIS, "other_agents")}
    for alteration, column in sorted(set(OVERRIDES) - cells):
        report.unparsed.append(f"override for {alteration} {column} matches no catalogue cell")
    for name, mutation in mutations.items():
        for part in filter(None, mutation["components"].split(";")):
            if part not in mutations:
                report.unparsed.append(f"compound {name}: component {part} is not a catalogue row")

    for name, statement in lin_statements(lin_rows, lin_footnotes(lin_comments), report):
        if name not in mutations:
            mutations[name] = lin_only_mutation(name, mutations)
            report.added.append(f"{name}: single mutation from the Lin 2017 table")
        activity.append((name, statement))
    for tki, components in lin_compounds(lin_comments):
        name = find_compound(mutations, components)
        if name is None:
            mutation = lin_compound_mutation(components, mutations)
            name = mutation["alteration"]
            mutations[name] = mutation
            report.added.append(f"{name}: compound from the Lin 2017 table header")
        note = f"Table 2 lists the compound {' + '.join(components)} for {tki}"
        activity.append((name, _verified(tki, "resistant", LIN_SOURCE, LIN_EVIDENCE, note)))

    activity = [(name, with_level_and_disease(statement)) for name, statement in activity]
    activity = apply_refresh(activity, report)
    for name in NO_SOURCE_ROWS:
        mutations.pop(name, None)
    activity = [(name, statement) for name, statement in activity if name in mutations]
    notes = {
        alteration_name(row["protein_change"]): "; ".join(
            part.strip()
            for part in (row.get("evidence_level_note", ""), row.get("other_agents", ""))
            if part.strip()
        )
        for _, row in catalogue
    }
    assign_roles(mutations, activity, notes)
    order = {name: index for index, name in enumerate(mutations)}
    rows = [
        {"alteration": name, **{key: getattr(statement, key) for key in ACTIVITY_COLUMNS[1:]}}
        for name, statement in activity
    ]
    rows.sort(key=lambda row: (order[row["alteration"]], tki_rank(row["tki"])))
    seen = set()
    for row in rows:
        key = tuple(row[column] for column in ("alteration", "tki", "activity", "source"))
        if key in seen:
            report.unparsed.append(f"duplicate activity statement {key}")
        seen.add(key)
    return list(mutations.values()), rows


# ------------------------------------------------------------------------- levels, diseases, roles

_OTHER_DISEASES = (("neuroblastoma", "neuroblastoma"), ("nb", "neuroblastoma"), ("imt", "IMT"),
                   ("mesothelioma", "mesothelioma"), ("alcl", "ALCL"))  # fmt: skip


def level_and_disease(evidence: str) -> tuple[str, str]:
    """Level of evidence and disease of a statement, from its evidence text.

    Clinical statements without a named disease are NSCLC (the catalogue tags the others);
    preclinical ones without one are ALK-fusion models (Ba/F3 EML4-ALK, H3122). A statement
    whose kind the catalogue does not state keeps "unspecified" for both, and so never
    decides an NSCLC verdict.
    """
    if evidence.startswith(LIN_EVIDENCE):
        return "review table", "NSCLC"
    text = evidence.lower()
    disease = next((label for key, label in _OTHER_DISEASES if re.search(rf"\b{key}\b", text)), "")
    if re.search(r"\bphase\b|\btrial\b", text):
        level = "clinical trial"
    elif re.search(r"clinical|patient", text) and not text.startswith("preclinical"):
        level = "case report"
    elif "preclinical" in text and re.search(r"xenograft|pdx|in vivo", text):
        level = "preclinical in vivo"
    elif "preclinical" in text:
        level = "in vitro"
    else:
        return "unspecified", disease or "unspecified"
    if not disease:
        disease = "NSCLC" if level in ("clinical trial", "case report") else "ALK-fusion model"
    return level, disease


def with_level_and_disease(statement: Statement) -> Statement:
    if statement.level and statement.disease:
        return statement
    level, disease = level_and_disease(statement.evidence)
    for text, named in DISEASE_BY_SOURCE.items():
        if text in statement.source:
            disease = named
    return replace(statement, level=level, disease=disease)


@dataclass(frozen=True)
class Refresh:
    """A statement re-read from its source: added, replacing the statements of the same
    alteration and drug whose source contains any of ``replaces``."""

    alteration: str
    statement: Statement
    replaces: tuple[str, ...] = ()


def _read(tki, activity, source, evidence, level, disease, note) -> Statement:
    return Statement(tki, activity, evidence, source, "verified", note, level, disease)


# Statements re-read from their sources (resources/README.md, "Knowledge-base refresh", gives
# the passage each rests on).
KATAYAMA_2014 = "Katayama R et al. Clin Cancer Res 2014;20(22):5686-96 (abstract)"
OKADA_2019 = "Okada K et al. EBioMedicine 2019;41:105-119 (PMC6441848, abstract)"
REFRESH: tuple[Refresh, ...] = (
    # The Mizuta 2021 abstract speaks of ALK-TKI-resistant single mutants without naming
    # I1171T: the class statement is no I1171T statement.
    Refresh(
        "I1171T",
        Statement(
            "gilteritinib",
            "sensitive",
            "preclinical (class statement)",
            f"{MIZUTA_SOURCE}: 'ALK-TKI-resistant single mutants'; I1171T not named",
            "unverified",
            "re-read: the abstract does not name I1171T",
            "in vitro",
            "ALK-fusion model",
        ),
        replaces=(MIZUTA_SOURCE,),
    ),
    Refresh(
        "I1171T",
        _read(
            "ceritinib",
            "sensitive",
            KATAYAMA_2014,
            "clinical case; preclinical (Ba/F3)",
            "case report",
            "NSCLC",
            "I1171T from a patient relapsing on alectinib: 'sensitive to ceritinib'; the "
            "patient responded to ceritinib",
        ),
    ),
    Refresh(
        "V1180L",
        _read(
            "ceritinib",
            "sensitive",
            KATAYAMA_2014,
            "preclinical (Ba/F3, cell line)",
            "in vitro",
            "ALK-fusion model",
            "V1180L from an alectinib-resistant cell line model: 'sensitive to ceritinib'",
        ),
    ),
    Refresh(
        "L1256F",
        _read(
            "lorlatinib",
            "resistant",
            OKADA_2019,
            "preclinical (Ba/F3 ENU screen, simulation)",
            "in vitro",
            "ALK-fusion model",
            "'an L1256F single mutation' among lorlatinib-resistant mutations found",
        ),
    ),
    Refresh(
        "L1256F",
        _read(
            "alectinib",
            "sensitive",
            OKADA_2019,
            "preclinical (Ba/F3, simulation)",
            "in vitro",
            "ALK-fusion model",
            "L1256F 'increased the sensitivity to alectinib'",
        ),
    ),
)

# Statements whose disease the catalogue gives on a sibling row: PMID:32600123 (CIViC
# EID11113-11115) is the mesothelioma case of the I1171N+L1196M row.
DISEASE_BY_SOURCE = {"EID1111": "mesothelioma"}

# Rows without any source for an ALK resistance role: left out of the knowledge base.
NO_SOURCE_ROWS = {
    "I1268V": "no evidence found in any searched source (catalogue)",
    "G1202R+F1174C": "no source (catalogue: none found)",
}

# Roles that are not "resistance" by the rule in assign_roles, with the reason.
ROLE_OVERRIDES = {
    "R1275Q": (
        "activating",
        "activating hotspot of neuroblastoma (germline or somatic driver); not an NSCLC "
        "TKI-resistance mutation: its statements are neuroblastoma evidence (CIViC)",
    ),
}


def apply_refresh(activity: list[tuple[str, Statement]], report: BuildReport) -> list:
    """The statements with every REFRESH entry applied (replacements first)."""
    kept = []
    for name, statement in activity:
        replaced = any(
            entry.alteration == name
            and entry.statement.tki == statement.tki
            and any(text in statement.source for text in entry.replaces)
            for entry in REFRESH
        )
        if not replaced:
            kept.append((name, statement))
    for entry in REFRESH:
        kept.append((entry.alteration, entry.statement))
        report.added.append(
            f"{entry.alteration} {entry.statement.tki}: {entry.statement.activity} "
            f"re-read from {entry.statement.source}"
        )
    return kept


def assign_roles(
    mutations: dict[str, dict[str, str]],
    activity: Sequence[tuple[str, Statement]],
    notes: dict[str, str],
) -> None:
    """A row is an NSCLC resistance mutation when a verified NSCLC (or ALK-fusion model)
    statement reports resistance (or intermediate activity) of an approved ALK TKI, to it or
    to a compound it is part of; otherwise it is uncertain, with its catalogue note, unless ROLE_OVERRIDES says more."""
    resistant = {
        name
        for name, statement in activity
        if statement.status == "verified"
        and statement.tki in CATALOGUE_TKIS
        and statement.activity in ("resistant", "intermediate")
        and statement.disease in ("NSCLC", "ALK-fusion model")
    }
    # A part of a compound that resists is a resistance mutation too (L1198F with C1156Y).
    for name in list(resistant):
        resistant.update(filter(None, mutations.get(name, {}).get("components", "").split(";")))
    for name, mutation in mutations.items():
        if name in ROLE_OVERRIDES:
            mutation["role"], mutation["role_note"] = ROLE_OVERRIDES[name]
        elif name in resistant:
            mutation["role"], mutation["role_note"] = "resistance", ""
        else:
            note = notes.get(name, "").strip()
            mutation["role"] = "uncertain"
            mutation["role_note"] = (
                (
                    "catalogued without a verified NSCLC statement of resistance to an approved "
                    "ALK TKI" + (f"; catalogue: {note}" if note else "")
                )
                .replace('""', "'")
                .replace('"', "")
            )


# ------------------------------------------------------------------------- writing


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def version_line(catalogue: Path, lin2017: Path) -> str:
    return (
        f"# version: {VERSION}; built by resources/build_knowledge_base.py from "
        f"{Path(catalogue).name} (sha256 {file_digest(catalogue)}) and "
        f"{Path(lin2017).name} (sha256 {file_digest(lin2017)})"
    )


def check_cells(rows: Iterable[dict[str, str]], columns: Sequence[str]) -> None:
    """Tabs or newlines inside a value would shift every later column."""
    for row in rows:
        for column in columns:
            if re.search(r"[\t\r\n]", row[column]):
                raise ValueError(f"{row['alteration']} {column}: tab or newline in {row[column]!r}")


def write_table(
    path: Path, header: str, columns: Sequence[str], rows: Iterable[dict[str, str]]
) -> None:
    rows = list(rows)
    check_cells(rows, columns)
    with Path(path).open("w", newline="") as handle:
        handle.write(header + "\n")
        writer = csv.DictWriter(
            handle,
            fieldnames=list(columns),
            delimiter="\t",
            lineterminator="\n",
            quoting=csv.QUOTE_NONE,
            escapechar=None,
        )
        writer.writeheader()
        writer.writerows(rows)


def validate_with_loader(directory: Path) -> str:
    """Load the written tables with alkres.knowledge.knowledge, which checks them against the protein."""
    _, protein = read_fasta(RESOURCES_DIR / SEQUENCE_FILES["ALK"][1])
    knowledge = load_knowledge_base(directory, protein=protein)
    return f"{len(knowledge.mutations)} mutations, {len(knowledge.activity)} activity rows"


def print_report(report: BuildReport, mutations: Sequence[dict], activity: Sequence[dict]) -> None:
    verified = sum(row["status"] == "verified" for row in activity)
    print(
        f"{len(mutations)} alterations; {len(activity)} activity rows "
        f"({verified} verified, {len(activity) - verified} unverified)",
        file=sys.stderr,
    )
    for title, lines in (
        ("added from the Lin 2017 table", report.added),
        ("cells interpreted as giving no (further) activity row", report.no_row),
        ("NOT PARSED", report.unparsed),
    ):
        print(f"{title}: {len(lines)}", file=sys.stderr)
        for line in lines:
            print(f"  {line}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=DEFAULT_CATALOGUE)
    parser.add_argument("--lin2017", type=Path, default=DEFAULT_LIN2017)
    parser.add_argument(
        "-o",
        "--out-dir",
        type=Path,
        default=RESOURCES_DIR,
        help="directory for the two TSVs (default: next to this script)",
    )
    args = parser.parse_args(argv)
    report = BuildReport()
    try:
        lin_comments, lin_rows = read_lin2017(args.lin2017)
        mutations, activity = build(read_catalogue(args.catalogue), lin_comments, lin_rows, report)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print_report(report, mutations, activity)
    if report.unparsed:
        print("nothing written: some cells were not interpreted", file=sys.stderr)
        return 1
    header = version_line(args.catalogue, args.lin2017)
    tables = (
        (MUTATIONS_FILE, MUTATION_COLUMNS, mutations),
        (ACTIVITY_FILE, ACTIVITY_COLUMNS, activity),
    )
    with tempfile.TemporaryDirectory() as scratch:
        for name, columns, rows in tables:
            write_table(Path(scratch) / name, header, columns, rows)
        try:
            summary = validate_with_loader(Path(scratch))
        except ValueError as error:
            print(f"nothing written: the built tables fail to load: {error}", file=sys.stderr)
            return 1
        args.out_dir.mkdir(parents=True, exist_ok=True)
        for name, _, _ in tables:
            (args.out_dir / name).write_bytes((Path(scratch) / name).read_bytes())
    print(
        f"wrote {MUTATIONS_FILE} and {ACTIVITY_FILE} to {args.out_dir} ({summary})", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
