"""The paper-reference page: icar's reproduction of the paper's Figure 3 next to the authors' own arrays.

Two closed-form problems (DESIGN.md §1): diagonal heads ``A, B (H, d)`` and a positional matrix ``P``
minimised on the paper's objective, for unitary ``W`` (``C = Bᵀ A`` → ``c·I``) and for real rotation
blocks (``C`` → ``c·(I + S)``). icar ships them as the runs ``paper-reference-unitary`` and
``paper-reference-orthogonal``; the authors' arrays are read at run time from
``../shared/reference/paper_tensors/`` (never copied into the project).

``P`` is compared in the *paper's* convention: row ``t = 0..T−2`` uses ``P[t, 0..t+1]``, whose last entry
``p_last`` weighs the newest token and ``p_prev`` the one before it. The objective is unchanged by the
joint sign flip ``A → −A, P → −P`` (``C → −C``), so icar's parameters are shown in the authors' sign when
the two differ; the products ``c·p_last`` and ``c·p_prev`` do not depend on the sign at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import torch

from icar_core.charts.common import heatmap_row
from icar_core.charts.paper import REFERENCE_GREY, curves, heatmap_size, one_based, used_entries_row
from icar_core.charts.vegalite import VegaLiteSpec
from icar_core.checkpoints import Checkpoint
from icar_core.errors import NotApplicableError
from icar_core.structure import circuit_structure, diagonal_circuit, head_orthogonality
from icar_core.theory import PAPER_CASES, model_to_paper_P, paper_objective, state_scale
from icar_core.views import REFERENCE_DIR

#: Where the authors' Figure-3 arrays live: ``paper_tensors`` in the shared reference folder (see its README).
TENSORS_DIR = REFERENCE_DIR / "paper_tensors"
RUN_NAMES = {"unitary": "paper-reference-unitary", "orthogonal": "paper-reference-orthogonal"}
#: The structure of ``C = Bᵀ A`` that the paper's optimum has in each case (names of structure.CircuitStructure).
EXPECTED_STRUCTURE = {"unitary": "scaled_identity", "orthogonal": "rotation_blocks"}

# "Agrees with the authors": same structure, fitted well, same scale and the same weights on the last tokens.
STRUCTURE_ERROR_MAX = 0.05  # relative distance of C to its structure
C_RELATIVE_TOLERANCE = 0.05  # |c − c_authors| / |c_authors|
PRODUCT_TOLERANCE = 0.02  # |c·p − (c·p)_authors| for p_last and p_prev
LOSS_MAX = 1e-4  # the per-row objective both must reach (the optimum is 0)


@dataclass(frozen=True)
class PaperParams:
    """One solution of a closed-form problem in the paper's convention: ``A, B (H, d)``, ``P (T, T)``."""

    A: np.ndarray
    B: np.ndarray
    P: np.ndarray


@dataclass(frozen=True)
class PaperSummary:
    """What the page shows of one solution.

    C (d, d) = ``Bᵀ A``; P_used (T−1, T): rows 0..T−2 of the paper-convention P with the unused entries
    (columns > t+1) set to 0, and ``used`` the boolean mask of the used ones; c, rel_error, structure:
    the best fit of C (structure.circuit_structure); p_last, p_prev: means over rows of ``P[t, t+1]`` and
    ``P[t, t]``; loss: the paper's objective summed over rows / (T−1) (the units of ``train_loss``);
    head_overlap: mean |cosine| between the heads' query-key vectors (rows of A; structure.head_orthogonality),
    which no sign flip or relabelling of the heads changes — A and B themselves are only defined up to a
    rotation of the heads (A → QA, B → QB leaves C), so they are not compared entry by entry.
    """

    C: np.ndarray
    P_used: np.ndarray
    used: np.ndarray
    c: float
    rel_error: float
    structure: str
    p_last: float
    p_prev: float
    loss: float
    A: np.ndarray
    B: np.ndarray
    head_overlap: float

    @property
    def gain_last(self) -> float:
        """``c·p_last``: the weight the whole layer gives the newest token (1 at the unitary optimum)."""
        return self.c * self.p_last

    @property
    def gain_prev(self) -> float:
        """``c·p_prev``: the weight on the token before it (−1/2 at the rotation-block optimum)."""
        return self.c * self.p_prev


