"""Smoke test of benchmarks/hotspot_benchmark.py: what it simulates and how it scores, without
running ART, bwa or the callers (the benchmark itself is run by hand; see benchmarks/README.md)."""

import pytest

from conftest import load_benchmark


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("hotspot_benchmark")


@pytest.fixture(scope="module")
def setup(bench):
    alk = bench.load_transcript(bench.BUILD, "ALK", chrom=bench.CHROM)
    knowledge = bench.load_knowledge_base()
    islands = bench.merge_targets_into_islands(bench.kinase_targets(alk))
    return alk, knowledge, islands


def test_every_catalogued_single_is_in_every_grid_cell_once(bench, setup):
    alk, knowledge, islands = setup
    normals, plans = bench.make_plans(alk, knowledge, islands, quick=True)
    singles = bench.catalogued_names(knowledge)
    assert len(normals) == bench.N_NORMALS
    cells = {}
    for plan in plans:
        if plan.set == "grid":
            names = [s.name for s in plan.spikes if s.purpose == "catalogue"]
            cells.setdefault((plan.vaf, plan.depth), []).extend(names)
    assert len(cells) == len(bench.QUICK_VAFS) * len(bench.QUICK_DEPTHS)
    for names in cells.values():
        assert sorted(names) == sorted(singles)
    assert sum(plan.set == "negative" for plan in plans) == bench.QUICK_NEGATIVES


def test_mutations_sharing_a_bam_are_in_different_islands(bench, setup):
    alk, knowledge, islands = setup
    _, plans = bench.make_plans(alk, knowledge, islands, quick=True)
    for plan in plans:
        if plan.set == "compound":
            continue
        used = [bench.island_index(islands, spike) for spike in plan.spikes]
        assert len(used) == len(set(used)), plan.sample_id
        positions = sorted(spike.variant.pos for spike in plan.spikes)
        assert all(
            b - a >= bench.MIN_SPIKE_DISTANCE
            for a, b in zip(positions, positions[1:], strict=False)
        )


def test_routes_are_the_documented_ones(bench, setup):
    alk, knowledge, _ = setup
    spikes = {s.name: s for s in bench.catalogue_spikes(alk, knowledge)}
    assert spikes["G1269S"].route.endswith("(GGA>AGC)")
    assert spikes["G1269S"].bases_changed == "2"
    assert spikes["F1174L"].route.startswith("c.3520T>C")  # the catalogue's stated route
    assert spikes["G1202del"].bases_changed == "indel"


def test_scoring_counts_names_not_positions(bench, setup, tmp_path, monkeypatch):
    alk, knowledge, islands = setup
    bench._WORKER.update(
        known=bench.catalogued_names(knowledge),
        hotspot_codons={m.codon for m in knowledge.mutations.values() if m.codon},
    )
    g1269s = bench.substitution_spike(alk, 1269, "AGC", "catalogue", bench._WORKER["known"])
    plan = bench.Plan("s1", "grid", 1000, 0.05, 1, (((g1269s,), 0.05),))
    split = [
        bench.Call("G1269R", frozenset({1269}), 0.05, passes_filters=True),
        bench.Call("G1269=", frozenset({1269}), 0.05, passes_filters=True),
        bench.Call("G1202R", frozenset({1202}), 0.01, passes_filters=False),
    ]
    rows = bench.evaluate(plan, "bcftools", split, {})
    spike = next(r for r in rows if r["row_type"] == "spike")
    assert spike["detected"] == "no"
    assert spike["reported"] == "G1269=;G1269R"
    unexpected = [r["reported"] for r in rows if r["row_type"] == "unexpected"]
    assert unexpected == ["G1202R"]  # a catalogued call that was not simulated
    whole = bench.evaluate(plan, "alkres", [bench.Call("G1269S", frozenset({1269}), 0.05)], {})
    assert whole[0]["detected"] == "yes" and whole[0]["reported"] == "G1269S"

    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    monkeypatch.setattr(bench, "REPORT_PATH", tmp_path / "report.md")
    table = [
        {column: str(row.get(column, "")) for column in bench.TSV_COLUMNS}
        for row in rows + whole + bench.evaluate(plan, "freebayes", [], {})
    ]
    meta = {
        "mode": "test", "date": "today", "samples": 1, "simulated": 0, "workers": 1,
        "wall_seconds": 1.0, "reference_seconds": 0.0, "load_average": [0, 0],
        "cpu_seconds": {}, "tools": {}, "machine": {"nproc": "1", "cpu": "x", "python": "3"},
        "settings": {
            "hotspots": {"alpha": 1e-6, "min_alt_fragments": 3},
            "calling": {"filters": {"min_quality": 20, "min_alt_reads": 5, "min_vaf": 0.02}},
        },
    }  # fmt: skip
    bench.report(table, meta)
    text = (tmp_path / "report.md").read_text()
    assert "| 5% | 1/1 (100%) |" in text  # alkres
    assert "| 5% | 0/1 (0%) |" in text  # bcftools
