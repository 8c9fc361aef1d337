#!/usr/bin/env python3
"""Seed study regenerated: a simulated cohort built to the figures of Clin Lung Cancer
2019;20(4):297-304, run through alkres, and the pipeline's cohort summary set against them.

    .venv/bin/python benchmarks/seed_study.py                  # 23 patients, 31 biopsies
    .venv/bin/python benchmarks/seed_study.py --reduced        # 4 patients, 5 biopsies (CI)
    .venv/bin/python benchmarks/seed_study.py --generate-only  # design check + BAMs, no pipeline
    .venv/bin/python benchmarks/seed_study.py --report-only    # redo the report from the last run

The study re-biopsied 23 patients with ALK-rearranged NSCLC at progression on an ALK TKI and
found a resistance mechanism in 9 (39%): 9 ALK mutations in 8 patients and 1 ALK
amplification; the ALK mutation rate was 15% per biopsy after one TKI and 33% after two or
more; 5 of 7 patients switched to another TKI after a mutation was found responded, and every
patient given a TKI predicted active on the mutation had disease control.

The cohort has the fewest biopsies that give exactly those rates (13 after one TKI, 18 after
two or more). Before any read is simulated, the figures are computed from the design (truth,
sample sheet, clinical table) with the definitions of the pipeline's summary.tsv and checked
against the study. Reads are simulated with test_data/simulate.py (ART HS25 2x150, bwa mem, samtools
markdup) on a reference of its own (chr2 truncated to 30 Mb: ALK exons and 24 copy-number
control regions at their GRCh38 positions). The pipeline runs with Snakemake on the repository's
config.yaml (only the inputs and outdir replaced). Everything is cached under
benchmarks/out/seed_study/ (BAMs keyed by their spec). Writes benchmarks/results/seed_study.md
(full cohort) or benchmarks/out/seed_study/reduced/seed_study.md (--reduced). Exits non-zero
when a figure or a biopsy's calls differ from the design. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))
sys.path.insert(0, str(REPO / "test_data"))  # make_test_data: the bundled cohort's helpers
sys.path.insert(0, str(REPO / "benchmarks"))  # hotspot_benchmark: machine and tool versions

import yaml  # noqa: E402
from hotspot_benchmark import machine, tool_versions  # noqa: E402
from make_test_data import TRUTH_COLUMNS, alk_targets, small_variant, write_tsv  # noqa: E402
from simulate import (  # noqa: E402
    Haplotype,
    SampleSpec,
    Target,
    align,
    amplification_multiplier,
    build_reference,
    merge_targets_into_islands,
    simulate_reads,
    stable_seed,
    write_fasta,
)

from alkres.biopsy.biopsy import build_biopsies  # noqa: E402
from alkres.biopsy.model import interpret  # noqa: E402
from alkres.inputs.tki_vocabulary import load_agents, load_tki_vocabulary, normalise_tki  # noqa: E402
from alkres.knowledge.knowledge import KnowledgeBase, load_knowledge_base  # noqa: E402
from alkres.knowledge.transcript import Transcript, load_transcript  # noqa: E402
from alkres.mutations.annotate import annotate_variant  # noqa: E402
from alkres.mutations.variants import Variant, codon_substitution  # noqa: E402
from alkres.reports.cohort_report import rate as cohort_rate  # noqa: E402
from alkres.reports.cohort_report import summary_rows  # noqa: E402

OUT = REPO / "benchmarks" / "out" / "seed_study"
REFERENCE_DIR = OUT / "reference"
BAMS = OUT / "bams"
FULL_REPORT = REPO / "benchmarks" / "results" / "seed_study.md"
CONFIG_PATH = REPO / "config.yaml"
SIMULATE_PY = REPO / "test_data" / "simulate.py"

CHROM = "chr2"
BUILD = "GRCh38"
CONTIG_LENGTH = 30_000_000  # chr2 up to just past ALK (29.19-29.92 Mb), GRCh38 positions kept
REFERENCE_SEED = stable_seed("alkres seed study reference")
N_CONTROLS, CONTROL_LENGTH = 24, 200
CONTROL_FIRST, CONTROL_STEP = 1_500_000, 1_050_000  # last one at 25.65 Mb, well below ALK
TUMOUR_FOLD, NORMAL_FOLD = 500, 400  # ART fold coverage
AMPLIFICATION_CN, AMPLIFICATION_PURITY = 10, 0.6
LOG_TAIL_LINES = 60

STUDY = "Clin Lung Cancer 2019;20(4):297-304"


# ------------------------------------------------------------------ the cohort


@dataclass(frozen=True)
class Biopsy:
    """One tumour biopsy; `mutations` are catalogued ALK mutations on one haplotype (cis)."""

    sample_id: str
    date: str
    prior_tkis: tuple[str, ...]
    purity: float
    mutations: tuple[str, ...] = ()
    vaf: float = 0.0
    copy_number: int | None = None  # of the ALK 3' part (exons 20-29), when amplified


@dataclass(frozen=True)
class Patient:
    """A patient's biopsies (in date order) and follow-up on the next TKI ("" = no row)."""

    patient_id: str
    biopsies: tuple[Biopsy, ...]
    next_tki: str = ""
    best_response: str = ""


@dataclass(frozen=True)
class Design:
    """A cohort to simulate and the summary the pipeline must give for it."""

    name: str
    patients: tuple[Patient, ...]
    normals: tuple[str, ...]
    expected: dict[str, str]


def _b(sample_id, date, tkis, purity, mutations=(), vaf=0.0, copy_number=None) -> Biopsy:
    return Biopsy(sample_id, date, tuple(tkis.split(";")), purity, tuple(mutations), vaf,
                  copy_number)  # fmt: skip


