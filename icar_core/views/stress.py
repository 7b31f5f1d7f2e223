"""Stress test, the estimate's spectrum and the interpolation to GD weights, as plain data for the page.

Every function takes a :class:`~icar_core.checkpoints.Checkpoint` first and hashable inputs after it (a
:class:`~icar_core.stress.Shift` is a frozen dataclass), so the page caches each per (run, shift) with
``ui.cached``; the chart and caption builders take the cached result and a translator. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable

from icar_core.charts.common import CATEGORY_COLORS
from icar_core.charts.gd import SERIES_COLORS, error_curve_chart, error_curve_frame
from icar_core.charts.stress import path_chart, path_frame, ratio_chart, spectrum_chart, spectrum_frame
from icar_core.charts.vegalite import VegaLiteSpec, combine
from icar_core.checkpoints import Checkpoint
from icar_core.data import W_DISTRIBUTIONS
from icar_core.interpolation import AGREEMENTS, Interpolation, interpolation
from icar_core.spectrum import SpectrumView, spectrum
from icar_core.stress import (
    FIT_SEED,
    MAX_MU,
    MAX_NOISE,
    RIDGE_GRID,
    S0_SCALE_RANGE,
    SERIES,
    STRESS_SEED,
    THRESHOLDS,
    Shift,
    StressResult,
    has_mu,
    stress_test,
)
from icar_core.views.reproduce import snippet

#: Squared errors below this are drawn at it on the logarithmic axis (least squares on a noiseless task: ~1e-20).
DISPLAY_FLOOR = 1e-10
#: Colours of the stress curves: the Model-vs-GD page's for the series both show, two more for the others.
STRESS_COLORS = {"model": SERIES_COLORS["model_loss"], "gd": SERIES_COLORS["gd_loss"], "ls": SERIES_COLORS["ls_loss"],
                 "ridge": CATEGORY_COLORS[5], "repeat": CATEGORY_COLORS[7]}
#: Bounds of the page's controls (the Shift checks them again and names a bad value).
CONTROL_BOUNDS = {"noise": (0.0, MAX_NOISE), "mu": (0.01, MAX_MU), "s0_scale": S0_SCALE_RANGE}
FAMILIES = W_DISTRIBUTIONS


def stress_of(ckpt: Checkpoint, shift: Shift) -> StressResult:
    return stress_test(ckpt.model, ckpt.process, shift)


def spectrum_of(ckpt: Checkpoint, shift: Shift, seed: int) -> SpectrumView:
    return spectrum(ckpt.model, ckpt.process, shift, seed)


def interpolation_of(ckpt: Checkpoint) -> Interpolation:
    """See :func:`icar_core.interpolation.interpolation`; NotApplicableError for kinds without GD weights."""
    return interpolation(ckpt.model, ckpt.process)


def interpolation_applies(ckpt: Checkpoint) -> bool:
    return ckpt.model.gd_constructible


def defaults(ckpt: Checkpoint) -> dict:
    """The controls' starting values: the run's own process, no change of scale or basis."""
    p = ckpt.process
    return {"noise": float(p.noise), "mu": float(p.mu), "w_dist": p.w_dist, "s0_scale": 1.0}


def make_shift(ckpt: Checkpoint, noise: float, mu: float, w_dist: str, s0_scale: float,
               basis_seed: int | None) -> Shift:
    """The shift the controls describe (ValueError naming a bad value and its range); μ only where it applies."""
    applies = has_mu(Shift(w_dist=w_dist).process(ckpt.process))
    return Shift(noise=float(noise), mu=float(mu) if applies else None, w_dist=w_dist, s0_scale=float(s0_scale),
                 basis_seed=basis_seed)


def shift_notes(ckpt: Checkpoint, shift: Shift) -> list[tuple[str, dict]]:
    """Sentences (text keys and values) about the chosen shift: unchanged, μ not applying, basis change."""
    shifted = shift.process(ckpt.process)
    notes = []
    if shifted == ckpt.process and shift.s0_scale == 1 and shift.basis_seed is None:
        notes.append(("stress.note.own", {}))
    if not has_mu(shifted):
        notes.append(("stress.note.no_mu", {}))
    if shift.basis_seed is not None:
        notes.append(("stress.note.basis", {"seed": shift.basis_seed}))
    return notes


def series_labels(tr: Callable[..., str]) -> dict[str, str]:
    return {name: tr(f"stress.series.{name}") for name in SERIES}


def curves_chart(result: StressResult, tr: Callable[..., str]) -> VegaLiteSpec:
    """Mean squared error against context length, every series with its 95% band, on a logarithmic axis."""
    labels = series_labels(tr)
    curves = result.curves.copy()
    shown = [c for name in SERIES for c in (name, f"{name}_low", f"{name}_high")]
    curves[shown] = curves[shown].clip(lower=DISPLAY_FLOOR)
    return error_curve_chart(error_curve_frame(curves, labels), tr("stress.curves_title", contexts=result.contexts),
                             x_title=tr("gd.curve_x"), y_title=tr("stress.curves_y"),
                             colors={labels[k]: STRESS_COLORS[k] for k in SERIES}, log_y=True, width=340)


def ratio_chart_of(result: StressResult, tr: Callable[..., str]) -> VegaLiteSpec:
    tolerance = THRESHOLDS.track_tolerance
    return ratio_chart(result.curves, tolerance, tr("stress.ratio_title"), x_title=tr("gd.curve_x"),
                       y_title=tr("stress.ratio_y"),
                       band_label=tr("stress.ratio_band", tolerance=f"{100 * tolerance:g}"))


def curves_caption(result: StressResult, tr: Callable[..., str]) -> str:
    """How the curves were measured: n, seeds, how η_n and λ_n were chosen, the display floor."""
    return tr("stress.curves_caption", contexts=f"{result.contexts:,}", seed=STRESS_SEED,
              fit=f"{result.fitted.contexts:,}", fit_seed=FIT_SEED, low=f"{RIDGE_GRID[0]:.0e}",
              high=f"{RIDGE_GRID[-1]:.0e}", floor=f"{DISPLAY_FLOOR:.0e}")


def spectrum_chart_of(view: SpectrumView, tr: Callable[..., str]) -> VegaLiteSpec:
    labels = {"truth": tr("spectrum.series.truth"),
              "model": tr("spectrum.series.model" if view.exact else "spectrum.series.jacobian"),
              "gd": tr("spectrum.series.gd")}
    panels = {tr("spectrum.panel", n=p.n, angle=f"{p.angle_error:.1f}", modulus=f"{p.modulus_ratio:.2f}"):
              {"truth": p.truth, "model": p.model, "gd": p.gd} for p in view.panels}
    return spectrum_chart(spectrum_frame(panels, labels), labels, tr("spectrum.title"), x_title=tr("spectrum.re"),
                          y_title=tr("spectrum.im"), size=150)


def interpolation_charts(result: Interpolation, tr: Callable[..., str]) -> VegaLiteSpec:
    """Loss along the path beside the three agreements with the best GD step."""
    loss_label = {"loss": tr("interp.series.loss")}
    agreements = {name: tr(f"interp.series.{name}") for name in AGREEMENTS}
    colors = dict(zip(agreements.values(), CATEGORY_COLORS[3:6], strict=True))
    x_title = tr("interp.alpha")
    loss = path_chart(path_frame(result.path, loss_label), tr("interp.loss_title", contexts=result.contexts),
                      x_title=x_title, y_title=tr("interp.loss_y"), colors={loss_label["loss"]: CATEGORY_COLORS[1]},
                      reference=(result.gd_loss.value, tr("interp.gd_reference", gd=result.gd_loss.text())))
    agree = path_chart(path_frame(result.path, agreements), tr("interp.agree_title"), x_title=x_title,
                       y_title=tr("interp.agree_y"), colors=colors)
    return combine("hconcat", [loss, agree], resolve={"scale": {"color": "independent"}})


def reproduce_code(ckpt: Checkpoint, shift: Shift, seed: int) -> str:
    """The lines that recompute the page's stress verdict and curves under ``shift``, and the spectrum's verdict."""
    imports = ["from icar_core.stress import Shift", "from icar_core.views.stress import spectrum_of, stress_of"]
    return snippet(ckpt, imports, [
        f"shift = {shift!r}",
        "result = stress_of(run, shift)",
        "print(result.verdict)  # the verdict: its text key and the numbers that fill it (intervals, n)",
        f"spectrum = spectrum_of(run, shift, seed={seed})",
        "print(spectrum.verdict)  # the spectrum's verdict",
    ])