@dataclass(frozen=True)
class Reproduction:
    """icar's run of one case against the authors' arrays.

    ours: the run's summary, in the authors' sign when ``flipped``; theirs: None without the arrays;
    history: the run's (step, train_loss); agrees: None without the arrays, else whether every invariant
    matches within the tolerances above; structure_ok: our C has the paper's structure.
    """

    case: str
    run: str
    ours: PaperSummary
    theirs: PaperSummary | None
    flipped: bool
    agrees: bool | None
    structure_ok: bool


def check_case(case: str) -> None:
    if case not in PAPER_CASES:
        raise ValueError(f"case must be one of {', '.join(PAPER_CASES)}; got {case!r}")


def reference_available(folder: str | Path = TENSORS_DIR) -> bool:
    """Whether the authors' arrays for both cases are in ``folder``."""
    folder = Path(folder)
    return all((folder / f"{name}_{case}.npy").is_file() for case in PAPER_CASES for name in "ABP")


def authors_params(case: str, folder: str | Path = TENSORS_DIR) -> PaperParams | None:
    """The authors' optimised ``A, B, P`` for ``case``, read from ``folder``; None when they are not there."""
    check_case(case)
    folder = Path(folder)
    files = [folder / f"{name}_{case}.npy" for name in "ABP"]
    if not all(f.is_file() for f in files):
        return None
    A, B, P = (np.load(f).astype(np.float64) for f in files)
    return PaperParams(A, B, P)


def run_case(ckpt: Checkpoint) -> str:
    """``unitary`` (complex diagonal heads) or ``orthogonal`` (real ones) for a closed-form-shaped run.

    Raises NotApplicableError for runs the paper's Figure 3 does not describe.
    """
    model = ckpt.model
    if model.head_type != "diagonal" or model.positional_matrix() is None or model.first_used_position != 1:
        raise NotApplicableError(
            "the paper's closed-form problem is about diagonal heads with a positional matrix P and the "
            "shifted query; this run is not of that kind")
    return "unitary" if ckpt.config.model.field == "complex" else "orthogonal"


def run_params(ckpt: Checkpoint) -> PaperParams:
    """The run's ``A, B`` and ``P`` in the paper's convention and units.

    ``P`` goes through theory.model_to_paper_P. ``A`` and ``B`` are divided by
    theory.state_scale: icar's sequences have radius 1 in every rotation plane where the
    paper's orthogonal objective assumes √2, so icar's model holds them √2 larger (C twice as large).
    """
    case = run_case(ckpt)
    model = ckpt.model
    scale = state_scale(case)
    A, B = (v.detach().double().numpy() / scale for v in model.diagonal_vectors())
    P = model_to_paper_P(model.positional_encodings().double()).numpy()
    return PaperParams(A, B, P)


def used_mask(T: int) -> np.ndarray:
    """(T−1, T) True on the entries the paper's objective uses: row t, columns 0..t+1."""
    rows, cols = np.arange(T - 1)[:, None], np.arange(T)[None, :]
    return cols <= rows + 1


def summarise(params: PaperParams, case: str) -> PaperSummary:
    """:class:`PaperSummary` of one solution."""
    check_case(case)
    C = diagonal_circuit((params.A, params.B))
    shape = circuit_structure(C)
    T = params.P.shape[-1]
    mask = used_mask(T)
    P_used = np.where(mask, params.P[: T - 1], 0.0)
    A, B, P = (torch.as_tensor(x, dtype=torch.float64) for x in (params.A, params.B, params.P))
    loss = float(paper_objective(case, A, B, P)) / (T - 1)
    return PaperSummary(C=C, P_used=P_used, used=mask, c=shape.best_c,
                        rel_error=shape.best_rel_error, structure=shape.best,
                        p_last=float(np.diagonal(params.P, 1).mean()),
                        p_prev=float(np.diagonal(params.P)[: T - 1].mean()), loss=loss,
                        A=np.asarray(params.A, dtype=np.float64), B=np.asarray(params.B, dtype=np.float64),
                        head_overlap=head_orthogonality(params.A).score)


