"""Tour: a presenter's walk through the paper in five steps, one chart and two sentences each."""

import html

import streamlit as st

from icar_core import ui
from icar_core.verdict_store import stored_verdict
from icar_core.views.tour import STEP_FINDING, STEPS, step_content, step_run

STATE = "tour_step"


def _move(delta: int) -> None:
    st.session_state[STATE] = min(max(st.session_state.get(STATE, 0) + delta, 0), len(STEPS) - 1)


ckpt = ui.current_run()
index = min(max(int(st.session_state.get(STATE, 0)), 0), len(STEPS) - 1)
step = STEPS[index]
finding = STEP_FINDING[step]
run = None if ckpt is None else step_run(step, ckpt, ui.all_runs())

header, good, result = None, None, None
if run is not None:
    if step in ("gd", "heads", "positions"):
        result = ui.cached(stored_verdict, run, finding)
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

with ui.explained_errors(run):
    content = ui.cached(step_content, run, step, ui.lang(), result.values if result is not None else None)
    chart, second, metric = content.chart, content.second, content.metric
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
