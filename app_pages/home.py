"""Home: what the model does, one picture, and the paper's three findings with live verdicts."""

import streamlit as st

from icar_core import ui
from icar_core.findings import FINDINGS, run_for
from icar_core.home_picture import picture_of
from icar_core.verdict_store import stored_verdict

ckpt = ui.require_run(ui.t("home.title"), ui.t("home.lead"))
with ui.top_slot():
    ui.home_top(ui.cached(picture_of, ckpt))

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
