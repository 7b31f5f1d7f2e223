"""Model vs GD (Finding 1): the model's update, one explicit GD step and the true W on the same context."""

import streamlit as st

from icar_core import ui
from icar_core.verdict_store import stored_verdict
from icar_core.views import gd as view

t, fmt = ui.t, ui.number
ckpt = ui.page_run(t("gd.title"), t("gd.lead"), t("gd.how"))

verdict = ui.cached(stored_verdict, ckpt, "gd")  # the same cache entry as the Home page's verdict
text = ui.verdict_text(verdict)
ui.page_header(t("gd.title"), t("gd.lead"), t("gd.verdict_for", run=ui.plain(ckpt.name), text=text), verdict.good)

# ---------------------------------------------------------------- the interactive part
# A fragment: moving a control reruns only this part, not the sidebar, the verdict or the gauge view.
T = ckpt.process.T
structure = view.structure_of(ckpt)


@ui.fragment
def comparison() -> None:
    # ---------------------------------------------------------------- controls
    run_key = ui.run_id(ckpt)[:12]
    st.subheader(t("gd.controls"))
    left, right = st.columns([1, 3])
    seed = int(left.number_input(t("gd.seed"), min_value=0, max_value=2**31 - 1, value=0, step=1, key="gd-seed",
                                 help=t("gd.seed_help")))
    n = int(right.slider(t("gd.n"), 1, T - 1, T - 1, key=f"gd-n-{run_key}", help=t("gd.n_help")))
    angles = None
    if view.is_commuting(ckpt):
        st.caption(t("gd.angles_caption"))
        drawn = ui.cached(view.slider_degrees, ckpt, seed)
        columns = st.columns(min(len(drawn), 4))
        degrees = [columns[k % len(columns)].slider(
            t("gd.angle", k=k + 1), 0.0, 360.0, value, step=0.5, format="%.1f°", key=f"gd-angle-{run_key}-{seed}-{k}",
            help=t("gd.angle_help")) for k, value in enumerate(drawn)]
        angles = view.radians(degrees)
    else:
        st.caption(t("gd.no_angles"))

    context = ui.cached(view.gd_context, ckpt, seed, n, angles)

    # ---------------------------------------------------------------- the three matrices
    st.subheader(t("gd.matrices"))
    ui.show_chart(view.matrices_chart(context, t), "gd-matrices")
    if structure == "block":
        st.caption(t("gd.block_previous_zero"))
    else:
        st.info(t("gd.full_split", share=f"{100 * context.metrics['previous_block_share']:.0f}"))

    # ---------------------------------------------------------------- metrics
    st.subheader(t("gd.metrics"))
    st.caption(t("gd.metrics_caption", n=n))
    ui.metric_grid(view.metric_cards(context, t, fmt))

    # ---------------------------------------------------------------- error curve and trajectory
    curve = ui.cached(view.error_curve, ckpt)
    chart_left, chart_right = st.columns(2)
    with chart_left:
        ui.show_chart(view.curve_chart(curve, n, t), "gd-error-curve")
        st.caption(view.curve_caption(ckpt, curve, t, fmt))
    with chart_right:
        chart, caption = view.trajectory(ckpt, context, t)
        ui.show_chart(chart, "gd-trajectory")
        st.caption(caption)


comparison()

# ---------------------------------------------------------------- gauge-invariant view
st.subheader(t("gd.gauge"))
if structure == "block":
    with ui.explained_errors(ckpt):
        gauge = ui.cached(view.gauge, ckpt)
        left, right = st.columns([3, 1])
        with left:
            ui.show_chart(view.gauge_chart(gauge, t), "gd-gauge")
        with right:
            ui.metric_grid(view.gauge_cards(gauge, t, fmt), columns=1)
        st.markdown(view.gauge_sentence(gauge, t))
else:
    st.info(t("gd.gauge_full"))

ui.how_to_read(t("gd.how"))
