"""Training: loss curves of one or several runs, the structure in the snapshots, and the run's settings."""

import streamlit as st

from icar_core import ui
from icar_core.charts.training import loss_chart, structure_chart
from icar_core.views.training import (
    SNAPSHOT_CONTEXTS,
    closed_form_objective,
    config_rows,
    final_loss,
    loss_caption_key,
    loss_cards,
    loss_long,
    structure_metrics_of,
    structure_over_training,
    training_verdict,
)

t, fmt = ui.t, ui.number
ckpt = ui.require_run(t("training.title"), t("training.lead"))

verdict = ui.cached(training_verdict, ckpt)
text = ui.verdict_text(verdict)
if verdict.values["spike"]:
    text += " " + t("training.verdict.lowest", lowest=verdict.values["lowest"], step=verdict.values["lowest_step"])
if verdict.values["incomplete"]:
    text += " " + t("training.verdict.incomplete", steps=verdict.values["steps"], total=verdict.values["total"])
ui.page_header(t("training.title"), t("training.lead"), text, verdict.good)

# ---------------------------------------------------------------- loss curves
st.subheader(t("training.losses"))
runs = {ui.run_id(c): c for c in ui.all_runs()}
chosen = st.multiselect(t("training.runs"), list(runs), default=[ui.run_id(ckpt)],
                        format_func=lambda i: ui.run_label(runs[i]), key=f"training-runs-{ui.run_id(ckpt)[:12]}",
                        help=t("training.runs_help"))
show_train = st.toggle(t("training.show_train"), value=False, key="training-show-train",
                       help=t("training.show_train_help"))
if not chosen:
    st.info(t("training.no_runs"))
else:
    # Curves in a fixed order (solid, dashed, dotted), whatever the language; the legend lists only those drawn.
    curves = {"eval_loss": t("training.curve.eval_loss"), "gd_loss": t("training.curve.gd_loss")}
    if show_train:
        curves["train_loss"] = t("training.curve.train_loss")
    names = [runs[i].name for i in chosen]
    # Legend labels: the run's name, or its full label where two chosen runs share a name (an uploaded copy).
    shown = {runs[i].name if names.count(runs[i].name) == 1 else ui.run_label(runs[i]): runs[i] for i in chosen}
    # A paper-reference run's "training loss" is the paper's closed-form objective: it gets its own label.
    objective = t("training.curve.objective")
    order = list(curves.values())
    if show_train and any(closed_form_objective(c) for c in shown.values()):
        order.append(objective)
    chart = loss_chart(loss_long(shown, curves, objective_label=objective), t("training.loss_title"),
                       x_title=t("training.loss_x"), y_title=t("training.loss_y"), run_title=t("training.run_legend"),
                       curve_title=t("training.curve_legend"), curve_order=order)
    ui.show_chart(chart, "training-losses")
    key, values = loss_caption_key(shown)
    st.caption(t(key, **values))
    for name, run in shown.items():
        if closed_form_objective(run):
            st.caption(t("training.objective_note", run=ui.plain(name), eval=run.config.eval_size))

ui.metric_grid(loss_cards(ckpt, ui.cached(final_loss, ckpt), t, fmt))

# ---------------------------------------------------------------- structure during training
st.subheader(t("training.structure"))
# Said in the page's language (the analysis's own NotApplicableError text is English).
reason = ("training.na.no_measure" if not structure_metrics_of(ckpt)
          else "training.na.no_snapshots" if not ckpt.snapshots else None)
if reason is not None:
    st.info(t("common.not_applicable", run=ui.plain(ckpt.name), reason=t(reason)))
else:
    with ui.explained_errors(ckpt):
        structure = ui.cached(structure_over_training, ckpt)
        st.caption(t("training.structure_caption", count=len(ckpt.snapshots), run=ui.plain(ckpt.name)))
        names = list(dict.fromkeys(structure["metric"]))
        labels = {name: t(f"training.metric.{name}", contexts=SNAPSHOT_CONTEXTS) for name in names}
        ui.show_chart(structure_chart(structure.assign(metric=structure["metric"].map(labels)),
                                      t("training.structure_title"), x_title=t("training.structure_x"),
                                      y_title=t("training.structure_y"), metric_title=t("training.structure_legend")),
                      "training-structure")
        for column, name in zip(st.columns(max(len(names), 3)), names, strict=False):
            values = structure.loc[structure["metric"] == name, "value"]
            column.metric(t(f"training.short.{name}"), fmt(values.iloc[-1]),
                          t("training.delta.first_snapshot", value=fmt(values.iloc[0])), delta_color="off",
                          delta_arrow="off", help=labels[name] + " — " + t(f"training.metric_help.{name}",
                                                                          contexts=SNAPSHOT_CONTEXTS))

# ---------------------------------------------------------------- configuration
st.subheader(t("training.config", run=ui.plain(ckpt.name)))
config = ui.cached(config_rows, ckpt)
yes_no = {"yes": t("training.value.yes"), "no": t("training.value.no")}
st.table(config.assign(group=config["group"].map(lambda g: t(f"training.group.{g}")),
                       setting=config["setting"].map(lambda s: t(f"training.cfg.{s}")),
                       value=config["value"].map(lambda v: yes_no.get(v, v)))
         .rename(columns={"group": t("training.col.group"), "setting": t("training.col.setting"),
                          "value": t("training.col.value")}).set_index(t("training.col.group")))

ui.how_to_read(t("training.how"))
