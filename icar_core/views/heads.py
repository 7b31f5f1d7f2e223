"""The Heads and Head-orthogonality pages: per-head weight matrices, their labels, and the numbers the
pages print, as plain functions of a :class:`~icar_core.checkpoints.Checkpoint` (no Streamlit).

Every label that is UI text is returned as a *key* (e.g. ``"axis.token"``) for the page to translate;
coordinate labels such as ``sₜ[2]`` or ``head 3`` are mathematics and stay as they are.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from icar_core.analysis import commuting_part
from icar_core.checkpoints import Checkpoint
from icar_core.errors import NotApplicableError
from icar_core.findings import FINDINGS, Verdict, verdict
from icar_core.structure import (
    CircuitStructure,
    HeadOrthogonality,
    circuit_structure,
    diagonal_circuit,
    head_matrices,
    head_orthogonality,
    plane_swap,
    scaled_identity_fit,
    token_block_labels,
)
from icar_core.theory import state_scale
from icar_core.views import REFERENCE_DIR, Card
from icar_core.views.paper import run_case
from icar_core.views.reproduce import snippet
from icar_core.views.training import closed_form_objective

# Readable names of the augmented token blocks of structure.token_block_labels.
BLOCK_NAMES = {"0": "0", "s_t": "sₜ", "s_{t-1}": "sₜ₋₁"}
# A block run's layer "is one GD step" when, summed over the heads, V·KᵀQ is c·I to within this relative
# error AND every head's value block V and key-query block KᵀQ commute with the W family to within
# COMMUTATOR_MAX (then Σ_h V_h G K_hᵀQ_h = G · Σ_h V_h K_hᵀQ_h = c·G for the context sum G).
PRECONDITIONER_ERROR_MAX = 0.05
COMMUTATOR_MAX = 0.05
# Matrices shown first in the selector: the circuits, then the raw weights, then the blocks.
MATRIX_ORDER = ("W_QK", "W_OV", "W_Q", "W_K", "W_V", "preconditioner", "Q_blk", "K_blk", "V_blk")


@dataclass(frozen=True)
class HeadMatrix:
    """One per-head matrix: ``values`` (H, rows, cols) with its tick labels.

    row_axis / col_axis: locale keys (``heads.axis.*``) of the axis names; row_blocks / col_blocks: the
    tick labels where a new token block starts (boundaries to draw; empty for plain tokens).
    """

    name: str
    values: np.ndarray
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    row_axis: str
    col_axis: str
    row_blocks: tuple[str, ...] = ()
    col_blocks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Strongest:
    """The head circuit with the largest Frobenius norm: ``circuit`` name, ``head`` (0-based), its ``norm``
    and its ``share`` of the summed norms of that circuit over all heads."""

    circuit: str
    head: int
    norm: float
    share: float


@dataclass(frozen=True)
class HeadsView:
    """Everything the Heads page shows.

    head_type: ``augmented`` | ``full`` | ``diagonal``; matrices: name -> :class:`HeadMatrix` (full and
    augmented heads, in :data:`MATRIX_ORDER`); A, B (H, m) and C = Bᵀ A (m, m) for diagonal heads;
    coordinate_labels: the m coordinates of a diagonal head;
    preconditioner_fit: ``(c, rel_error)`` of the nearest c·I to each head's preconditioner (block runs).
    """

    head_type: str
    n_heads: int
    strongest: Strongest
    matrices: dict[str, HeadMatrix]
    A: np.ndarray | None = None
    B: np.ndarray | None = None
    C: np.ndarray | None = None
    coordinate_labels: tuple[str, ...] = ()
    preconditioner_fit: tuple[tuple[float, float], ...] = ()


def head_type(ckpt: Checkpoint) -> str:
    """``augmented`` | ``full`` | ``diagonal`` | ``pe_only`` (no heads): the model's head type."""
    return ckpt.model.head_type or "pe_only"