def flipped(params: PaperParams) -> PaperParams:
    """The joint sign flip ``A → −A, P → −P``: every prediction and the objective are unchanged."""
    return PaperParams(-params.A, params.B, -params.P)


def _agree(ours: PaperSummary, theirs: PaperSummary, case: str) -> bool:
    same_structure = ours.structure == theirs.structure == EXPECTED_STRUCTURE[case]
    return bool(same_structure and ours.rel_error <= STRUCTURE_ERROR_MAX
                and abs(ours.c - theirs.c) <= C_RELATIVE_TOLERANCE * abs(theirs.c)
                and abs(ours.gain_last - theirs.gain_last) <= PRODUCT_TOLERANCE
                and abs(ours.gain_prev - theirs.gain_prev) <= PRODUCT_TOLERANCE
                and ours.loss <= LOSS_MAX and theirs.loss <= LOSS_MAX)


def reproduction(ckpt: Checkpoint, case: str, folder: str = str(TENSORS_DIR)) -> Reproduction:
    """Compare the run ``ckpt`` (a solution of ``case``) with the authors' arrays in ``folder``."""
    actual = run_case(ckpt)
    if actual != case:
        raise NotApplicableError(f"this run solves the {actual} problem, not the {case} one")
    params = run_params(ckpt)
    reference = authors_params(case, folder)
    theirs = None if reference is None else summarise(reference, case)
    ours = summarise(params, case)
    flip = theirs is not None and np.sign(ours.c) != np.sign(theirs.c) and ours.c != 0
    if flip:
        ours = summarise(flipped(params), case)
    structure_ok = ours.structure == EXPECTED_STRUCTURE[case] and ours.rel_error <= STRUCTURE_ERROR_MAX
    agrees = None if theirs is None else _agree(ours, theirs, case)
    return Reproduction(case=case, run=ckpt.name, ours=ours, theirs=theirs, flipped=bool(flip),
                        agrees=agrees, structure_ok=bool(structure_ok))


def authors_summary(case: str, folder: str = str(TENSORS_DIR)) -> PaperSummary | None:
    """The authors' solution alone (when icar's run is missing); None without the arrays."""
    reference = authors_params(case, folder)
    return None if reference is None else summarise(reference, case)


def reference_run(case: str, runs: list[Checkpoint]) -> Checkpoint | None:
    """The loaded run named ``paper-reference-<case>`` that solves ``case``, else None.

    Only those runs were optimised on the paper's closed-form objective; other diagonal runs (trained on
    sampled sequences) are compared with the paper on the head-orthogonality page.
    """
    check_case(case)
    for run in runs:
        if run.name == RUN_NAMES[case]:
            try:
                if run_case(run) == case:
                    return run
            except NotApplicableError:
                continue
    return None


def loss_history(ckpt: Checkpoint) -> np.ndarray:
    """(steps, 2) array of the run's logged ``(step, train_loss)``."""
    return ckpt.history[["step", "train_loss"]].to_numpy(dtype=np.float64)


#: Objectives per row below this are float64 round-off around the exact optimum 0 (each row adds and
#: subtracts terms of size ~d), so they are written "< 1e-12" rather than as digits that mean nothing.
LOSS_RESOLUTION = 1e-12


def format_number(value: float) -> str:
    """Three decimals, with no "−0.000" for values that round to zero."""
    return f"{round(value, 3) + 0.0:.3f}"


def format_loss(loss: float) -> str:
    """A per-row objective for the page: 2 significant digits, or "< 1e-12" at round-off level."""
    return f"< {LOSS_RESOLUTION:.0e}" if abs(loss) < LOSS_RESOLUTION else f"{loss:.2e}"


