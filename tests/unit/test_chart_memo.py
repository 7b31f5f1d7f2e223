"""charts.memo.content_memo: equal arguments give an equal result without recomputing, different content is
recomputed, and a memoised result is not changed by a caller that edits its copy."""

from __future__ import annotations

import numpy as np

from icar_core.charts.common import heatmap_row
from icar_core.charts.memo import content_memo
from icar_core.charts.paper import used_entries_row


def test_same_content_same_result_other_content_recomputed():
    calls = []

    @content_memo
    def double(x: np.ndarray, *, label: str) -> np.ndarray:
        calls.append(label)
        return 2 * x

    a = double(np.arange(3.0), label="a")
    again = double(np.arange(3.0), label="a")  # an equal copy of the argument hits the cache
    np.testing.assert_array_equal(again, a)
    assert calls == ["a"]
    again[0] = 99.0  # each call gets its own copy
    np.testing.assert_array_equal(double(np.arange(3.0), label="a"), a)
    np.testing.assert_array_equal(double(np.array([0.0, 1.0, 2.5]), label="a"), [0.0, 2.0, 5.0])
    double(np.arange(3.0), label="b")
    assert calls == ["a", "a", "b"]


def test_arguments_that_cannot_be_pickled_are_computed_every_time():
    calls = []

    @content_memo
    def apply(fn):
        calls.append(1)
        return fn(1)

    assert apply(lambda v: v + 1) == 2 and apply(lambda v: v + 1) == 2 and len(calls) == 2


def test_a_builder_that_filters_a_memoised_row_leaves_it_intact():
    panels = {"a": np.diag([1.0, 2.0])}  # zero where unused, so used_entries_row asks for this very row
    shared = heatmap_row(panels, title="t", x_title="", y_title="", value_title="value", size=100, row_labels=None,
                         col_labels=None)
    before = shared.to_dict(validate=False)
    used_entries_row(panels, np.eye(2, dtype=bool), title="t", size=100)
    assert shared.to_dict(validate=False) == before
