"""The nearest-postal spatial index: pure Python, no Django, built once per postal table.

It runs for every reported position, so a lookup must not visit every postal. The table's bounding box
(plus a margin) is cut into square cells of about one postal each. At build time every cell gets the
short list of postals that can be the nearest one to *some* point of the cell: with `c` the cell's
centre, `d` the distance from `c` to its nearest postal and `r` the half-diagonal, a point `q` of the
cell has a postal within `d + r`, so its nearest postal `p` satisfies |p - c| <= |p - q| + r <= d + 2r.
A lookup inside the box is one cell index and a distance over that list (usually 1-6 postals). Outside
the box (the open sea) it searches rings of cells outward from the closest cell until no closer postal
can exist. Both answers are exact; ties go to the postal listed first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

Postal = tuple[float, float, str]  # (x, y, code)


class PostalIndex:
    __slots__ = ("size", "_x0", "_y0", "_cell", "_cols", "_rows", "_buckets", "_candidates")

    def __init__(self, postals: Iterable[Postal], *, postals_per_cell: float = 0.5):
        points = [(float(x), float(y), str(code), i) for i, (x, y, code) in enumerate(postals)]
        self.size = len(points)
        if not points:
            self._cols = self._rows = 0
            self._buckets, self._candidates = [], []
            self._x0 = self._y0 = 0.0
            self._cell = 1.0
            return
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        width, height = max(xs) - min(xs), max(ys) - min(ys)
        # About `postals_per_cell` postals a cell on average (never degenerate for a single row or point).
        cell = math.sqrt(max(width * height, 1.0) * postals_per_cell / len(points))
        cell = max(cell, (max(width, height) or 1.0) / 4096, 1.0)
        margin = 2 * cell
        self._cell = cell
        self._x0, self._y0 = min(xs) - margin, min(ys) - margin
        self._cols = int((width + 2 * margin) // cell) + 1
        self._rows = int((height + 2 * margin) // cell) + 1
        self._buckets = [[] for _ in range(self._cols * self._rows)]
        for p in points:
            self._buckets[self._cell_of(p[0], p[1])].append(p)
        half_diagonal = cell * math.sqrt(2) / 2
        candidates = []
        for row in range(self._rows):
            for col in range(self._cols):
                cx, cy = self._x0 + (col + 0.5) * cell, self._y0 + (row + 0.5) * cell
                best = self._ring_search(cx, cy)
                reach = math.sqrt(best[0]) + 2 * half_diagonal
                candidates.append(tuple(sorted(self._within(cx, cy, reach), key=lambda p: p[3])))
        self._candidates = candidates

    # -- lookups ------------------------------------------------------------------------------------
    def nearest(self, x: float, y: float) -> tuple[str, float] | None:
        """(code, distance) of the postal nearest to (x, y), or None for an empty table or a point that is
        not a finite number."""
        try:
            col = int((x - self._x0) // self._cell)
            row = int((y - self._y0) // self._cell)
        except (ValueError, OverflowError):  # NaN or infinity: nowhere on the map
            return None
        if 0 <= col < self._cols and 0 <= row < self._rows:
            best_d, best = math.inf, None
            for p in self._candidates[row * self._cols + col]:
                d = (p[0] - x) * (p[0] - x) + (p[1] - y) * (p[1] - y)
                if d < best_d:
                    best_d, best = d, p
            return best[2], math.sqrt(best_d)
        if not self.size:
            return None
        best_d, best = self._ring_search(x, y)
        return best[2], math.sqrt(best_d)

    def code_at(self, x: float, y: float) -> str:
        """The nearest code, or "" for an empty table (what a position's `postal` field takes)."""
        found = self.nearest(x, y)
        return found[0] if found else ""

    # -- building blocks ----------------------------------------------------------------------------
    def _cell_of(self, x: float, y: float) -> int:
        col = min(max(int((x - self._x0) // self._cell), 0), self._cols - 1)
        row = min(max(int((y - self._y0) // self._cell), 0), self._rows - 1)
        return row * self._cols + col

    def _ring_search(self, x: float, y: float) -> tuple[float, tuple]:
        """Exact nearest by rings of cells around the (clamped) cell of (x, y): (squared distance, postal)."""
        cell, cols, rows = self._cell, self._cols, self._rows
        col = min(max(int((x - self._x0) // cell), 0), cols - 1)
        row = min(max(int((y - self._y0) // cell), 0), rows - 1)
        # Ring k's postals lie at least (k - 1) cells away, and never closer than the grid's edge.
        outside = math.hypot(max(self._x0 - x, 0, x - (self._x0 + cols * cell)),
                             max(self._y0 - y, 0, y - (self._y0 + rows * cell)))
        best_d, best = math.inf, None
        for k in range(max(cols, rows) + 1):
            if best is not None and max(outside, (k - 1) * cell) > math.sqrt(best_d):
                break
            for r in range(row - k, row + k + 1):
                if not 0 <= r < rows:
                    continue
                step = 1 if r in (row - k, row + k) else 2 * k or 1
                for c in range(col - k, col + k + 1, step):
                    if 0 <= c < cols:
                        for p in self._buckets[r * cols + c]:
                            d = (p[0] - x) ** 2 + (p[1] - y) ** 2
                            if d < best_d or (d == best_d and p[3] < best[3]):
                                best_d, best = d, p
        return best_d, best

    def _within(self, x: float, y: float, radius: float) -> Iterable[tuple]:
        cell, cols, rows = self._cell, self._cols, self._rows
        c0, c1 = max(int((x - radius - self._x0) // cell), 0), min(int((x + radius - self._x0) // cell), cols - 1)
        r0, r1 = max(int((y - radius - self._y0) // cell), 0), min(int((y + radius - self._y0) // cell), rows - 1)
        limit = radius * radius
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                for p in self._buckets[r * cols + c]:
                    if (p[0] - x) ** 2 + (p[1] - y) ** 2 <= limit:
                        yield p
