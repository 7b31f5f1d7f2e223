"""Sweeps on Ray: ``python -m icar_core.sweep --preset augmented-commuting --grid process.T=8,16 --seeds 3``.

Every run of the grid is a Ray task that trains an ordinary icar checkpoint (``icar_core.train.train``, saved
atomically) into ``sweeps/NAME/runs/`` and measures the findings' headline numbers; the driver writes each
finished run's row into ``results.parquet`` / ``results.csv`` at once. By default the command starts a local
Ray instance and stops it at the end; ``--address`` (or ``RAY_ADDRESS``) runs the same sweep on an existing
cluster, whose workers must see this folder (one machine, or a shared file system); a cluster started with
``ray start`` uses Ray's token authentication, so set ``RAY_AUTH_MODE=token`` (the token is in ``~/.ray/auth_token``).

Re-running the command skips finished runs, resumes interrupted ones from their last save and retries failed
ones, so Ctrl-C, a killed worker or a lost node lose nothing that finished.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

import ray
import torch
from tqdm import tqdm

from icar_core import cli
from icar_core.checkpoints import SUFFIX, CheckpointError, load_checkpoint
from icar_core.config import TrainConfig
from icar_core.sweep_results import (
    RUNS_DIR,
    STATUS_DONE,
    ResultsTable,
    done_row,
    failed_row,
    headline,
    write_spec,
)
from icar_core.sweep_spec import (
    SweepSpec,
    SweepSpecError,
    expand,
    load_sweep_file,
    parse_assignment,
    parse_seeds,
)
from icar_core.train import train
from icar_core.validation import clip

PACKAGE = Path(__file__).resolve().parent
#: Test hook: the worker running the run with this key kills itself (SIGKILL) right after the run's first
#: checkpoint save, as an out-of-memory kill or a lost node would, so that tests can prove a re-run resumes it.
KILL_HOOK = "ICAR_SWEEP_TEST_KILL"
AUTH_HINT = ("; a cluster started with `ray start` uses token authentication: set RAY_AUTH_MODE=token, with its "
             "token in ~/.ray/auth_token or RAY_AUTH_TOKEN")
WORKER_DIED = ("the worker process running this run died (killed, out of memory or its node was lost); "
               "re-run the command to resume it from its last save")


def _kill_after_first_save(out: Path) -> None:
    def watch() -> None:
        while not out.exists():
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True).start()


def run_task(key: str, config_dict: dict, out: str, n_contexts: int, device: str, kill: bool) -> dict:
    """One run (in a Ray worker): train it (resuming a partial checkpoint) unless it is complete, then measure."""
    torch.set_num_threads(1)  # one CPU per task: more threads only fight over the cores
    config, path = TrainConfig.from_dict(config_dict), Path(out)
    existing = None
    if path.exists():
        try:
            existing = load_checkpoint(path)
        except CheckpointError:
            existing = None  # unreadable: trained again from the start
    if existing is not None and existing.config != config:
        existing = None
    started = time.perf_counter()
    if existing is not None and existing.complete:
        ckpt = existing  # trained before its row was written (the driver was stopped in between)
    else:
        if kill and existing is None:
            _kill_after_first_save(path)
        ckpt = train(config, path, device, resume=existing is not None, progress=False, force=existing is None)
    trained = time.perf_counter()
    numbers = headline(ckpt, n_contexts)
    measured = time.perf_counter()
    return done_row(key, ckpt, f"{RUNS_DIR}/{path.name}", trained - started, measured - trained, numbers,
                    n_contexts)


def failure_reason(exc: BaseException) -> str:
    """One line saying why a run failed: the run's own error, or that its worker died."""
    if isinstance(exc, ray.exceptions.RayTaskError):
        cause = exc.cause if exc.cause is not None else exc
        return cli.one_line(cause)
    if isinstance(exc, ray.exceptions.WorkerCrashedError | ray.exceptions.NodeDiedError
                  | ray.exceptions.ObjectLostError | ray.exceptions.LocalRayletDiedError):
        return WORKER_DIED
    return cli.one_line(exc)


