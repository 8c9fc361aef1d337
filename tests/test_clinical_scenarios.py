"""Clinical scenarios: from a biopsy's calls to the headline, the approved ALK TKIs predicted
active, the flags and the AMP/ASCO/CAP tiers a tumour board reads.

Each scenario names the source that makes its expectation right. They run on the bundled
knowledge base (resources/), as rule biopsy does, so a changed statement, level, role or
rule that alters what a clinician would read fails here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from test_cohort import (
    amplification,
    copy_number,
    fusion,
    fusion_alteration,
    fusion_status,
    hotspots,
    mutation,
    sample,
)

from alkres.biopsy.biopsy import assemble_biopsy, biopsy_record, load_context

LIN_2017 = "Lin JJ et al. Cancer Discov 2017;7(2):137-155, Table 2"
APPROVED = {"crizotinib", "ceritinib", "alectinib", "brigatinib", "lorlatinib", "ensartinib"}
CIS = "cis with {other} (40 fragments carry both)"
TRANS = "trans with {other} (0 fragments carry both)"
UNKNOWN_PHASE = "co-occurring with {other}, phase unknown (too far apart for reads to link)"


@dataclass
class Scenario:
    name: str
    source: str  # what makes the expectation right
    prior: list[str]
    mutations: list[tuple[str, str, str]] = field(default_factory=list)  # name, phase_set, phase
    purity: str = "0.5"
    specimen: str = "tissue"
    fusion: tuple[int, int] | None = (30, 120)  # supporting, spanning fragments
    extra: list[dict] = field(default_factory=list)  # amplification / bypass rows
    lod: str = "0.02"
    classification: dict[str, str] = field(default_factory=dict)  # name -> class if not resistance
    predicted: list[str] | None = None  # exact list of approved ALK TKIs predicted active
    status: str = "mechanism"
    flags: set[str] = field(default_factory=set)  # flag kinds that must be raised
    no_flags: set[str] = field(default_factory=set)  # flag kinds that must not be
    headline: list[str] = field(default_factory=list)  # phrases the headline must hold
    tiers: dict[str, str] = field(default_factory=dict)  # alteration -> "II-C"
    verdicts: dict[str, str] = field(default_factory=dict)  # drug -> verdict
    caveats: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)  # phrases a negative's reasons must hold


def pair(first, second, phase):
    """Two mutations as the hotspot step phases them: a shared phase_set only when in cis."""
    phase_set = "1" if phase == CIS else ""
    return [
        (first, phase_set, phase.format(other=second)),
        (second, phase_set, phase.format(other=first)),
    ]


SCENARIOS = [
    Scenario(
        "G1202R after a second-generation TKI: lorlatinib",
        f"{LIN_2017}: lorlatinib targets G1202R (footnote b); G1202R resists crizotinib, "
        "ceritinib and alectinib",
        ["crizotinib", "alectinib"],
        [("G1202R", "", "")],
        predicted=["lorlatinib"],
        tiers={"G1202R": "II-C"},
        verdicts={"alectinib": "resistant", "brigatinib": "intermediate"},
        headline=["G1202R", "lorlatinib"],
    ),
    Scenario(
        "Tool compounds never reach the list (G1202R, tanespimycin in Ba/F3)",
        "clinical interpretation notes: tanespimycin is an HSP90 inhibitor whose development "
        "stopped; only approved ALK TKIs may be predicted active",
        ["alectinib"],
        [("G1202R", "", "")],
        predicted=["lorlatinib"],
    ),
    Scenario(
        "F1174L: second-generation TKIs and lorlatinib, no tool compounds",
        f"{LIN_2017}: F1174C/L/V targeted by alectinib, brigatinib and lorlatinib, reported "
        "resistant to crizotinib and ceritinib; TAE684 and AZD3463 never reached patients",
        ["crizotinib"],
        [("F1174L", "", "")],
        predicted=["alectinib", "brigatinib", "lorlatinib"],
        verdicts={"ceritinib": "resistant", "crizotinib": "resistant"},
    ),
    Scenario(
        "I1171N after alectinib: ceritinib and lorlatinib, no gilteritinib",
        f"{LIN_2017}: I1171T/N targeted by ceritinib and lorlatinib, resistant to alectinib; "
        "gilteritinib is approved for FLT3-mutated AML",
        ["alectinib"],
        [("I1171N", "", "")],
        predicted=["ceritinib", "lorlatinib"],
        verdicts={"alectinib": "resistant"},
    ),
    Scenario(
        "L1196M after crizotinib: entrectinib is not an approved ALK TKI",
        f"{LIN_2017}: L1196M targeted by ceritinib, alectinib, brigatinib, lorlatinib, "
        "ensartinib (and entrectinib, which is approved for ROS1 and NTRK only)",
        ["crizotinib"],
        [("L1196M", "", "")],
        predicted=["ceritinib", "alectinib", "brigatinib", "lorlatinib", "ensartinib"],
        verdicts={"crizotinib": "resistant"},
        tiers={"L1196M": "II-C"},
    ),
    Scenario(
        "R1275Q is a neuroblastoma hotspot, not an NSCLC resistance mechanism",
        "catalogue row R1275Q: germline/somatic neuroblastoma driver; CIViC evidence is "
        "neuroblastoma",
        ["crizotinib"],
        [("R1275Q", "", "")],
        classification={"R1275Q": "activating"},
        status="negative",
        predicted=[],
        tiers={"R1275Q": "III"},
    ),
    Scenario(
        "G1128A: catalogued without an NSCLC resistance call",
        "catalogue row G1128A: DoCM listing only, crizotinib call unsourced",
        ["crizotinib"],
        [("G1128A", "", "")],
        classification={"G1128A": "vus"},
        status="negative",
        predicted=[],
        tiers={"G1128A": "III"},
    ),
    Scenario(
        "G1269A after crizotinib: the review's 'active' outweighs a mild Ba/F3 shift",
        f"{LIN_2017}: G1269A/S targeted by alectinib; CIViC EID1354 (Ba/F3, 5-6x) is in vitro",
        ["crizotinib"],
        [("G1269A", "", "")],
        predicted=["ceritinib", "alectinib", "brigatinib", "lorlatinib"],
        verdicts={"alectinib": "sensitive", "crizotinib": "resistant"},
    ),
    Scenario(
        "I1171N+L1196M in cis: a mesothelioma case report is no NSCLC evidence",
        "CIViC EID11113/EID11115 (PMID:32600123): mesothelioma case (catalogue); without a "
        "covering NSCLC statement the combination is unknown for lorlatinib",
        ["crizotinib", "alectinib"],
        pair("I1171N", "L1196M", CIS),
        predicted=[],
        verdicts={"lorlatinib": "unknown", "alectinib": "resistant"},
    ),
    Scenario(
        "C1156Y+L1198F in cis after lorlatinib: crizotinib re-sensitised, flagged",
        "Shaw AT et al. N Engl J Med 2016;374:54-61 (CIViC EID844: crizotinib response; "
        "EID843: lorlatinib resistance)",
        ["crizotinib", "ceritinib", "lorlatinib"],
        pair("C1156Y", "L1198F", CIS),
        predicted=["crizotinib"],
        flags={"progressed on"},
        verdicts={"lorlatinib": "resistant", "crizotinib": "sensitive"},
    ),
    Scenario(
        "C1156Y and L1198F, phase unknown: the worse reading, crizotinib not predicted",
        f"{LIN_2017}: C1156Y alone resists crizotinib; a separate C1156Y clone would progress",
        ["crizotinib", "ceritinib", "lorlatinib"],
        pair("C1156Y", "L1198F", UNKNOWN_PHASE),
        predicted=[],
        flags={"phase unknown"},
        verdicts={"crizotinib": "resistant"},
    ),
    Scenario(
        "G1202R+L1196M in cis after lorlatinib: lorlatinib not predicted active",
        "Yoda S et al. Cancer Discov 2018;8:714-29: compound mutations cause lorlatinib "
        "resistance (7 of 20 lorlatinib-resistant biopsies)",
        ["alectinib", "lorlatinib"],
        pair("G1202R", "L1196M", CIS),
        predicted=[],
        verdicts={"lorlatinib": "unknown"},
        headline=["no approved ALK TKI"],
    ),
    Scenario(
        "G1202R and L1196M in separate clones after lorlatinib: no lorlatinib",
        "Yoda S et al. Cancer Discov 2018;8:714-29 (clinical notes: two or more kinase-domain "
        "mutations after lorlatinib)",
        ["alectinib", "lorlatinib"],
        pair("G1202R", "L1196M", TRANS),
        predicted=[],
        flags={"mutations after lorlatinib"},
        verdicts={"lorlatinib": "unknown"},
    ),
    Scenario(
        "G1202R and L1196M in separate clones before lorlatinib: lorlatinib acts on each",
        f"{LIN_2017}: lorlatinib targets G1202R and L1196M; separate clones, each covered",
        ["crizotinib", "alectinib"],
        pair("G1202R", "L1196M", TRANS),
        predicted=["lorlatinib"],
        no_flags={"mutations after lorlatinib", "phase unknown"},
    ),
    Scenario(
        "G1202R with MET amplification: the headline weighs the bypass",
        "Dagogo-Jack I et al. Clin Cancer Res 2020;26:2535-45: MET amplification in 15% after "
        "next-generation TKIs; responses to ALK/MET combination therapy",
        ["crizotinib", "alectinib"],
        [("G1202R", "", "")],
        extra=[amplification("S", gene="MET", copy_number="12.0", classification="bypass")],
        predicted=["lorlatinib"],
        headline=["MET amplification", "bypass", "may not be enough"],
        tiers={"G1202R": "II-C", "MET amplification": "II-D"},
    ),
    Scenario(
        "ALK amplification alone: a mechanism with its sourced implication",
        "Doebele RC et al. Clin Cancer Res 2012;18:1472-82: ALK copy-number gain in 2 of 11 "
        "crizotinib-resistant patients",
        ["crizotinib"],
        extra=[amplification("S")],
        predicted=[],
        headline=["ALK amplification"],
        tiers={"ALK amplification": "II-D"},
    ),
    Scenario(
        "G1202R after lorlatinib: predicted active from the sources, but progressed on it",
        f"{LIN_2017} (lorlatinib targets G1202R); the tumour progressed on lorlatinib",
        ["alectinib", "lorlatinib"],
        [("G1202R", "", "")],
        predicted=["lorlatinib"],
        flags={"progressed on"},
        headline=["lorlatinib (the tumour progressed on it)"],
    ),
    Scenario(
        "Negative at known purity and a low limit of detection: confident",
        "purity 60%: a clonal heterozygous mutation sits near 30% VAF, far above a 2% LoD",
        ["alectinib"],
        purity="0.6",
        status="negative",
        predicted=[],
    ),
    Scenario(
        "Negative at about 6% tumour content (fusion 3%): not assessable, inconclusive",
        "clonal mutations would sit near 3% VAF: a 2% LoD is not below it by the 1.5x margin",
        ["alectinib"],
        purity="",
        fusion=(6, 194),
        status="inconclusive",
        predicted=[],
        reasons=["not assessable", "tumour content does not support"],
    ),
    Scenario(
        "Negative without purity and without a fusion: content unknown, copy number caveat",
        "no tumour content: a wild-type codon cannot be weighed; CN read at purity 1",
        ["crizotinib"],
        purity="",
        fusion=None,
        status="inconclusive",
        predicted=[],
        reasons=["tumour content unknown"],
        caveats={"copy number without purity"},
    ),
    Scenario(
        "Plasma negative: the plasma caveats are stated",
        "Clin Cancer Res 2024;30:2452 (PMID:38526394): negative plasma uninformative without "
        "tumour fraction; Razavi P et al. Nat Med 2019;25:1928-37: clonal haematopoiesis",
        ["alectinib"],
        purity="",
        specimen="plasma",
        fusion=(40, 160),
        status="inconclusive",
        predicted=[],
        caveats={"plasma negative", "plasma clonal haematopoiesis"},
        reasons=["ALK copy number read at purity 1"],
    ),
    Scenario(
        "D1203N: resistance only through its compounds, no verified single statement",
        f"{LIN_2017} lists E1210K+D1203N against brigatinib; D1203N alone only recalled "
        "(Gainor 2016, unverified)",
        ["crizotinib", "alectinib"],
        [("D1203N", "", "")],
        predicted=[],
        headline=["no approved ALK TKI"],
        tiers={"D1203N": "II-C"},
    ),
    Scenario(
        "The ALK fusion itself: Tier I, level A",
        "FDA labels of the approved ALK TKIs (resources/tki_vocabulary.tsv)",
        ["crizotinib"],
        [("L1196M", "", "")],
        tiers={"EML4-ALK E6;A20 (v3a/b)": "I-A"},
        predicted=["ceritinib", "alectinib", "brigatinib", "lorlatinib", "ensartinib"],
    ),
    Scenario(
        "G1202R with KRAS G12C: the bypass is weighed and tiered from its source",
        "Doebele RC et al. Clin Cancer Res 2012: KRAS mutations at crizotinib progression; "
        "Hrustanovic G et al. Nat Med 2015: MAPK reactivation promotes ALK-inhibitor resistance",
        ["crizotinib", "alectinib"],
        [("G1202R", "", "")],
        extra=[
            {
                "sample_id": "S",
                "gene": "KRAS",
                "alteration": "G12C",
                "type": "snv",
                "classification": "bypass",
                "vaf": "0.2",
                "copy_number": "",
                "phase_set": "",
                "phase": "",
            }
        ],  # fmt: skip
        predicted=["lorlatinib"],
        headline=["KRAS G12C (bypass)", "may not be enough"],
        tiers={"G12C": "II-D", "G1202R": "II-C"},
    ),
    Scenario(
        "NF2 loss after lorlatinib: a bypass with its sourced implication",
        "Recondo G et al. Clin Cancer Res 2020: NF2 loss-of-function, a bypass of lorlatinib "
        "resistance with mTOR-inhibitor sensitivity in patient-derived models",
        ["alectinib", "lorlatinib"],
        extra=[
            {
                "sample_id": "S",
                "gene": "NF2",
                "alteration": "loss",
                "type": "loss",
                "classification": "bypass",
                "vaf": "",
                "copy_number": "0.6",
                "phase_set": "",
                "phase": "",
            }
        ],  # fmt: skip
        predicted=[],
        headline=["NF2 loss (bypass)"],
        tiers={"loss": "II-D"},
    ),
    Scenario(
        "TP53 co-mutation: tiered as prognostic, not a resistance mechanism",
        "Kron A et al. Ann Oncol 2018: TP53 mutations, shorter PFS and OS on ALK TKIs",
        ["crizotinib"],
        extra=[
            {
                "sample_id": "S",
                "gene": "TP53",
                "alteration": "R175H",
                "type": "snv",
                "classification": "co_mutation",
                "vaf": "0.3",
                "copy_number": "",
                "phase_set": "",
                "phase": "",
            }
        ],  # fmt: skip
        status="negative",
        predicted=[],
        tiers={"R175H": "II-D"},
    ),
    Scenario(
        "Investigational neladalkib: shown apart, never on an unverified report",
        "neladalkib G1202R activity comes from a secondary report (unverified)",
        ["alectinib"],
        [("G1202R", "", "")],
        predicted=["lorlatinib"],
        verdicts={"neladalkib": "unknown"},
    ),
]


def run(scenario: Scenario) -> tuple[dict, object]:
    sample_id = "S"
    tumour = sample(sample_id, "P", "2025-01-01", scenario.prior, purity=scenario.purity)
    tumour["specimen"] = scenario.specimen
    alterations = []
    for name, phase_set, phase in scenario.mutations:
        row = mutation(sample_id, name, vaf="0.2", phase_set=phase_set, phase=phase)
        row["classification"] = scenario.classification.get(name, "resistance")
        alterations.append(row)
    alterations += scenario.extra
    fusions, status = [], fusion_status(sample_id, "fusion not detected", ())
    if scenario.fusion is not None:
        supporting, spanning = scenario.fusion
        row = fusion(sample_id, supporting=str(supporting))
        row["spanning_fragments"] = str(spanning)
        row["fraction"] = f"{supporting / (supporting + spanning):.4f}"
        fusions, status = [row], fusion_status(sample_id)
        alterations.append(fusion_alteration(sample_id))
    codons = hotspots(sample_id)
    for row in codons:
        row["lod_vaf"] = scenario.lod
    biopsy = assemble_biopsy(
        tumour, {"verdict": "pass", "reasons": ""}, alterations, codons,
        copy_number(sample_id), fusions, status,
    )  # fmt: skip
    return biopsy_record(biopsy, CONTEXT), biopsy


CONTEXT = load_context()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(scenario: Scenario):
    assert scenario.source
    record, biopsy = run(scenario)
    interpretation = record["interpretation"]
    assert record["result"]["status"] == scenario.status, record["result"]["reasons"]
    if scenario.predicted is not None:
        assert interpretation["predicted_active"] == scenario.predicted
    assert set(interpretation["predicted_active"]) <= APPROVED
    kinds = {flag["kind"] for flag in interpretation["flags"]}
    assert scenario.flags <= kinds, interpretation["flags"]
    assert not scenario.no_flags & kinds, interpretation["flags"]
    assert all(flag["source"] for flag in interpretation["flags"])
    for phrase in scenario.headline:
        assert phrase in interpretation["headline"], interpretation["headline"]
    verdicts = {row["tki"]: row for row in interpretation["tkis"]}
    for drug, verdict in scenario.verdicts.items():
        assert verdicts[drug]["activity"] == verdict, verdicts[drug]["basis"]
    assert {row["tki"] for row in interpretation["tkis"]} <= APPROVED | {"neladalkib"}
    rows = biopsy.mutations + biopsy.amplifications + biopsy.bypass + biopsy.other_variants
    rows += biopsy.co_mutations
    rows += biopsy.drivers
    tiers = {}
    for row in rows:
        name = row["alteration"]
        if row["type"] == "amplification":
            name = f"{row['gene']} amplification"
        tiers[name] = row["tier"] + (f"-{row['tier_level']}" if row["tier_level"] else "")
        assert row["tier_reason"]
    for alteration, tier in scenario.tiers.items():
        assert tiers[alteration] == tier, [r["tier_reason"] for r in rows]
    assert {c["kind"] for c in record["caveats"]} >= scenario.caveats
    reasons = " ".join(record["result"]["reasons"])
    for phrase in scenario.reasons:
        assert phrase in reasons, reasons


def test_at_least_twenty_scenarios_each_with_a_source():
    assert len(SCENARIOS) >= 20
    assert all(scenario.source for scenario in SCENARIOS)
