"""Memoise pure chart functions by the content of their arguments.

A Streamlit rerun rebuilds every chart from scratch, and Altair spends far more time copying its schema objects than
the dashboard spends computing what they show (a row of three 9×9 heatmaps: ~40 ms to build, ~55 ms to turn into
Vega-Lite; pickling the same arguments costs < 1 ms). Keyed by a hash of the pickled arguments, a result is shared
by every visitor and every rerun that shows the same thing; arguments that cannot be pickled are computed without
the cache.

Results are kept pickled and each call gets a fresh copy (~1 ms for a chart): callers may change what they get, and
the garbage collector, which Streamlit runs after every script run, has no object trees of cached charts to walk.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
MEMO_ENTRIES = 64  # per function; a chart with its data is a few kB to a few hundred kB


def content_memo(fn: Callable[..., T]) -> Callable[..., T]:
    """``fn`` with an LRU cache of ``MEMO_ENTRIES`` pickled results keyed by the sha256 of its pickled arguments."""
    results: OrderedDict[bytes, bytes] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(fn)
    def memoised(*args, **kwargs) -> T:
        try:
            key = hashlib.sha256(pickle.dumps((args, kwargs), protocol=5)).digest()
        except (pickle.PicklingError, TypeError, AttributeError):  # e.g. a lambda among the arguments
            return fn(*args, **kwargs)
        with lock:
            stored = results.get(key)
            if stored is not None:
                results.move_to_end(key)
        if stored is not None:
            return pickle.loads(stored)  # bytes this process pickled itself in memory, never read from a file
        value = fn(*args, **kwargs)
        with lock:
            results[key] = pickle.dumps(value, protocol=5)
            while len(results) > MEMO_ENTRIES:
                results.popitem(last=False)
        return value

    memoised.cache_clear = results.clear  # type: ignore[attr-defined]
    return memoised
