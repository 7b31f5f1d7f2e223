"""Settings of the dashboard's server process (no Streamlit here).

glibc raises its mmap threshold each time a large block is freed, so after a visitor's analyses the next
large arrays are carved from the heap, and the heap does not shrink when they are freed: memory that every
session has released stays with the process. Fixing the threshold keeps large arrays in mappings of their own,
which go back to the system as soon as they are freed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3  # mallopt parameter (glibc's malloc.h)
#: Blocks from this size on get a mapping of their own: the large arrays of an analysis, not the many small ones
#: (mapping those too would slow every computation by about half).
MMAP_THRESHOLD_BYTES = 16 * 2**20


def return_large_blocks_to_the_system() -> bool:
    """Fix glibc's mmap threshold at :data:`MMAP_THRESHOLD_BYTES`; False where that is not possible (not
    glibc), which changes nothing else."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
