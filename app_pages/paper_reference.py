"""Paper reference: icar's reproduction of the paper's Figure 3 beside the authors' own arrays."""

import streamlit as st

from icar_core import ui
from icar_core.theory import PAPER_CASES
from icar_core.views import paper as pv

folder = str(pv.TENSORS_DIR)
have_reference = pv.reference_available(folder)
runs = {case: pv.reference_run(case, ui.all_runs()) for case in PAPER_CASES}
reps = {case: None if run is None else ui.cached(pv.reproduction, run, case, folder) for case, run in runs.items()}
# One sentence says whether the authors' arrays are here (the verdict); no folder path on screen.
verdict, good = pv.page_verdict(reps, ui.t, reference=have_reference)
ui.page_header(ui.t("paper.title"), ui.t("paper.lead"), verdict, good)


def show_case(case: str) -> None:
    run, rep = runs[case], reps[case]
    theirs = rep.theirs if rep is not None else pv.authors_summary(case, folder)
    ours = rep.ours if rep is not None else None
    if run is None:
        st.info(ui.t("paper.no_run" if theirs is not None else "paper.nothing", run=pv.RUN_NAMES[case]))
        if theirs is None:
            return
    if rep is not None and rep.flipped:
        st.caption(ui.t("paper.flipped"))
    if run is not None and pv.state_scale(case) != 1:
        st.caption(ui.t("paper.scaled", scale=f"{pv.state_scale(case):.3f}"))
    # icar's number as the value and the authors' beside it, in grey (no arrow: neither is "better").
    cards = pv.metric_cards(ours, theirs, ui.t)
    ui.metric_grid([cards[:3], cards[3:]], columns=3)

    shown = pv.panels(ours, theirs, ui.t)
    ui.show_chart(pv.circuit_chart(shown, ui.t), f"paper-{case}-C")
    st.caption(pv.fit_caption(ours, theirs, case, ui.t))
    ui.show_chart(pv.positional_chart(shown, ui.t), f"paper-{case}-P")
    with st.expander(ui.t("paper.heads.title")):
        ui.metric_grid([pv.metric_cards(ours, theirs, ui.t, ("head_overlap",))], columns=1)
        ui.show_chart(pv.heads_chart(shown, ui.t), f"paper-{case}-heads")
        st.caption(ui.t("paper.heads.caption"))
    if run is not None:
        frame = ui.cached(pv.loss_frame, run, ui.t("paper.series.icar"),
                          None if theirs is None else theirs.loss, ui.t("paper.series.authors"))
        ui.show_chart(pv.loss_chart(frame, ui.t), f"paper-{case}-loss")
        st.caption(ui.t("paper.loss_caption", run=ui.plain(run.name), rows=(ours or theirs).P_used.shape[1] - 1,
                        floor=f"{pv.LOSS_FLOOR:.0e}"))


labels = {case: ui.t(f"paper.tab.{case}") for case in PAPER_CASES}
selected = ui.current_run()
opened = next((labels[case] for case, run in runs.items() if run is not None and selected is not None
               and ui.run_id(run) == ui.run_id(selected)), None)  # the selected run's case opens first
for tab, case in zip(st.tabs(list(labels.values()), default=opened), PAPER_CASES, strict=True):
    with tab:
        show_case(case)

ui.how_to_read(ui.t("paper.how"))
