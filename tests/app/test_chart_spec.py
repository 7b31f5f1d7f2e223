"""The dashboard draws charts from their Vega-Lite spec (``ui.vega_lite_spec``), not through st.altair_chart:
the spec must be the one Streamlit's own Altair path would send, and tests must still validate it."""

from __future__ import annotations

import json
import re

import altair as alt
import jsonschema
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from icar_core import ui
from icar_core.charts.common import DIVERGING, heatmap, heatmap_row, matrix_frame
from icar_core.charts.export import to_svg


def _without_dataset_names(spec: dict) -> tuple[str, list[bytes]]:
    """The spec as JSON with each dataset's name replaced by its position, and the datasets' bytes in that order."""
    spec = dict(spec)
    datasets = spec.pop("datasets")
    text = json.dumps(spec, sort_keys=True)
    for k, name in enumerate(datasets):
        text = text.replace(name, f"dataset-{k}")
    return text, list(datasets.values())


def test_spec_and_data_equal_streamlits_altair_path():
    frame = pd.DataFrame({"n": [1, 2, 3], "error": [0.5, 0.3, 0.2], "series": ["model"] * 3})
    lines = alt.Chart(frame).mark_line().encode(x=alt.X("n:Q"), y=alt.Y("error:Q"), color=alt.Color("series:N"))
    rule = alt.Chart(pd.DataFrame({"n": [2]})).mark_rule().encode(x=alt.X("n:Q"))
    chart = alt.vconcat(alt.layer(lines, rule).properties(title="one curve", width=200, height=150))
    ours, theirs = ui.vega_lite_spec(chart), _convert_altair_to_vega_lite_spec(chart)
    assert _without_dataset_names(ours) == _without_dataset_names(theirs)


def _altair_heatmap(matrix: np.ndarray, title: str, m: float) -> alt.LayerChart:
    """The heatmap as Altair writes it (the dashboard's own builder before it wrote Vega-Lite directly)."""
    frame = matrix_frame(matrix)
    labels = list(dict.fromkeys(frame["row"]))
    base = alt.Chart(frame).encode(x=alt.X("column:N", sort=labels, title="in", axis=alt.Axis(labelAngle=0)),
                                   y=alt.Y("row:N", sort=labels, title="out"))
    cells = base.mark_rect().encode(
        color=alt.Color("value:Q", title="v", scale=alt.Scale(scheme=DIVERGING, domain=[-m, m], reverse=True,
                                                               clamp=True)),
        tooltip=[alt.Tooltip("row:N", title="out"), alt.Tooltip("column:N", title="in"),
                 alt.Tooltip("value:Q", title="v", format=".4f")])
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("value:Q", format=".2f"),
        color=alt.condition(f"abs(datum.value) > {0.6 * m}", alt.value("white"), alt.value("black")))
    return alt.layer(cells, text).properties(title=title, width=150, height=150)


def _svg(chart) -> str:
    """The chart drawn by vl-convert, less the id its renderer counts up for each gradient it makes."""
    return re.sub(r"gradient_\d+", "gradient", to_svg(chart))


def test_a_heatmap_row_draws_the_picture_altair_draws():
    panels = {"a": np.eye(3), "b": np.arange(9.0).reshape(3, 3) - 4}
    ours = heatmap_row(panels, title="two panels", x_title="in", y_title="out", value_title="v", size=150)
    theirs = alt.hconcat(*(_altair_heatmap(m, name, 4.0) for name, m in panels.items()),
                         title="two panels").resolve_scale(color="shared")
    assert _svg(ours) == _svg(theirs)
    spec = ui.vega_lite_spec(ours)  # validated (tests set ICAR_STRICT_CHARTS) and sent as Arrow datasets
    frames = [pa.ipc.open_stream(data).read_all().to_pandas() for data in spec["datasets"].values()]
    assert sorted(frame["value"].tolist() for frame in frames) == sorted(m.ravel().tolist() for m in panels.values())


def test_tests_validate_every_chart_drawn():
    assert ui.STRICT_CHARTS  # set by tests/conftest.py before icar_core.ui was imported
    broken = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x=alt.X("x:Q", scale=alt.Scale(type="nope")))
    with pytest.raises(jsonschema.ValidationError):  # an Altair chart is checked as the Vega-Lite it converts to
        ui.vega_lite_spec(broken)
    written = heatmap(np.eye(2), "t")
    written.spec["layer"][0]["mark"] = {"type": "nope"}
    with pytest.raises(jsonschema.ValidationError):
        ui.vega_lite_spec(written)
