"""Verdicts kept on disk between server starts, so a restarted dashboard answers at once.

A finding's verdict on a run is fixed by the run file's bytes, the finding's thresholds and the code that
computes it, so all three make up the key: any change to a file, a threshold or a line of ``icar_core``
computes it afresh. Entries are plain JSON (never pickle: reading the store executes nothing), written
atomically; an entry that is missing, unreadable or malformed is recomputed and replaced.
Uploaded runs (``ckpt.path is None``) are never written to disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from icar_core.checkpoints import Checkpoint
from icar_core.findings import Verdict, finding, verdict

PACKAGE = Path(__file__).resolve().parent
#: ICAR_CACHE_DIR points the store elsewhere (tests, a read-only checkout); the default is git-ignored.
DEFAULT_DIR = PACKAGE.parent / ".cache" / "verdicts"
_SCALARS = (str, int, float, bool, type(None))


def store_dir() -> Path:
    return Path(os.environ.get("ICAR_CACHE_DIR") or DEFAULT_DIR)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over every source file of ``icar_core`` (path and bytes), read once per process."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def entry_key(ckpt: Checkpoint, finding_id: str) -> str:
    parts = (ckpt.source_id, finding_id, repr(finding(finding_id).thresholds), code_fingerprint())
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def stored_verdict(ckpt: Checkpoint, finding_id: str) -> Verdict:
    """:func:`icar_core.findings.verdict`, read from the store when this exact computation was made before."""
    if ckpt.path is None or not ckpt.source_id:
        return verdict(ckpt, finding_id)
    path = store_dir() / f"{entry_key(ckpt, finding_id)}.json"
    known = _read(path)
    if known is not None:
        return known
    result = verdict(ckpt, finding_id)
    _write(path, result)
    return result


def to_json(v: Verdict) -> dict:
    return {"key": v.key, "values": v.values, "good": v.good, "extra": [[key, values] for key, values in v.extra]}


def from_json(data: object) -> Verdict:
    """A Verdict from :func:`to_json`'s form; anything else raises ValueError."""
    if not isinstance(data, dict) or set(data) != {"key", "values", "good", "extra"}:
        raise ValueError("not a stored verdict")
    key, values, good, extra = data["key"], data["values"], data["good"], data["extra"]
    if not isinstance(key, str) or good not in (True, False, None) or not isinstance(extra, list):
        raise ValueError("not a stored verdict")
    pairs = []
    for item in extra:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise ValueError("not a stored verdict")
        pairs.append((item[0], _values(item[1])))
    return Verdict(key, _values(values), good, tuple(pairs))


def _values(values: object) -> dict:
    if not isinstance(values, dict) or not all(isinstance(k, str) and isinstance(v, _SCALARS)
                                               for k, v in values.items()):
        raise ValueError("not a stored verdict")
    return values


def _read(path: Path) -> Verdict | None:
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):  # absent, unreadable or not ours: compute it again
        return None


def _write(path: Path, v: Verdict) -> None:
    """Atomically; a store that cannot be written (read-only disk, full) only costs the next start its time."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(to_json(v)), encoding="utf-8")
        os.replace(temporary, path)
    except (OSError, TypeError, ValueError):
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
