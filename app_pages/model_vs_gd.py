"""Model vs GD (Finding 1): the model's update, one explicit GD step and the true W on the same context."""

import streamlit as st

from icar_core import ui
from icar_core.charts.common import heatmap_row
from icar_core.charts.gd import SERIES_COLORS, error_curve_chart, error_curve_frame, trajectory_chart
from icar_core.charts.paper import heatmap_size
from icar_core.findings import run_for, verdict
from icar_core.views.gd import (
    CURVE_CONTEXTS,
    curve_caption,
    error_curve,
    gauge,
    gauge_cards,
    gauge_chart,
    gauge_sentence,
    gd_context,
    is_commuting,
    matrix_panels,
    metric_cards,
    radians,
    slider_degrees,
    structure_of,
    trajectory_points,
)

t, fmt = ui.t, ui.number
selected = ui.require_run(t("gd.title"), t("gd.lead"))
ckpt = run_for("gd", selected, ui.all_runs())
if ckpt is None:
    ui.page_header(t("gd.title"), t("gd.lead"))
    st.info(t("gd.no_augmented"))
    ui.how_to_read(t("gd.how"))
    st.stop()

verdict = ui.cached(verdict, ckpt, "gd")  # the same cache entry as the Home page's verdict
text = ui.verdict_text(verdict)
ui.page_header(t("gd.title"), t("gd.lead"), t("gd.verdict_for", run=ui.plain(ckpt.name), text=text), verdict.good)
if ckpt is not selected:
    st.info(t("gd.not_augmented", run=ui.plain(selected.name), shown=ui.plain(ckpt.name)))

# ---------------------------------------------------------------- the interactive part
# A fragment: moving a control reruns only this part, not the sidebar, the verdict or the gauge view.
T, d = ckpt.process.T, ckpt.process.d
labels = [str(i + 1) for i in range(d)]
structure = structure_of(ckpt)


@st.fragment
def comparison() -> None:
    # ---------------------------------------------------------------- controls
    run_key = ui.run_id(ckpt)[:12]
    st.subheader(t("gd.controls"))
    left, right = st.columns([1, 3])
    seed = int(left.number_input(t("gd.seed"), min_value=0, max_value=2**31 - 1, value=0, step=1, key="gd-seed",
                                 help=t("gd.seed_help")))
    n = int(right.slider(t("gd.n"), 1, T - 1, T - 1, key=f"gd-n-{run_key}", help=t("gd.n_help")))
    angles = None
    if is_commuting(ckpt):
        st.caption(t("gd.angles_caption"))
        drawn = ui.cached(slider_degrees, ckpt, seed)
        columns = st.columns(min(len(drawn), 4))
        degrees = [columns[k % len(columns)].slider(
            t("gd.angle", k=k + 1), 0.0, 360.0, value, step=0.5, format="%.1f°", key=f"gd-angle-{run_key}-{seed}-{k}",
            help=t("gd.angle_help")) for k, value in enumerate(drawn)]
        angles = radians(degrees)
    else:
        st.caption(t("gd.no_angles"))

    context = ui.cached(gd_context, ckpt, seed, n, angles)

    # ---------------------------------------------------------------- the three matrices
    st.subheader(t("gd.matrices"))
    ui.show_chart(heatmap_row(matrix_panels(context, t), row_labels=labels, col_labels=labels,
                              value_title=t("gd.axis.value"), x_title=t("gd.axis.in"), y_title=t("gd.axis.out"),
                              size=heatmap_size(d, 170 if d <= 6 else 220), title=t("gd.matrices_title", n=n)),
                  "gd-matrices")
    if structure == "block":
        st.caption(t("gd.block_previous_zero"))
    else:
        st.info(t("gd.full_split", share=f"{100 * context.metrics['previous_block_share']:.0f}"))

    # ---------------------------------------------------------------- metrics
    st.subheader(t("gd.metrics"))
    st.caption(t("gd.metrics_caption", n=n))
    ui.metric_grid(metric_cards(context, t, fmt))

    # ---------------------------------------------------------------- error curve and trajectory
    curve = ui.cached(error_curve, ckpt)
    series = {"model_loss": t("gd.series.model"), "gd_loss": t("gd.series.gd"), "ls_loss": t("gd.series.ls"),
              "truth_loss": t("gd.series.truth")}
    chart_left, chart_right = st.columns(2)
    with chart_left:
        ui.show_chart(error_curve_chart(error_curve_frame(curve, series), t("gd.curve_title", contexts=CURVE_CONTEXTS),
                                        x_title=t("gd.curve_x"), y_title=t("gd.curve_y"),
                                        colors={series[k]: SERIES_COLORS[k] for k in series}, current_n=n,
                                        current_label=t("gd.curve_now")), "gd-error-curve")
        st.caption(curve_caption(ckpt, curve, t, fmt))
    with chart_right:
        joined = is_commuting(ckpt)  # other rules mix all coordinates: joining the states draws a tangle
        points, names = trajectory_points(context, t)
        ui.show_chart(trajectory_chart(context.states, points, names, t("gd.trajectory_title"),
                                       x_title=t("chart.coordinate1"), y_title=t("chart.coordinate2"), join=joined,
                                       size=280), "gd-trajectory")
        st.caption(t("gd.trajectory_caption" if joined else "gd.trajectory_caption_points", d=d))


comparison()

# ---------------------------------------------------------------- gauge-invariant view
st.subheader(t("gd.gauge"))
if structure == "block":
    with ui.explained_errors(ckpt):
        view = ui.cached(gauge, ckpt)
        left, right = st.columns([3, 1])
        with left:
            ui.show_chart(gauge_chart(view, t), "gd-gauge")
        with right:
            ui.metric_grid(gauge_cards(view, t, fmt), columns=1)
        st.markdown(gauge_sentence(view, t))
else:
    st.info(t("gd.gauge_full"))

ui.how_to_read(t("gd.how"))
