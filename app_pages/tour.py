"""Tour: a presenter's walk through the paper in five steps, one chart and two sentences each."""

import html

import streamlit as st

from icar_core import ui
from icar_core.charts.common import heatmap_row
from icar_core.charts.gd import trajectory_chart
from icar_core.charts.paper import heatmap_size, one_based, profile_chart
from icar_core.findings import verdict
from icar_core.views.gd import is_commuting
from icar_core.views.tour import (
    STEP_FINDING,
    STEPS,
    estimate_step,
    gd_agreement,
    gd_step,
    heads_step,
    positions_sentence,
    positions_step,
    step_run,
    task_step,
)

STATE = "tour_step"


def _move(delta: int) -> None:
    st.session_state[STATE] = min(max(st.session_state.get(STATE, 0) + delta, 0), len(STEPS) - 1)


ckpt = ui.current_run()
index = min(max(int(st.session_state.get(STATE, 0)), 0), len(STEPS) - 1)
step = STEPS[index]
finding = STEP_FINDING[step]
run = None if ckpt is None else step_run(step, ckpt, ui.all_runs())

header, good = None, None
if run is not None:
    if step in ("gd", "heads", "positions"):
        result = ui.cached(verdict, run, finding)
        header, good = ui.verdict_text(result), result.good
    else:
        header = ui.t("tour.header_run", run=ui.plain(run.name))
ui.page_header(ui.t("tour.title"), ui.t("tour.lead"), header, good)

back, indicator, forward = st.columns([1, 1, 1], vertical_alignment="center")
# "← Back" and "Next →": the back arrow is the button's icon; the forward arrow is Streamlit's hint for the
# keyboard shortcut (the → key), which it draws after the label — an icon as well would show two arrows.
back.button(ui.t("tour.back"), key="tour-back", on_click=_move, args=(-1,), disabled=index == 0,
            icon=":material/arrow_back:", width="stretch")
indicator.markdown(f"<div style='text-align:center;font-size:1.4em'><b>"
                   f"{ui.t('tour.indicator', current=index + 1, total=len(STEPS))}</b></div>",
                   unsafe_allow_html=True)
forward.button(ui.t("tour.next"), key="tour-next", on_click=_move, args=(1,), disabled=index == len(STEPS) - 1,
               width="stretch", shortcut="Right")
st.progress((index + 1) / len(STEPS))

st.header(ui.t(f"tour.{step}.title"))
if run is None:
    st.info(ui.t("tour.no_run", needs=ui.t(f"tour.needs.{finding}")))
    ui.how_to_read(ui.t("tour.how"))
    st.stop()

series = {"context": ui.t("chart.series.context"), "truth": ui.t("chart.series.truth"),
          "model": ui.t("chart.series.model")}
