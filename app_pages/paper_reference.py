"""Paper reference: icar's reproduction of the paper's Figure 3 beside the authors' own arrays."""

import streamlit as st

from icar_core import ui
from icar_core.charts.common import heatmap_row
from icar_core.charts.paper import REFERENCE_GREY, curves, heatmap_size, one_based, used_entries_row
from icar_core.theory import PAPER_CASES
from icar_core.views import paper as pv

folder = str(pv.TENSORS_DIR)
have_reference = pv.reference_available(folder)
runs = {case: pv.reference_run(case, ui.all_runs()) for case in PAPER_CASES}
reps = {case: None if run is None else ui.cached(pv.reproduction, run, case, folder) for case, run in runs.items()}
# One sentence says whether the authors' arrays are here (the verdict); no folder path on screen.
verdict, good = pv.page_verdict(reps, ui.t, reference=have_reference)
ui.page_header(ui.t("paper.title"), ui.t("paper.lead"), verdict, good)


def _metric(label: str, ours: float | None, theirs: float | None, fmt, help_text: str | None = None) -> None:
    """icar's number as the value and the authors' beside it, in grey (no arrow: neither is "better")."""
    if ours is None:
        value, delta = fmt(theirs), ui.t("paper.delta.only_authors")
    else:
        value, delta = fmt(ours), None if theirs is None else ui.t("paper.delta.authors", theirs=fmt(theirs))
    st.metric(label, value, delta, delta_color="off", delta_arrow="off", help=help_text)


def show_case(case: str) -> None:
    run, rep = runs[case], reps[case]
    theirs = rep.theirs if rep is not None else pv.authors_summary(case, folder)
    ours = rep.ours if rep is not None else None
    if run is None:
        st.info(ui.t("paper.no_run" if theirs is not None else "paper.nothing", run=pv.RUN_NAMES[case]))
        if theirs is None:
            return
    main = ours or theirs
    shape = ui.t(f"paper.shape.{main.structure}")
    if rep is not None and rep.flipped:
        st.caption(ui.t("paper.flipped"))
    if run is not None and pv.state_scale(case) != 1:
        st.caption(ui.t("paper.scaled", scale=f"{pv.state_scale(case):.3f}"))

    def pick(name: str) -> tuple[float | None, float | None]:
        return (None if ours is None else getattr(ours, name)), (None if theirs is None else getattr(theirs, name))

    number, loss = pv.format_number, pv.format_loss
    metrics = (("c", ui.t("paper.metric.c", shape=shape), number), ("p_last", ui.t("paper.metric.p_last"), number),
               ("p_prev", ui.t("paper.metric.p_prev"), number), ("gain_last", ui.t("paper.metric.gain_last"), number),
               ("gain_prev", ui.t("paper.metric.gain_prev"), number), ("loss", ui.t("paper.metric.loss"), loss))
    for row in (metrics[:3], metrics[3:]):
        for column, (name, label, fmt) in zip(st.columns(3), row, strict=True):
            with column:
                _metric(label, *pick(name), fmt, ui.t(f"paper.metric.{name}_help"))

    icar, authors = ui.t("paper.panel.icar"), ui.t("paper.panel.authors")
    panels = {label: s for label, s in ((icar, ours), (authors, theirs)) if s is not None}
    T = main.P_used.shape[1]
    coords = one_based(len(main.C))
    circuit = heatmap_row({label: s.C for label, s in panels.items()}, title=ui.t("paper.chart.C"),
                          row_labels=coords, col_labels=coords, x_title=ui.t("paper.axis.read"),
                          y_title=ui.t("paper.axis.written"), value_title=ui.t("paper.axis.value"),
                          size=heatmap_size(len(coords), minimum=260))
    ui.show_chart(circuit, f"paper-{case}-C")
    fit_theirs = "" if ours is None or theirs is None else ui.t(
        "paper.fit_theirs", c=f"{theirs.c:.3f}", shape=ui.t(f"paper.shape.{theirs.structure}"),
        error=f"{100 * theirs.rel_error:.2f}")
    st.caption(ui.t("paper.fit", c=f"{main.c:.3f}", shape=shape, error=f"{100 * main.rel_error:.2f}",
                    theirs=fit_theirs, expected=ui.t(f"paper.expected.{case}")))
    positional = used_entries_row({label: s.P_used for label, s in panels.items()}, main.used,
                                  title=[ui.t("paper.chart.P"), ui.t("paper.chart.P2")],
                                  x_title=ui.t("paper.axis.token"),
                                  y_title=ui.t("paper.axis.row"), value_title=ui.t("paper.axis.value"),
                                  col_labels=[str(j) for j in range(T)], row_labels=[str(i) for i in range(T - 1)],
                                  size=heatmap_size(T, minimum=300))
    ui.show_chart(positional, f"paper-{case}-P")
    with st.expander(ui.t("paper.heads.title")):
        _metric(ui.t("paper.metric.overlap"), *pick("head_overlap"), pv.format_number,
                ui.t("paper.metric.overlap_help"))
        vectors = {}
        for label, s in panels.items():
            vectors[ui.t("paper.panel.vector", vector="A", who=label)] = s.A
            vectors[ui.t("paper.panel.vector", vector="B", who=label)] = s.B
        H, m = main.A.shape
        heads = heatmap_row(vectors, title=ui.t("paper.chart.heads"), x_title=ui.t("paper.axis.coordinate"),
                            y_title=ui.t("paper.axis.head"), value_title=ui.t("paper.axis.value"),
                            row_labels=one_based(H), col_labels=one_based(m), size=heatmap_size(max(H, m), 150))
        ui.show_chart(heads, f"paper-{case}-heads")
        st.caption(ui.t("paper.heads.caption"))
    if run is not None:
        frame = ui.cached(pv.loss_frame, run, ui.t("paper.series.icar"),
                          None if theirs is None else theirs.loss, ui.t("paper.series.authors"))
        icar_label, authors_label = ui.t("paper.series.icar"), ui.t("paper.series.authors")
        chart = curves(frame, ui.t("paper.chart.loss"), x_title=ui.t("paper.axis.step"),
                       y_title=ui.t("paper.axis.loss"), log_y=True, order=[icar_label, authors_label],
                       colors={authors_label: REFERENCE_GREY}, dashed=[authors_label])
        ui.show_chart(chart, f"paper-{case}-loss")
        st.caption(ui.t("paper.loss_caption", run=ui.plain(run.name), rows=T - 1, floor=f"{pv.LOSS_FLOOR:.0e}"))


labels = {case: ui.t(f"paper.tab.{case}") for case in PAPER_CASES}
selected = ui.current_run()
opened = next((labels[case] for case, run in runs.items() if run is not None and selected is not None
               and ui.run_id(run) == ui.run_id(selected)), None)  # the selected run's case opens first
for tab, case in zip(st.tabs(list(labels.values()), default=opened), PAPER_CASES, strict=True):
    with tab:
        show_case(case)

ui.how_to_read(ui.t("paper.how"))