def _cost(config: TrainConfig) -> float:
    """A run's relative cost (one attention pattern over its positions): the longest runs start first, so that
    the last ones to finish are short and the workers idle little at the end."""
    return config.steps * config.process.T ** 2 * config.process.d * config.model.n_heads


def _connect(address: str | None, num_cpus: int | None) -> None:
    # Workers import icar_core from this checkout; on an existing cluster Ray ships the package to them.
    runtime_env = {"py_modules": [str(PACKAGE)]} if address else {"env_vars": {"PYTHONPATH": str(PACKAGE.parent)}}
    try:
        if address:
            ray.init(address=address, runtime_env=runtime_env, log_to_driver=False, logging_level="ERROR")
        else:
            # "local": a new instance even where `ray start` left an address behind (ray.init() would join it).
            ray.init(address="local", num_cpus=num_cpus, include_dashboard=False, runtime_env=runtime_env,
                     log_to_driver=False, logging_level="ERROR")
    except (ConnectionError, RuntimeError, ValueError) as exc:
        hint = AUTH_HINT if address and not os.environ.get("RAY_AUTH_MODE") else ""
        raise ValueError(f"cannot {'connect to the Ray cluster at ' + clip(address, 60) if address else 'start Ray'} "
                         f"({clip(exc, 160)}){hint}") from None


def run_sweep(spec: SweepSpec, out: Path, *, address: str | None = None, num_cpus: int | None = None,
              gpus_per_run: float = 0.0, retries: int = 0, confirmed: bool = False, progress: bool = True) -> dict:
    """Run every unfinished run of ``spec`` into ``out``; returns a summary (counts and times)."""
    runs = expand(spec, out.name, confirmed)  # every spec error before Ray starts or anything is written
    cli.check_writable_folder(out / RUNS_DIR)
    write_spec(out, spec)
    table = ResultsTable(out)
    done = {key for key, row in table.rows.items()
            if row.get("status") == STATUS_DONE and (out / row["checkpoint"]).exists()}
    todo = sorted((r for r in runs if r.key not in done), key=lambda r: -_cost(r.config))
    kill_key = os.environ.get(KILL_HOOK)
    summary = {"runs": len(runs), "skipped": len(runs) - len(todo), "done": 0, "failed": 0, "task_seconds": 0.0}
    started = time.perf_counter()
    pending: dict = {}
    if todo:
        _connect(address, num_cpus)
        try:
            workers = ray.cluster_resources().get("GPU" if gpus_per_run else "CPU", 1.0) / (gpus_per_run or 1.0)
            summary["workers"] = workers
            task = ray.remote(run_task).options(num_cpus=1, num_gpus=gpus_per_run, max_retries=retries)
            device = "cuda" if gpus_per_run else "cpu"
            pending = {task.remote(r.key, r.config.to_dict(), str((out / RUNS_DIR / f"{r.key}{SUFFIX}").resolve()),
                                   spec.n_contexts, device, r.key == kill_key): r for r in todo}
            _collect(pending, table, summary, len(runs), progress)
        except KeyboardInterrupt:
            for ref in pending:
                ray.cancel(ref, force=True)  # partial checkpoints stay; the next run resumes them
            raise
        finally:
            ray.shutdown()
    summary["wall_seconds"] = time.perf_counter() - started
    return summary


def _collect(pending: dict, table: ResultsTable, summary: dict, total: int, progress: bool) -> None:
    with tqdm(total=total, initial=summary["skipped"], desc="runs", unit="run", disable=not progress) as bar:
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            run = pending.pop(ready[0])
            try:
                row = ray.get(ready[0])
            except ray.exceptions.RayError as exc:
                reason = failure_reason(exc)
                table.put(failed_row(run.key, run.config.to_dict(), reason, f"{RUNS_DIR}/{run.key}{SUFFIX}"))
                summary["failed"] += 1
                tqdm.write(f"{run.key}: failed: {reason}", file=sys.stderr)
            else:
                table.put(row)
                summary["done"] += 1
                summary["task_seconds"] += row["train_seconds"] + row["eval_seconds"]
            bar.update(1)
            bar.set_postfix(failed=summary["failed"])


# ---------------------------------------------------------------- command line


