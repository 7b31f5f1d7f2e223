"""Two runs side by side: the numbers that matter on a page, for both runs, and whether they differ.

Each page's view module says which numbers matter (``compare_numbers(ckpt)``: locale key -> number, None when
the page does not apply to the run); this module lays two such sets out as one table. A sampled number is an
:class:`~icar_core.stats.Estimate` (value, 95% interval, n) and two of them differ only when their intervals
separate; a number read off the weights is exact, and its difference is stated as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from icar_core.stats import Estimate

Number = Estimate | float
Numbers = Mapping[str, Number]


def separated(a: Estimate, b: Estimate) -> bool:
    """Whether the two 95% intervals do not overlap."""
    return a.high < b.low or b.high < a.low


def _cell(x: Number | None, tr: Callable[..., str]) -> str:
    if x is None:
        return tr("compare.absent")
    if isinstance(x, Estimate):
        return tr("compare.estimate", text=x.text(), n=f"{x.n:,}")
    return f"{x:.4g}"


def _difference(a: Number | None, b: Number | None, tr: Callable[..., str]) -> str:
    if a is None or b is None:
        return tr("compare.no_difference")
    if isinstance(a, Estimate) and isinstance(b, Estimate):
        if not separated(a, b):
            return tr("compare.overlap")
        return tr("compare.separate_higher" if b.value > a.value else "compare.separate_lower")
    return tr("compare.exact_difference", difference=f"{float(b) - float(a):+.3g}")


def difference_table(a: Numbers | None, b: Numbers | None, names: tuple[str, str],
                     tr: Callable[..., str]) -> pd.DataFrame:
    """One row per number that matters: run A's, run B's, and B against A.
    ``names``: the two columns' run titles; a run the page does not apply to (None) shows as absent."""
    keys = list(dict.fromkeys([*(a or {}), *(b or {})]))  # A's order, then what only B has
    return pd.DataFrame({
        tr("compare.quantity"): [tr(k) for k in keys],
        tr("compare.run_a", run=names[0]): [_cell((a or {}).get(k), tr) for k in keys],
        tr("compare.run_b", run=names[1]): [_cell((b or {}).get(k), tr) for k in keys],
        tr("compare.b_against_a"): [_difference((a or {}).get(k), (b or {}).get(k), tr) for k in keys],
    })
