"""Memory settings of the dashboard's server process (no Streamlit here).

Each visitor's analyses allocate and free hundreds of megabytes. glibc keeps freed memory inside its heaps,
one heap per thread that ever allocated (Streamlit runs every session's script in a thread of its own), and
raises its mmap threshold after each large free, so memory that every session has released would stay with
the process. The server therefore keeps large arrays in mappings of their own, limits the heaps, and hands
free heap pages back at the start of each script run. It also keeps the objects of its imports out of the garbage
collector's full passes, which Streamlit runs after every script run, and torch and numpy's BLAS on one thread:
the models are small, and on a shared 2-core CPU their worker threads cost more than they save.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
import sys

from threadpoolctl import threadpool_limits

# mallopt parameters (glibc's malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
#: Blocks from this size on get a mapping of their own: the large arrays of an analysis, not the many small ones
#: (mapping those too would slow every computation by about half).
MMAP_THRESHOLD_BYTES = 16 * 2**20
#: Heaps shared by all threads (glibc's default is 8 per core).
ARENAS = 2


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018  (glibc has both; other C libraries may not)
    except (OSError, AttributeError):
        return None
    return libc


def configure_allocator() -> bool:
    """Fix the mmap threshold at :data:`MMAP_THRESHOLD_BYTES` and the heaps at :data:`ARENAS`; False where the
    C library is not glibc, which changes nothing."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) and libc.mallopt(M_ARENA_MAX, ARENAS))


def release_free_memory() -> None:
    """Hand the free pages of every heap back to the system (glibc's ``malloc_trim``; a no-op elsewhere)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


_modules_when_frozen = 0


def freeze_imported_objects() -> None:
    """Move every object alive now into the collector's permanent generation, when modules were imported since the
    last call (the first run's torch, Altair and pandas; a page's own libraries after its first visit).

    Streamlit runs a full garbage collection after every script run (``runner.postScriptGC``). Over the ~400,000
    objects of the imported modules, which live as long as the process, that pass cost 0.1-0.25 s of server CPU per
    page visit, most of a warm visit. Called at the start of every script run, just after that collection, so what
    is frozen is alive (no collection of its own: that would cost a page's first visit the same 0.2 s); what is
    created later is collected as before."""
    global _modules_when_frozen
    if len(sys.modules) == _modules_when_frozen:
        return
    gc.freeze()
    _modules_when_frozen = len(sys.modules)


def configure_process() -> None:
    """The server's settings for its native libraries: one thread for torch and for BLAS, and the allocator's.
    Each call is cheap, so every script run and the warm-up make it (whichever comes first)."""
    import torch  # here, not at the top: the server's entry loads this package before torch (icar_core.warmup)

    torch.set_num_threads(1)
    limit_native_threads()
    configure_allocator()


def limit_native_threads() -> None:
    """One thread for numpy's BLAS (OpenBLAS), as ``torch.set_num_threads(1)`` does for torch.

    OpenBLAS starts a worker per core and keeps it spinning after each call: on the 2-core server that burnt
    1.3 s of CPU on the second core during Model vs GD's first visit, beside 1.0 s of real work, and slowed the
    browser drawing the page on the same machine. The analyses' matrices are small, so one thread loses nothing.
    The variable covers copies loaded later (SciPy ships its own OpenBLAS), the limit the ones loaded already."""
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    threadpool_limits(limits=1, user_api="blas")