CRI, CRI_ALE, CRI_CER, CRI_BRI = "crizotinib", "crizotinib;alectinib", "crizotinib;ceritinib", "crizotinib;brigatinib"  # fmt: skip

# 23 patients, 31 biopsies. P08-P14 and P02 were biopsied twice (after one TKI, then after two);
# the others once. Mutations follow the drug they arose on: L1196M and G1269A after
# crizotinib, I1171N/G1202R/V1180L after alectinib, F1174L/C1156Y after ceritinib, the cis
# compound G1202R+L1196M after crizotinib then alectinib.
FULL_PATIENTS = (
    Patient("P01", (_b("P01_T1", "2021-03-15", CRI, 0.5, ["L1196M"], 0.18),), "alectinib", "PR"),
    Patient("P02", (_b("P02_T1", "2020-11-04", CRI, 0.6),
                    _b("P02_T2", "2022-09-27", CRI_ALE, 0.6, ["G1202R", "L1196M"], 0.22))),
    Patient("P03", (_b("P03_T1", "2022-01-19", CRI, AMPLIFICATION_PURITY,
                       copy_number=AMPLIFICATION_CN),), "alectinib", "PR"),
    Patient("P04", (_b("P04_T1", "2023-06-12", "alectinib;lorlatinib", 0.45),), "brigatinib", "PD"),
    Patient("P05", (_b("P05_T1", "2021-08-30", CRI, 0.4, ["G1269A"], 0.12),), "brigatinib", "PR"),
    Patient("P06", (_b("P06_T1", "2023-02-07", "alectinib", 0.35),)),
    Patient("P07", (_b("P07_T1", "2020-06-22", CRI, 0.7),), "alectinib", "PR"),
    Patient("P08", (_b("P08_T1", "2019-10-14", CRI, 0.4),
                    _b("P08_T2", "2021-12-06", CRI_ALE, 0.3, ["I1171N"], 0.10)), "lorlatinib", "PR"),
    Patient("P09", (_b("P09_T1", "2020-02-18", CRI, 0.65),
                    _b("P09_T2", "2022-04-25", CRI_ALE, 0.7, ["G1202R"], 0.25)), "brigatinib", "PD"),
    Patient("P10", (_b("P10_T1", "2020-09-09", CRI, 0.5),
                    _b("P10_T2", "2022-11-14", CRI_ALE, 0.5, ["V1180L"], 0.08)), "brigatinib", "PR"),
    Patient("P11", (_b("P11_T1", "2019-05-27", CRI, 0.55), _b("P11_T2", "2021-03-02", CRI_CER, 0.5))),
    Patient("P12", (_b("P12_T1", "2020-01-13", CRI, 0.3),
                    _b("P12_T2", "2021-07-19", CRI_BRI, 0.4)), "lorlatinib", "SD"),
    Patient("P13", (_b("P13_T1", "2021-04-26", "alectinib", 0.6),
                    _b("P13_T2", "2023-09-18", "alectinib;lorlatinib", 0.45))),
    Patient("P14", (_b("P14_T1", "2019-12-02", CRI, 0.8), _b("P14_T2", "2022-02-21", CRI_ALE, 0.75))),
    Patient("P15", (_b("P15_T1", "2021-05-10", CRI_CER, 0.55, ["F1174L"], 0.14),), "alectinib", "SD"),
    Patient("P16", (_b("P16_T1", "2020-12-14", CRI_CER, 0.75, ["C1156Y"], 0.30),), "lorlatinib", "PR"),
    Patient("P17", (_b("P17_T1", "2022-03-28", "crizotinib;alectinib;lorlatinib", 0.5),)),
    Patient("P18", (_b("P18_T1", "2021-10-11", CRI_BRI, 0.35),), "lorlatinib", "NE"),
    Patient("P19", (_b("P19_T1", "2022-06-06", CRI_ALE, 0.65),)),
    Patient("P20", (_b("P20_T1", "2023-01-23", "alectinib;brigatinib", 0.4),)),
    Patient("P21", (_b("P21_T1", "2022-08-15", "crizotinib;ceritinib;alectinib", 0.7),)),
    Patient("P22", (_b("P22_T1", "2023-04-03", "ceritinib;alectinib", 0.3),)),
    Patient("P23", (_b("P23_T1", "2024-02-12", "alectinib;lorlatinib", 0.6),)),
)  # fmt: skip

# The study's figures, in the pipeline's summary.tsv wording (name, what the study says, value).
METRICS = (
    ("patients_rebiopsied", "23 patients re-biopsied at progression"),
    ("tumour_biopsies", "(not stated; fewest that give 15% and 33%)"),
    ("patients_with_resistance_mechanism", "resistance mechanism in 9 (39%)"),
    ("alk_mutations", "9 ALK mutations"),
    ("patients_with_alk_mutation", "in 8 patients"),
    ("patients_with_alk_amplification", "1 ALK amplification"),
    ("alk_mutation_rate_after_one_tki", "15% per biopsy after one TKI"),
    ("alk_mutation_rate_after_two_or_more_tkis", "33% after two or more"),
    ("response_to_different_tki_after_mutation", "5 of 7 switched patients responded"),
    ("disease_control_when_predicted_active", "disease control in every patient"),
)
STUDY_FIGURES = {
    "patients_rebiopsied": "23",
    "tumour_biopsies": "31",
    "patients_with_resistance_mechanism": "9/23 (39%)",
    "alk_mutations": "9",
    "patients_with_alk_mutation": "8/23 (35%)",
    "patients_with_alk_amplification": "1/23 (4%)",
    "alk_mutation_rate_after_one_tki": "2/13 (15%)",
    "alk_mutation_rate_after_two_or_more_tkis": "6/18 (33%)",
    "response_to_different_tki_after_mutation": "5/7 (71%)",
    "disease_control_when_predicted_active": "6/6 (100%)",
}

