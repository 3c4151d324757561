"""The process pool: a per-chunk job over satellites on every core, writing into shared output
arrays.

Outputs are allocated in anonymous shared memory (``mmap``) before the worker processes are
forked, so each worker writes its chunk's rows in place and nothing is pickled back but small
summaries.  Small jobs, or ``workers=1``, run in-process with the same code path.
"""
from __future__ import annotations

import mmap
import multiprocessing as mp
import os

import numpy as np

#: Below this many satellite-steps a run stays in-process (forking costs ~50 ms).
PARALLEL_MIN_SAT_STEPS = 500_000
#: Satellite-steps per chunk: large enough to amortise calls, small enough for the caches.
CHUNK_SAT_STEPS = 400_000

_JOB = None  # (kernel, outputs) inherited by forked workers

#: Functions that load (or compile) the compiled kernels a chunk uses; :func:`run_chunks` calls
#: them before forking.  Modules with kernels register here (:func:`register_warm_up`).
WARM_UPS = []


def register_warm_up(fn):
    """Have ``fn`` called before workers are forked (returns ``fn``)."""
    if fn not in WARM_UPS:
        WARM_UPS.append(fn)
    return fn


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def shared_array(shape, dtype=float) -> np.ndarray:
    """A zeroed numpy array in anonymous shared memory (visible to forked children)."""
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    buf = mmap.mmap(-1, max(nbytes, 1))
    return np.frombuffer(buf, dtype=dtype, count=int(np.prod(shape))).reshape(shape)


def chunk_bounds(n_sat: int, n_time: int, chunk_sats: int | None = None, workers: int = 1):
    """[(start, stop), ...] chunks of satellites.

    ``chunk_sats`` fixes the chunk size.  Otherwise chunks hold at most
    :data:`CHUNK_SAT_STEPS` satellite-steps, their number is rounded up to a multiple of
    ``workers`` (when there is more than one chunk) and they are made equal to within one
    satellite, so that the workers finish together.
    """
    if chunk_sats:
        size = chunk_sats
    else:
        size = max(1, CHUNK_SAT_STEPS // max(n_time, 1))
        count = -(-n_sat // size)
        if count > 1 and workers > 1:
            count = min(n_sat, -(-count // workers) * workers)
        size = max(1, -(-n_sat // max(count, 1)))
    return [(i, min(i + size, n_sat)) for i in range(0, n_sat, size)]


def _warm_up():
    """Load the compiled kernels in the parent, so forked workers inherit them compiled."""
    for warm_up in WARM_UPS:
        warm_up()


#: glibc malloc settings for worker processes: keep freed memory for the next chunk.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
WORKER_MMAP_THRESHOLD = 256 << 20
WORKER_TRIM_THRESHOLD = 1 << 30


def _worker_init():
    """Pool initializer: let glibc keep a worker's freed heap between chunks.

    Every chunk allocates its (chunk, time) arrays afresh (~100 MB at the default chunk size).
    With glibc's defaults they are returned to the kernel when freed and the next chunk
    page-faults them back in, zeroed, 4 kB at a time -- about a fifth of a worker's time in
    the fast pipelines.  Raising the mmap and trim thresholds in the short-lived workers (not
    in the user's process) keeps them; nothing changes elsewhere or on other C libraries.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, WORKER_MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, WORKER_TRIM_THRESHOLD)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


def _run_one(bounds):
    kernel, outputs = _JOB
    return kernel(bounds[0], bounds[1], outputs)


def run_chunks(kernel, bounds, outputs, n_time: int, workers: int | None = None, progress=None):
    """Call ``kernel(start, stop, outputs)`` for every chunk; returns the list of its results.

    ``outputs`` is a dict of arrays whose first axis is the satellite; in parallel mode they
    must come from :func:`shared_array`.  ``progress`` is called with each finished chunk size.
    """
    global _JOB
    n_sat = bounds[-1][1] if bounds else 0
    workers = default_workers() if workers is None else max(1, int(workers))
    parallel = (workers > 1 and len(bounds) > 1 and n_sat * n_time >= PARALLEL_MIN_SAT_STEPS
                and "fork" in mp.get_all_start_methods())
    results = []
    if not parallel:
        for b in bounds:
            results.append(kernel(b[0], b[1], outputs))
            if progress:
                progress(b[1] - b[0])
        return results
    _JOB = (kernel, outputs)
    _warm_up()
    try:
        pool = mp.get_context("fork").Pool(min(workers, len(bounds)), initializer=_worker_init)
        try:
            for b, res in zip(bounds, pool.imap(_run_one, bounds)):
                results.append(res)
                if progress:
                    progress(b[1] - b[0])
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
    finally:
        _JOB = None
    return results
