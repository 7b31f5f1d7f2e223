"""The dashboard draws charts from their Vega-Lite spec (``ui.vega_lite_spec``), not through st.altair_chart:
the spec must be the one Streamlit's own Altair path would send, and tests must still validate it."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import pytest
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from icar_core import ui
from icar_core.charts.common import heatmap_row


def _without_dataset_names(spec: dict) -> tuple[str, list[bytes]]:
    """The spec as JSON with each dataset's name replaced by its position, and the datasets' bytes in that order."""
    spec = dict(spec)
    datasets = spec.pop("datasets")
    text = json.dumps(spec, sort_keys=True)
    for k, name in enumerate(datasets):
        text = text.replace(name, f"dataset-{k}")
    return text, list(datasets.values())


def test_spec_and_data_equal_streamlits_altair_path():
    chart = alt.vconcat(heatmap_row({"a": np.eye(3), "b": np.arange(9.0).reshape(3, 3)}, title="two panels"))
    ours, theirs = ui.vega_lite_spec(chart), _convert_altair_to_vega_lite_spec(chart)
    assert _without_dataset_names(ours) == _without_dataset_names(theirs)


def test_tests_validate_every_chart_drawn():
    assert ui.STRICT_CHARTS  # set by tests/conftest.py before icar_core.ui was imported
    broken = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x=alt.X("x:Q", scale=alt.Scale(type="nope")))
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        ui.vega_lite_spec(broken)