def _parser() -> argparse.ArgumentParser:
    p = cli.OneLineParser(prog="python -m icar_core.sweep",
                          description="Train a grid of icar runs on Ray and tabulate the findings' numbers.")
    p.add_argument("--preset", help="the configuration every run starts from (see python -m icar_core.train "
                   "--list-presets)")
    p.add_argument("--grid", action="append", default=[], metavar="FIELD=V1,V2",
                   help="a grid axis: a config field (steps, process.T, model.n_heads, ...) and its values")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="a field every run sets")
    p.add_argument("--seeds", default="1", help="a count N (seeds 0 … N−1) or a list such as 0,7,9 (default 1)")
    p.add_argument("--file", help="a TOML sweep file (preset, seeds, [set], [grid]) instead of the options above")
    p.add_argument("--out", help="the sweep's folder (default: sweeps/PRESET)")
    p.add_argument("--n-contexts", type=int, default=None, help="contexts of each run's loss sample (default 4096)")
    p.add_argument("--address", default=None, help="an existing Ray cluster (default: RAY_ADDRESS, else a local "
                   "instance started and stopped by this command)")
    p.add_argument("--num-cpus", type=int, default=None, help="CPUs of the local instance (default: all)")
    p.add_argument("--gpus-per-run", type=float, default=0.0, help="GPUs each run holds (trains on cuda when > 0)")
    p.add_argument("--retries", type=int, default=1, help="times Ray retries a run whose worker died (default 1)")
    p.add_argument("--yes", action="store_true", help=f"run sweeps of more than {1000:,} runs")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def spec_from_args(args: argparse.Namespace) -> SweepSpec:
    if args.file:
        if args.preset or args.grid or args.set:
            raise SweepSpecError("give either --file or --preset with --grid / --set, not both")
        spec = load_sweep_file(args.file)
        return spec if args.n_contexts is None else SweepSpec(spec.preset, spec.grid, spec.fixed, spec.seeds,
                                                              args.n_contexts)
    if not args.preset:
        raise SweepSpecError("give --preset NAME with one or more --grid FIELD=V1,V2,..., or --file SWEEP.toml")
    grid = [parse_assignment("--grid", g) for g in args.grid]
    fixed = []
    for text in args.set:
        name, values = parse_assignment("--set", text)
        if len(values) != 1:
            raise SweepSpecError(f"--set takes exactly one value; got {clip(text, 60)}")
        fixed.append((name, values[0]))
    kwargs = {} if args.n_contexts is None else {"n_contexts": args.n_contexts}
    return SweepSpec(args.preset, tuple((k, tuple(v)) for k, v in grid), tuple(fixed), parse_seeds(args.seeds),
                     **kwargs)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def body() -> int:
        spec = spec_from_args(args)
        if args.gpus_per_run < 0 or args.retries < 0 or (args.num_cpus is not None and args.num_cpus < 1):
            raise ValueError("--gpus-per-run and --retries must be >= 0, --num-cpus >= 1")
        out = cli.check_file_argument("--out", args.out) or Path("sweeps") / spec.preset
        address = args.address or os.environ.get("RAY_ADDRESS") or None
        s = run_sweep(spec, out, address=address, num_cpus=args.num_cpus, gpus_per_run=args.gpus_per_run,
                      retries=args.retries, confirmed=args.yes, progress=not args.quiet)
        line = (f"{out}: {s['runs']} runs, {s['skipped']} already done, {s['done']} finished now, "
                f"{s['failed']} failed; {s['wall_seconds']:.1f} s")
        if s["done"]:
            # The runs' own time against what the workers could have done in the wall time: the rest is overhead
            # (Ray start-up, scheduling, workers idle at the end).
            overhead = 1 - s["task_seconds"] / (s["wall_seconds"] * min(s["workers"], s["done"] + s["failed"]))
            line += (f", runs' own time {s['task_seconds']:.1f} s on {s['workers']:g} workers "
                     f"(overhead {100 * overhead:.0f}%)")
        print(line)
        return 1 if s["failed"] else 0

    return cli.run(body)


if __name__ == "__main__":
    sys.exit(main())