# Reduced cohort: L1196M after one TKI (P01); a negative then the cis compound (P02, here
# followed up on lorlatinib, which the knowledge base does not predict active on the
# compound); the amplification (P03); a negative after two TKIs (P04). Same BAMs as the full
# cohort.
REDUCED_PATIENTS = (
    FULL_PATIENTS[0],
    replace(FULL_PATIENTS[1], next_tki="lorlatinib", best_response="PR"),
    FULL_PATIENTS[2],
    FULL_PATIENTS[3],
)
REDUCED_FIGURES = {
    "patients_rebiopsied": "4",
    "tumour_biopsies": "5",
    "patients_with_resistance_mechanism": "3/4 (75%)",
    "alk_mutations": "3",
    "patients_with_alk_mutation": "2/4 (50%)",
    "patients_with_alk_amplification": "1/4 (25%)",
    "alk_mutation_rate_after_one_tki": "1/3 (33%)",
    "alk_mutation_rate_after_two_or_more_tkis": "1/2 (50%)",
    "response_to_different_tki_after_mutation": "2/2 (100%)",
    "disease_control_when_predicted_active": "1/1 (100%)",
}

FULL = Design("full", FULL_PATIENTS, ("N01", "N02", "N03"), STUDY_FIGURES)
REDUCED = Design("reduced", REDUCED_PATIENTS, ("N01", "N02"), REDUCED_FIGURES)


# ------------------------------------------------------------------ summary definitions


def rate(k: int, n: int) -> str:
    """`k/n (pct%)` as summary.tsv writes rates (the pipeline's own function)."""
    return cohort_rate(k, n)


def generic_tki(name: str, vocabulary: Mapping[str, str]) -> str:
    """The generic name, so that "Alecensa" after alectinib is not counted as a switch."""
    return normalise_tki(name, vocabulary) or name.strip().lower()


def predicted_active(knowledge: KnowledgeBase, mutations: Sequence[str], tki: str) -> str:
    """The pipeline's verdict on `tki` for a tumour carrying all `mutations`, their phase
    not established (alkres.biopsy.model.interpret: the worse of the cis and trans readings)."""
    rows = [{"alteration": name, "phase": "", "phase_set": ""} for name in mutations]
    reading = interpret(knowledge, load_agents(), rows)
    return reading.activity.get(tki, "unknown")


def sheet_records(sheet: Sequence[Mapping[str, str]]) -> list[dict]:
    """Sample-sheet rows as the workflow hands them to its report scripts."""
    return [
        {**row, "prior_tkis_list": [t for t in row["prior_tkis"].split(";") if t.strip()]}
        for row in sheet
    ]


def truth_as_tables(sheet: Sequence[Mapping[str, str]], truth: Sequence[Mapping[str, str]]):
    """The cohort tables alkres would write if it called every biopsy exactly as simulated:
    the truth's mutations (a cis group sharing a phase set) and amplifications, every
    catalogued codon assessed (wild type at a 1% limit of detection), ALK copy number estimated,
    QC passed."""
    alterations, hotspots, copy_number = [], [], []
    tumours = [row["sample_id"] for row in sheet if row["sample_type"] == "tumor"]
    for row in truth:
        if row["sample_id"] not in tumours or row["alteration"] in ("", "none"):
            continue
        amplified = row["type"] == "amplification"
        alterations.append(
            {
                "sample_id": row["sample_id"],
                "gene": "ALK",
                "alteration": row["alteration"],
                "type": row["type"],
                "classification": "resistance",
                "copy_number": str(row["copy_number"]) if amplified else "",
                "phase_set": "cis" if row["phase"].startswith("cis") else "",
                "phase": row["phase"].replace("cis:", "cis with "),
            }  # fmt: skip
        )
    for sample_id in tumours:
        # Wild type at a 1% limit of detection: below a clonal VAF at the design's purity.
        hotspots.append(
            {"sample_id": sample_id, "codon": "all", "status": "wild_type", "lod_vaf": "0.01"}
        )
        copy_number.append({"sample_id": sample_id, "gene": "ALK", "copy_number": "2",
                            "status": "not_amplified"})  # fmt: skip
    qc = {sample_id: {"verdict": "pass", "reasons": ""} for sample_id in tumours}
    return alterations, hotspots, copy_number, qc


def cohort_figures(
    sheet: Sequence[Mapping[str, str]],
    tables: tuple,
    clinical_rows: Sequence[Mapping[str, str]],
    knowledge: KnowledgeBase,
) -> dict[str, str]:
    """summary.tsv's figures, computed by the pipeline's own code (alkres.biopsy.model)."""
    alterations, hotspots, copy_number, qc = tables
    vocabulary = load_tki_vocabulary()
    clinical = {
        row["patient_id"]: {
            "next_tki": generic_tki(row["next_tki"], vocabulary),
            "best_response": row.get("best_response", ""),
        }  # fmt: skip
        for row in clinical_rows
    }
    biopsies = build_biopsies(sheet_records(sheet), qc, alterations, hotspots, copy_number)
    return {row["metric"]: row["value"] for row in summary_rows(biopsies, clinical)}


def is_resistance_mutation(row: Mapping[str, str]) -> bool:
    """An alterations.tsv row the summary counts as an ALK resistance mutation."""
    return row["classification"] == "resistance" and row["type"] != "amplification"


def is_alk_amplification(row: Mapping[str, str]) -> bool:
    """An alterations.tsv row for an amplified ALK (whole gene or a part of it)."""
    return row["type"] == "amplification" and row.get("gene", "ALK") == "ALK"