def head_labels(n: int, word: str = "head") -> tuple[str, ...]:
    """Tick labels of H heads, 1-based: ``head 1 … head H`` (``word`` in the UI language)."""
    return tuple(f"{word} {h + 1}" for h in range(n))


def coordinate_labels(n: int, complex_field: bool = False) -> tuple[str, ...]:
    """``1 … n``: coordinates are numbered from 1 on every page (for a complex field each is a pair of real
    coordinates; the axis title says which)."""
    return tuple(str(j + 1) for j in range(n))


def _token_labels(ckpt: Checkpoint) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Tick labels of the 3d coordinates of an augmented token and the first label of each block."""
    labels, starts = [], []
    for name, part in token_block_labels(ckpt.model).items():
        block = [f"{BLOCK_NAMES.get(name, name)}[{i + 1}]" for i in range(part.stop - part.start)]
        starts.append(block[0])
        labels += block
    return tuple(labels), tuple(starts[1:])


def _matrices(ckpt: Checkpoint, raw: dict[str, np.ndarray]) -> dict[str, HeadMatrix]:
    d = ckpt.process.d
    plain = coordinate_labels(d)
    if head_type(ckpt) == "augmented":
        tokens, starts = _token_labels(ckpt)
        out_labels = tuple(f"ŝ[{i + 1}]" for i in range(d))
        layout = {
            "W_Q": (tokens, tokens, "heads.axis.query_coordinate", "heads.axis.token", starts, starts),
            "W_K": (tokens, tokens, "heads.axis.key_coordinate", "heads.axis.token", starts, starts),
            "W_V": (tokens, tokens, "heads.axis.value", "heads.axis.token", starts, starts),
            "W_QK": (tokens, tokens, "heads.axis.query_token", "heads.axis.key_token", starts, starts),
            "W_OV": (out_labels, tokens, "heads.axis.prediction", "heads.axis.token", (), starts),
            "Q_blk": (plain, tuple(f"sₜ[{i + 1}]" for i in range(d)), "heads.axis.query_coordinate",
                      "heads.axis.token", (), ()),
            "K_blk": (plain, tuple(f"sₜ₋₁[{i + 1}]" for i in range(d)), "heads.axis.key_coordinate",
                      "heads.axis.token", (), ()),
            "V_blk": (out_labels, tuple(f"sₜ[{i + 1}]" for i in range(d)), "heads.axis.prediction",
                      "heads.axis.token", (), ()),
            "preconditioner": (plain, plain, "heads.axis.coordinate", "heads.axis.coordinate", (), ()),
        }
    else:
        plain = coordinate_labels(next(iter(raw.values())).shape[-1])  # d, or an embedding width E
        layout = {
            "W_Q": (plain, plain, "heads.axis.query_coordinate", "heads.axis.state", (), ()),
            "W_K": (plain, plain, "heads.axis.key_coordinate", "heads.axis.state", (), ()),
            "W_V": (plain, plain, "heads.axis.prediction", "heads.axis.state", (), ()),
            "W_QK": (plain, plain, "heads.axis.query_state", "heads.axis.key_state", (), ()),
            "W_OV": (plain, plain, "heads.axis.prediction", "heads.axis.state", (), ()),
        }
    return {name: HeadMatrix(name, raw[name], *layout[name]) for name in MATRIX_ORDER if name in raw}


def strongest_circuit(circuits: dict[str, np.ndarray]) -> Strongest:
    """The (circuit, head) with the largest Frobenius norm among ``circuits`` (name -> (H, …) arrays)."""
    best = None
    for name, values in circuits.items():
        norms = np.linalg.norm(values.reshape(values.shape[0], -1), axis=1)
        head = int(np.argmax(norms))
        total = float(norms.sum())
        candidate = Strongest(name, head, float(norms[head]), float(norms[head] / total) if total > 0 else 0.0)
        if best is None or candidate.norm > best.norm:
            best = candidate
    return best


def heads_view(ckpt: Checkpoint) -> HeadsView:
    """Per-head matrices of ``ckpt`` and its strongest circuit; NotApplicableError for PE-only runs."""
    raw = head_matrices(ckpt.model)  # raises NotApplicableError for PE-only runs
    kind = head_type(ckpt)
    H = ckpt.config.model.n_heads
    if kind == "diagonal":
        A, B = raw["A"], raw["B"]
        # Head h's circuit is the rank-one map b_h a_hᵀ: its Frobenius norm is |a_h|·|b_h|.
        outer = np.einsum("hi,hj->hij", B, A)
        return HeadsView(kind, H, strongest_circuit({"b_h a_hᵀ": outer}), {}, A=A, B=B,
                         C=diagonal_circuit((A, B)),
                         coordinate_labels=coordinate_labels(A.shape[1], ckpt.config.model.field == "complex"))
    matrices = _matrices(ckpt, raw)
    fits = tuple(scaled_identity_fit(p) for p in raw["preconditioner"]) if "preconditioner" in raw else ()
    return HeadsView(kind, H, strongest_circuit({k: raw[k] for k in ("W_QK", "W_OV")}),
                     matrices, preconditioner_fit=fits)


# ------------------------------------------------------------------------------------------- orthogonality


def orthogonality_reason(ckpt: Checkpoint) -> str | None:
    """Why head orthogonality does not apply to ``ckpt`` (a locale key), or None when it does."""
    model = ckpt.model
    if model.head_type is None:
        return "orth.na.pe_only"
    if model.augmented_tokens:
        return "orth.na.augmented" if model.n_heads < 2 else "orth.na.augmented_heads"
    if model.n_heads < 2:
        return "orth.na.single_head"
    return None


def heads_reason(ckpt: Checkpoint) -> str | None:
    """Why the Heads page does not apply to ``ckpt`` (a locale key), or None when it does."""
    return "heads.na.pe_only" if ckpt.model.head_type is None else None


@dataclass(frozen=True)
class CircuitFit:
    """``C = Bᵀ A`` (m, m), its best structured fit and the residual ``C − fit``; ``structure`` holds both
    candidate fits (c·I and c·(I + S))."""

    C: np.ndarray
    fit: np.ndarray
    residual: np.ndarray
    structure: CircuitStructure

    @property
    def best(self) -> str:
        return self.structure.best


@dataclass(frozen=True)
class OrthogonalityView:
    """Everything the Head-orthogonality page shows: per circuit (``A``/``B`` or ``W_QK``/``W_OV``) the H×H
    cosines, score and worst pair; the mean score over circuits (the verdict's number); the length of each
    circuit's head vectors (``vector_sizes``); ``circuit`` for diagonal heads."""

    circuits: dict[str, HeadOrthogonality]
    score: float
    vector_sizes: dict[str, int]
    circuit: CircuitFit | None
    coordinate_labels: tuple[str, ...] = ()


def circuit_fit(C: np.ndarray) -> CircuitFit:
    """The better of c·I and c·(I + S) for ``C`` and the residual, on the same scale as ``C``."""
    shape = circuit_structure(C)
    n = C.shape[0]
    template = np.eye(n) if shape.best == "scaled_identity" else np.eye(n) + plane_swap(n)
    fit = shape.best_c * template
    return CircuitFit(C=C, fit=fit, residual=C - fit, structure=shape)


def orthogonality_view(ckpt: Checkpoint) -> OrthogonalityView:
    """Cosines between heads (and ``Bᵀ A`` against its best fit for diagonal heads)."""
    if orthogonality_reason(ckpt) is not None:
        raise NotApplicableError("head orthogonality needs a multi-head run with at least two heads")
    circuits = head_orthogonality(ckpt.model)
    score = float(np.mean([s.score for s in circuits.values()]))
    raw = head_matrices(ckpt.model)
    sizes = {name: int(np.prod(raw[name].shape[1:])) for name in circuits}
    if head_type(ckpt) != "diagonal":
        return OrthogonalityView(circuits, score, sizes, None)
    C = diagonal_circuit(ckpt.model)
    return OrthogonalityView(circuits, score, sizes, circuit_fit(C),
                             coordinate_labels(C.shape[0], ckpt.config.model.field == "complex"))


@functools.cache
def paper_head_score(case: str, reference_dir: Path = REFERENCE_DIR) -> float | None:
    """Mean |cosine| between the rows of the authors' ``A`` for ``case`` (``unitary`` | ``orthogonal``),
    or None when their arrays are not there."""
    path = Path(reference_dir) / "paper_tensors" / f"A_{case}.npy"
    if not path.exists():
        return None
    return head_orthogonality(np.load(path).astype(np.float64)).score


def paper_units(ckpt: Checkpoint) -> dict[str, str] | None:
    """For a run optimised on the paper's closed-form objective whose states are scaled against the paper's
    (theory.state_scale ≠ 1: icar's orthogonal sequences have radius 1 per rotation plane, the paper's √2): the
    numbers that explain why its ``C = Bᵀ A`` is ``scale²`` times the paper's — ``scale``, ``factor`` (scale²),
    ``c`` (icar's best-fit c) and ``c_paper`` (c / scale², the number on the Paper-reference page). None for
    every other run."""
    if not closed_form_objective(ckpt):
        return None
    try:
        case = run_case(ckpt)
    except NotApplicableError:
        return None
    scale = state_scale(case)
    if scale == 1:
        return None
    c = circuit_structure(diagonal_circuit(ckpt.model)).best_c
    return {"scale": f"{scale:.3f}", "factor": f"{scale ** 2:.3f}", "c": f"{c:.3f}", "c_paper": f"{c / scale ** 2:.3f}"}


# ------------------------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class BlockStep:
    """Whether a block-structured augmented run's layer is one gradient-descent step, and the numbers behind it.

    The layer's update is Γ = Σ_h V_h G (K_hᵀQ_h) with G = Σ_t c s_t s_{t-1}ᵀ. It equals c·G — one GD step —
    when every V_h and K_hᵀQ_h commute with the W family (then Γ = G · Σ_h V_h K_hᵀQ_h) and the *sum over heads*
    Σ_h V_h K_hᵀQ_h is c·I. total: that sum (d, d); c, rel_error: its nearest c·I; commutator: the largest
    relative non-commuting part of any head's V or KᵀQ (rotation-block family: the part that is not a scaled
    rotation in each plane of the run's basis; other families: the part that is not a multiple of I, the only
    matrices commuting with every orthogonal W); heads: H.
    """

    total: np.ndarray
    c: float
    rel_error: float
    commutator: float
    heads: int

    @property
    def product_ok(self) -> bool:
        return self.rel_error <= PRECONDITIONER_ERROR_MAX

    @property
    def commutes(self) -> bool:
        return self.commutator <= COMMUTATOR_MAX

    @property
    def one_step(self) -> bool:
        return self.product_ok and self.commutes


def _non_commuting(M: np.ndarray, basis: np.ndarray | None) -> float:
    if basis is None:
        return scaled_identity_fit(M)[1]
    return commuting_part(basis.T @ M @ basis)[0]


def block_step(ckpt: Checkpoint) -> BlockStep:
    """:class:`BlockStep` of a block-structured augmented run (NotApplicableError for other runs)."""
    if "preconditioner" not in ckpt.model.circuits():  # only block-structured augmented runs have V·KᵀQ
        raise NotApplicableError("the one-GD-step check of V·KᵀQ needs an augmented run with block structure")
    raw = head_matrices(ckpt.model)
    V = raw["V_blk"]
    KQ = np.transpose(raw["K_blk"], (0, 2, 1)) @ raw["Q_blk"]
    total = raw["preconditioner"].sum(axis=0)
    c, rel_error = scaled_identity_fit(total)
    process = ckpt.process
    basis = process.basis_matrix(torch.float64).numpy() if process.w_dist == "commuting" else None
    commutator = max(_non_commuting(M, basis) for M in (*V, *KQ))
    return BlockStep(total, float(c), float(rel_error), float(commutator), int(V.shape[0]))


def block_verdict_key(step: BlockStep) -> str:
    """``heads.verdict.block`` only when the layer is one GD step (:attr:`BlockStep.one_step`);
    ``heads.verdict.block_bad`` when the summed product is not c·I; ``heads.verdict.block_noncommuting`` when it
    is, but the blocks do not commute with the W family."""
    if step.one_step:
        return "heads.verdict.block"
    return "heads.verdict.block_bad" if not step.product_ok else "heads.verdict.block_noncommuting"


def preconditioner_caption(step: BlockStep, head_fit: tuple[float, float]) -> tuple[str, dict[str, str]]:
    """The caption under one head's V·KᵀQ: that head's c·I fit, and what one GD step needs (the sum over heads
    and the commutation) — ``heads.preconditioner_caption`` when it holds, else ``heads.preconditioner_caption_not``."""
    c, error = head_fit
    values = {"c": f"{c:.3f}", "error": f"{100 * error:.2f}", "heads": str(step.heads),
              "sum_c": f"{step.c:.3f}", "sum_error": f"{100 * step.rel_error:.2f}",
              "commutator": f"{100 * step.commutator:.2f}", "max": f"{100 * PRECONDITIONER_ERROR_MAX:g}"}
    return ("heads.preconditioner_caption" if step.one_step else "heads.preconditioner_caption_not"), values


def heads_verdict(ckpt: Checkpoint) -> Verdict:
    """The Heads page's live verdict: Finding 2's verdict for diagonal multi-head runs; otherwise the number
    of heads and the strongest circuit (and, for block runs, whether the layer is one GD step: the sum over
    heads of V·KᵀQ against c·I, and how far the blocks are from commuting with the W family)."""
    view = heads_view(ckpt)
    if view.head_type == "diagonal" and view.n_heads >= 2:
        return verdict(ckpt, "heads")
    s = view.strongest
    values = {"heads": view.n_heads, "circuit": s.circuit, "head": s.head + 1, "norm": f"{s.norm:.3f}",
              "share": f"{100 * s.share:.0f}"}
    if view.preconditioner_fit:
        step = block_step(ckpt)
        return Verdict(block_verdict_key(step),
                       values | {"c": f"{step.c:.3f}", "error": f"{100 * step.rel_error:.2f}",
                                 "commutator": f"{100 * step.commutator:.2f}",
                                 "max": f"{100 * PRECONDITIONER_ERROR_MAX:g}"}, step.one_step)
    return Verdict("heads.verdict.one" if view.n_heads == 1 else "heads.verdict.many", values, None)


#: How each structure of C is written on the page.
TEMPLATES = {"scaled_identity": "c·I", "rotation_blocks": "c·(I + S)"}


def circuit_cards(fit: CircuitFit, tr: Callable[..., str]) -> list[list[tuple[str, str, None, str | None]]]:
    """The metric cards of C's structure: the best template with its c, its error, the other template's error
    and how decisively the best one wins."""
    shape = fit.structure
    other = "rotation_blocks" if shape.best == "scaled_identity" else "scaled_identity"
    other_error = shape.blocks_rel_error if other == "rotation_blocks" else shape.identity_rel_error
    ratio = "∞" if math.isinf(shape.ratio) else "> 10,000×" if shape.ratio > 1e4 else f"{shape.ratio:,.0f}×"
    return [[(tr("orth.metric.structure"), TEMPLATES[shape.best].replace("c", f"{shape.best_c:.3f}", 1), None,
              tr("orth.metric.structure_help")),
             (tr("orth.metric.error"), f"{100 * shape.best_rel_error:.3f}%", None, tr("orth.metric.error_help")),
             (tr("orth.metric.other_error", template=TEMPLATES[other]), f"{100 * other_error:.1f}%", None, None),
             (tr("orth.metric.ratio"), ratio, None, tr("orth.metric.ratio_help"))]]


def circuit_meaning(fit: CircuitFit, score: float, paper_orthogonal: float | None, tr: Callable[..., str]) -> str:
    """The paragraph saying what C's structure means (nothing, when it is further than the registry's
    ``circuit_error_max`` from both templates)."""
    shape = fit.structure
    if shape.best_rel_error > FINDINGS["heads"].thresholds.circuit_error_max:
        return tr("orth.meaning.none", error=f"{100 * shape.best_rel_error:.1f}")
    values = {"c": f"{shape.best_c:.3f}", "score": f"{score:.3f}"}
    if shape.best == "scaled_identity":
        return tr("orth.meaning.scaled_identity", **values)
    text = tr("orth.meaning.rotation_blocks", **values)
    if paper_orthogonal is not None:
        text += " " + tr("orth.meaning.paper_rotation", paper=f"{paper_orthogonal:.2f}")
    return text


# ------------------------------------------------------------------------------------------- comparison, reproduction


def heads_cards(view: HeadsView, tr: Callable[..., str]) -> list[list[Card]]:
    """The Heads page's cards: how many heads, the strongest circuit, its norm and its share of the norms."""
    s = view.strongest
    head = head_labels(view.n_heads, tr("heads.head_word"))[s.head]
    return [[(tr("heads.metric.heads"), str(view.n_heads), None, None),
             (tr("heads.metric.strongest"), head, tr("heads.delta.circuit", circuit=s.circuit),
              tr("heads.metric.strongest_help")),
             (tr("heads.metric.norm"), f"{s.norm:.3f}", None, tr("heads.metric.norm_help")),
             (tr("heads.metric.share"), f"{100 * s.share:.0f}%", None, tr("heads.metric.share_help"))]]


def heads_numbers(ckpt: Checkpoint) -> dict[str, float] | None:
    """What two runs' heads are compared by (read off the weights: exact); None for a run without heads."""
    if heads_reason(ckpt) is not None:
        return None
    view = heads_view(ckpt)
    numbers = {"compare.heads.n_heads": float(view.n_heads), "compare.heads.norm": view.strongest.norm,
               "compare.heads.share": view.strongest.share}
    if view.preconditioner_fit:
        numbers["compare.heads.preconditioner"] = view.preconditioner_fit[view.strongest.head][0]
    return numbers


def heads_reproduce(ckpt: Checkpoint) -> str:
    """The lines that recompute the Heads page's numbers."""
    return snippet(ckpt, ["from icar_core.views.heads import heads_view"], [
        "view = heads_view(run)",
        "print(view.n_heads, view.strongest)  # the cards: the strongest circuit (head from 0), its norm and share",
        "print(view.preconditioner_fit)  # block runs: (c, relative error) of each head's nearest c·I",
    ])


def orthogonality_numbers(ckpt: Checkpoint) -> dict[str, float] | None:
    """What two runs' heads are compared by on the orthogonality page: Finding 2's evidence (read off the
    weights: exact); None where it does not apply."""
    if orthogonality_reason(ckpt) is not None:
        return None
    e = FINDINGS["heads"].evidence(ckpt)
    numbers = {"compare.orth.score": e.overlap, "compare.orth.random": e.random_level}
    if e.circuit is not None:
        numbers |= {"compare.orth.c": e.circuit.best_c, "compare.orth.error": e.circuit.best_rel_error}
    return numbers


def orthogonality_reproduce(ckpt: Checkpoint) -> str:
    """The lines that recompute the Head-orthogonality page's numbers."""
    return snippet(ckpt, ["from icar_core.views.heads import orthogonality_view"], [
        "view = orthogonality_view(run)",
        "print(view.score)  # the mean |cosine| between heads, over the circuits",
        "for name, circuit in view.circuits.items():",
        "    print(name, circuit.score, circuit.worst_pair)  # per circuit: its score, most similar pair (from 0)",
        "if view.circuit is not None:  # diagonal heads: C = Bᵀ A against its best c·I or c·(I + S)",
        "    print(view.circuit.best, view.circuit.structure.best_c, view.circuit.structure.best_rel_error)",
    ])