#: Losses below this are drawn at it on the log-scale loss chart (float64 round-off around an exact zero).
LOSS_FLOOR = 1e-16


def loss_frame(ckpt: Checkpoint, icar_label: str, authors_loss: float | None = None,
               authors_label: str = "") -> pd.DataFrame:
    """The run's logged loss in the paper's units (its objective per row) against step (columns x, y,
    series), floored at :data:`LOSS_FLOOR`, and the authors' final loss as a flat reference line over the
    same steps when ``authors_loss`` is given."""
    history = loss_history(ckpt)
    # train_loss is in the units of icar's prediction_loss; × scale² brings it back to the paper's objective.
    steps = history[:, 0]
    losses = np.maximum(history[:, 1] * state_scale(run_case(ckpt)) ** 2, LOSS_FLOOR)
    parts = [pd.DataFrame({"x": steps, "y": losses, "series": icar_label})]
    if authors_loss is not None:
        parts.append(pd.DataFrame({"x": steps[[0, -1]], "y": max(authors_loss, LOSS_FLOOR), "series": authors_label}))
    return pd.concat(parts, ignore_index=True)


def case_sentence(case: str, rep: Reproduction | None, tr: Callable[..., str]) -> str:
    """One case's part of the page verdict, in the language of ``tr`` (``tr(key, **values)``)."""
    name = tr(f"paper.case.{case}")
    if rep is None:
        return tr("paper.verdict.case_missing", case=name)
    ours, theirs = rep.ours, rep.theirs
    shape = tr(f"paper.shape.{ours.structure}")
    if theirs is None:
        return tr("paper.verdict.case_alone", case=name, c=f"{ours.c:.2f}", shape=shape,
                  error=f"{100 * ours.rel_error:.2f}", loss=format_loss(ours.loss))
    return tr("paper.verdict.case", case=name, c=f"{ours.c:.2f}", shape=shape, c_theirs=f"{theirs.c:.2f}",
              loss=format_loss(ours.loss), loss_theirs=format_loss(theirs.loss))


def page_verdict(reps: dict[str, Reproduction | None], tr: Callable[..., str],
                 reference: bool = True) -> tuple[str, bool | None]:
    """The page's live verdict over both cases and whether it is good (None: nothing to judge).

    ``reference``: whether the authors' arrays are available (without them and without runs there is nothing
    at all to show). The cases are joined with the language's separator (``paper.verdict.sep``)."""
    present = [rep for rep in reps.values() if rep is not None]
    if not present:
        return tr("paper.verdict.no_runs" if reference else "paper.verdict.nothing"), None
    cases = tr("paper.verdict.sep").join(case_sentence(case, rep, tr) for case, rep in reps.items())
    complete = len(present) == len(reps)
    if any(rep.theirs is None for rep in present):
        return tr("paper.verdict.alone", cases=cases), complete and all(rep.structure_ok for rep in present)
    if not complete:
        return tr("paper.verdict.partial", cases=cases), False
    good = all(rep.agrees for rep in present)
    return tr("paper.verdict.agree" if good else "paper.verdict.disagree", cases=cases), good


# ---------------------------------------------------------------- what the page draws for one case

#: The page's main metrics (PaperSummary attributes), shown in rows of three; the heads' overlap is shown apart.
METRICS = ("c", "p_last", "p_prev", "gain_last", "gain_prev", "loss")


def metric_cards(ours: PaperSummary | None, theirs: PaperSummary | None, tr: Callable[..., str],
                 names: tuple[str, ...] = METRICS) -> list[tuple[str, str, str | None, str]]:
    """Each metric as (label, icar's value or the authors' alone, the authors' value beside it, tooltip)."""
    main = ours or theirs
    shape = tr(f"paper.shape.{main.structure}")
    rows = []
    for name in names:
        fmt = format_loss if name == "loss" else format_number
        mine, authors = (None if s is None else getattr(s, name) for s in (ours, theirs))
        label = tr(f"paper.metric.{name}", shape=shape) if name == "c" else tr(f"paper.metric.{name}")
        if mine is None:
            value, delta = fmt(authors), tr("paper.delta.only_authors")
        else:
            value, delta = fmt(mine), None if authors is None else tr("paper.delta.authors", theirs=fmt(authors))
        rows.append((label, value, delta, tr(f"paper.metric.{name}_help")))
    return rows


