"""glibc's allocator for a process that runs for months: hand freed memory back to the system.

Label textures, pixel buffers of llvmpipe (Mesa's software GL) and the screens' widgets come and go as visitors
browse. glibc keeps what is freed inside its heaps for the next allocation, and one long-lived small block near
the top pins everything below it; it also raises its threshold for serving a large block from its own mapping
(which goes back to the system when freed) up to 32 MiB after the first such block is freed, so the textures
end up in the heap. Measured (bench/bench_memory.py, one tour of every screen): 823 MiB held, of which
``malloc_trim`` handed 189 MiB back. So the kiosk keeps the threshold at 128 KiB and its threads to two arenas
(``tune``, before Kivy starts), and trims after each visitor (the session wipe: ``give_back_free_memory``).
Elsewhere than glibc (musl, macOS) both do nothing.
"""

from __future__ import annotations

import ctypes
import logging
import time
from functools import lru_cache

log = logging.getLogger(__name__)

# mallopt parameters (glibc's malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 128 * 1024  # glibc's starting value, kept from rising
ARENA_MAX = 2  # the UI thread's heap and one for every worker thread (search index, scanner, sync, voice...)


@lru_cache(maxsize=1)
def _glibc():
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018  (an AttributeError here: not glibc)
    except (OSError, AttributeError):
        return None
    return libc


def tune() -> None:
    """Before the allocations it is about: at the start of the process, before Kivy and the worker threads."""
    libc = _glibc()
    if libc is None:
        return
    libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    libc.mallopt(M_ARENA_MAX, ARENA_MAX)


def give_back_free_memory() -> None:
    """Return the free pages inside the allocator's heaps to the system (MADV_DONTNEED): RSS shrinks,
    nothing in use moves. Takes milliseconds, on the thread that calls it."""
    libc = _glibc()
    if libc is None:
        return
    started = time.monotonic()
    libc.malloc_trim(0)
    log.debug("malloc_trim in %.1f ms", (time.monotonic() - started) * 1000)
