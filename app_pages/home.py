"""Home: what the model does, one picture, and the paper's three findings with live verdicts."""

import numpy as np
import streamlit as st

from icar_core import ui
from icar_core.charts.gd import trajectory_chart
from icar_core.findings import FINDINGS, run_for
from icar_core.verdict_store import stored_verdict
from icar_core.views.context import example_context
from icar_core.views.gd import is_commuting

ckpt = ui.require_run(ui.t("home.title"), ui.t("home.lead"))
ui.page_header(ui.t("home.title"), ui.t("home.lead"))

example = ui.cached(example_context, ckpt, 0)
picture = trajectory_chart(
    example.states, {"truth": example.truth, "model": example.prediction},
    {"context": ui.t("chart.series.context"), "truth": ui.t("chart.series.truth"), "model": ui.t("chart.series.model")},
    ui.t("home.picture_title"), x_title=ui.t("chart.coordinate1"), y_title=ui.t("chart.coordinate2"),
    join=is_commuting(ckpt))
left, right = st.columns([3, 2])
with left:
    ui.show_chart(picture, "home-context")
with right:
    length = float(np.linalg.norm(example.states, axis=1).mean())
    st.caption(ui.t("home.picture_caption", run=ui.plain(ckpt.name), n=len(example.states) - 1,
                    error=f"{example.error:.2e}", length=f"{length:.2f}"))

st.header(ui.t("home.findings"))
for column, finding in zip(st.columns(len(FINDINGS)), FINDINGS.values(), strict=True):
    with column, st.container(border=True):
        st.subheader(ui.t(finding.title_key))
        st.write(ui.t(finding.text_key))
        run = run_for(finding.id, ckpt, ui.all_runs())
        if run is None:
            st.info(ui.t("home.no_run_for"))
        else:
            st.caption(ui.t("home.verdict_run", run=ui.plain(run.name)))
            with ui.explained_errors(run):
                ui.show_verdict(ui.cached(stored_verdict, run, finding.id))
        st.page_link(finding.page, label=ui.t("home.open_page"), icon=":material/arrow_forward:")

ui.how_to_read(ui.t("home.how"))
