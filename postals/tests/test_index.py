"""The spatial index against a brute-force scan: exact everywhere, inside the table's box and far outside."""

from __future__ import annotations

import math
import random

import pytest

from postals.index import PostalIndex


def synthetic_table(n: int = 1700, seed: int = 7) -> list[tuple[float, float, str]]:
    """Dense city in the south, sparse countryside up north, like the base map's postals."""
    rng = random.Random(seed)
    table = []
    for i in range(n):
        if rng.random() < 0.6:
            x, y = rng.gauss(0, 900), rng.gauss(-800, 900)
        else:
            x, y = rng.uniform(-3500, 4000), rng.uniform(-3000, 7500)
        table.append((x, y, str(1000 + i)))
    return table


def brute(table, x, y):
    d, i = min(((px - x) ** 2 + (py - y) ** 2, i) for i, (px, py, _) in enumerate(table))
    return table[i][2], math.sqrt(d)


def test_matches_a_full_scan_everywhere():
    table = synthetic_table()
    index = PostalIndex(table)
    rng = random.Random(3)
    points = [(rng.uniform(-9000, 9000), rng.uniform(-9000, 14000)) for _ in range(2000)]
    points += [(x + 0.001, y) for x, y, _ in table[:200]]  # right next to a postal
    for x, y in points:
        code, distance = index.nearest(x, y)
        want_code, want_distance = brute(table, x, y)
        assert distance == pytest.approx(want_distance, abs=1e-9)
        assert code == want_code


def test_ties_go_to_the_first_listed_and_exact_hits_are_zero():
    index = PostalIndex([(0.0, 0.0, "A"), (10.0, 0.0, "B"), (0.0, 0.0, "C")])
    assert index.nearest(5.0, 0.0) == ("A", 5.0)
    assert index.nearest(0.0, 0.0) == ("A", 0.0)
    assert index.nearest(10.0, 0.0) == ("B", 0.0)


def test_degenerate_tables():
    assert PostalIndex([]).nearest(1.0, 2.0) is None
    assert PostalIndex([]).code_at(1.0, 2.0) == ""
    single = PostalIndex([(100.0, -50.0, "7")])
    assert single.nearest(-5000.0, 9000.0)[0] == "7"
    line = PostalIndex([(float(i * 100), 0.0, str(i)) for i in range(50)])  # every postal on one road
    assert line.nearest(1249.0, 3000.0)[0] == "12"
    assert line.nearest(-100000.0, 0.0)[0] == "0"


def test_not_a_finite_point_has_no_postal():
    index = PostalIndex(synthetic_table(50))
    assert index.nearest(math.nan, 1.0) is None
    assert index.nearest(1.0, math.inf) is None
