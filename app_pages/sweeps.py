"""Sweeps: a grid of runs in one picture — a heatmap over two grid axes, seed bands over one; a click opens a run."""

import streamlit as st

from icar_core import ui
from icar_core.charts.sweeps import PICK, seed_bands, sweep_heatmap
from icar_core.checkpoints import CheckpointError
from icar_core.sweep_results import SweepFolderError
from icar_core.views.sweeps import bands, cells, contexts_of, finding_page, list_sweeps, load_sweep, open_run

t = ui.t
ui.page_header(t("sweeps.title"), t("sweeps.lead"))
names = list_sweeps()
if not names:
    st.info(t("sweeps.none"))
    ui.how_to_read(t("sweeps.how"))
    st.stop()
name = st.selectbox(t("sweeps.choose"), names, key="sweeps-name")
try:
    view = load_sweep(name)
except SweepFolderError as exc:
    st.warning(t("sweeps.broken", reason=ui.plain(exc)))
    st.stop()
if not view.metrics:
    st.info(t("sweeps.no_results", name=ui.plain(name)))
    st.stop()
if len(view.failed):
    with st.expander(t("sweeps.failed_title", count=len(view.failed))):
        for key, reason in zip(view.failed["run"], view.failed["error"], strict=True):
            st.caption(ui.plain(f"{key}: {reason}"))
metric = st.selectbox(t("sweeps.metric"), view.metrics, format_func=lambda m: t(f"sweeps.metric.{m}"),
                      key="sweeps-metric")
label = t(f"sweeps.metric.{metric}")
st.caption(t("sweeps.summary", runs=len(view.runs), axes=", ".join(view.axes), contexts=contexts_of(view, metric)))
message = st.session_state.pop("sweeps-message", None)
if message is not None:
    st.info(message)


def pick(chart_key: str) -> None:
    """A click on a cell or a point: load that run, select it and go to its finding's page on the next run."""
    points = st.session_state[chart_key].selection.get(PICK) or []
    if not points:
        return
    try:
        ui.adopt_run(open_run(view, points[0]["run"]))
    except CheckpointError as exc:
        st.session_state["sweeps-message"] = t("sweeps.cannot_open", reason=ui.plain(exc))
    else:
        ui.go_to(finding_page(metric))


titles = {"sd_title": t("sweeps.sd"), "run_title": t("sweeps.run")}
# ---------------------------------------------------------------- heatmap over two axes
if len(view.axes) >= 2:
    st.subheader(t("sweeps.heatmap"))
    left, right = st.columns(2)
    x = left.selectbox(t("sweeps.x_axis"), view.axes, index=0, key=f"sweeps-x-{name}")
    y = right.selectbox(t("sweeps.y_axis"), [a for a in view.axes if a != x], index=0, key=f"sweeps-y-{name}-{x}")
    chart = sweep_heatmap(cells(view, metric, x, y), title=t("sweeps.heatmap_title", metric=label), x_title=x,
                          y_title=y, value_title=label, seeds_title=t("sweeps.seeds"), **titles)
    ui.selectable_chart(chart, "sweeps-heatmap", lambda: pick("sweeps-heatmap"))
    st.caption(t("sweeps.heatmap_caption"))

# ---------------------------------------------------------------- seed bands over one axis
st.subheader(t("sweeps.bands"))
left, right = st.columns(2)
axis = left.selectbox(t("sweeps.band_axis"), view.axes, index=0, key=f"sweeps-axis-{name}")
others = [a for a in view.axes if a != axis]
group = right.selectbox(t("sweeps.group_axis"), others, index=0, key=f"sweeps-group-{name}-{axis}") if others else None
stats, points = bands(view, metric, axis, group)
chart = seed_bands(stats, points, title=t("sweeps.bands_title", metric=label, axis=axis), x_title=axis,
                   y_title=label, group_title=group or "", run_title=titles["run_title"])
ui.selectable_chart(chart, "sweeps-bands", lambda: pick("sweeps-bands"))
st.caption(t("sweeps.bands_caption"))
ui.how_to_read(t("sweeps.how"))
