"""benchmarks/seed_study.py: the simulated cohort gives the seed study's figures by the summary's
definitions (fast, no reads), and alkres reproduces them from the reads (reduced cohort: e2e;
full cohort: slow, only with ALKRES_SLOW=1)."""

import os

import pytest

from conftest import load_benchmark


@pytest.fixture(scope="module")
def study():
    return load_benchmark("seed_study")


@pytest.fixture(scope="module")
def context(study):
    alk = study.load_transcript(study.BUILD, "ALK", chrom=study.CHROM)
    return alk, study.load_knowledge_base()


def design_figures(study, design, context):
    alk, knowledge = context
    cohort = study.build_cohort(design, alk, knowledge)
    figures = study.cohort_figures(
        cohort.sheet, study.truth_as_tables(cohort.sheet, cohort.truth), cohort.clinical, knowledge
    )
    return cohort, figures


def test_rates_round_half_up(study):
    assert study.rate(2, 13) == "2/13 (15%)"
    assert study.rate(6, 18) == "6/18 (33%)"
    assert study.rate(9, 23) == "9/23 (39%)"
    assert study.rate(1, 8) == "1/8 (13%)"  # 12.5 -> 13
    assert study.rate(1, 40) == "1/40 (3%)"  # 2.5 -> 3
    assert study.rate(6, 6) == "6/6 (100%)"


def test_full_design_gives_the_study_figures(study, context):
    _, figures = design_figures(study, study.FULL, context)
    assert {metric: figures[metric] for metric in study.STUDY_FIGURES} == study.STUDY_FIGURES
    assert figures["patients_inconclusive"] == "0/23 (0%)"
    assert figures["alk_mutation_rate_after_one_tki"] == "2/13 (15%)"
    assert figures["alk_mutation_rate_after_two_or_more_tkis"] == "6/18 (33%)"
    assert figures["patients_with_resistance_mechanism"] == "9/23 (39%)"
    assert figures["response_to_different_tki_after_mutation"] == "5/7 (71%)"
    assert figures["disease_control_when_predicted_active"] == "6/6 (100%)"


def test_reduced_design_gives_its_figures(study, context):
    _, figures = design_figures(study, study.REDUCED, context)
    assert {metric: figures[metric] for metric in study.REDUCED_FIGURES} == study.REDUCED_FIGURES


@pytest.mark.parametrize("name", ["FULL", "REDUCED"])
def test_design_is_plausible_and_simulable(study, context, name):
    """Dates in order, TKI sequences continued, VAF 8-30% within purity, purity 0.3-0.8, and
    every simulated change named as the catalogued mutation it stands for."""
    alk, knowledge = context
    design = getattr(study, name)
    cohort = study.build_cohort(design, alk, knowledge)
    assert study.design_problems(design, cohort, alk, knowledge) == []
    tumours = [row for row in cohort.sheet if row["sample_type"] == "tumor"]
    assert len({row["sample_id"] for row in cohort.sheet}) == len(cohort.sheet)
    assert all(cohort.specs[row["sample_id"]].fold_coverage >= 500 for row in tumours)
    assert len(cohort.sheet) - len(tumours) == len(design.normals)


def test_full_design_counts(study, context):
    """8 patients biopsied twice, 15 once; 8 mutant patients with one mutant biopsy each, the
    cis compound in one; the amplification in a ninth patient."""
    patients = study.FULL.patients
    assert sorted(len(p.biopsies) for p in patients) == [1] * 15 + [2] * 8
    mutant = [p for p in patients if any(b.mutations for b in p.biopsies)]
    assert len(mutant) == 8
    assert all(sum(bool(b.mutations) for b in p.biopsies) == 1 for p in mutant)
    compounds = [b.mutations for p in mutant for b in p.biopsies if len(b.mutations) > 1]
    assert compounds == [("G1202R", "L1196M")]
    amplified = [p for p in patients if any(b.copy_number for b in p.biopsies)]
    assert len(amplified) == 1 and amplified[0] not in mutant
    without_row = [p.patient_id for p in mutant if not p.next_tki]
    assert len(without_row) == 1


def test_clinical_follow_up_matches_the_predictions(study, context):
    """5 PR and 1 SD on a TKI predicted active, 1 PD on one that is not: brigatinib on
    G1202R, 'intermediate' in the Lin 2017 review (footnote a), which outranks the Ba/F3
    'resistant' statements."""
    _, knowledge = context
    outcomes = []
    for patient in study.FULL.patients:
        mutated = [b for b in patient.biopsies if b.mutations]
        if mutated and patient.next_tki:
            activity = study.predicted_active(knowledge, mutated[-1].mutations, patient.next_tki)
            outcomes.append((patient.best_response, activity))
    assert sorted(outcomes) == sorted(
        [("PR", "sensitive")] * 5 + [("SD", "sensitive"), ("PD", "intermediate")]
    )


def test_reduced_cohort_reuses_the_full_cohorts_bams(study, context):
    alk, knowledge = context
    full = study.build_cohort(study.FULL, alk, knowledge)
    reduced = study.build_cohort(study.REDUCED, alk, knowledge)
    for sample_id, spec in reduced.specs.items():
        assert full.specs[sample_id] == spec


def check_run(result):
    failed = {c.sample_id: c.problems for c in result.checks if c.problems}
    assert result.biopsies_match, failed
    assert result.summary is not None, "the pipeline wrote no cohort/summary.tsv"
    assert result.summary == {**result.summary, **result.expected}


@pytest.fixture(scope="module")
def reduced_run(study):
    return study.run_study(reduced=True, cores=2)


@pytest.mark.e2e
def test_reduced_cohort_biopsies_are_called_as_simulated(reduced_run):
    failed = {c.sample_id: c.problems for c in reduced_run.checks if c.problems}
    assert reduced_run.biopsies_match, failed


@pytest.mark.e2e
def test_reduced_cohort_summary_matches(reduced_run):
    check_run(reduced_run)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("ALKRES_SLOW") != "1", reason="about 30 min; set ALKRES_SLOW=1")
def test_full_cohort_reproduces_the_study(study):
    check_run(study.run_study(reduced=False, cores=2))
