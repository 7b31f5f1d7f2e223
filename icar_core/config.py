"""The configuration of a training run: the process, the model and the optimisation, as plain data."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import torch

from icar_core.data import MAX_SEED, ARProcess
from icar_core.models import ModelConfig, parameter_count
from icar_core.validation import check_choice, check_int, check_number, clip, quote

MAX_TRAIN_SET = 2**20
DTYPES = {"float32": torch.float32, "float64": torch.float64}
MAX_NAME_CHARS = 100
# Upper bounds of a run: far above the shipped runs, low enough that neither a crafted checkpoint nor
# a typo on the command line makes icar allocate or loop without end.
MAX_STEPS = 10_000_000
MAX_BATCH_SIZE = 65_536
MAX_SNAPSHOTS = 500
MAX_PARAMETERS = 5_000_000
# Training allocates about this many numbers per step (attention patterns and token second moments
# of every context in a batch, see workload_elements): 50 M float32 is ~0.2 GB, ~1 GB with autograd.
MAX_TRAINING_ELEMENTS = 50_000_000
# The plateau rule (TrainConfig.plateau_patience / plateau_tol): evaluations to wait, and the relative
# improvement of the best held-out loss that counts as progress. Presets use these; 0 patience = off.
PLATEAU_PATIENCE = 6
PLATEAU_TOL = 0.01
MAX_PLATEAU_TOL = 0.5


def data_seed(seed: int, step: int) -> int:
    """Data seed of training step ``step`` of a run seeded ``seed``; step −1 is the evaluation set and
    −2 the GD step-size fit. Seeding by step lets a resumed run see the data it would have seen."""
    return (seed * 1_000_003 + step + 1) % (2**62)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a run; the same config and seed give the same checkpoint.

    optimizer: ``adam`` (fresh samples every step) or ``gd`` (plain gradient descent);
    fixed_batch: train on one batch drawn once (the authors' PE-only procedure) instead of fresh
    samples; train_set_size: when > 0, train on a fixed set of this many sequences drawn once, in
    minibatches of ``batch_size`` reshuffled every epoch (the authors' Figure 5 and 7 data: 2^14
    sequences, batch 1024); 0 = fresh samples every step; stop_loss: stop once the training loss
    falls below it (0 = run all ``steps``);
    lr_decay: ``none`` or ``cosine`` (to ``lr/100`` at step ``steps``);
    plateau_patience, plateau_tol: stop once ``plateau_patience`` held-out evaluations in a row have not
    lowered the best held-out loss by more than the fraction ``plateau_tol`` (:class:`Plateau`;
    0 = off, as for runs saved before the rule existed); ``steps`` stays the hard cap.
    """

    name: str
    process: ARProcess
    model: ModelConfig
    steps: int = 3000
    batch_size: int = 512
    lr: float = 1e-2
    lr_decay: str = "none"
    optimizer: str = "adam"
    fixed_batch: bool = False
    train_set_size: int = 0
    stop_loss: float = 0.0
    plateau_patience: int = 0
    plateau_tol: float = 0.0
    eval_size: int = 512
    seed: int = 0
    log_every: int = 25
    n_snapshots: int = 30
    dtype: str = "float32"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > MAX_NAME_CHARS:
            raise ValueError(f"name must be a non-empty string of at most {MAX_NAME_CHARS} characters; "
                             f"got {quote(self.name)}")
        check_int("steps", self.steps, 1, MAX_STEPS)
        check_int("batch_size", self.batch_size, 1, MAX_BATCH_SIZE)
        check_number("lr", self.lr, 0.0, strict=True)
        check_choice("lr_decay", self.lr_decay, ("none", "cosine"))
        check_choice("optimizer", self.optimizer, ("adam", "gd"))
        if not isinstance(self.fixed_batch, bool):
            raise ValueError(f"fixed_batch must be true or false; got {self.fixed_batch!r}")
        check_int("train_set_size", self.train_set_size, 0, MAX_TRAIN_SET)
        if self.train_set_size and self.fixed_batch:
            raise ValueError("give either fixed_batch or train_set_size, not both")
        check_number("stop_loss", self.stop_loss, 0.0, strict=False)
        check_int("plateau_patience", self.plateau_patience, 0, MAX_STEPS)
        check_number("plateau_tol", self.plateau_tol, 0.0, strict=False, high=MAX_PLATEAU_TOL)
        check_int("eval_size", self.eval_size, 1, MAX_BATCH_SIZE)
        check_int("seed", self.seed, 0, MAX_SEED)
        check_int("log_every", self.log_every, 1, MAX_STEPS)
        check_int("n_snapshots", self.n_snapshots, 2, MAX_SNAPSHOTS)
        check_choice("dtype", self.dtype, tuple(DTYPES))

    @property
    def torch_dtype(self) -> torch.dtype:
        return DTYPES[self.dtype]

    def training_batch(self) -> torch.Tensor:
        """The one batch a ``fixed_batch`` run trains on (batch_size, T+1, d), in the run's dtype."""
        return self.process.sample(self.batch_size, data_seed(self.seed, 0), self.torch_dtype)[0]

    def training_set(self) -> torch.Tensor:
        """The fixed training set of a ``train_set_size`` run (train_set_size, T+1, d), drawn once."""
        return self.process.sample(self.train_set_size, data_seed(self.seed, 0), self.torch_dtype)[0]

    def minibatch_indices(self, step: int) -> torch.Tensor:
        """Rows of :meth:`training_set` that step ``step`` trains on: epoch ``e`` visits a permutation
        seeded by ``e`` in consecutive slices of ``batch_size`` (the last one may be shorter), so a
        resumed run sees exactly the batches it would have seen."""
        per_epoch = -(-self.train_set_size // self.batch_size)
        epoch, slot = divmod(step, per_epoch)
        generator = torch.Generator().manual_seed(data_seed(self.seed, 10**9 + epoch))
        order = torch.randperm(self.train_set_size, generator=generator)
        return order[slot * self.batch_size : (slot + 1) * self.batch_size]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainConfig:
        """Rebuild from :meth:`to_dict`; unknown or missing keys and bad values raise ValueError."""
        if not isinstance(data, dict):
            raise ValueError(f"config must be a mapping; got {type(data).__name__}")
        nested = {"process": ARProcess, "model": ModelConfig}
        _check_keys("config", data, cls, required={"name", "process", "model"})
        values = dict(data)
        for key, sub_class in nested.items():
            sub = values[key]
            if not isinstance(sub, dict):
                raise ValueError(f"config.{key} must be a mapping; got {type(sub).__name__}")
            if not all(isinstance(k, str) for k in sub):
                raise ValueError(f"config.{key} must have text keys")
            _check_keys(f"config.{key}", sub, sub_class, required=set())
            values[key] = sub_class(**sub)
        return cls(**values)


class Plateau:
    """The stop-at-convergence rule, fed one held-out loss per evaluation.

    An evaluation *improves* when its loss is below ``best · (1 − tol)``; :meth:`update` returns True
    once ``patience`` evaluations in a row have not improved (never when ``patience`` is 0). Its state
    is a function of the losses seen, so a resumed run replays its history and stops where an
    uninterrupted one would.
    """

    def __init__(self, patience: int, tol: float) -> None:
        self.patience, self.tol = patience, tol
        self.best = math.inf
        self.waited = 0

    def update(self, loss: float) -> bool:
        if loss < self.best * (1 - self.tol):
            self.best, self.waited = loss, 0
        else:
            self.waited += 1
        return self.patience > 0 and self.waited >= self.patience


#: Contexts the analyses pass through a model at once (icar_core.analysis.loss_sample): what bounds their memory
#: whatever the sample size, and what the checkpoint loader's analysis budget counts.
ANALYSIS_CHUNK_CONTEXTS = 1024


def workload_elements(process: ARProcess, model: ModelConfig, contexts: int,
                      pattern_contexts: int | None = None) -> int:
    """About how many numbers a pass over ``contexts`` contexts allocates at once, computed from the
    config alone (before allocating): per position, one attention row per head (T numbers) over
    ``pattern_contexts`` contexts (default: ``contexts``), and one matrix per position over ``contexts``:
    the second moment of the augmented tokens ((3d)²) for augmented models, a d×d sensitivity otherwise."""
    T, d, H = process.T, process.d, model.n_heads
    patterns = contexts if pattern_contexts is None else pattern_contexts
    width = 3 * d if model.kind == "augmented" else d
    return T * (patterns * H * T + contexts * width**2)


def check_trainable(config: TrainConfig, extra_contexts: int = 0) -> None:
    """Refuse, before anything is allocated, a run whose model or training step is too large."""
    size = parameter_count(config.model, config.process.d, config.process.T)
    if size > MAX_PARAMETERS:
        raise ValueError(f"the configuration implies {size:,} parameters; icar trains runs of at most "
                         f"{MAX_PARAMETERS:,} (lower --d, --T or --heads)")
    contexts = max(config.batch_size, config.eval_size, extra_contexts)
    elements = workload_elements(config.process, config.model, contexts)
    if elements > MAX_TRAINING_ELEMENTS:
        raise ValueError(f"one training step would allocate about {elements:,} numbers ({contexts:,} contexts of "
                         f"T = {config.process.T}, d = {config.process.d}); the limit is {MAX_TRAINING_ELEMENTS:,} "
                         "(lower --batch-size, --T or --d)")


def _check_keys(where: str, data: dict, cls: type, required: set[str]) -> None:
    known = {f.name for f in fields(cls)}
    unknown = sorted(clip(k, 30) for k in data if k not in known)[:5]
    missing = sorted(k for k in required if k not in data)
    if unknown:
        raise ValueError(f"{where} has unknown keys: {', '.join(unknown)}")
    if missing:
        raise ValueError(f"{where} is missing keys: {', '.join(missing)}")
