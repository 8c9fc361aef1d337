"""ALK resistance knowledge base: catalogued alterations and per-TKI activity statements.

Every activity statement carries its source, whether that source could be read ("verified")
or was only recalled ("unverified"), its level of evidence and the disease it was made in.
Every catalogued alteration carries its role in ALK-positive NSCLC (resistance, activating,
uncertain). Drug advice in a report may rest on verified NSCLC (or ALK-fusion model)
statements only, ranked by level (``verdict``), so loading checks each row strictly (syntax,
the ALK protein, cross-references, vocabularies) and names file, line and column of the first
problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from alkres.knowledge.resources import read_resource_rows
from alkres.knowledge.transcript import DEFAULT_RESOURCES_DIR, SEQUENCE_FILES, read_fasta

MUTATIONS_FILE = "alk_resistance_mutations.tsv"
ACTIVITY_FILE = "alk_tki_activity.tsv"
MUTATION_COLUMNS = (
    "alteration",
    "kind",
    "codon",
    "ref_aa",
    "alt_aa",
    "components",
    "hgvs_p",
    "hgvs_c",
    "hgvs_c_status",
    "exon",
    "region",
    "sources",
    "role",
    "role_note",
)
ACTIVITY_COLUMNS = (
    "alteration", "tki", "activity", "evidence", "level", "disease", "source", "status", "note",
)  # fmt: skip

ACTIVITIES = ("sensitive", "intermediate", "resistant")  # in order of increasing severity
# Levels of evidence, strongest first. A review table (Lin et al. 2017, Table 2) is an expert
# synthesis of preclinical and clinical reports: it outranks any single case report or
# experiment, and is outranked by prospective trials and clinical series.
LEVELS = (
    "clinical trial",
    "clinical series",
    "review table",
    "case report",
    "preclinical in vivo",
    "in vitro",
    "unspecified",
)
CLINICAL_LEVELS = ("clinical trial", "clinical series")
DISEASES = (
    "NSCLC", "ALK-fusion model", "neuroblastoma", "IMT", "mesothelioma", "ALCL", "unspecified",
)  # fmt: skip
# Statements that may decide an NSCLC verdict: made in NSCLC, or in ALK-fusion models.
RELEVANT_DISEASES = ("NSCLC", "ALK-fusion model")
ROLES = ("resistance", "activating", "uncertain")
CONFLICTING = "conflicting"
# Verdicts from best to worst: "the worse of two readings" takes the later one.
SEVERITY = ("sensitive", "intermediate", "unknown", CONFLICTING, "resistant")
STATUSES = ("verified", "unverified")
KINDS = ("substitution", "deletion", "duplication", "compound", "amplification")
HGVS_C_STATUSES = ("STATED", "DERIVED", "UNVERIFIED")
UNKNOWN = "unknown"
# Approved ALK TKIs in their usual order; other agents follow alphabetically.
TKI_ORDER = (
    "crizotinib",
    "ceritinib",
    "alectinib",
    "brigatinib",
    "lorlatinib",
    "ensartinib",
    "entrectinib",
    "neladalkib",
    "gilteritinib",
)

THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "E": "Glu", "Q": "Gln",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val",
}  # fmt: skip

SUBSTITUTION = re.compile(r"^(?P<ref>[A-Z])(?P<codon>\d+)(?P<alt>[A-Z])$")
DELETION = re.compile(r"^(?P<ref>[A-Z])(?P<codon>\d+)del$")
DUPLICATION = re.compile(r"^(?P<ref>[A-Z])(?P<codon>\d+)dup$")
_SINGLE = r"[A-Z]\d+(?:[A-Z]|del|dup)"
COMPOUND = re.compile(rf"^{_SINGLE}(?:\+{_SINGLE})+$")
HGVS_P = re.compile(r"^NP_004295\.2:p\.\([A-Z][a-z]{2}\d+(?:[A-Z][a-z]{2}|del|dup)\)$")
HGVS_C = re.compile(r"^c\.\d+(_\d+)?(del|dup|[ACGT]>[ACGT]|delins[ACGT]+)$")
TKI_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
VERSION_LINE = re.compile(r"^# version: (?P<version>\d{4}\.\d{2}\.\d{2}-\d+);")

_SINGLE_PATTERNS = {"substitution": SUBSTITUTION, "deletion": DELETION, "duplication": DUPLICATION}


@dataclass(frozen=True)
class Mutation:
    """One catalogued alteration; codon/ref_aa/alt_aa are empty for compounds and CNAs."""

    alteration: str
    kind: str
    codon: int | None
    ref_aa: str
    alt_aa: str
    components: tuple[str, ...]
    hgvs_p: str
    hgvs_c: str
    hgvs_c_status: str
    exon: str
    region: str
    sources: str
    role: str = "resistance"
    role_note: str = ""


@dataclass(frozen=True)
class ActivityCall:
    """One source's statement about one alteration and one drug."""

    alteration: str
    tki: str
    activity: str
    evidence: str
    level: str
    disease: str
    source: str
    status: str
    note: str

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    @property
    def relevant(self) -> bool:
        """A verified statement made in NSCLC or an ALK-fusion model: one a verdict may use."""
        return self.verified and self.disease in RELEVANT_DISEASES

    def as_dict(self) -> dict:
        return {column: getattr(self, column) for column in ACTIVITY_COLUMNS}