# ------------------------------------------------------------------ sheets and truth


@dataclass
class Cohort:
    """The written design: sample sheet, clinical table, truth, and one spec per BAM."""

    sheet: list[dict]
    clinical: list[dict]
    truth: list[dict]
    specs: dict[str, SampleSpec] = field(default_factory=dict)


def alk_3prime(alk: Transcript) -> tuple[str, int, int]:
    """As test_data/make_test_data.py: the fused ALK 3' part, exons 20-29 from mid-intron 19."""
    return (CHROM, alk.c_to_g(len(alk.cds)) - 2_000, alk.c_to_g(3173) + 900)


def catalogue_variant(alk: Transcript, knowledge: KnowledgeBase, name: str) -> Variant:
    """The catalogue's stated single-base change for a mutation (its `hgvs_c`)."""
    mutation = knowledge.mutations[name]
    match = re.fullmatch(r"c\.(\d+)([ACGT])>([ACGT])", mutation.hgvs_c)
    if match is None or mutation.codon is None:
        raise ValueError(f"{name}: no single-base hgvs_c in the catalogue ({mutation.hgvs_c!r})")
    c_pos, ref, alt = int(match[1]), match[2], match[3]
    codon = list(alk.codon_ref(mutation.codon))
    offset = c_pos - (mutation.codon - 1) * 3 - 1
    if codon[offset] != ref:
        raise ValueError(f"{name}: {mutation.hgvs_c} does not match codon {''.join(codon)}")
    codon[offset] = alt
    return codon_substitution(alk, mutation.codon, "".join(codon))


def build_cohort(design: Design, alk: Transcript, knowledge: KnowledgeBase) -> Cohort:
    cohort = Cohort([], [], [])
    region = alk_3prime(alk)

    def add(sheet_row: dict, spec: SampleSpec, truth_rows: list[dict]) -> None:
        cohort.sheet.append(sheet_row)
        cohort.specs[sheet_row["sample_id"]] = spec
        base = {"sample_id": sheet_row["sample_id"], "patient_id": sheet_row["patient_id"],
                "sample_type": sheet_row["sample_type"], "tumor_purity": sheet_row["tumor_purity"],
                "simulated_depth": spec.fold_coverage}  # fmt: skip
        for row in truth_rows or [{"alteration": "none"}]:
            cohort.truth.append({column: "" for column in TRUTH_COLUMNS} | base | row)

    for patient in design.patients:
        for biopsy in patient.biopsies:
            variants = [catalogue_variant(alk, knowledge, m) for m in biopsy.mutations]
            truth = []
            for name, variant in zip(biopsy.mutations, variants, strict=True):
                others = [m for m in biopsy.mutations if m != name]
                phase = "cis:" + ",".join(others) if others else ""
                hgvs_c = knowledge.mutations[name].hgvs_c
                truth.append(small_variant(name, hgvs_c, variant, biopsy.vaf, phase))
            haplotypes = [Haplotype(tuple(variants), biopsy.vaf)] if variants else []
            gains = []
            if biopsy.copy_number is not None:
                multiplier = amplification_multiplier(biopsy.copy_number, biopsy.purity)
                gains.append((*region, multiplier))
                truth.append({"gene": "ALK", "alteration": "amplification",
                              "type": "amplification",
                              "chrom": CHROM, "pos": region[1], "end": region[2],
                              "copy_number": biopsy.copy_number,
                              "note": "ALK exons 20-29 (3' part, from mid-intron 19)"})  # fmt: skip
            sheet_row = {
                "sample_id": biopsy.sample_id, "patient_id": patient.patient_id,
                "bam": f"../bams/{biopsy.sample_id}.bam", "sample_type": "tumor",
                "specimen": "tissue", "collection_date": biopsy.date,
                "prior_tkis": ";".join(biopsy.prior_tkis), "tumor_purity": str(biopsy.purity),
            }  # fmt: skip
            add(sheet_row, SampleSpec(biopsy.sample_id, TUMOUR_FOLD, haplotypes, gains), truth)
        if patient.next_tki:
            cohort.clinical.append({"patient_id": patient.patient_id,
                                    "next_tki": patient.next_tki,
                                    "best_response": patient.best_response})  # fmt: skip
    for normal in design.normals:
        sheet_row = {"sample_id": normal, "patient_id": "", "bam": f"../bams/{normal}.bam",
                     "sample_type": "normal", "specimen": "tissue", "collection_date": "",
                     "prior_tkis": "", "tumor_purity": ""}  # fmt: skip
        add(sheet_row, SampleSpec(normal, NORMAL_FOLD), [])
    return cohort


def design_problems(design: Design, cohort: Cohort, alk: Transcript, knowledge) -> list[str]:
    """Why the design would not reproduce its figures, or would not be plausible; [] if fine."""
    problems = []
    vocabulary = load_tki_vocabulary()
    figures = cohort_figures(
        cohort.sheet, truth_as_tables(cohort.sheet, cohort.truth), cohort.clinical, knowledge
    )
    for metric, expected in design.expected.items():
        if figures.get(metric) != expected:
            problems.append(f"{metric}: design gives {figures.get(metric)}, expected {expected}")
    for patient in design.patients:
        previous: Biopsy | None = None
        for biopsy in patient.biopsies:
            where = f"{patient.patient_id} {biopsy.sample_id}"
            if not 0.3 <= biopsy.purity <= 0.8:
                problems.append(f"{where}: purity {biopsy.purity} outside 0.3-0.8")
            if biopsy.mutations and not (0.08 <= biopsy.vaf <= min(0.30, biopsy.purity / 2)):
                problems.append(f"{where}: VAF {biopsy.vaf} outside 8-30% or above purity / 2")
            if any(generic_tki(t, vocabulary) != t for t in biopsy.prior_tkis):
                problems.append(f"{where}: prior TKIs must be generic names")
            if previous is not None and not (
                biopsy.date > previous.date
                and biopsy.prior_tkis[: len(previous.prior_tkis)] == previous.prior_tkis
            ):
                problems.append(f"{where}: not later than, or not continuing, {previous.sample_id}")
            previous = biopsy
    for row in cohort.truth:
        if row["type"] in ("snv", "mnv", "indel"):
            named = annotate_variant(alk, row["chrom"], int(row["pos"]), row["ref"], row["alt"])
            if named.alteration != row["alteration"]:
                problems.append(
                    f"{row['sample_id']}: {row['alteration']} reads as {named.alteration}"
                )
    return problems


