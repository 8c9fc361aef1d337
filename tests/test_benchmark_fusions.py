"""Smoke test of benchmarks/fusion_benchmark.py: what it simulates and how it scores, without
running ART, bwa or Delly (the benchmark itself is run by hand; see benchmarks/README.md)."""

from collections import Counter

import pytest

from conftest import load_benchmark


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("fusion_benchmark")


@pytest.fixture(scope="module")
def plans(bench):
    alk = bench.load_transcript(bench.BUILD, "ALK", chrom=bench.CHROM)
    return alk, bench.make_plans(alk, quick=False)


def test_grid_covers_every_cell_with_every_kind(bench, plans):
    alk, grid = plans
    fused = [p for p in grid if p.fraction]
    cells = Counter((p.fraction, p.depth) for p in fused)
    assert set(cells) == {(f, d) for f in bench.FRACTIONS for d in bench.DEPTHS}
    assert len(set(cells.values())) == 1 and min(cells.values()) >= 8
    for cell in cells:
        kinds = Counter(p.kind for p in fused if (p.fraction, p.depth) == cell)
        assert set(kinds) == set(bench.KINDS)
        balanced = [p.reciprocal for p in fused if (p.fraction, p.depth) == cell]
        assert any(balanced) and not all(balanced)
    assert sum(1 for p in grid if not p.fraction) >= 20


def test_breakpoints_lie_in_their_introns(bench, plans):
    alk, grid = plans
    exons = {e.number: e for e in alk.exons}
    eml4 = bench.load_exons(bench.BUILD, "EML4")
    for plan in (p for p in grid if p.fraction):
        assert exons[20].end < plan.alk_break < exons[19].start
        assert eml4[plan.eml4_intron - 1].end < plan.partner_break < eml4[plan.eml4_intron].start
        if plan.kind in bench.KIND_INTRON:
            assert plan.eml4_intron == bench.KIND_INTRON[plan.kind]
        if plan.kind == "repeat":
            # Inside the repeat, with repeat sequence next to the junction on the EML4 side.
            assert bench.REPEAT[0] + 60 <= plan.partner_break <= bench.REPEAT[1] - 20


def test_every_sample_carries_the_mate_trap_and_is_read_in_every_convention(bench, plans):
    alk, grid = plans
    bench.init_worker.__globals__["_WORKER"].update(
        alk_span=bench.alk_span(alk), trap_sources=bench.alk_exon_islands(alk)
    )
    for plan in (grid[0], grid[-1]):  # a fusion and a fusion-free sample
        (trap,) = bench.spec_of(plan).traps
        assert trap.pos == bench.TRAP_POS and trap.pairs == round(plan.depth * 0.2)
        # Chimeras come from ALK exons across the gene, not only the captured window.
        assert len(trap.source_islands) >= 20
    assert set(bench.CONVENTION_NAMES) <= set(bench.CONVENTIONS)
    assert sum(1 for p in grid if not p.fraction) >= 40


def test_scoring(bench, plans):
    _, grid = plans
    plan = next(p for p in grid if p.fraction and p.reciprocal)
    truth = {"alk_pos": plan.alk_break, "partner_pos": plan.partner_break,
             "sides": ("left", "left"), "exon_pair": plan.expected_exon_pair}  # fmt: skip
    reciprocal = {"alk_pos": plan.alk_break + 1, "partner_pos": plan.partner_break + 1,
                  "sides": ("right", "right"), "exon_pair": ""}  # fmt: skip
    rows = [
        {"alk_pos": plan.alk_break, "partner_pos": plan.partner_break, "partner_chrom": "chr2"},
        {"alk_pos": plan.alk_break + 400, "partner_pos": plan.partner_break - 300,
         "partner_chrom": "chr2"},
        {"alk_pos": plan.alk_break, "partner_pos": 30_001, "partner_chrom": "chr7"},
    ]  # fmt: skip
    row = bench.evaluate(plan, "alkres", [truth, reciprocal], rows)
    assert (row["detected"], row["exon_pair_right"], row["false_calls"]) == (1, 1, 0)
    assert row["alk_distance"] == 0
    assert (row["event_rows"], row["extra_rows"]) == (2, 1)  # a second row of the same event
    repeat_copy = dict(truth, partner_chrom="chr7")
    assert bench.evaluate(plan, "alkres", [repeat_copy])["false_calls"] == 1
    far = dict(truth, partner_pos=plan.partner_break + 10_000)
    row = bench.evaluate(plan, "alkres", [far])
    assert (row["detected"], row["false_calls"]) == (0, 1)
    free = next(p for p in grid if not p.fraction)
    assert bench.evaluate(free, "delly", [truth])["false_calls"] == 1
    assert bench.evaluate(free, "delly", [])["false_calls"] == 0