@dataclass(frozen=True)
class Verdict:
    """What the knowledge base says about one drug against one unit of alterations (a single
    mutation, or mutations on one molecule), and why."""

    activity: str  # one of SEVERITY
    basis: str  # the sentence a report prints
    level: str = ""  # the level the verdict rests on; "" when unknown
    statements: tuple[ActivityCall, ...] = ()  # the statements that decided it
    covered: bool = True  # False: a combination no statement covers

    def as_dict(self) -> dict:
        return {
            "activity": self.activity,
            "basis": self.basis,
            "level": self.level,
            "statements": [call.as_dict() for call in self.statements],
        }


def worse(first: str, second: str) -> str:
    """The worse of two verdicts (SEVERITY order)."""
    return max(first, second, key=SEVERITY.index)


def _sources(calls: Iterable[ActivityCall]) -> str:
    return "; ".join(dict.fromkeys(call.source for call in calls))


def tki_rank(tki: str) -> tuple[int, str]:
    return (TKI_ORDER.index(tki), "") if tki in TKI_ORDER else (len(TKI_ORDER), tki)


@dataclass(frozen=True)
class KnowledgeBase:
    """Mutations by alteration name, and every activity statement in file order."""

    version: str
    mutations: dict[str, Mutation]
    activity: tuple[ActivityCall, ...]
    _by_alteration: dict[str, tuple[ActivityCall, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[str, list[ActivityCall]] = {}
        for call in self.activity:
            index.setdefault(call.alteration, []).append(call)
        object.__setattr__(
            self, "_by_alteration", {name: tuple(calls) for name, calls in index.items()}
        )

    @property
    def tkis(self) -> tuple[str, ...]:
        """Every drug with at least one statement, approved ALK TKIs first."""
        return tuple(sorted({call.tki for call in self.activity}, key=tki_rank))

    def _require(self, alteration: str) -> Mutation:
        try:
            return self.mutations[alteration]
        except KeyError:
            raise ValueError(
                f"{alteration!r} is not in the knowledge base (version {self.version})"
            ) from None

    def calls_for(
        self, alteration: str, tki: str | None = None, include_unverified: bool = True
    ) -> list[ActivityCall]:
        """Statements about one alteration (optionally one drug), in file order."""
        self._require(alteration)
        return [
            call
            for call in self._by_alteration.get(alteration, ())
            if (tki is None or call.tki == tki) and (include_unverified or call.verified)
        ]

    def substitutions_at(self, codon: int) -> dict[str, Mutation]:
        """Catalogued amino-acid substitutions at a codon, keyed by the alternate residue."""
        return {
            mutation.alt_aa: mutation
            for mutation in self.mutations.values()
            if mutation.kind == "substitution" and mutation.codon == codon
        }

    def indels_at(self, codon: int) -> list[Mutation]:
        """Catalogued in-frame deletions and duplications at a codon."""
        return [
            mutation
            for mutation in self.mutations.values()
            if mutation.kind in ("deletion", "duplication") and mutation.codon == codon
        ]

    def compound_for(self, alterations: Iterable[str]) -> Mutation | None:
        """The compound row made of exactly these alterations (in any order), if catalogued."""
        wanted = frozenset(alterations)
        if len(wanted) < 2:
            return None
        return next(
            (
                mutation
                for mutation in self.mutations.values()
                if mutation.kind == "compound" and frozenset(mutation.components) == wanted
            ),
            None,
        )

    def verdict(self, alteration: str, tki: str) -> Verdict:
        """One catalogued row (a single mutation or a compound) against one drug.

        Only verified statements made in NSCLC or an ALK-fusion model count. The strongest
        level among them decides; where statements at that level disagree the verdict is
        "conflicting", so no "resistant" (or "sensitive") wins by being listed.
        """
        calls = self.calls_for(alteration, tki)
        relevant = [call for call in calls if call.relevant]
        if not relevant:
            if not calls:
                why = "no statement in the knowledge base"
            elif not any(call.verified for call in calls):
                why = "unverified statements only"
            else:
                diseases = sorted({call.disease for call in calls if call.verified})
                why = f"verified statements only from other diseases ({', '.join(diseases)})"
            return Verdict("unknown", f"{alteration}: {why}")
        top = min(LEVELS.index(call.level) for call in relevant)
        level = LEVELS[top]
        deciding = tuple(call for call in relevant if LEVELS.index(call.level) == top)
        activities = sorted({call.activity for call in deciding}, key=ACTIVITIES.index)
        outweighed = [
            call for call in relevant if call not in deciding and call.activity not in activities
        ]
        tail = (
            f"; outweighs {', '.join(f'{c.activity} ({c.level}: {c.source})' for c in outweighed)}"
            if outweighed
            else ""
        )
        if len(activities) > 1:
            parts = ", ".join(f"{call.activity} ({call.source})" for call in deciding)
            return Verdict(
                CONFLICTING, f"{alteration}: {level} statements disagree: {parts}", level, deciding
            )
        return Verdict(
            activities[0],
            f"{alteration}: {activities[0]} ({level}: {_sources(deciding)}){tail}",
            level,
            deciding,
        )

    def unit_verdict(self, unit: Sequence[str], tki: str) -> Verdict:
        """Mutations on one molecule against one drug.

        A statement about the combination decides (it may differ from the parts: C1156Y+L1198F
        responds to crizotinib, which C1156Y alone resists). Without one, a part that resists
        makes the unit resist, and parts that each respond do not make the combination respond:
        no statement covers it, so it is "unknown".
        """
        unit = list(dict.fromkeys(unit))
        if len(unit) == 1:
            return self.verdict(unit[0], tki)
        present = set(unit)
        compounds = sorted(
            (m for m in self.mutations.values()
             if m.kind == "compound" and set(m.components) <= present),
            key=lambda mutation: -len(mutation.components),
        )  # fmt: skip
        exact = [m for m in compounds if set(m.components) == present]
        if exact:
            covering = self.verdict(exact[0].alteration, tki)
            if covering.activity != "unknown":
                return replace(covering, basis=f"statement on the combination: {covering.basis}")
        # Catalogued sub-combinations count where they say something (G1202R+L1196M within
        # G1202R+L1196M+I1171N); one that says nothing is no evidence either way.
        parts = [
            verdict
            for verdict in (self.verdict(m.alteration, tki) for m in compounds)
            if verdict.activity != "unknown"
        ] + [self.verdict(name, tki) for name in unit]
        resistant = [part for part in parts if part.activity == "resistant"]
        if resistant:
            return Verdict(
                "resistant",
                "; ".join(part.basis for part in resistant) + " (present on this molecule)",
                resistant[0].level,
                tuple(call for part in resistant for call in part.statements),
                covered=False,
            )
        worst_part = max((part.activity for part in parts), key=SEVERITY.index)
        basis = "; ".join(part.basis for part in parts)
        if worst_part in ("sensitive", "intermediate"):
            return Verdict(
                "unknown",
                f"each alone: {basis}; no statement covers {'+'.join(unit)} on one molecule",
                covered=False,
            )
        return Verdict(worst_part, basis, covered=False)

    def other_agent_notes(self, alterations: Iterable[str], agents: Iterable[str]) -> list[dict]:
        """Statements about drugs outside the verdict matrix (tool compounds, drugs approved
        for other diseases): kept as preclinical notes, never as a prediction."""
        wanted = set(agents)
        return [
            call.as_dict()
            for alteration in dict.fromkeys(alterations)
            if alteration in self.mutations
            for call in self._by_alteration.get(alteration, ())
            if call.tki in wanted
        ]


# ------------------------------------------------------------------------- loading


def _error(path: Path, line: int, column: str, message: str) -> ValueError:
    return ValueError(f"{path}: line {line}, column {column!r}: {message}")


def read_table(path: Path, columns: Sequence[str]) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    """Version and (line number, row) pairs of a '# version:'-headed TSV with fixed columns."""
    with Path(path).open(newline="") as handle:
        lines = handle.read().split("\n")
    match = VERSION_LINE.match(lines[0]) if lines else None
    if match is None:
        raise _error(path, 1, "#", "first line must be '# version: YYYY.MM.DD-N; ...'")
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    for number, text in enumerate(lines[1:], start=2):
        if not text or text.startswith("#"):
            continue
        fields = text.split("\t")
        if header is None:
            if tuple(fields) != tuple(columns):
                raise _error(path, number, "header", f"expected {list(columns)}, got {fields}")
            header = fields
            continue
        if len(fields) != len(header):
            raise _error(
                path, number, "row", f"{len(fields)} fields, expected {len(header)} (a stray tab?)"
            )
        rows.append((number, dict(zip(header, fields, strict=True))))
    if header is None:
        raise _error(path, len(lines), "header", "no header line")
    return match.group("version"), rows


def _alteration_kind(alteration: str) -> str | None:
    if alteration == "amplification":
        return "amplification"
    if COMPOUND.match(alteration):
        return "compound"
    for kind, pattern in _SINGLE_PATTERNS.items():
        if pattern.match(alteration):
            return kind
    return None


def expected_hgvs_p(alteration: str) -> str:
    """The NP_004295.2 protein change(s) an alteration name implies ("; "-joined parts)."""
    parts = []
    for single in alteration.split("+"):
        match = re.fullmatch(r"([A-Z])(\d+)([A-Z]|del|dup)", single)
        if match is None:
            return ""
        ref, codon, change = match.groups()
        tail = change if change in ("del", "dup") else THREE_LETTER.get(change, "?")
        parts.append(f"NP_004295.2:p.({THREE_LETTER.get(ref, '?')}{codon}{tail})")
    return "; ".join(parts)


Fail = Callable[[str, str], ValueError]


def _check_residues(
    row: dict[str, str], kind: str, protein: str, fail: Fail
) -> tuple[int | None, tuple[str, ...]]:
    """Codon and components of one row, checking codon/ref_aa/alt_aa/components by kind."""
    alteration = row["alteration"]
    if kind in ("compound", "amplification"):
        for column in ("codon", "ref_aa", "alt_aa"):
            if row[column]:
                raise fail(column, f"must be empty for a {kind}")
        if kind == "amplification":
            if row["components"]:
                raise fail("components", "must be empty for an amplification")
            return None, ()
        components = tuple(row["components"].split(";"))
        if components != tuple(alteration.split("+")):
            raise fail("components", f"{row['components']!r} does not spell {alteration}")
        return None, components
    match = _SINGLE_PATTERNS[kind].match(alteration)
    if match is None:
        raise fail("alteration", f"{alteration!r} is not a {kind}")
    if row["codon"] != match.group("codon"):
        raise fail("codon", f"{row['codon']!r} does not match {alteration}")
    codon = int(row["codon"])
    if row["ref_aa"] != match.group("ref"):
        raise fail("ref_aa", f"{row['ref_aa']!r} does not match {alteration}")
    if not 1 <= codon <= len(protein) or protein[codon - 1] != row["ref_aa"]:
        actual = protein[codon - 1] if 1 <= codon <= len(protein) else "nothing"
        raise fail("ref_aa", f"{alteration}: the ALK protein has {actual} at codon {codon}")
    expected_alt = match.group("alt") if kind == "substitution" else ""
    if row["alt_aa"] != expected_alt:
        raise fail("alt_aa", f"{row['alt_aa']!r} does not match {alteration}")
    if row["components"]:
        raise fail("components", f"must be empty for a {kind}")
    return codon, ()


def _check_hgvs(row: dict[str, str], kind: str, fail: Fail) -> None:
    hgvs_p = row["hgvs_p"]
    if kind == "amplification":
        if hgvs_p:
            raise fail("hgvs_p", "must be empty for an amplification")
    else:
        for part in hgvs_p.split("; "):
            if not HGVS_P.match(part):
                raise fail("hgvs_p", f"{part!r} is not NP_004295.2:p.(...) syntax")
        if hgvs_p != expected_hgvs_p(row["alteration"]):
            raise fail("hgvs_p", f"{hgvs_p!r} does not match {row['alteration']}")
    if row["hgvs_c"] and not HGVS_C.match(row["hgvs_c"]):
        raise fail("hgvs_c", f"{row['hgvs_c']!r} is not a c. change")
    status = row["hgvs_c_status"]
    if status and status not in HGVS_C_STATUSES:
        raise fail("hgvs_c_status", f"{status!r} is not one of {HGVS_C_STATUSES}")
    if row["hgvs_c"] and not status:
        raise fail("hgvs_c_status", "a c. change needs its status")


def parse_mutation(path: Path, line: int, row: dict[str, str], protein: str) -> Mutation:
    """One checked Mutation from one table row."""

    def fail(column: str, message: str) -> ValueError:
        return _error(path, line, column, message)

    alteration = row["alteration"]
    kind = _alteration_kind(alteration)
    if kind is None:
        raise fail("alteration", f"{alteration!r} is not a catalogued alteration syntax")
    if row["kind"] != kind:
        raise fail("kind", f"{row['kind']!r}, but {alteration} is a {kind}")
    codon, components = _check_residues(row, kind, protein, fail)
    _check_hgvs(row, kind, fail)
    if not row["sources"].strip():
        raise fail("sources", "empty")
    if row["role"] not in ROLES:
        raise fail("role", f"{row['role']!r} is not one of {ROLES}")
    if row["role"] != "resistance" and not row["role_note"].strip():
        raise fail("role_note", f"a {row['role']} row needs its note (why it is not resistance)")
    return Mutation(
        alteration=alteration,
        kind=kind,
        codon=codon,
        ref_aa=row["ref_aa"],
        alt_aa=row["alt_aa"],
        components=components,
        hgvs_p=row["hgvs_p"],
        hgvs_c=row["hgvs_c"],
        hgvs_c_status=row["hgvs_c_status"],
        exon=row["exon"],
        region=row["region"],
        sources=row["sources"],
        role=row["role"],
        role_note=row["role_note"],
    )


def parse_call(
    path: Path, line: int, row: dict[str, str], known: dict[str, Mutation]
) -> ActivityCall:
    """One checked ActivityCall from one table row."""
    checks = (
        ("alteration", row["alteration"] in known, "is not in the mutations table"),
        ("tki", bool(TKI_NAME.match(row["tki"])), "is not a lower-case generic drug name"),
        ("activity", row["activity"] in ACTIVITIES, f"is not one of {ACTIVITIES}"),
        ("status", row["status"] in STATUSES, f"is not one of {STATUSES}"),
        ("source", bool(row["source"].strip()), "is empty: no activity claim without a source"),
        ("evidence", bool(row["evidence"].strip()), "is empty"),
        ("level", row["level"] in LEVELS, f"is not one of {LEVELS}"),
        ("disease", row["disease"] in DISEASES, f"is not one of {DISEASES}"),
    )
    for column, ok, message in checks:
        if not ok:
            raise _error(path, line, column, f"{row[column]!r} {message}")
    return ActivityCall(**{column: row[column] for column in ACTIVITY_COLUMNS})


def load_knowledge_base(
    resources_dir: Path | None = None, protein: str | None = None, activity: bool = True
) -> KnowledgeBase:
    """The checked knowledge base from `resources_dir` (default: the repository resources).

    ``activity=False`` reads the mutation catalogue only (no TKI statements): what the hotspot
    steps need, so that editing the activity table does not re-run them.
    """
    directory = DEFAULT_RESOURCES_DIR if resources_dir is None else Path(resources_dir)
    if protein is None:
        _, protein = read_fasta(DEFAULT_RESOURCES_DIR / SEQUENCE_FILES["ALK"][1])
    mutations_path = directory / MUTATIONS_FILE
    activity_path = directory / ACTIVITY_FILE
    version, mutation_rows = read_table(mutations_path, MUTATION_COLUMNS)
    activity_version, activity_rows = (
        read_table(activity_path, ACTIVITY_COLUMNS) if activity else (version, [])
    )
    if activity_version != version:
        raise _error(
            activity_path,
            1,
            "#",
            f"version {activity_version} differs from {version} in {mutations_path.name}",
        )
    mutations: dict[str, Mutation] = {}
    lines: dict[str, int] = {}
    for line, row in mutation_rows:
        if row["alteration"] in mutations:
            raise _error(mutations_path, line, "alteration", f"{row['alteration']} is listed twice")
        mutations[row["alteration"]] = parse_mutation(mutations_path, line, row, protein)
        lines[row["alteration"]] = line
    for name, mutation in mutations.items():
        for part in mutation.components:
            if mutations.get(part) is None or mutations[part].kind == "compound":
                raise _error(
                    mutations_path,
                    lines[name],
                    "components",
                    f"{part} is not a single-alteration row",
                )
    calls = tuple(parse_call(activity_path, line, row, mutations) for line, row in activity_rows)
    return KnowledgeBase(version=version, mutations=mutations, activity=calls)


# ------------------------------------------------------------------------- clinical notes

CLINICAL_NOTES_FILE = "clinical_notes.tsv"
CLINICAL_NOTE_COLUMNS = (
    "topic", "statement", "level", "disease", "source", "status", "tier", "tier_level",
    "tier_reason",
)  # fmt: skip
TIERS = ("I", "II", "III", "IV")
TIER_LEVELS = {"I": ("A", "B"), "II": ("C", "D"), "III": ("",), "IV": ("",)}


@dataclass(frozen=True)
class ClinicalNote:
    """What a finding beside the ALK mutations means (MET amplification, a plasma negative),
    with its source, and the AMP/ASCO/CAP tier it takes where it is an alteration."""

    topic: str
    statement: str
    level: str
    disease: str
    source: str
    status: str
    tier: str
    tier_level: str
    tier_reason: str

    def as_dict(self) -> dict:
        return {column: getattr(self, column) for column in CLINICAL_NOTE_COLUMNS}


def load_clinical_notes(resources_dir: Path | None = None) -> dict[str, ClinicalNote]:
    """resources/clinical_notes.tsv by topic, checked row by row."""
    directory = DEFAULT_RESOURCES_DIR if resources_dir is None else Path(resources_dir)
    path = directory / CLINICAL_NOTES_FILE
    notes: dict[str, ClinicalNote] = {}
    for line, row in read_resource_rows(path):
        if tuple(row) != CLINICAL_NOTE_COLUMNS:
            raise _error(path, line, "header", f"expected {list(CLINICAL_NOTE_COLUMNS)}")
        checks = (
            ("level", row["level"] in LEVELS, f"is not one of {LEVELS}"),
            ("status", row["status"] in STATUSES, f"is not one of {STATUSES}"),
            ("source", bool(row["source"].strip()), "is empty: no statement without a source"),
            ("tier", row["tier"] in ("", *TIERS), f"is not one of {TIERS}"),
            ("tier_level", row["tier_level"] in TIER_LEVELS.get(row["tier"], ("",)),
             "does not go with the tier (I: A/B, II: C/D, III/IV: none)"),
            ("topic", row["topic"] not in notes, "is listed twice"),
        )  # fmt: skip
        for column, ok, message in checks:
            if not ok:
                raise _error(path, line, column, f"{row[column]!r} {message}")
        notes[row["topic"]] = ClinicalNote(**row)
    return notes