# Rules that mix all coordinates make the first two jump about: their states are drawn as points, not a path.
axes = {"x_title": ui.t("chart.coordinate1"), "y_title": ui.t("chart.coordinate2"), "join": is_commuting(run)}
with ui.explained_errors(run):
    if step == "task":
        data = ui.cached(task_step, run)
        chart = trajectory_chart(data.states, {"truth": data.truth}, series, ui.t("tour.task.chart"), size=400,
                                 **axes)
        second = ui.t("tour.task.s2", angle=f"{data.turn_degrees:.0f}")
        metric = (ui.t("tour.task.metric"), f"{data.turn_degrees:.0f}°", None, ui.t("tour.task.metric_help"))
    elif step == "estimate":
        data = ui.cached(estimate_step, run)
        chart = trajectory_chart(data.states, {"truth": data.truth, "model": data.prediction}, series,
                                 ui.t("tour.estimate.chart"), size=400, **axes)
        error, baseline = f"{data.error_percent:.0f}", f"{data.baseline_percent:.0f}"
        second = ui.t("tour.estimate.s2", error=error, baseline=baseline)
        metric = (ui.t("tour.estimate.metric"), f"{error}%", ui.t("tour.estimate.delta", baseline=baseline),
                  ui.t("tour.estimate.metric_help"))
    elif step == "gd":
        data = ui.cached(gd_step, run)
        # The header's verdict (same cache entry): its median cosine, shown as a cosine and as an angle.
        key, values = gd_agreement(ui.cached(verdict, run, "gd").values)
        coords = one_based(len(data.truth))
        chart = heatmap_row({ui.t("tour.panel.model"): data.model, ui.t("tour.panel.gd"): data.gd,
                             ui.t("tour.panel.truth"): data.truth}, title=ui.t("tour.gd.chart"),
                            row_labels=coords, col_labels=coords, x_title=ui.t("tour.axis.input"),
                            y_title=ui.t("tour.axis.output"), value_title=ui.t("tour.axis.value"),
                            size=heatmap_size(len(coords)))
        second = ui.t(key, **values)
        metric = (ui.t("tour.gd.metric"), values["median"], ui.t("tour.gd.delta", **values),
                  ui.t("tour.gd.metric_help", **values))
    elif step == "heads":
        data = ui.cached(heads_step, run)
        labels = [str(h + 1) for h in range(data.n_heads)]
        # Every circuit the score averages over (the verdict's number), on one colour scale.
        chart = heatmap_row({ui.t(f"tour.circuit.{name}"): cosines for name, cosines in data.cosines.items()},
                            title=ui.t("tour.heads.chart"), row_labels=labels, col_labels=labels,
                            x_title=ui.t("tour.axis.head"), y_title=ui.t("tour.axis.head"),
                            value_title=ui.t("tour.axis.overlap"), size=heatmap_size(len(labels)))
        score = f"{data.score:.3f}"
        circuits = ui.t("tour.heads.and").join(ui.t(f"tour.circuit.{name}") for name in data.cosines)
        second = ui.t("tour.heads.s2", heads=data.n_heads, score=score, circuits=circuits)
        metric = (ui.t("tour.heads.metric"), score, ui.t("tour.heads.delta"), ui.t("tour.heads.metric_help"))
    else:
        data = ui.cached(positions_step, run)
        learned, cosine = ui.t("tour.series.learned"), ui.t("tour.series.cosine")
        # The learned weights are drawn on top of their fit, in the same colours in every language.
        chart = profile_chart(data.frame(learned, cosine), ui.t("tour.positions.chart"), learned=learned,
                              cosine=cosine, x_title=ui.t("tour.axis.position"), y_title=ui.t("tour.axis.weight"),
                              width=440, height=340)
        if data.flat:
            second = ui.t("tour.positions.s2_flat")
            metric = (ui.t("tour.positions.metric"), ui.t("tour.positions.value_flat"), None,
                      ui.t("tour.positions.metric_help"))
        else:
            r2 = f"{100 * data.r2:.0f}"
            second = ui.t(positions_sentence(result), r2=r2, window=len(data.profile), covered=result.values["covered"])
            metric = (ui.t("tour.positions.metric"), f"{r2}%", ui.t("tour.positions.delta"),
                      ui.t("tour.positions.metric_help"))

    if step in ("gd", "heads"):  # several panels need the full width: the sentences go below the chart
        ui.show_chart(chart, f"tour-{index + 1}-{step}")
        text, numbers = st.columns([3, 2])
    else:
        left, text = st.columns([3, 2])
        with left:
            ui.show_chart(chart, f"tour-{index + 1}-{step}")
        numbers = text
    with text:
        for sentence in (ui.t(f"tour.{step}.s1"), second):
            st.markdown(f"<p style='font-size:1.3rem;line-height:1.5'>{html.escape(sentence)}</p>",
                        unsafe_allow_html=True)
    with numbers:
        label, value, delta, help_text = metric
        st.metric(label, value, delta, delta_color="off", delta_arrow="off", help=help_text)
        st.caption(ui.t("tour.from_run", run=ui.plain(run.name)))

ui.how_to_read(ui.t("tour.how"))