def panels(ours: PaperSummary | None, theirs: PaperSummary | None, tr: Callable[..., str]) -> dict[str, PaperSummary]:
    """The summaries to draw side by side, by translated panel title (icar's first)."""
    return {label: s for label, s in ((tr("paper.panel.icar"), ours), (tr("paper.panel.authors"), theirs))
            if s is not None}


def circuit_chart(shown: dict[str, PaperSummary], tr: Callable[..., str]) -> VegaLiteSpec:
    coords = one_based(len(next(iter(shown.values())).C))
    return heatmap_row({label: s.C for label, s in shown.items()}, title=tr("paper.chart.C"), row_labels=coords,
                       col_labels=coords, x_title=tr("paper.axis.read"), y_title=tr("paper.axis.written"),
                       value_title=tr("paper.axis.value"), size=heatmap_size(len(coords), minimum=260))


def positional_chart(shown: dict[str, PaperSummary], tr: Callable[..., str]) -> VegaLiteSpec:
    main = next(iter(shown.values()))
    T = main.P_used.shape[1]
    return used_entries_row({label: s.P_used for label, s in shown.items()}, main.used,
                            title=[tr("paper.chart.P"), tr("paper.chart.P2")], x_title=tr("paper.axis.token"),
                            y_title=tr("paper.axis.row"), value_title=tr("paper.axis.value"),
                            col_labels=[str(j) for j in range(T)], row_labels=[str(i) for i in range(T - 1)],
                            size=heatmap_size(T, minimum=300))


def heads_chart(shown: dict[str, PaperSummary], tr: Callable[..., str]) -> VegaLiteSpec:
    """Each solution's head vectors A and B as heatmaps (heads × coordinates)."""
    vectors = {}
    for label, s in shown.items():
        vectors[tr("paper.panel.vector", vector="A", who=label)] = s.A
        vectors[tr("paper.panel.vector", vector="B", who=label)] = s.B
    H, m = next(iter(shown.values())).A.shape
    return heatmap_row(vectors, title=tr("paper.chart.heads"), x_title=tr("paper.axis.coordinate"),
                       y_title=tr("paper.axis.head"), value_title=tr("paper.axis.value"), row_labels=one_based(H),
                       col_labels=one_based(m), size=heatmap_size(max(H, m), 150))


def loss_chart(frame: pd.DataFrame, tr: Callable[..., str]) -> alt.TopLevelMixin:
    """:func:`loss_frame`'s curves: icar's training loss and the authors' final loss as a dashed grey line."""
    icar_label, authors_label = tr("paper.series.icar"), tr("paper.series.authors")
    return curves(frame, tr("paper.chart.loss"), x_title=tr("paper.axis.step"), y_title=tr("paper.axis.loss"),
                  log_y=True, order=[icar_label, authors_label], colors={authors_label: REFERENCE_GREY},
                  dashed=[authors_label])


def fit_caption(ours: PaperSummary | None, theirs: PaperSummary | None, case: str, tr: Callable[..., str]) -> str:
    """How well C fits its structure, icar's and (where both are here) the authors'."""
    main = ours or theirs
    fit_theirs = "" if ours is None or theirs is None else tr(
        "paper.fit_theirs", c=f"{theirs.c:.3f}", shape=tr(f"paper.shape.{theirs.structure}"),
        error=f"{100 * theirs.rel_error:.2f}")
    return tr("paper.fit", c=f"{main.c:.3f}", shape=tr(f"paper.shape.{main.structure}"),
              error=f"{100 * main.rel_error:.2f}", theirs=fit_theirs, expected=tr(f"paper.expected.{case}"))
