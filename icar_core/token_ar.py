"""Figure 4 on real token embeddings: do windows of natural text look like an AR(1) process?

The authors (``validation_token_encoding.py``) embed short windows of natural text with GPT-2's
token table, normalise every token to unit norm, fit ``s_{t+1} = A s_t`` to each window by least
squares, roll the fit out from ``s_0`` and compare the mean squared error of original windows with
windows whose tokens were shuffled across the corpus. GPT-2 cannot be downloaded here, so this uses
**WordLlama's** token table (``l2_supercat_256``: 32,000 Llama-2 tokens in 256 dimensions, shipped in
the ``wordllama`` wheel) and the English prose of CPython's ``pydoc_data.topics``.

What the test can measure: with ``L − 1`` transitions in k dimensions, ``A`` has k² free entries, so
when ``L − 1 ≤ k`` an *exact* fit exists whenever the window's first ``L − 1`` tokens are linearly
independent — every such window has error 0, whatever the text. (The authors' histogram drops errors
≤ 1e-12, i.e. it shows only the windows that cannot be fitted exactly.) So this module reports how many
windows are exact, whether a repeated token is what prevents it, and repeats the comparison where the
fit is over-determined: longer windows on a PCA-reduced embedding (k ≪ L).
"""

from __future__ import annotations

import importlib.util
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from icar_core.stats import Estimate, bootstrap, two_sample_bootstrap

AUTHORS_WINDOW = 5  # tokens per window in the paper's Figure 4
AUTHORS_WINDOWS = 10_000
OVERDETERMINED_WINDOW = 25  # 24 transitions ...
OVERDETERMINED_DIM = 12  # ... in 12 PCA dimensions: twice as many equations as unknowns in each row of A
EXACT_RELATIVE = 1e-8
GRAM_RTOL = 1e-20  # relative one-step residual below which a fit is exact (float64 round-off)
SHUFFLE_SEED = 0
BOOTSTRAP_DRAWS = 500  # 10,000-sample medians: 1,000 draws would double the run time for little
# Verdict thresholds on the upper 95% bound of the over-determined test's ratio (median one-step residual
# of original / shuffled windows): below CLEAR_RATIO the text is far more AR-like than shuffled tokens,
# below WEAK_RATIO clearly more, below 1 detectably but negligibly more.
CLEAR_RATIO = 0.5
WEAK_RATIO = 0.9
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_MIN_WORDS = 8
_PROSE_SHARE = 0.9  # share of letters, spaces and common punctuation in a paragraph kept as prose

# The verdicts :func:`verdict_of` gives; their sentences are UI strings (``tokens.verdict.<key>``).
VERDICT_KEYS = ("holds", "holds_weakly", "negligible", "not_supported")


@dataclass(frozen=True)
class WindowTest:
    """One original-vs-shuffled comparison: windows of ``window`` tokens in ``dim`` dimensions.

    rollout_mse_original, rollout_mse_shuffled: (N,) the authors' error — mean squared difference of
    the roll-out ``A^t s_0`` from the window; residual_*: (N,) relative one-step least-squares residual
    ``||X Aᵀ − Y|| / ||Y||``; exact_*: share of windows fitted exactly; ratio: median roll-out error of the
    windows not fitted exactly, original / shuffled, with its interval (:func:`_inexact_ratio`); residual_ratio:
    median one-step residual original / shuffled over all windows.
    """

    window: int
    dim: int
    rollout_mse_original: np.ndarray
    rollout_mse_shuffled: np.ndarray
    residual_original: np.ndarray
    residual_shuffled: np.ndarray
    exact_original: Estimate
    exact_shuffled: Estimate
    ratio: Estimate
    residual_ratio: Estimate