# ------------------------------------------------------------------ reference and reads


def control_targets() -> list[Target]:
    """Copy-number control regions spread along chr2 below ALK (the contig ends at 30 Mb)."""
    return [
        Target(CHROM, start, start + CONTROL_LENGTH - 1, f"CTRL_{index + 1:02d}")
        for index, start in enumerate(
            range(CONTROL_FIRST, CONTROL_FIRST + N_CONTROLS * CONTROL_STEP, CONTROL_STEP)
        )
    ]


def panel_targets() -> list[Target]:
    """ALK coding exons (the bundled panel's), EML4 exons are past 30 Mb, plus the controls."""
    targets = [t for t in alk_targets() if t.end < CONTIG_LENGTH] + control_targets()
    return sorted(targets, key=lambda t: t.start)


def reference_stamp(islands) -> dict:
    """What the cached reference was built from; a change rebuilds it and every BAM."""
    return {
        "length": CONTIG_LENGTH,
        "seed": REFERENCE_SEED,
        "islands": [[i.start, i.end] for i in islands],
    }


def prepare_reference(alk: Transcript, islands, targets: Sequence[Target]) -> tuple[Path, Path]:
    """Plain FASTA + .fai + bwa index + panel BED in the cache (rebuilt only if the stamp differs)."""
    fasta = REFERENCE_DIR / "chr2_seed_study.fa"
    bed = REFERENCE_DIR / "seed_study_targets.bed"
    stamp = REFERENCE_DIR / "stamp.json"
    wanted = reference_stamp(islands)
    if stamp.exists() and fasta.with_suffix(".fa.bwt").exists() and bed.exists():
        built = json.loads(stamp.read_text())
        built.pop("build_seconds", None)
        if built == wanted:
            return fasta, bed
    started = time.time()
    REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    write_fasta(fasta, [(CHROM, build_reference(islands, [alk], CONTIG_LENGTH, REFERENCE_SEED))])
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    # "is" indexes a mostly-N 30 Mb contig in ~30 s (bwtsw, bwa's own choice, takes minutes).
    subprocess.run(["bwa", "index", "-a", "is", str(fasta)], check=True, stderr=subprocess.DEVNULL)
    with open(bed, "w") as handle:
        for target in targets:
            handle.write(f"{target.chrom}\t{target.start - 1}\t{target.end}\t{target.name}\n")
    stamp.write_text(json.dumps(wanted | {"build_seconds": round(time.time() - started, 1)}))
    return fasta, bed


def file_md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def bam_key(spec: SampleSpec, islands) -> str:
    """What a cached BAM must match: its spec, the reference and the simulator."""
    return json.dumps(
        {
            "spec": asdict(spec),
            "reference": reference_stamp(islands),
            "simulate_md5": file_md5(SIMULATE_PY),
        },
        sort_keys=True,
    )


def simulate_bams(specs: Mapping[str, SampleSpec], islands, fasta: Path) -> dict:
    """Simulate every BAM whose cached copy does not match its spec; returns timings."""
    reference: bytes | None = None
    simulated, seconds = [], 0.0
    for sample_id, spec in specs.items():
        bam = BAMS / f"{sample_id}.bam"
        key_path = BAMS / f"{sample_id}.spec.json"
        key = bam_key(spec, islands)
        cached = bam.exists() and Path(f"{bam}.bai").exists() and key_path.exists()
        if cached and key_path.read_text() == key:
            continue
        if reference is None:
            reference = read_plain_fasta(fasta)
        print(f"  simulating {sample_id}", file=sys.stderr, flush=True)
        started = time.time()
        key_path.unlink(missing_ok=True)
        workdir = OUT / "work" / sample_id
        shutil.rmtree(workdir, ignore_errors=True)
        reads = simulate_reads(spec, islands, reference, workdir)
        align(sample_id, reads, fasta, bam, workdir)
        shutil.rmtree(workdir, ignore_errors=True)
        key_path.write_text(key)
        simulated.append(sample_id)
        seconds += time.time() - started
    if (OUT / "work").is_dir() and not any((OUT / "work").iterdir()):
        (OUT / "work").rmdir()
    return {"simulated": len(simulated), "reused": len(specs) - len(simulated),
            "seconds": round(seconds, 1)}  # fmt: skip


def read_plain_fasta(path: Path) -> bytes:
    """The one contig's sequence, as simulate slices it."""
    with open(path, "rb") as handle:
        return b"".join(line.rstrip() for line in handle if not line.startswith(b">"))


# ------------------------------------------------------------------ the pipeline


