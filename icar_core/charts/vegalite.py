"""Charts written directly as Vega-Lite dicts, for the figures redrawn on every move of a control.

Altair builds a chart as a tree of schema objects and deep-copies the tree in nearly every method (``encode``,
``layer``, ``hconcat``, ``to_dict``): a row of four 5×5 heatmaps cost ~130 ms to build and convert on a quiet
core — most of a slider move on Model vs GD. The heatmaps are plain data, so they are written here as the same
Vega-Lite Altair would emit (~1 ms). :class:`VegaLiteSpec` is drawn, exported and validated like an Altair chart.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import threading
from dataclasses import dataclass

import altair as alt
import pandas as pd
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema


@dataclass(frozen=True)
class VegaLiteSpec:
    """A Vega-Lite chart: ``spec`` refers to its data as ``{"name": ...}``, the frames are in ``datasets``."""

    spec: dict
    datasets: dict[str, pd.DataFrame]

    @property
    def concatenated(self) -> bool:
        """A concatenation, whose panels keep their sizes under Streamlit's chart theme."""
        return any(key in self.spec for key in ("hconcat", "vconcat", "concat"))

    def in_vconcat(self) -> VegaLiteSpec:
        """This chart, or a concatenation: as a one-panel vertical one, as ``alt.vconcat(chart)`` writes it."""
        return self if self.concatenated else VegaLiteSpec({"vconcat": [self.spec]}, self.datasets)

    def to_dict(self, validate: bool = False) -> dict:
        """A standalone spec, the data inline as top-level ``datasets`` (for export); ``validate`` checks it
        against the Vega-Lite schema Altair ships."""
        spec = {"$schema": alt.SCHEMA_URL, **copy.deepcopy(self.spec),
                "datasets": {name: records(frame) for name, frame in self.datasets.items()}}
        if validate:
            check(spec)
        return spec

    def to_json(self, validate: bool = False) -> str:
        return json.dumps(self.to_dict(validate))


def check(spec: dict) -> None:
    """Raise jsonschema's ValidationError unless ``spec`` is valid Vega-Lite."""
    validate_jsonschema(spec, load_schema())


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as JSON-ready dicts (numpy scalars as Python numbers; pandas writes NaN as null)."""
    return json.loads(frame.to_json(orient="records", double_precision=15))


def dataset(frame: pd.DataFrame) -> tuple[str, dict[str, pd.DataFrame]]:
    """A content-hash name for ``frame`` and the one-entry dataset map that holds it."""
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    digest.update(repr(list(frame.columns)).encode())
    name = digest.hexdigest()[:32]
    return name, {name: frame}


#: Altair's data transformer and theme are process-global, and the dashboard's sessions run in threads.
ALTAIR_GLOBALS = threading.Lock()


def _collect_frame(data: pd.DataFrame, datasets: dict[str, pd.DataFrame]) -> dict[str, str]:
    """An Altair data transformer: keep the chart's frame under its content-hash name, referred to by name."""
    name, entry = dataset(data)
    datasets.update(entry)
    return {"name": name}


alt.data_transformers.register("icar_frames", _collect_frame)


def from_altair(chart: alt.TopLevelMixin) -> VegaLiteSpec:
    """``chart`` as the Vega-Lite Altair writes for it, without validation, and without Altair's default theme (a
    fixed 300-pixel view): Streamlit draws with its own theme, as ``st.altair_chart`` does.

    Converting once, where a chart is built, spares every later draw Altair's conversion and the hashing of its
    object tree: the Sweeps page's two charts cost ~30 ms of every visit before.
    """
    datasets: dict[str, pd.DataFrame] = {}
    with ALTAIR_GLOBALS:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else contextlib.nullcontext()
        with theme, alt.data_transformers.enable("icar_frames", datasets=datasets):
            spec = chart.to_dict(validate=False)
    spec.pop("$schema", None)
    for name, rows in spec.pop("datasets", {}).items():  # inline values, which Altair gathers at the top
        datasets[name] = pd.DataFrame(rows)
    return VegaLiteSpec(spec, datasets)


def one_panel(chart: alt.TopLevelMixin) -> VegaLiteSpec:
    """An Altair view or layer as the one-panel vertical concatenation a page draws it in (Streamlit's chart theme
    keeps the sizes of a concatenation's panels), converted once (:func:`from_altair`)."""
    return from_altair(alt.vconcat(chart))


def combine(kind: str, charts: list[VegaLiteSpec], **top: object) -> VegaLiteSpec:
    """``charts`` side by side (``hconcat``), stacked (``vconcat``) or wrapped (``concat``, with ``columns``)."""
    datasets: dict[str, pd.DataFrame] = {}
    for chart in charts:
        datasets.update(chart.datasets)
    return VegaLiteSpec({kind: [chart.spec for chart in charts], **top}, datasets)


#: What the pages draw: an Altair chart, or a spec written here.
Chart = alt.TopLevelMixin | VegaLiteSpec
