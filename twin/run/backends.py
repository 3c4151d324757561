"""Where a run's chunks go besides this machine's process pool: a Dask cluster, and a Zarr store
that the chunks write their time series into.

dask and dask.distributed are imported when a Dask run or a store is asked for (their import
takes about a second and most runs need neither).
"""
from __future__ import annotations

import ast
import dataclasses
import os
import sys

import numpy as np

from ephemeris.geometry import ATTRS, GEOMETRY_OUTPUTS, build_dataset
from twin.run import pool
from twin.run.pipeline import allocate, physics_spec


def create_store(store, elements, grid, frames, spec, attrs, bounds):
    """An empty Zarr store with every variable, chunked like the run (sat chunks), at
    ``store`` (the caller's temporary directory, :func:`twin.io.atomic.atomic_path`)."""
    import dask.array as da  # lazy: dask's import is slow and only stores need it

    n, t = len(elements), grid.n
    size = bounds[0][1] - bounds[0][0]
    template = {}
    for k, (tail, dtype) in {**GEOMETRY_OUTPUTS, **spec}.items():
        dt = np.int8 if np.dtype(dtype) == bool else dtype
        template[k] = da.zeros((n, t) + tuple(tail), dtype=dt,
                               chunks=(size, t) + tuple(tail))
    ds = build_dataset(elements, grid, frames, template, attrs={**ATTRS, **attrs})
    for k in ds.data_vars:
        ds[k].encoding = {}
    ds.to_zarr(store, compute=False, mode="w", zarr_format=2, consolidated=True)


def run_dask(job, bounds, spec, n, t, workers, scheduler, tick, dashboard="127.0.0.1:0"):
    """One Dask task per chunk on a distributed client; returns (outputs, results).

    A local cluster listens on 127.0.0.1 only, its dashboard at ``dashboard`` ("HOST:PORT";
    None: no dashboard).  The dashboard has no authentication, hence this machine only unless
    the caller asks otherwise."""
    # lazy: dask.distributed's import is slow and only Dask runs need it
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        check_main_guard()
        cluster = LocalCluster(n_workers=workers or pool.default_workers(),
                               threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=dashboard)
        client = Client(cluster)
    try:
        if client.dashboard_link and (cluster is None or dashboard is not None):
            print(f"dask dashboard: {client.dashboard_link}", file=sys.stderr)
        outputs = allocate(n, t, spec, False)
        futures = {client.submit(_dask_chunk, job.subset(a, b), b - a, list(spec),
                                 pure=False): (a, b) for a, b in bounds}
        results = [None] * len(bounds)
        order = {b: i for i, b in enumerate(bounds)}
        for fut in as_completed(futures):
            a, b = futures[fut]
            res, arrays = fut.result()
            for k, arr in arrays.items():
                outputs[k][a:b] = arr
            results[order[(a, b)]] = dataclasses.replace(res, start=a)
            if tick:
                tick(b - a)
        return outputs, results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class MainGuardError(RuntimeError):
    """A Dask LocalCluster started from the top level of a script without the
    ``if __name__ == "__main__":`` guard (its worker processes would re-run the script)."""


def _guarded_lines(tree) -> list[tuple[int, int]]:
    """Line ranges of the bodies of ``if __name__ == "__main__":`` blocks in a module."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
            names = [node.test.left, *node.test.comparators]
            if any(isinstance(x, ast.Name) and x.id == "__name__" for x in names) and any(
                    isinstance(x, ast.Constant) and x.value == "__main__" for x in names):
                out.append((node.body[0].lineno, node.body[-1].end_lineno))
    return out


def check_main_guard() -> None:
    """Refuse, before any worker starts, a Dask LocalCluster requested from a script's top-level
    code outside ``if __name__ == "__main__":``.  Dask starts its workers with the 'spawn'
    method, which re-imports the script in every worker; without the guard each worker runs the
    simulation again and Dask fails with "Nanny failed to start"."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path or not os.path.isfile(path):
        return                                   # interactive, notebook, python -c
    spec_name = getattr(getattr(main, "__spec__", None), "name", "") or ""
    if spec_name.endswith(".__main__"):
        return                                   # python -m pkg: spawn does not re-run it
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals is main.__dict__ and frame.f_code.co_name == "<module>":
            break
        frame = frame.f_back
    if frame is None:
        return                                   # not called from the script's top level
    try:
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return
    line = frame.f_lineno
    if any(a <= line <= b for a, b in _guarded_lines(tree)):
        return
    raise MainGuardError(
        f"{path}, line {line}: a Dask run (engine='dask' or --dask) starts worker processes "
        "that re-import this script, and this call is at its top level; put the script's code "
        "under 'if __name__ == \"__main__\":' (indent it below that line) and run it again")


def _dask_chunk(job, n, names):
    """A Dask task: run one chunk from its elements; return its result and arrays."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    spec = {}
    if names:
        spec = dict(GEOMETRY_OUTPUTS)
        spec.update(physics_spec(job.physics.designs[0], job.physics.policy))
        spec = {k: spec[k] for k in names}
    outputs = allocate(n, len(job.jd), spec, False)
    return job(0, n, outputs), outputs