def write_inputs(case: Path, cohort: Cohort, fasta: Path, bed: Path) -> Path:
    """Sheets, truth and the run's config (the repository's, inputs and outdir replaced)."""
    case.mkdir(parents=True, exist_ok=True)
    header = ["sample_id", "patient_id", "bam", "sample_type", "specimen", "collection_date",
              "prior_tkis", "tumor_purity"]  # fmt: skip
    write_tsv(case / "samples.tsv", cohort.sheet, header,
              f"Simulated cohort after {STUDY}; written by benchmarks/seed_study.py")  # fmt: skip
    write_tsv(case / "clinical.tsv", cohort.clinical, ["patient_id", "next_tki", "best_response"])
    write_tsv(case / "truth.tsv", cohort.truth, TRUTH_COLUMNS,
              "What each simulated sample carries (simulated_depth = ART fold coverage)")  # fmt: skip
    config = yaml.safe_load(CONFIG_PATH.read_text())
    config["samples"] = str(case / "samples.tsv")
    config["clinical"] = str(case / "clinical.tsv")
    config["reference"]["fasta"] = str(fasta)
    config["panel"]["targets"] = str(bed)
    config["outdir"] = str(case / "results")
    config_path = case / "config.yaml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return config_path


def run_pipeline(case: Path, config_path: Path, cores: int) -> dict:
    """snakemake on the case; the log is kept in the case folder, its tail shown on failure."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
               "--directory", str(case), "--configfile", str(config_path),
               "--cores", str(cores)]  # fmt: skip
    log = case / "snakemake.log"
    started = time.time()
    with open(log, "w") as handle:
        done = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, env=env)
    seconds = time.time() - started
    text = log.read_text(errors="replace")
    if done.returncode != 0:
        tail = "\n".join(text.splitlines()[-LOG_TAIL_LINES:])
        sys.exit(f"seed_study: snakemake failed (exit {done.returncode}); log {log}:\n{tail}")
    steps = re.findall(r"(\d+) of (\d+) steps", text)
    return {"seconds": round(seconds, 1), "jobs": int(steps[-1][1]) if steps else 0}


# ------------------------------------------------------------------ comparison and report


def read_table(path: Path) -> list[dict]:
    with open(path) as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")),
                                   delimiter="\t"))  # fmt: skip


def read_summary(path: Path) -> dict[str, str] | None:
    """summary.tsv as {metric: value}; None when the pipeline did not write it."""
    if not path.exists():
        return None
    return {row["metric"]: row["value"] for row in read_table(path)}


@dataclass
class BiopsyCheck:
    """One tumour biopsy: what was simulated, what alkres called, and what differs."""

    sample_id: str
    patient_id: str
    prior_tkis: str
    simulated: str
    called: str
    qc: str
    problems: list[str]


def biopsy_checks(cohort: Cohort, alterations: Sequence[dict], qc: Mapping[str, str]):
    """Per tumour biopsy: the simulated resistance alterations against alkres's calls."""
    calls: dict[str, list[dict]] = defaultdict(list)
    for row in alterations:
        calls[row["sample_id"]].append(row)
    truth: dict[str, list[dict]] = defaultdict(list)
    for row in cohort.truth:
        if row["alteration"] != "none":
            truth[row["sample_id"]].append(row)
    checks = []
    for sheet_row in cohort.sheet:
        sample_id = sheet_row["sample_id"]
        if sheet_row["sample_type"] != "tumor":
            continue
        expected = {r["alteration"]: r for r in truth[sample_id]}
        found = {r["alteration"]: r for r in calls[sample_id]
                 if is_resistance_mutation(r) or is_alk_amplification(r)}  # fmt: skip
        problems = [f"missed {name}" for name in expected if name not in found]
        problems += [f"extra {name}" for name in found if name not in expected]
        for name, row in expected.items():
            partners = row["phase"].removeprefix("cis:").split(",") if row["phase"] else []
            for partner in partners:
                if name in found and partner in found and name < partner:
                    sets = {found[name]["phase_set"], found[partner]["phase_set"]}
                    if len(sets) != 1 or "" in sets:
                        problems.append(f"{name}/{partner} not phased in cis")
        checks.append(
            BiopsyCheck(
                sample_id, sheet_row["patient_id"], sheet_row["prior_tkis"],
                ", ".join(describe(r, "truth") for r in expected.values()) or "none",
                ", ".join(describe(r, "call") for r in found.values()) or "none",
                qc.get(sample_id, ""), problems,
            )
        )  # fmt: skip
    return checks


def describe(row: Mapping[str, str], source: str) -> str:
    """A truth or call row in a few words (name, VAF or copy number, phase)."""
    if row["type"] == "amplification":
        return f"amplification (CN {float(row['copy_number']):g})"
    vaf = float(row["vaf"])
    phased = ""
    if source == "truth" and row["phase"]:
        phased = f", {row['phase']}"
    if source == "call" and row.get("phase_set"):
        phased = f", phase set {row['phase_set']}"
    return f"{row['alteration']} ({vaf:.0%}{phased})"


@dataclass
class StudyResult:
    """Expected figures, the same figures from the design, the calls and summary.tsv."""

    design: str
    expected: dict[str, str]
    from_truth: dict[str, str]
    summary: dict[str, str] | None
    checks: list[BiopsyCheck]
    meta: dict

    @property
    def summary_matches(self) -> bool:
        return self.summary is not None and all(
            self.summary.get(metric) == value for metric, value in self.expected.items()
        )

    @property
    def biopsies_match(self) -> bool:
        return bool(self.checks) and not any(check.problems for check in self.checks)


