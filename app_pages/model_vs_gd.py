"""Model vs GD (Finding 1): the model's update, one explicit GD step and the true W on the same context."""

import streamlit as st

from icar_core import ui
from icar_core.verdict_store import stored_verdict
from icar_core.views import gd as view

t, fmt, key = ui.t, ui.number, ui.widget_key
ckpt = ui.page_run(t("gd.title"), t("gd.lead"), t("gd.how"))

header = st.container()
shown, other = ui.view_controls(ckpt)  # the scrubber's snapshot of the run, and a pinned second run
verdict = ui.cached(stored_verdict, shown, "gd")  # the same cache entry as the Home page's verdict
with header:
    ui.page_header(t("gd.title"), t("gd.lead"), t("gd.verdict_for", run=ui.plain(ui.run_title(shown)),
                                                  text=ui.verdict_text(verdict)), verdict.good)
ui.compare_table(view.compare_numbers, shown, other)


# A fragment: moving a control reruns only this part, not the sidebar, the verdict or the gauge view.
@ui.column_fragment
def interactive(run) -> None:
    T, run_key = run.process.T, ui.run_id(run)[:12]
    st.subheader(t("gd.controls"))
    left, right = st.columns([1, 3])
    seed = int(left.number_input(t("gd.seed"), min_value=0, max_value=2**31 - 1, value=0, step=1, key=key("gd-seed"),
                                 help=t("gd.seed_help")))
    n = int(right.slider(t("gd.n"), 1, T - 1, T - 1, key=key(f"gd-n-{run_key}"), help=t("gd.n_help")))
    angles = None
    if view.is_commuting(run):
        st.caption(t("gd.angles_caption"))
        drawn = ui.cached(view.slider_degrees, run, seed)
        columns = st.columns(min(len(drawn), 4))
        angles = view.radians([columns[k % len(columns)].slider(
            t("gd.angle", k=k + 1), 0.0, 360.0, value, step=0.5, format="%.1f°",
            key=key(f"gd-angle-{run_key}-{seed}-{k}"), help=t("gd.angle_help")) for k, value in enumerate(drawn)])
    else:
        st.caption(t("gd.no_angles"))
    context = ui.cached(view.gd_context, run, seed, n, angles)

    st.subheader(t("gd.matrices"))
    ui.show_chart(view.matrices_chart(context, t), "gd-matrices")
    if view.structure_of(run) == "block":
        st.caption(t("gd.block_previous_zero"))
    else:
        st.info(t("gd.full_split", share=f"{100 * context.metrics['previous_block_share']:.0f}"))
    st.subheader(t("gd.metrics"))
    st.caption(t("gd.metrics_caption", n=n))
    ui.metric_grid(view.metric_cards(context, t, fmt), columns=4 if other is None else 2)

    curve = ui.cached(view.error_curve, run)
    chart_left, chart_right = st.columns(2) if other is None else (st.container(), st.container())
    with chart_left:
        ui.show_chart(view.curve_chart(curve, n, t), "gd-error-curve")
        st.caption(view.curve_caption(run, curve, t, fmt))
    with chart_right:
        chart, caption = view.trajectory(run, context, t)
        ui.show_chart(chart, "gd-trajectory")
        st.caption(caption)
    ui.reproduce(view.reproduce_code(run, seed, n, angles))


def draw(run) -> None:
    interactive(run)
    st.subheader(t("gd.gauge"))
    if view.structure_of(run) != "block":
        st.info(t("gd.gauge_full"))
        return
    with ui.explained_errors(run):
        gauge = ui.cached(view.gauge, run)
        left, right = st.columns([3, 1])
        with left:
            ui.show_chart(view.gauge_chart(gauge, t), "gd-gauge")
        with right:
            ui.metric_grid(view.gauge_cards(gauge, t, fmt), columns=1)
        st.markdown(view.gauge_sentence(gauge, t))


ui.side_by_side(draw, shown, other, view.reason, lambda run: ui.cached(stored_verdict, run, "gd"))
ui.how_to_read(t("gd.how"))