@dataclass(frozen=True)
class TokenARResult:
    """Figure 4 on WordLlama embeddings of CPython's documentation prose.

    authors: the paper's test (windows of 5 in 256 dimensions); overdetermined: long windows in a
    PCA-reduced embedding; repeat_*: share of windows whose first L−1 tokens repeat a token (original,
    shuffled); inexact_with_repeat: share of the not-exactly-fitted original windows that have a
    repeat; verdict: one of :data:`VERDICT_KEYS`.
    """

    authors: WindowTest
    overdetermined: WindowTest
    repeat_original: Estimate
    repeat_shuffled: Estimate
    inexact_with_repeat: float
    inexact_mse_original: Estimate
    inexact_mse_shuffled: Estimate
    n_tokens: int
    verdict: str
    source: str = field(default="WordLlama l2_supercat_256 token embeddings (not GPT-2's), pydoc_data.topics")


@lru_cache(maxsize=1)
def _wordllama_dir() -> Path:
    """The installed wordllama package's folder, found without importing it (its import takes ~0.7 s)."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:  # a dependency in requirements.txt: say so
        raise RuntimeError("the Figure 4 analysis needs the 'wordllama' package (pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations)))


def input_files() -> list[Path]:
    """The files :func:`token_ar_test` reads: WordLlama's table and tokenizer, and pydoc_data's topics."""
    from pydoc_data import topics

    return [_wordllama_dir() / _WEIGHTS, _wordllama_dir() / _TOKENIZER, Path(topics.__file__)]


@lru_cache(maxsize=1)
def token_table() -> torch.Tensor:
    """WordLlama's token embeddings (32000, 256), float64, each row scaled to unit norm as the authors do."""
    from safetensors.torch import load_file

    table = load_file(str(_wordllama_dir() / _WEIGHTS))["embedding.weight"].double()
    return table / table.norm(dim=-1, keepdim=True).clamp_min(1e-12)


def prose_sentences() -> list[str]:
    """Sentences of the English prose in ``pydoc_data.topics`` (paragraphs that are not code or tables)."""
    from pydoc_data.topics import topics

    sentences = []
    for text in (topics[k] for k in sorted(topics)):
        for paragraph in re.split(r"\n\s*\n", text):
            flat = " ".join(paragraph.split())
            if len(flat.split()) < _MIN_WORDS or flat.startswith((">>>", "...")):
                continue
            if sum(c.isalpha() or c in " .,;:'\"()-" for c in flat) < _PROSE_SHARE * len(flat):
                continue
            sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", flat) if s)
    return sentences


