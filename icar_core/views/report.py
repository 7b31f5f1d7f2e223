"""One self-contained HTML report about one run: configuration, verdicts and main charts.

``build_report(ckpt, lang)`` returns a whole HTML page whose charts are inline SVG
(charts.export.html_report), so it opens offline with no script. No Streamlit here: the sidebar's
download button calls it directly, only when clicked (``on_click="ignore"`` with a callable ``data``), so it
is not cached; the analyses it reuses (e.g. the GD comparison behind ``gd_finding``) keep their own caches.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS, heatmap, heatmap_row
from icar_core.charts.export import html_report
from icar_core.charts.paper import REFERENCE_GREY, heatmap_size, one_based, profile_chart, series_chart
from icar_core.checkpoints import Checkpoint
from icar_core.errors import NotApplicableError
from icar_core.findings import FINDINGS
from icar_core.i18n import translate, verdict_text
from icar_core.structure import circuit_structure, diagonal_circuit
from icar_core.views import cosine_degrees
from icar_core.views.tour import gd_step, positions_step
from icar_core.views.training import closed_form_objective

#: Losses at or below this are drawn at it on the log-scale loss chart (exact zeros of closed-form runs).
LOSS_FLOOR = 1e-16


# Model settings worth naming per kind (the rest are defaults that do not apply to it).
_SETTINGS = {
    "augmented": ("structure", "normalisation"),
    "multihead": ("heads", "positional", "field", "query"),
    "pe_only": ("field",),
    "authors_augmented": (),
    "authors_multihead": (),
}
Section = tuple[str, str, object]


def setting_text(name: str, value: object, tr: Callable[..., str]) -> str:
    """One model setting in the report's language: a translated name and a translated value
    (``report.setting.<name>``, ``report.value.<name>.<value>``)."""
    return tr("report.config.setting", name=tr(f"report.setting.{name}"), value=tr(f"report.value.{name}.{value}"))


def _configuration(ckpt: Checkpoint, tr: Callable[..., str]) -> Section:
    config, model, process = ckpt.config, ckpt.config.model, ckpt.process
    settings = tr("report.config.sep").join(setting_text(name, getattr(model, name), tr)
                                            for name in _SETTINGS[model.kind])
    heads = tr("report.config.model_one" if model.n_heads == 1 else "report.config.model_many",
               heads=model.n_heads, settings=settings)
    loss = ckpt.history["train_loss"].iloc[-1] if len(ckpt.history) else float("nan")
    text = tr("report.config.text", kind=tr(f"kind.{model.kind}"), model=heads,
              d=process.d, T=process.T, w_dist=process.w_dist, mu=f"{process.mu:g}", noise=f"{process.noise:g}",
              steps=config.steps, optimizer=config.optimizer, lr=f"{config.lr:g}", batch=config.batch_size,
              seed=config.seed, status=tr("report.config.complete" if ckpt.complete else "report.config.partial"),
              loss=f"{loss:.3g}",
              loss_name=tr("report.config.objective" if closed_form_objective(ckpt) else "report.config.train_loss"))
    return tr("report.config.heading"), text, None


def _verdicts(ckpt: Checkpoint, lang: str) -> list[Section]:
    """One section per registered finding that applies to the run."""
    sections = []
    for finding in FINDINGS.values():
        if finding.applies(ckpt.model):
            sections.append((translate(finding.title_key, lang), verdict_text(finding.verdict(ckpt), lang), None))
    return sections or [(translate("home.findings", lang), translate("report.verdicts.none", lang), None)]


def loss_frame(ckpt: Checkpoint, labels: dict[str, str]) -> pd.DataFrame:
    """(x, y, series) of the history's columns named in ``labels`` (column -> series name), floored at
    :data:`LOSS_FLOOR` for the log scale; rows with missing values are dropped."""
    history = ckpt.history
    parts = []
    for column, label in labels.items():
        if column in history:
            part = history[["step", column]].dropna()
            parts.append(pd.DataFrame({"x": part["step"].to_numpy(dtype=float),
                                       "y": np.maximum(part[column].to_numpy(dtype=float), LOSS_FLOOR),
                                       "series": label}))
    return pd.concat(parts, ignore_index=True)


#: The loss chart's series in legend order, with fixed colours: the same in every language. The GD
#: reference is grey and dashed (the text says so) and drawn last, so it shows even where it lies on the
#: held-out loss (the gaps of its dashes let that line through); the noisy training loss goes underneath.
LOSS_SERIES = ("eval_loss", "train_loss", "gd_loss")
LOSS_COLORS = {"eval_loss": CATEGORY_COLORS[0], "train_loss": CATEGORY_COLORS[1], "gd_loss": REFERENCE_GREY}


def loss_labels(ckpt: Checkpoint, tr: Callable[..., str]) -> dict[str, str]:
    """History column -> series label, in :data:`LOSS_SERIES` order."""
    names = {"eval_loss": tr("report.series.eval"), "gd_loss": tr("report.series.gd"),
             "train_loss": tr("report.series.objective" if closed_form_objective(ckpt) else "report.series.train")}
    return {column: names[column] for column in LOSS_SERIES}


def _loss(ckpt: Checkpoint, tr: Callable[..., str]) -> Section:
    labels = loss_labels(ckpt, tr)
    frame = loss_frame(ckpt, labels)
    chart = series_chart(frame, tr("report.loss.chart"), order=list(labels.values()),
                         colors={labels[k]: LOSS_COLORS[k] for k in labels}, dashed=[labels["gd_loss"]],
                         on_top=[labels["eval_loss"], labels["gd_loss"]], x_title=tr("report.axis.step"),
                         y_title=tr("report.axis.loss"), log_y=True, legend_columns=1)
    gd = tr("report.loss.gd") if "gd_loss" in ckpt.history else ""
    text = tr("report.loss.text", gd=gd)
    columns = [c for c in labels if c in ckpt.history]
    if (ckpt.history[columns].to_numpy(dtype=float) < LOSS_FLOOR).any():  # exact zeros of closed-form runs
        text += " " + tr("report.loss.floor", floor=f"{LOSS_FLOOR:.0e}")
    return tr("report.loss.heading"), text, chart


def _gd(ckpt: Checkpoint, tr: Callable[..., str]) -> Section:
    step = gd_step(ckpt)
    labels = one_based(len(step.truth))
    chart = heatmap_row({tr("report.panel.model"): step.model, tr("report.panel.gd"): step.gd,
                         tr("report.panel.truth"): step.truth}, title=tr("report.gd.chart"),
                        row_labels=labels, col_labels=labels, x_title=tr("report.axis.input"),
                        y_title=tr("report.axis.output"), value_title=tr("report.axis.value"),
                        size=heatmap_size(len(labels), minimum=200))
    text = tr("report.gd.text", n=ckpt.process.T, cosine=f"{step.cosine:.3f}",
              angle=f"{cosine_degrees(step.cosine):.1f}")
    return tr("report.gd.heading"), text, chart


def _circuit(ckpt: Checkpoint, tr: Callable[..., str]) -> Section:
    C = diagonal_circuit(ckpt.model)
    shape = circuit_structure(C)
    labels = one_based(len(C))
    chart = heatmap(C, tr("report.circuit.heading"), row_labels=labels, col_labels=labels,
                    x_title=tr("paper.axis.read"), y_title=tr("paper.axis.written"), value_title=tr("paper.axis.value"),
                    size=heatmap_size(len(C), minimum=300))
    text = tr("report.circuit.text", c=f"{shape.best_c:.3f}", shape=tr(f"paper.shape.{shape.best}"),
              error=f"{100 * shape.best_rel_error:.2f}")
    return tr("report.circuit.heading"), text, chart


def _positions(ckpt: Checkpoint, tr: Callable[..., str]) -> Section:
    step = positions_step(ckpt)
    if step.flat:  # round-off has no shape: no chart of it, and nothing fitted
        return tr("report.positions.heading"), tr("report.positions.flat"), None
    learned, cosine = tr("report.series.learned"), tr("report.series.cosine")
    chart = profile_chart(step.frame(learned, cosine), tr("report.positions.chart"), learned=learned, cosine=cosine,
                          x_title=tr("report.axis.position"), y_title=tr("report.axis.weight"))
    text = tr("report.positions.text" if step.well_described else "report.positions.text_not",
              r2=f"{step.r2:.4f}", period=f"{step.period:.0f}")
    return tr("report.positions.heading"), text, chart


def report_sections(ckpt: Checkpoint, lang: str = "en") -> list[Section]:
    """The report's (heading, paragraph, chart or None) sections, in ``lang``; views that do not apply to
    the run's kind are left out."""
    def tr(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    sections = [_configuration(ckpt, tr), *_verdicts(ckpt, lang), _loss(ckpt, tr)]
    for view in (_gd, _circuit, _positions):
        try:
            sections.append(view(ckpt, tr))
        except NotApplicableError:
            continue
    sha = ckpt.source_id[:12] if ckpt.source_id else "—"
    file = ckpt.path.name if ckpt.path is not None else ckpt.name
    sections.append((tr("report.footer.heading"), tr("report.footer", file=file, sha=sha), None))
    return sections


def build_report(ckpt: Checkpoint, lang: str = "en") -> str:
    """One self-contained HTML page about ``ckpt`` in ``lang`` (``en`` | ``ja``): charts inline as SVG."""
    return html_report(translate("report.title", lang, run=ckpt.name), report_sections(ckpt, lang), lang=lang)
