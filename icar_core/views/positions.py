"""The Positional-encodings page (Finding 3): the positional matrix P or the learned embeddings, their PCA
and whether it winds like a circle, the last row's cosine fit, the PE-only least-squares references, the
μ = 50…300 runs side by side and the authors' rows — plain functions of a Checkpoint (no Streamlit).

For a positional matrix, the PCA, the last row and the authors' rows all leave out the newest-token entries
``P[n, n]`` (the authors saved their P with them masked to 0): the shape they show is that of the weights on
*earlier* tokens. When those are round-off next to the largest entry of P (a run that keeps only the newest
token, such as the paper's unitary optimum), there is no shape: the page says so instead of fitting noise.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from icar_core.charts.positions import long_profiles, pca_path, positional_heatmap, profiles
from icar_core.charts.vegalite import VegaLiteSpec
from icar_core.checkpoints import Checkpoint
from icar_core.errors import NotApplicableError
from icar_core.findings import FINDINGS, ShapeEvidence, Verdict
from icar_core.structure import (
    CosineFit,
    PositionalPCA,
    is_flat,
    pe_profile,
    polynomial_fit,
    positional_pca,
    positional_rows,
)
from icar_core.theory import pe_only_least_squares, pe_only_loss, pe_only_ridge_matching_loss
from icar_core.views import REFERENCE_DIR, cosine, relative_error
from icar_core.views.reproduce import snippet

#: The authors' PE-only runs (``pe_eps_mu_{μ}.npy``): row 28, entries 0..28, is their last used row.
PAPER_MUS = (50, 100, 200, 300)
PAPER_ROW = 28

# A PCA path "winds like a circle or spiral" when it turns at least half a turn around its centre, almost
# every step turns the same way, no single step jumps across the centre, and the picture holds a fair share
# of the variance. Rows of a random lower-triangular matrix fail (about 60 % of steps agree, steps near π);
# the authors' PE-only rows pass (every step agrees, 0.8 to 2.1 turns).
WINDING_MIN_TURNS = 0.5
WINDING_MIN_AGREEMENT = 0.9
WINDING_MAX_STEP = 2 * math.pi / 3
WINDING_MIN_SHARE = 0.3
#: The two components drawn are a "partial view" (the text says "only …%") below this share of the variance.
PCA_SHARE_MOST = 0.8


#: The polynomial drawn beside the cosine: as many parameters (4) as the cosine fit.
CUBIC_DEGREE = 3

#: The trained row "behaves like ridge" when its cosine with the ridge reference is at least this; the λ = 0
#: interpolant "has a different shape" when its cosine with the trained row is below MIN_NORM_COSINE_DIFFERENT.
RIDGE_COSINE_MIN = 0.99
MIN_NORM_COSINE_DIFFERENT = 0.9


# ------------------------------------------------------------------------------------------- applicability


def positions_reason(ckpt: Checkpoint) -> str | None:
    """Why the Positional-encodings page does not apply to ``ckpt`` (a locale key), or None when it does."""
    model = ckpt.model
    if model.positional_matrix() is None and model.positional_embeddings() is None:
        return "positions.na.augmented" if model.augmented_tokens else "positions.na.none"
    try:  # too few positions for a PCA, or for a cosine fit of the last row
        positional_rows(ckpt.model)
        if has_matrix(ckpt):
            pe_profile(ckpt.model)
    except NotApplicableError:
        return "positions.na.too_short"
    return None


def trained_alone(ckpt: Checkpoint) -> bool:
    """Whether the run learns only positional weights (PE-only: a positional matrix and no heads)."""
    return ckpt.model.head_type is None and ckpt.model.positional_matrix() is not None


def trained_alone_runs(runs: Sequence[Checkpoint]) -> list[Checkpoint]:
    """The PE-only runs among ``runs``, by μ (the row's shape changes with how fast the rule rotates)."""
    return sorted((r for r in runs if trained_alone(r)), key=lambda r: r.process.mu)


def has_matrix(ckpt: Checkpoint) -> bool:
    """Whether the run learns a positional matrix P (PE-only runs, multihead runs with positional='matrix')."""
    return ckpt.model.positional_matrix() is not None


# ------------------------------------------------------------------------------------------- PCA and winding


@dataclass(frozen=True)
class Winding:
    """How the first two principal components of the positions wind around their centre.

    turns: net angle swept around the centre (the PCA's origin), in turns; agreement: share of steps turning
    the same way as the net sweep; max_step: the largest single step's angle (rad); share: variance held by
    the two components drawn; circle: all four pass the thresholds above.
    """

    turns: float
    agreement: float
    max_step: float
    share: float
    circle: bool


def winding(coordinates: np.ndarray, explained_variance_ratio: np.ndarray) -> Winding:
    """:class:`Winding` of a path of points ``coordinates`` (N, ≥ 2) in the order of their positions."""
    xy = np.asarray(coordinates, dtype=np.float64)[:, :2]
    share = float(np.sum(explained_variance_ratio[:2]))
    if xy.shape[1] < 2 or len(xy) < 3:
        return Winding(0.0, 0.0, 0.0, share, False)
    angles = np.arctan2(xy[:, 1], xy[:, 0])
    steps = np.angle(np.exp(1j * np.diff(angles)))  # each step's turn, in (−π, π]
    total = float(steps.sum())
    agreement = float(np.mean(np.sign(steps) == np.sign(total))) if total != 0 else 0.0
    turns = abs(total) / (2 * math.pi)
    max_step = float(np.abs(steps).max())
    circle = (turns >= WINDING_MIN_TURNS and agreement >= WINDING_MIN_AGREEMENT and max_step <= WINDING_MAX_STEP
              and share >= WINDING_MIN_SHARE)
    return Winding(turns, agreement, max_step, share, bool(circle))


@dataclass(frozen=True)
class PositionalView:
    """Everything the page shows for one run.

    source: ``matrix`` (P) or ``embedding``; encodings (N, D): the rows of P the page draws (masked above the
    diagonal, newest-token entries included) or the embedding vectors, at ``positions`` (N,); mask (N, D):
    True where an entry of P exists (t ≤ n) — all True for embeddings; pca, winding: see above, of the rows
    *without* the newest-token entries (``structure.positional_rows``) for P, of the vectors for embeddings;
    profile, fit: the last used row of P and its cosine fit (None for embeddings, and fit None when flat);
    shape: Finding 3's evidence on that row (its cosine fit and the held-out comparison with polynomials) and
    shape_verdict its verdict — the page states only what they support; cubic: the row's least-squares cubic;
    verdict: the page's verdict (Finding 3's for P, the winding of the PCA for embeddings);
    scale: the largest |entry| of P (of the embeddings); earlier_max: the largest |entry| on an earlier token;
    flat: every entry on an earlier token is round-off (:func:`is_flat`) — no shape for the PCA or the fit;
    profile_flat: the last row alone is round-off — no shape to fit.
    """

    source: str
    encodings: np.ndarray
    positions: np.ndarray
    mask: np.ndarray
    pca: PositionalPCA
    winding: Winding
    profile: np.ndarray | None
    fit: CosineFit | None
    shape: ShapeEvidence | None = None
    shape_verdict: Verdict | None = None
    cubic: np.ndarray | None = None
    verdict: Verdict | None = None
    scale: float = 0.0
    earlier_max: float = 0.0
    flat: bool = False
    profile_flat: bool = False


def positional_view(ckpt: Checkpoint) -> PositionalView:
    """P (or the embeddings), its PCA and winding, the last row's shape and the page's verdict."""
    rows, positions = positional_rows(ckpt.model)  # NotApplicableError when there is nothing positional
    pca = positional_pca(rows, n_components=3)  # for P: the weights on earlier tokens, as the authors saved them
    turn = winding(pca.coordinates, pca.explained_variance_ratio)
    if not has_matrix(ckpt):
        scale = float(np.abs(rows).max())
        return PositionalView("embedding", rows, positions, np.ones(rows.shape, dtype=bool), pca, turn, None, None,
                              verdict=_winding_verdict(pca, turn), scale=scale, earlier_max=scale)
    shown = ckpt.model.positional_matrix().double().numpy()[positions]  # the heatmap: newest tokens included
    scale = float(np.abs(shown).max())
    mask = np.arange(shown.shape[1])[None, :] <= positions[:, None]
    positions_finding = FINDINGS["positions"]
    shape = positions_finding.shape(ckpt)
    t = np.arange(len(shape.profile), dtype=np.float64)
    cubic = None if shape.flat else polynomial_fit(t, shape.profile, CUBIC_DEGREE, t)
    return PositionalView("matrix", shown, positions, mask, pca, turn, shape.profile, shape.fit, shape,
                          positions_finding.judge_shape(shape), cubic, positions_finding.verdict(ckpt, shape),
                          scale=scale, earlier_max=float(np.abs(rows).max()), flat=is_flat(rows, scale),
                          profile_flat=shape.flat)


def colour_limit(view: PositionalView, include_diagonal: bool = True) -> float:
    """Largest |entry| shown in the heatmap of ``view`` — over all existing entries, or (``include_diagonal``
    False, matrices only) without the newest-token entries ``P[n, n]``, which are much larger than the rest
    in PE-only runs and would wash out the other rows' shape."""
    keep = view.mask.copy()
    # Without the diagonal a flat P would be coloured by its round-off: keep the diagonal's scale then.
    if not include_diagonal and view.source == "matrix" and not view.flat:
        keep &= np.arange(view.encodings.shape[1])[None, :] != view.positions[:, None]
    values = np.abs(view.encodings[keep])
    return float(values.max()) if values.size and values.max() > 0 else 1e-12


def flat_values(view: PositionalView) -> dict[str, str]:
    """The numbers a "flat — no shape" sentence shows: the largest |entry| on an earlier token (of the last row
    when only it is flat) and the largest |entry| of P."""
    largest = view.earlier_max if view.flat or view.profile is None else float(np.abs(view.profile).max())
    return {"max": f"{largest:.1e}", "scale": f"{view.scale:.3g}"}


def _winding_verdict(pca: PositionalPCA, w: Winding) -> Verdict:
    values = {"turns": f"{w.turns:.2f}", "agreement": f"{100 * w.agreement:.0f}", "share": f"{100 * w.share:.0f}",
              "share3": f"{100 * pca.cumulative_ratio:.0f}"}
    return Verdict("positions.verdict.circle" if w.circle else "positions.verdict.no_circle", values, w.circle)


def positions_verdict(ckpt: Checkpoint) -> Verdict:
    """The page's verdict: Finding 3's for runs with P (the recurrence, or the last row's shape); for embedding
    runs, whether the PCA of the embeddings winds like a circle or spiral."""
    return positional_view(ckpt).verdict


def pca_text_key(w: Winding) -> str:
    """The PCA paragraph: a circle or not, and — for a circle — whether the two components drawn hold only a
    part of the variance (below :data:`PCA_SHARE_MOST`: ``positions.pca.circle``, which says "only") or most of
    it (``positions.pca.circle_most``)."""
    if not w.circle:
        return "positions.pca.no_circle"
    return "positions.pca.circle" if w.share < PCA_SHARE_MOST else "positions.pca.circle_most"


# ------------------------------------------------------------------------------------------- PE-only references


def training_batch(ckpt: Checkpoint) -> torch.Tensor:
    """The sequences a PE-only run was trained on (``states (batch, T+1, d)``, float64).

    The authors' procedure trains on one fixed batch drawn with the seed of training step 0; a run trained on
    fresh batches gets a fresh batch of the same size from that seed.
    """
    return ckpt.config.training_batch().double()


@dataclass(frozen=True)
class LeastSquaresReference:
    """The trained P's last used row against the exact least-squares references on the run's own batch.

    trained, ridge, min_norm: last used rows (T−1,) — as :func:`~icar_core.structure.pe_profile`; ridge is the
    Tikhonov solution whose training loss equals the trained run's (``trained_loss``, λ = ``ridge_lambda``);
    min_norm the λ = 0 solution, which interpolates the batch (loss ``min_norm_loss``). Cosines and relative
    errors ``||trained − ref|| / ||ref||`` compare the trained row with each.
    """

    trained: np.ndarray
    ridge: np.ndarray
    min_norm: np.ndarray
    trained_loss: float
    ridge_lambda: float
    min_norm_loss: float
    ridge_cosine: float
    ridge_rel_error: float
    min_norm_cosine: float
    min_norm_rel_error: float


def least_squares_reference(ckpt: Checkpoint) -> LeastSquaresReference:
    """Compare a PE-only run's last used row of P with the least-squares references (DESIGN.md, Finding 3)."""
    if not trained_alone(ckpt):
        raise NotApplicableError("the least-squares references are computed for positional-encoding-only runs")
    states = training_batch(ckpt)
    field = ckpt.config.model.field
    P = ckpt.model.positional_encodings().to(torch.float64)
    trained_loss = pe_only_loss(states, P, field)
    P_min = pe_only_least_squares(states, 0.0, field)
    P_ridge, ridge = pe_only_ridge_matching_loss(states, trained_loss, field)
    T = P.shape[0]
    trained, ridge_row, min_row = (M[T - 1, : T - 1].numpy().copy() for M in (P, P_ridge, P_min))
    return LeastSquaresReference(
        trained=trained, ridge=ridge_row, min_norm=min_row, trained_loss=trained_loss, ridge_lambda=float(ridge),
        min_norm_loss=pe_only_loss(states, P_min, field), ridge_cosine=cosine(trained, ridge_row),
        ridge_rel_error=relative_error(trained, ridge_row), min_norm_cosine=cosine(trained, min_row),
        min_norm_rel_error=relative_error(trained, min_row))


def least_squares_cards(ref: LeastSquaresReference, tr: Callable[..., str]) -> list[list[tuple]]:
    """Metric cards (label, value, None, tooltip): the ridge reference, then the exact (λ = 0) interpolant."""
    return [[(tr("positions.metric.ridge_cosine"), f"{ref.ridge_cosine:.4f}", None,
              tr("positions.metric.ridge_cosine_help")),
             (tr("positions.metric.ridge_error"), f"{100 * ref.ridge_rel_error:.1f}%", None,
              tr("positions.metric.error_help")),
             (tr("positions.metric.ridge_lambda"), f"{ref.ridge_lambda:.3g}", None,
              tr("positions.metric.ridge_lambda_help", loss=f"{ref.trained_loss:.3g}"))],
            [(tr("positions.metric.min_norm_cosine"), f"{ref.min_norm_cosine:.4f}", None,
              tr("positions.metric.min_norm_cosine_help")),
             (tr("positions.metric.min_norm_error"), f"{100 * ref.min_norm_rel_error:.0f}%", None,
              tr("positions.metric.error_help"))]]


def least_squares_text(ref: LeastSquaresReference) -> list[tuple[str, dict[str, str]]]:
    """The paragraph under the least-squares chart as (text key, values) sentences, each chosen by the number
    it relies on: "behaves like ridge regression" only when the ridge cosine reaches :data:`RIDGE_COSINE_MIN`
    (``positions.ls.ridge`` / ``positions.ls.ridge_not``); "a completely different row, the shape comes from
    stopping early" only when the λ = 0 interpolant's cosine is below :data:`MIN_NORM_COSINE_DIFFERENT`
    (``positions.ls.min_norm`` / ``positions.ls.min_norm_close``)."""
    values = {"cosine": f"{ref.ridge_cosine:.4f}", "loss": f"{ref.trained_loss:.3g}", "lam": f"{ref.ridge_lambda:.3g}",
              "min_cosine": f"{ref.min_norm_cosine:.3f}", "min_loss": f"{ref.min_norm_loss:.1e}",
              "threshold": f"{RIDGE_COSINE_MIN:g}"}
    ridge = "positions.ls.ridge" if ref.ridge_cosine >= RIDGE_COSINE_MIN else "positions.ls.ridge_not"
    interpolant = "positions.ls.min_norm" if ref.min_norm_cosine < MIN_NORM_COSINE_DIFFERENT \
        else "positions.ls.min_norm_close"
    return [("positions.ls.intro", values), (ridge, values), (interpolant, values)]


# ------------------------------------------------------------------------------------------- μ and the authors


@functools.cache
def _paper_rows(reference_dir: str) -> dict[int, np.ndarray]:
    folder = Path(reference_dir) / "paper_pe_only"
    rows = {}
    for mu in PAPER_MUS:
        path = folder / f"pe_eps_mu_{mu}.npy"
        if path.exists():
            rows[mu] = np.load(path).astype(np.float64)[PAPER_ROW, : PAPER_ROW + 1]
    return rows


def paper_row(mu: float, length: int, reference_dir: Path = REFERENCE_DIR) -> np.ndarray | None:
    """The authors' last used row for ``mu`` (row 28, entries 0..28 of ``pe_eps_mu_{mu}.npy``), or None when
    their file is absent or the row is not ``length`` long (a run with another T)."""
    if float(mu) not in {float(m) for m in PAPER_MUS}:
        return None
    row = _paper_rows(str(reference_dir)).get(int(mu))
    return row.copy() if row is not None and len(row) == length else None


@dataclass(frozen=True)
class ProfileSummary:
    """One PE-only run in the μ comparison: its last used row, Finding 3's shape evidence and verdict on it,
    and the authors' row for the same μ with the cosine between the two (None when absent)."""

    name: str
    mu: float
    profile: np.ndarray
    shape: ShapeEvidence
    verdict: Verdict
    paper: np.ndarray | None
    paper_cosine: float | None


def reference_folder() -> str:
    """Where the authors' rows are read from (the module's :data:`REFERENCE_DIR`, looked up at call time), for the
    page to pass to :func:`profile_summary` — so its cache entry names the folder it read."""
    return str(REFERENCE_DIR)


def profile_summary(ckpt: Checkpoint, reference_dir: str = str(REFERENCE_DIR)) -> ProfileSummary:
    """:class:`ProfileSummary` of a run with a positional matrix."""
    shape = FINDINGS["positions"].shape(ckpt)
    paper = paper_row(ckpt.process.mu, len(shape.profile), Path(reference_dir)) if trained_alone(ckpt) else None
    return ProfileSummary(ckpt.name, float(ckpt.process.mu), shape.profile, shape,
                          FINDINGS["positions"].judge_shape(shape), paper,
                          None if paper is None else cosine(shape.profile, paper))


def _cubic_ratio(shape: ShapeEvidence) -> str:
    return f"{shape.shapes.cubic / shape.shapes.cosine:.2g}"


def mu_table(summaries: Sequence[ProfileSummary], tr: Callable[..., str]) -> pd.DataFrame:
    """The μ comparison's table, in the language of ``tr``: R², whether the registry calls the row a cosine
    (rather than a curve a cubic describes as well), the cubic's held-out error over the cosine's, ω where
    claimed, and the cosine with the authors' row where it is here. "—": not claimed, or nothing to compare."""
    none = "—"

    def claimed(s: ProfileSummary) -> bool:
        return bool(s.verdict.good)

    columns = {
        tr("positions.col.run"): [s.name for s in summaries],
        "μ": [f"{s.mu:g}" for s in summaries],
        tr("positions.col.r2"): [none if s.shape.flat else f"{s.shape.fit.r2:.4f}" for s in summaries],
        tr("positions.col.cubic_ratio"): [none if s.shape.flat else _cubic_ratio(s.shape) for s in summaries],
        tr("positions.col.cosine"): [tr("positions.yes") if claimed(s) else tr("positions.no") for s in summaries],
        tr("positions.col.omega"): [f"{s.shape.fit.omega:.4f}" if claimed(s) else none for s in summaries],
    }
    if any(s.paper is not None for s in summaries):
        columns[tr("positions.col.paper_cosine")] = [none if s.paper_cosine is None else f"{s.paper_cosine:.4f}"
                                                     for s in summaries]
    return pd.DataFrame(columns)


def pca_cards(view: PositionalView, tr: Callable[..., str]) -> list[list[tuple[str, str, None, str | None]]]:
    """The PCA's cards: each component's share of the variance, and their total."""
    ratios = view.pca.explained_variance_ratio
    cards = [(tr("positions.metric.pc", k=k + 1), f"{100 * r:.1f}%", None, tr("positions.metric.pc_help"))
             for k, r in enumerate(ratios)]
    cards.append((tr("positions.metric.pc_total", k=len(ratios)), f"{100 * view.pca.cumulative_ratio:.1f}%", None,
                  None))
    return [cards]


def winding_cards(view: PositionalView, tr: Callable[..., str]) -> list[list[tuple[str, str, None, str]]]:
    """The winding's two cards, one under the other: turns around the centre and the share of steps that agree."""
    w = view.winding
    return [[(tr("positions.metric.turns"), f"{w.turns:.2f}", None, tr("positions.metric.turns_help"))],
            [(tr("positions.metric.agreement"), f"{100 * w.agreement:.0f}%", None,
              tr("positions.metric.agreement_help"))]]


def winding_text(view: PositionalView, tr: Callable[..., str]) -> str:
    """The paragraph beside the PCA path: a circle or not, and where the rows' shape is shown instead."""
    w = view.winding
    text = tr(pca_text_key(w), turns=f"{w.turns:.2f}", agreement=f"{100 * w.agreement:.0f}",
              share=f"{100 * w.share:.0f}", share3=f"{100 * view.pca.cumulative_ratio:.0f}")
    if not w.circle and view.profile is not None and not view.profile_flat:
        text += " " + tr("positions.pca.rows_below")
    return text


def mu_overlay(summaries: Sequence[ProfileSummary], with_paper: bool, tr: Callable[..., str]) -> pd.DataFrame:
    """Long form of every PE-only run's last row (and, ``with_paper``, the authors' row for its μ) for the
    overlay chart: columns t, value, series (μ), source (icar or the authors)."""
    parts = []
    for s in summaries:
        label = tr("positions.series.mu", mu=f"{s.mu:g}")
        parts.append(long_profiles({label: s.profile}).assign(source=tr("positions.source.ours")))
        if with_paper and s.paper is not None:
            parts.append(long_profiles({label: s.paper}).assign(source=tr("positions.source.paper")))
    return pd.concat(parts, ignore_index=True)


def encodings_chart(view: PositionalView, tr: Callable[..., str], with_diagonal: bool = True
                    ) -> tuple[VegaLiteSpec, str]:
    """The heatmap of P (``with_diagonal``: coloured with the newest-token entries too) or of the embeddings,
    and its caption, in the language of ``tr``."""
    value_title = tr("positions.weight")
    if view.source == "matrix":
        chart = positional_heatmap(view.encodings, view.positions, view.mask,
                                   [tr("positions.P.chart"), tr("positions.P.chart2")],
                                   x_title=tr("positions.axis.key"), y_title=tr("positions.axis.query"),
                                   value_title=value_title, domain_max=colour_limit(view, with_diagonal))
        return chart, tr("positions.P.caption", first=int(view.positions[0]))
    chart = positional_heatmap(view.encodings, view.positions, view.mask, tr("positions.E.chart"),
                               x_title=tr("positions.axis.embedding"), y_title=tr("positions.axis.position"),
                               value_title=value_title, cell=18, domain_max=colour_limit(view), one_based_columns=True)
    return chart, tr("positions.E.caption", dims=view.encodings.shape[1])


def row_chart(series: dict[str, np.ndarray], title: str, tr: Callable[..., str]) -> VegaLiteSpec:
    """Rows of positional weights against the earlier token, the first series solid and the others dashed."""
    return profiles(long_profiles(series), title, x_title=tr("positions.axis.key"), y_title=tr("positions.weight"),
                    dashed=list(series)[1:])


def pca_chart(view: PositionalView, tr: Callable[..., str]) -> VegaLiteSpec:
    """The positions' path in the plane of the first two principal components."""
    return pca_path(view.pca.coordinates, view.positions, tr("positions.pca.chart"),
                    x_title=tr("positions.axis.pc", k=1), y_title=tr("positions.axis.pc", k=2),
                    position_title=tr("positions.axis.position"))


def profile_cards(view: PositionalView, tr: Callable[..., str]) -> list[list[tuple[str, str, None, str]]]:
    """The last row's fit: R², ω (only where the shape test claims a cosine) and the cubic's held-out error ratio."""
    fit, shapes, claimed = view.fit, view.shape.shapes, bool(view.shape_verdict.good)
    return [[(tr("positions.metric.r2"), f"{fit.r2:.4f}", None, tr("positions.metric.r2_help")),
             (tr("positions.metric.omega"), f"{fit.omega:.4f}" if claimed else tr("positions.not_claimed"), None,
              tr("positions.metric.omega_help")),
             (tr("positions.metric.cubic_ratio"), f"{shapes.cubic / shapes.cosine:.2g}×", None,
              tr("positions.metric.cubic_ratio_help", folds=shapes.folds))]]


def profile_chart(view: PositionalView, tr: Callable[..., str]) -> VegaLiteSpec:
    """The last used row beside its cosine fit and its cubic."""
    series = {tr("positions.series.trained"): view.profile,
              tr("positions.series.fit"): view.fit.predict(np.arange(len(view.profile))),
              tr("positions.series.cubic"): view.cubic}
    return row_chart(series, tr("positions.profile.chart", n=int(view.positions[-1])), tr)


def least_squares_chart(ref: LeastSquaresReference, with_min_norm: bool, tr: Callable[..., str]) -> VegaLiteSpec:
    """The trained row beside the ridge reference (and, on request, the minimum-norm interpolant)."""
    series = {tr("positions.series.trained"): ref.trained, tr("positions.series.ridge"): ref.ridge}
    if with_min_norm:
        series[tr("positions.series.min_norm")] = ref.min_norm
    return row_chart(series, tr("positions.ls.chart"), tr)


def paper_chart(summary: ProfileSummary, tr: Callable[..., str]) -> VegaLiteSpec:
    """This run's last row beside the authors' row for the same μ."""
    mu = f"{summary.mu:g}"
    series = {tr("positions.series.ours", mu=mu): summary.profile, tr("positions.series.paper", mu=mu): summary.paper}
    return row_chart(series, tr("positions.paper.chart", mu=mu), tr)


# ------------------------------------------------------------------------------------------- comparison, reproduction


def positions_numbers(ckpt: Checkpoint) -> dict[str, float] | None:
    """What two runs' positions are compared by (read off the weights: exact): the PCA's share and winding unless
    the encodings are round-off, the last row's R² (and ω where the row is claimed a cosine); None where the page does
    not apply."""
    if positions_reason(ckpt) is not None:
        return None
    view = positional_view(ckpt)
    numbers = {}
    if not view.flat:
        numbers |= {"compare.positions.pca_share": view.winding.share, "compare.positions.turns": view.winding.turns}
    if view.fit is not None and not view.profile_flat:
        numbers["compare.positions.r2"] = view.fit.r2
        if view.shape_verdict.good:  # ω is a measurement only where the shape test claims a cosine
            numbers["compare.positions.omega"] = view.fit.omega
    return numbers


def positions_reproduce(ckpt: Checkpoint) -> str:
    """The lines that recompute the Positional-encodings page's numbers."""
    return snippet(ckpt, ["from icar_core.views.positions import positional_view"], [
        "view = positional_view(run)",
        "print(view.verdict)  # the page's verdict: its text key and the numbers that fill it",
        "print(view.pca.explained_variance_ratio, view.winding)  # the PCA cards and the winding of its path",
        "print(view.fit)  # the last row's cosine fit (amplitude, omega, phase, R²), None without a matrix P",
    ])