def compare(design: Design, cohort: Cohort, case: Path, meta: dict, knowledge) -> StudyResult:
    """Read the run's outputs (whatever exists) and set them against the design."""
    from_truth = cohort_figures(
        cohort.sheet, truth_as_tables(cohort.sheet, cohort.truth), cohort.clinical, knowledge
    )
    results = case / "results"
    alterations_path = results / "cohort" / "alterations.tsv"
    checks = []
    if alterations_path.exists():
        alterations = read_table(alterations_path)
        qc_path = results / "qc" / "qc_summary.tsv"
        qc = {r["sample_id"]: r.get("verdict", "") for r in read_table(qc_path)} if qc_path.exists() else {}  # fmt: skip
        checks = biopsy_checks(cohort, alterations, qc)
    summary = read_summary(results / "cohort" / "summary.tsv")
    return StudyResult(design.name, design.expected, from_truth, summary, checks, meta)


def results_paragraph(figures: Mapping[str, str]) -> str:
    """The study's Results sentences with the figures alkres gave."""

    def parts(metric: str) -> tuple[str, str, str]:
        match = re.fullmatch(r"(\d+)/(\d+) \((.*)\)", figures.get(metric, ""))
        return (match[1], match[2], match[3]) if match else ("?", "?", "?")

    n = figures.get("patients_rebiopsied", "?")
    mech, _, mech_pct = parts("patients_with_resistance_mechanism")
    mutated = parts("patients_with_alk_mutation")[0]
    amplified = parts("patients_with_alk_amplification")[0]
    one = parts("alk_mutation_rate_after_one_tki")
    more = parts("alk_mutation_rate_after_two_or_more_tkis")
    responded, switched, _ = parts("response_to_different_tki_after_mutation")
    controlled, active, _ = parts("disease_control_when_predicted_active")
    return (
        f"Of {n} patients re-biopsied at progression on an ALK TKI, a resistance mechanism was "
        f"found in {mech} ({mech_pct}): {figures.get('alk_mutations', '?')} ALK mutations in "
        f"{mutated} patients and {amplified} ALK amplification. The ALK mutation rate was "
        f"{one[2]} per biopsy after one TKI ({one[0]}/{one[1]}) and {more[2]} after two or more "
        f"({more[0]}/{more[1]}). {responded} of {switched} patients switched to a different TKI "
        f"after the mutation was found responded, and {controlled} of {active} patients given a "
        f"TKI predicted active on their mutation had disease control."
    )


