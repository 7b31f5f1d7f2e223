"""The Lab: choose a preset and a few knobs, train in a separate process, watch the loss and the headline form."""

import streamlit as st

from icar_core import ui
from icar_core.charts.training import loss_chart
from icar_core.jobs import MEASURE_CONTEXTS
from icar_core.views import lab

t, fmt = ui.t, ui.number
ui.page_header(t("lab.title"), t("lab.lead"))
session_jobs: list[lab.LabJob] = st.session_state.setdefault("lab_jobs", [])

presets = lab.lab_presets()
preset = st.selectbox(t("lab.preset"), presets, index=presets.index(lab.DEFAULT_PRESET), key="lab-preset",
                      help=t("lab.preset_help"))
values = lab.preset_values(preset)
columns = st.columns(4)
# Knobs in order: whether a later one matters (μ, the model's structure) depends on the values above it.
for index, knob in enumerate(k for k in lab.KNOBS if k.applies(values)):
    label, key, default = t(f"lab.knob.{knob.field}"), f"lab-{preset}-{knob.field}", values[knob.field]
    with columns[index % len(columns)]:
        if knob.choices:
            values[knob.field] = st.selectbox(label, knob.choices, index=knob.choices.index(default), key=key)
        elif knob.integer:
            values[knob.field] = st.number_input(label, value=int(default), step=1, key=key)
        else:
            values[knob.field] = st.number_input(label, value=float(default), step=0.1, format="%g", key=key)

if st.button(t("lab.train"), type="primary", icon=":material/play_arrow:", key="lab-train"):
    try:
        session_jobs.append(lab.start_job(preset, values))
    except ValueError as exc:
        st.error(t("lab.bad_value", reason=ui.plain(exc)))


def show(job: lab.LabJob) -> None:
    run = lab.live_run(job)
    with st.container(border=True):
        st.markdown(t("lab.job", name=ui.plain(run.name), state=t(f"lab.state.{run.state}")))
        st.progress(run.fraction, text=t("lab.progress", step=run.step, steps=run.steps))
        if run.state == "complete":
            st.caption(t(f"lab.stopped_by.{run.stop_reason or 'steps'}", step=run.step))
        if run.message:
            st.error(ui.plain(run.message))
        left, right = st.columns([3, 1])
        with right:  # first: the buttons must be there whatever the chart costs to draw
            if run.state == "running":
                st.button(t("lab.stop"), key=f"lab-stop-{run.name}", icon=":material/stop:",
                          on_click=lab.stop_job, args=(job,))
            if run.resumable:
                st.caption(t("lab.resumable", folder=ui.plain(job.folder)))
                if st.button(t("lab.resume"), key=f"lab-resume-{run.name}", icon=":material/replay:"):
                    session_jobs[session_jobs.index(job)] = lab.resume_job(job)
                    st.rerun(scope="app")
            ckpt = next((c for c in ui.all_runs() if c.path == run.finished), None) if run.finished else None
            if ckpt is not None and st.button(t("lab.open"), key=f"lab-open-{run.name}", icon=":material/launch:"):
                ui.open_run(ckpt, lab.open_page_of(ckpt))
            if run.headline is not None:
                h = run.headline
                st.metric(t(f"training.short.{h['metric']}"), fmt(h["value"]),
                          t("lab.headline_delta", low=fmt(h["low"]), high=fmt(h["high"]), step=h["step"]),
                          delta_color="off", delta_arrow="off",
                          help=t(f"training.metric.{h['metric']}", contexts=MEASURE_CONTEXTS))
        if not run.losses.empty:
            curves = {"eval_loss": t("training.curve.eval_loss"), "gd_loss": t("training.curve.gd_loss")}
            chart = loss_chart(run.losses.assign(curve=run.losses["curve"].map(curves)), t("lab.loss_title"),
                               x_title=t("training.loss_x"), y_title=t("training.loss_y"),
                               run_title=t("training.run_legend"), curve_title=t("training.curve_legend"),
                               curve_order=list(curves.values()), width=520, height=240)
            with left:  # downloads once it has ended: a live chart changes every second
                ui.show_chart(chart, f"lab-{run.name}", downloads=run.state in lab.ENDED)
    if run.settled and (run.name, run.state) not in announced:  # the picker lists it from the next run
        announced.add((run.name, run.state))
        st.rerun(scope="app")


def show_jobs() -> None:
    for job in reversed(session_jobs):
        show(job)


announced: set[str] = st.session_state.setdefault("lab_announced", set())
active = not all(lab.live_run(job).settled for job in session_jobs)
st.fragment(show_jobs, run_every=lab.REFRESH_S if active else None)()
ui.how_to_read(t("lab.how", **lab.rule_values()))