@lru_cache(maxsize=1)
def corpus_token_ids() -> np.ndarray:
    """Token ids of the prose, sentence after sentence (no special tokens), as one stream."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_wordllama_dir() / _TOKENIZER))
    encodings = tokenizer.encode_batch(prose_sentences(), add_special_tokens=False)
    ids = np.concatenate([np.asarray(e.ids, dtype=np.int64) for e in encodings])
    ids.setflags(write=False)
    return ids


def windows_of(ids: np.ndarray, window: int, count: int) -> np.ndarray:
    """Consecutive non-overlapping windows (count, window) of the stream, as the authors cut theirs."""
    usable = min(count, len(ids) // window)
    return ids[: usable * window].reshape(usable, window)


def shuffled(windows: np.ndarray, seed: int = SHUFFLE_SEED) -> np.ndarray:
    """The same tokens permuted across all windows (the authors' control)."""
    flat = windows.reshape(-1)
    return flat[np.random.default_rng(seed).permutation(len(flat))].reshape(windows.shape)


def ar_fit(sequences: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Least-squares AR(1) fit of each window, rolled out from its first token.

    ``sequences`` (N, L, k). ``A`` is the minimum-norm solution of ``min ||X Aᵀ − Y||`` with
    ``X = s_0 … s_{L-2}``, ``Y = s_1 … s_{L-1}`` (what ``torch.linalg.lstsq`` returns); it is never
    formed: ``A v = Yᵀ (X⁺)ᵀ v`` costs O(Lk) per step instead of k² per window.
    Returns (rollout_mse (N,), relative one-step residual (N,)).
    """
    X, Y = sequences[:, :-1], sequences[:, 1:]
    X_pinv_T = pseudo_inverse(X).transpose(-1, -2)  # (N, L−1, k)
    fitted = (X @ X_pinv_T.transpose(-1, -2)) @ Y  # X Aᵀ = (X X⁺) Y; X⁺ Y first would be (N, k, k)
    residual = (fitted - Y).flatten(1).norm(dim=1) / Y.flatten(1).norm(dim=1)
    if X.shape[-1] <= X.shape[-2]:  # over-determined: A (N, k, k) is small, form it
        A = (X_pinv_T.transpose(-1, -2) @ Y).transpose(-1, -2)
        step = lambda v: (A @ v[..., None])[..., 0]  # noqa: E731
    else:  # A v = Yᵀ (X⁺ᵀ v): never the (N, k, k) matrix
        step = lambda v: (Y.transpose(-1, -2) @ (X_pinv_T @ v[..., None]))[..., 0]  # noqa: E731
    rollout = [sequences[:, 0]]
    for _ in range(sequences.shape[1] - 1):
        rollout.append(step(rollout[-1]))
    mse = (torch.stack(rollout, dim=1) - sequences).pow(2).mean(dim=(1, 2))
    return mse, residual


def pseudo_inverse(X: torch.Tensor) -> torch.Tensor:
    """``X⁺`` (N, k, m) of a batch ``X`` (N, m, k) through the smaller Gram matrix: ``Xᵀ (X Xᵀ)⁺`` when
    m ≤ k, ``(XᵀX)⁺ Xᵀ`` otherwise. A batched SVD of 10,000 4×256 matrices takes ~40 s here; the 4×4
    Gram matrices take milliseconds. Singular values below √GRAM_RTOL of the largest count as zero
    (a repeated token makes one exactly zero)."""
    if X.shape[-2] <= X.shape[-1]:
        gram = X @ X.transpose(-1, -2)
        return X.transpose(-1, -2) @ torch.linalg.pinv(gram, rtol=GRAM_RTOL, hermitian=True)
    gram = X.transpose(-1, -2) @ X
    return torch.linalg.pinv(gram, rtol=GRAM_RTOL, hermitian=True) @ X.transpose(-1, -2)


def _has_repeat(windows: np.ndarray) -> np.ndarray:
    """Whether the first L−1 tokens of each window (the fit's inputs) repeat a token."""
    inputs = np.sort(windows[:, :-1], axis=1)
    return (np.diff(inputs, axis=1) == 0).any(axis=1)


def _median_ratio(pairs: np.ndarray) -> np.ndarray:
    """Median of column 0 / median of column 1, over the second-to-last axis (batched draws too)."""
    return np.median(pairs[..., 0], axis=-1) / np.maximum(np.median(pairs[..., 1], axis=-1), 1e-300)


def _median(values: np.ndarray) -> np.ndarray:
    return np.median(values, axis=-1)


def _share(flags: np.ndarray, seed: int) -> Estimate:
    return bootstrap(flags.astype(float), lambda a: a.mean(axis=-1), batched=True, seed=seed, resamples=BOOTSTRAP_DRAWS)


def _ratio(original: np.ndarray, mixed: np.ndarray, seed: int) -> Estimate:
    return bootstrap(np.stack([original, mixed], axis=1), _median_ratio, batched=True, seed=seed,
                     resamples=BOOTSTRAP_DRAWS)


def _inexact_ratio(mse_original: np.ndarray, residual_original: np.ndarray, mse_mixed: np.ndarray,
                   residual_mixed: np.ndarray, seed: int) -> Estimate:
    """Median roll-out error of the original windows not fitted exactly over that of the shuffled ones: an exact
    fit's error is round-off (~1e-31), so a median over all windows, most of them exact, compares rounding noise
    (the authors' histogram leaves out errors ≤ 1e-12 for the same reason). NaN when either side has < 2 windows."""
    a, b = mse_original[residual_original >= EXACT_RELATIVE], mse_mixed[residual_mixed >= EXACT_RELATIVE]
    if min(len(a), len(b)) < 2:
        return Estimate(math.nan, math.nan, math.nan, len(a) + len(b))
    return two_sample_bootstrap(a, b, lambda x, y: np.median(x, axis=-1) / np.median(y, axis=-1), seed=seed,
                                resamples=BOOTSTRAP_DRAWS)


def window_test(embed: torch.Tensor, windows: np.ndarray, seed: int = SHUFFLE_SEED) -> WindowTest:
    """Fit original and shuffled windows of token ids embedded by ``embed`` (vocab, k)."""
    mixed = shuffled(windows, seed)
    mse_o, res_o = (t.numpy() for t in ar_fit(embed[torch.from_numpy(windows.copy())]))
    mse_s, res_s = (t.numpy() for t in ar_fit(embed[torch.from_numpy(mixed)]))
    return WindowTest(
        window=windows.shape[1], dim=embed.shape[1],
        rollout_mse_original=mse_o, rollout_mse_shuffled=mse_s, residual_original=res_o, residual_shuffled=res_s,
        exact_original=_share(res_o < EXACT_RELATIVE, seed),
        exact_shuffled=_share(res_s < EXACT_RELATIVE, seed),
        ratio=_inexact_ratio(mse_o, res_o, mse_s, res_s, seed),
        residual_ratio=_ratio(res_o, res_s, seed),
    )


@lru_cache(maxsize=4)
def pca_embedding(dim: int) -> torch.Tensor:
    """WordLlama's table projected on the top ``dim`` principal directions of the corpus's tokens, rows
    re-normalised to unit norm (so errors are on the scale of the 256-d test). (vocab, dim)."""
    table, ids = token_table(), corpus_token_ids()
    # The corpus's covariance from each distinct token's count: the same sums as over every token of the
    # stream, with ~10x fewer rows (its eigenvectors are an SVD's directions, in a fraction of the time).
    vocabulary, counts = np.unique(ids, return_counts=True)
    rows = table[torch.from_numpy(vocabulary)]
    weights = torch.from_numpy(counts).to(rows.dtype)[:, None]
    mean = (weights * rows).sum(0) / len(ids)
    centred = rows - mean
    _, vectors = torch.linalg.eigh(centred.T @ (weights * centred))
    reduced = (table - mean) @ vectors[:, -dim:].flip(-1)
    return reduced / reduced.norm(dim=-1, keepdim=True).clamp_min(1e-12)


def verdict_of(overdetermined: WindowTest) -> str:
    high = overdetermined.residual_ratio.high
    if high >= 1.0:
        return "not_supported"
    return "holds" if high < CLEAR_RATIO else "holds_weakly" if high < WEAK_RATIO else "negligible"


def token_ar_test(n_windows: int = AUTHORS_WINDOWS, window: int = AUTHORS_WINDOW,
                  long_window: int = OVERDETERMINED_WINDOW, reduced_dim: int = OVERDETERMINED_DIM,
                  seed: int = SHUFFLE_SEED) -> TokenARResult:
    """Run the authors' test and its over-determined counterpart (see the module docstring)."""
    table, ids = token_table(), corpus_token_ids()
    short = windows_of(ids, window, n_windows)
    authors = window_test(table, short, seed)
    long = windows_of(ids, long_window, n_windows)
    overdetermined = window_test(pca_embedding(reduced_dim), long, seed)
    repeat_o, repeat_s = _has_repeat(short), _has_repeat(shuffled(short, seed))
    inexact = authors.residual_original >= EXACT_RELATIVE
    inexact_mixed = authors.residual_shuffled >= EXACT_RELATIVE
    return TokenARResult(
        authors=authors, overdetermined=overdetermined,
        repeat_original=_share(repeat_o, seed),
        repeat_shuffled=_share(repeat_s, seed),
        inexact_with_repeat=float(repeat_o[inexact].mean()) if inexact.any() else float("nan"),
        inexact_mse_original=bootstrap(authors.rollout_mse_original[inexact], _median, batched=True, seed=seed),
        inexact_mse_shuffled=bootstrap(authors.rollout_mse_shuffled[inexact_mixed], _median, batched=True, seed=seed),
        n_tokens=len(ids), verdict=verdict_of(overdetermined),
    )