def design_table(design: Design, knowledge: KnowledgeBase) -> list[str]:
    lines = [
        "| patient | biopsy | date | prior TKIs | purity | alteration | VAF | next TKI "
        "| best response | predicted activity of next TKI |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for patient in design.patients:
        mutated = [b for b in patient.biopsies if b.mutations]
        activity = ""
        if patient.next_tki and mutated:
            activity = predicted_active(knowledge, mutated[-1].mutations, patient.next_tki)
        for index, b in enumerate(patient.biopsies):
            alteration = "+".join(b.mutations) + (" (cis)" if len(b.mutations) > 1 else "")
            if b.copy_number is not None:
                alteration = f"ALK amplification (CN {b.copy_number})"
            last = index == len(patient.biopsies) - 1
            lines.append(
                f"| {patient.patient_id if index == 0 else ''} | {b.sample_id} | {b.date} "
                f"| {' → '.join(b.prior_tkis)} | {b.purity:g} "
                f"| {alteration or '-'} | {f'{b.vaf:.0%}' if b.mutations else ''} "
                f"| {patient.next_tki if last else ''} | {patient.best_response if last else ''} "
                f"| {activity if last else ''} |"
            )
    return lines


def report(result: StudyResult, design: Design, knowledge: KnowledgeBase) -> str:
    meta = result.meta
    observed = result.summary or {}
    source = "the pipeline's summary.tsv" if result.summary is not None else "no summary.tsv"
    title = "Seed study regenerated" + (" (reduced cohort)" if design.name == "reduced" else "")
    lines = [
        f"# {title}",
        "",
        f"Study: {STUDY}. Cohort simulated and run through alkres by "
        f"`benchmarks/seed_study.py{' --reduced' if design.name == 'reduced' else ''}` "
        f"on {meta.get('date', '?')}. See benchmarks/README.md.",
        "",
        "## Results paragraph",
        "",
        f"From {source}:",
        "",
        "> " + results_paragraph(observed),
        "",
        "## Expected and observed",
        "",
        "| summary.tsv metric | study | expected | design (truth) | alkres summary.tsv | match |",
        "|---|---|---|---|---|---|",
    ]
    for metric, said in METRICS:
        expected = result.expected[metric]
        summary = result.summary.get(metric, "missing") if result.summary is not None else "-"
        match = "-" if result.summary is None else ("yes" if summary == expected else "NO")
        study = said if design.name == "full" else ""
        lines.append(
            f"| `{metric}` | {study} | {expected} | {result.from_truth[metric]} | {summary} "
            f"| {match} |"
        )
    lines += [
        "",
        "*design (truth)*: the figures the pipeline's own summary code (alkres.biopsy.model) gives "
        "when every biopsy is called exactly as simulated.",
    ]
    others = {k: v for k, v in (result.summary or {}).items() if k not in result.expected}
    if others:
        listed = ", ".join(f"`{metric}` {value}" for metric, value in others.items())
        lines += ["", f"Other rows of summary.tsv (not in the study): {listed}."]
    lines += [
        "",
        "## Per-biopsy check",
        "",
        "| sample | patient | prior TKIs | simulated | called (resistance) | QC | check |",
        "|---|---|---|---|---|---|---|",
    ]
    for check in result.checks:
        verdict = "; ".join(check.problems) or "ok"
        lines.append(
            f"| {check.sample_id} | {check.patient_id} | {check.prior_tkis.replace(';', ' → ')} "
            f"| {check.simulated} "
            f"| {check.called} | {check.qc} | {verdict} |"
        )
    if not result.checks:
        lines.append("| (no alterations.tsv) | | | | | | |")
    timing = meta.get("timing", {})
    simulation = timing.get("simulation", {})
    pipeline = timing.get("pipeline", {})
    tools = meta.get("tools", {})
    machine_info = meta.get("machine", {})
    lines += [
        "",
        "## Design",
        "",
        f"{len(design.patients)} patients, "
        f"{sum(len(p.biopsies) for p in design.patients)} tumour biopsies at {TUMOUR_FOLD}x "
        f"and {len(design.normals)} normals at {NORMAL_FOLD}x (ART fold coverage). Predicted "
        "activity: the knowledge base's verdict (`interpret`) on the mutations of the "
        "patient's latest mutated biopsy.",
        "",
        *design_table(design, knowledge),
        "",
        "## Run",
        "",
        f"- Wall time: {timing.get('total_seconds', 0) / 60:.1f} min in all: reference "
        f"{timing.get('reference_seconds', 0):.0f} s, simulation {simulation.get('seconds', 0):.0f} s "
        f"({simulation.get('simulated', 0)} BAMs simulated, {simulation.get('reused', 0)} reused "
        f"from the cache), pipeline {pipeline.get('seconds', 0) / 60:.1f} min "
        f"({pipeline.get('jobs', 0) or 'no'} jobs to run, `--cores {meta.get('cores', '?')}`).",
        f"- Load average at start and end: {meta.get('load_average', '?')}.",
        f"- Machine: {machine_info.get('nproc', '?')} cores, {machine_info.get('cpu', '?')}; "
        f"{machine_info.get('system', '?')}; Python {machine_info.get('python', '?')}.",
        "- Tools: " + "; ".join(f"{name} {version}" for name, version in tools.items()) + ".",
        "",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ driver


def run_study(
    reduced: bool = False,
    cores: int = 2,
    generate_only: bool = False,
    report_only: bool = False,
) -> StudyResult | None:
    """Design check, simulation, pipeline run and report; None with generate_only."""
    started = time.time()
    load_before = os.getloadavg()
    design = REDUCED if reduced else FULL
    case = OUT / design.name
    alk = load_transcript(BUILD, "ALK", chrom=CHROM)
    knowledge = load_knowledge_base()
    cohort = build_cohort(design, alk, knowledge)
    problems = design_problems(design, cohort, alk, knowledge)
    if problems:
        sys.exit("seed_study: the design does not give its figures:\n  " + "\n  ".join(problems))
    meta_path = case / "seed_study.meta.json"
    if report_only:
        if not (case / "results" / "cohort" / "alterations.tsv").exists():
            sys.exit(f"seed_study: no pipeline outputs in {case / 'results'} to report on")
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    else:
        for tool in ("art_illumina", "bwa", "samtools"):
            if shutil.which(tool) is None:
                sys.exit(f"seed_study: '{tool}' not found on PATH; run `make setup` first")
        targets = panel_targets()
        islands = merge_targets_into_islands(targets)
        print(f"seed study ({design.name}): reference ...", file=sys.stderr, flush=True)
        fasta, bed = prepare_reference(alk, islands, targets)
        reference_seconds = time.time() - started
        print(f"seed study ({design.name}): {len(cohort.specs)} BAMs ...", file=sys.stderr)
        simulation = simulate_bams(cohort.specs, islands, fasta)
        config_path = write_inputs(case, cohort, fasta, bed)
        timing = {"reference_seconds": round(reference_seconds, 1), "simulation": simulation}
        if generate_only:
            timing["total_seconds"] = round(time.time() - started, 1)
            print(f"seed study ({design.name}): generated in {timing['total_seconds']:.0f} s "
                  f"({simulation['simulated']} BAMs simulated in {simulation['seconds']:.0f} s, "
                  f"{simulation['reused']} reused); inputs in {case}", file=sys.stderr)  # fmt: skip
            return None
        print(f"seed study ({design.name}): snakemake ...", file=sys.stderr, flush=True)
        timing["pipeline"] = run_pipeline(case, config_path, cores)
        timing["total_seconds"] = round(time.time() - started, 1)
        meta = {
            "design": design.name,
            "cores": cores,
            "timing": timing,
            "load_average": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
            "machine": machine(),
            "tools": tool_versions() | {"snakemake": snakemake_version()},
            "date": time.strftime("%Y-%m-%d %H:%M"),
        }
        meta_path.write_text(json.dumps(meta, indent=1))
    result = compare(design, cohort, case, meta, knowledge)
    text = report(result, design, knowledge)
    report_path = FULL_REPORT if design.name == "full" else case / "seed_study.md"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(text)
    print(text)
    print(f"written: {report_path}", file=sys.stderr)
    return result


def snakemake_version() -> str:
    done = subprocess.run([sys.executable, "-m", "snakemake", "--version"],
                          capture_output=True, text=True)  # fmt: skip
    return done.stdout.strip() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reduced", action="store_true", help="4 patients, 5 biopsies (CI)")
    parser.add_argument("--cores", type=int, default=2, help="snakemake --cores (default 2)")
    parser.add_argument(
        "--generate-only", action="store_true", help="check the design and simulate, no pipeline"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="redo the report from the last run's outputs"
    )
    args = parser.parse_args()
    result = run_study(args.reduced, args.cores, args.generate_only, args.report_only)
    if result is None:
        return
    if not result.biopsies_match:
        sys.exit("seed_study: some biopsies were not called as simulated (see the report)")
    if not result.summary_matches:
        reason = "missing" if result.summary is None else "different from the expected figures"
        sys.exit(f"seed_study: the pipeline's cohort/summary.tsv is {reason}")


if __name__ == "__main__":
    main()
