"""The orchestrator: a constellation and a time grid in, labelled results out.

``geometry`` runs the ephemeris side only; ``simulate`` adds, per chunk of satellites and in the
same worker that propagated them, the satellite physics of :mod:`twin.physics` (array power,
battery, thermal, compute) and the per-orbit summary.  Chunks never straddle shells, so each
runs with one design.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from ephemeris import parallel
from ephemeris.geometry import build_dataset, geometry_dataset
from ephemeris.timegrid import make_time_grid
from twin.constellation import Constellation
from twin.summary import (
    constellation_summary,
    longest_shadow_s,
    orbit_segments,
    per_orbit_arrays,
    per_orbit_frame,
)

POLICIES = ("greedy", "reserve")


def _check_constellation(constellation):
    if not isinstance(constellation, Constellation):
        raise TypeError(f"constellation must be a twin.Constellation, got "
                        f"{type(constellation).__name__}")
    if len(constellation) == 0:
        raise ValueError("constellation is empty: add at least one shell with a satellite")


def geometry(constellation, start, duration, step, *, workers=None,
             max_epoch_gap_days=30.0) -> xr.Dataset:
    """Where every satellite is and how much of the Sun it sees, at every step.

    Parameters
    ----------
    constellation : Constellation
    start : str or datetime
        UTC start, ISO 8601 ("2027-06-21", "2027-06-21T00:00:00Z").
    duration, step : str or timedelta
        Such as "1 day", "90 min", "60 s".
    workers : int, optional
        Processes to use (default: all cores; small runs stay in-process).

    Returns
    -------
    xarray.Dataset with dims ``sat`` and ``time``: ``sunlit_fraction``, ``beta_deg``,
    ``lat_deg``, ``lon_deg``, ``alt_km``, ``position_km`` (GCRS, dim ``xyz``), ``sun_rsw``,
    ``valid`` and ``sun_distance_au`` (per time); each satellite's SGP4 elements as ``sat``
    coordinates, so :func:`twin.eclipse_events` can re-propagate.
    """
    _check_constellation(constellation)
    _check_options(workers=workers)
    grid = make_time_grid(start, duration, step)
    check_memory(len(constellation), grid.n, True, GEOMETRY_BYTES_PER_SAT_STEP,
                 "use shorter runs or fewer satellites, or twin.simulate(..., timeseries=False)")
    elements = _resolve(constellation, grid, max_epoch_gap_days)
    _check_step(elements, grid)
    return geometry_dataset(elements, grid, workers=workers)


def _check_options(workers=None, chunk_sats=None, timeseries=True, progress=False,
                   overwrite=False):
    for name, v in (("workers", workers), ("chunk_sats", chunk_sats)):
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name} must be a whole number or None, got {v!r}")
        if v < 1:
            raise ValueError(f"{name}={v!r} is out of range; allowed: >= 1")
    for name, v in (("timeseries", timeseries), ("overwrite", overwrite)):
        if not isinstance(v, bool):
            raise TypeError(f"{name} must be True or False, got {v!r}")
    if not (isinstance(progress, bool) or callable(progress)):
        raise TypeError(f"progress must be True, False or a callable, got {progress!r}")


class StepWarning(UserWarning):
    """The time step is too long to resolve the orbits' eclipses."""


def _check_step(elements, grid):
    """Warn when the step exceeds a quarter of the shortest orbital period."""
    import warnings

    period_s = 86400.0 / elements["mean_motion_rev_per_day"].to_numpy(float).max()
    if grid.step_s > period_s / 4:
        warnings.warn(
            f"step={grid.step_s:g} s is more than a quarter of the shortest orbital period "
            f"({period_s / 60:.0f} min): eclipses and orbits are not resolved and shadow "
            "statistics will be wrong; use a step of at most a few minutes", StepWarning,
            stacklevel=3)


def _resolve(constellation, grid, max_epoch_gap_days):
    end = grid.start + np.timedelta64(int(grid.duration_s * 1e9), "ns")
    return constellation.resolved(grid.start, end, max_epoch_gap_days=max_epoch_gap_days)


class SimulationResult:
    """What :func:`simulate` returns: the time series, the per-orbit table and totals."""

    def __init__(self, dataset, per_orbit, summary, constellation, designs, scenario=None):
        self.scenario = scenario
        self.dataset = dataset
        self._per_orbit = per_orbit
        self._summary = summary
        self.constellation = constellation
        self.designs = designs

    def per_orbit(self) -> pd.DataFrame:
        """One row per satellite and orbit (see :mod:`twin.summary` for the columns)."""
        return self._per_orbit.copy()

    def summary(self) -> dict:
        """Constellation totals: sustained GB300-equivalents and PFLOPS, worst orbit, energy."""
        return dict(self._summary)

    # ----- exports (atomic; an existing file is replaced only with overwrite=True) ----------
    def _need_timeseries(self):
        if "sunlit_fraction" not in self.dataset:
            raise ValueError("this result has no time series (simulate(..., timeseries=False)); "
                             "run with timeseries=True or store='run.zarr' to export one")

    def _metadata(self):
        self._need_timeseries()
        meta = {"twin.summary": self._summary}
        if self.scenario is not None:
            meta["twin.scenario"] = self.scenario.to_toml()
        return meta

    def to_parquet(self, path, overwrite=False):
        """Tidy Parquet: one row per satellite and step (``sat``, ``time``, every variable);
        units and the scenario in the file's metadata."""
        from twin.export import to_parquet

        return to_parquet(self.dataset, path, overwrite=overwrite, metadata=self._metadata())

    def to_netcdf(self, path, overwrite=False):
        """The dataset as NetCDF-4 with units and CF-style attributes."""
        from twin.export import to_netcdf

        return to_netcdf(self.dataset, path, overwrite=overwrite, metadata=self._metadata())

    def to_zarr(self, path, overwrite=False):
        """The dataset as a Zarr store (a directory)."""
        from twin.export import to_zarr

        return to_zarr(self.dataset, path, overwrite=overwrite, metadata=self._metadata())

    def to_csv(self, path, overwrite=False):
        """The tidy table as CSV."""
        from twin.export import to_csv

        self._need_timeseries()
        return to_csv(self.dataset, path, overwrite=overwrite)

    def to_czml(self, path, overwrite=False, stride=1):
        """A CZML document to replay the run in CesiumJS (every ``stride``-th step)."""
        from twin.export import to_czml

        self._need_timeseries()
        return to_czml(self.dataset, path, overwrite=overwrite, stride=stride)

    def __repr__(self):
        s = self._summary
        return (f"<SimulationResult {s['satellites']} satellites, "
                f"{self.dataset.sizes.get('time', 0)} steps: "
                f"{s['sustained_gb300']:.1f} sustained GB300-eq>")


def _physics_spec(design, policy):
    """Names, trailing shapes and dtypes of run_physics' outputs (from a 1 x 2 dry run)."""
    from twin.physics import run_physics

    out = run_physics(design, np.ones((1, 2)), np.ones(2), np.tile([0.0, 0.0, 1.0], (1, 2, 1)),
                      np.full((1, 2), 550.0), np.ones((1, 2), bool), 60.0, policy=policy)
    return {k: (np.asarray(v).shape[2:], np.asarray(v).dtype) for k, v in out.items()}


class PhysicsStep:
    """The twin's per-chunk work after geometry (picklable; see GeometryJob.extra).

    Runs :func:`twin.physics.run_physics` on each run of satellites of one shell inside the
    chunk (with that shell's design), writes the time series into ``outputs`` (or a Zarr
    ``store`` region), and returns the chunk's per-orbit columns
    (:func:`twin.summary.per_orbit_arrays`, with ``sat`` the index in the constellation), the
    longest shadow per satellite and the sum of sunlit fraction per satellite.
    """

    def __init__(self, designs, design_index, inclination_deg, step_s, sun_distance_au,
                 policy, store=None, offset=0, store_vars=None):
        self.designs = designs
        self.design_index = np.asarray(design_index)
        self.inclination_deg = np.asarray(inclination_deg, float)
        self.step_s = step_s
        self.sun_distance_au = sun_distance_au
        self.policy = policy
        self.store, self.offset, self.store_vars = store, offset, store_vars

    def warm_up(self):
        """Load the compiled per-orbit kernels (before workers are forked)."""
        from twin.summary import _kernel

        if _kernel is not None:
            _kernel.warm_up()

    def subset(self, start, stop):
        return PhysicsStep(self.designs, self.design_index[start:stop],
                           self.inclination_deg[start:stop], self.step_s,
                           self.sun_distance_au, self.policy, self.store, self.offset + start,
                           self.store_vars)

    def __call__(self, start, stop, geo, outputs):
        from twin.physics import SUMMARY_VARIABLES, run_physics

        idx = self.design_index[start:stop]
        cuts = np.flatnonzero(np.diff(idx)) + 1
        phys = {}
        runs = list(zip(np.concatenate([[0], cuts]), np.concatenate([cuts, [stop - start]])))
        # runs that keep no time series need only what the per-orbit summary reads
        wanted = None if outputs or self.store is not None else SUMMARY_VARIABLES
        for a, b in runs:
            part = run_physics(self.designs[idx[a]], geo["sunlit_fraction"][a:b],
                               self.sun_distance_au, geo["sun_rsw"][a:b], geo["alt_km"][a:b],
                               geo["valid"][a:b], self.step_s, policy=self.policy,
                               outputs=wanted)
            for k, arr in part.items():
                if k in outputs:
                    outputs[k][start + a:start + b] = arr
                elif len(runs) == 1:
                    phys[k] = arr                   # one design in the chunk: no copy
                else:
                    phys.setdefault(k, np.empty((stop - start,) + arr.shape[1:], arr.dtype))
                    phys[k][a:b] = arr
        series = {k: outputs[k][start:stop] if k in outputs else phys[k]
                  for k in ("array_power_w", "load_power_w", "curtailed_power_w", "battery_wh",
                            "gpu_temp_c", "throttled", "dark", "throughput_gb300")}
        # steps SGP4 could not propagate count as dark (dark_min), not as eclipse
        sunlit = np.where(geo["valid"], geo["sunlit_fraction"], 1.0)
        series["sunlit_fraction"] = sunlit
        if self.store is not None:
            self._write_store(start, stop, geo, {k: outputs[k][start:stop] if k in outputs
                                                 else phys[k] for k in self.store_vars
                                                 if k in outputs or k in phys})
        orbits = orbit_segments(geo["teme_km"], self.inclination_deg[start:stop], self.step_s)
        rows = per_orbit_arrays(self.step_s, orbits, series)
        rows["sat"] = rows["sat"] + (self.offset + start)      # index in the constellation
        return rows, longest_shadow_s(sunlit, self.step_s), sunlit.sum(axis=1)

    def _write_store(self, start, stop, geo, phys):
        from ephemeris.geometry import GEOMETRY_OUTPUTS

        data = {}
        for k in self.store_vars:
            arr = geo[k] if k in GEOMETRY_OUTPUTS else phys.get(k)
            if arr is None:
                continue
            dims = ("sat", "time") + (("xyz",) if k == "position_km" else
                                      ("rsw",) if k == "sun_rsw" else ())
            arr = np.asarray(arr)
            data[k] = (dims, arr.astype(np.int8) if arr.dtype == bool else arr)
        a, b = self.offset + start, self.offset + stop
        xr.Dataset(data).to_zarr(self.store, region={"sat": slice(a, b), "time": slice(None)},
                                 mode="r+", zarr_format=2)


ENGINES = ("local", "dask")


def _progress_callback(progress, total, desc):
    """A chunk-size callback and a closer from ``progress`` (True: a tqdm bar on stderr)."""
    if not progress:
        return None, lambda: None
    if callable(progress):
        return progress, lambda: None
    import sys

    from tqdm.auto import tqdm

    bar = tqdm(total=total, unit="sat", desc=desc, file=sys.stderr, leave=False)
    return bar.update, bar.close


def simulate(constellation, start, duration, step, *, policy="greedy", workers=None,
             design=None, progress=False, timeseries=True, store=None, engine="local",
             scheduler=None, propagator="sgp4", chunk_sats=None,
             overwrite=False, max_epoch_gap_days=30.0) -> SimulationResult:
    """Simulate every satellite's power, battery, thermal state and compute over the run.

    Parameters
    ----------
    constellation : Constellation
        Each shell flies its own design (``design=`` on the builders); shells without one fly
        ``design`` here, or the default :class:`twin.SatelliteDesign`.
    start, duration, step
        As for :func:`geometry`.
    policy : {"greedy", "reserve"}
        Battery policy: compute draws down to the depth-of-discharge floor, or keeps enough to
        carry housekeeping through the next eclipse.
    workers : int, optional
        Processes (default: all cores; small runs stay in-process).
    progress : bool or callable
        True shows a progress bar over satellites on stderr; a callable receives the number of
        satellites of each finished chunk.
    timeseries : bool
        False streams chunks of satellites through the pipeline and keeps only the per-orbit
        rows and totals (memory bounded by the chunk); ``.dataset`` then holds no time series.
    store : str or path, optional
        Stream the full time series chunk by chunk into this Zarr store (a directory) instead
        of memory; ``.dataset`` is then opened lazily from it.  ``overwrite`` allows replacing
        an existing store.
    engine : {"local", "dask"}
        "dask" runs one task per chunk on a ``dask.distributed`` client: a ``LocalCluster``
        (``workers`` processes) or the scheduler at ``scheduler``; tasks receive the chunk's
        elements, not propagated arrays.
    propagator : {"sgp4", "j2"}
        "j2": the analytic secular-J2 propagator for designed shells (catalogs always SGP4).
    chunk_sats : int, optional
        Satellites per chunk (default: about 400,000 satellite-steps).
    max_epoch_gap_days : float or None
        Refuse catalogued satellites whose epoch is further than this from the run.

    Returns
    -------
    SimulationResult with ``.dataset`` (geometry plus ``array_power_w``, ``load_power_w``,
    ``curtailed_power_w``, ``battery_wh``, ``radiator_temp_k``, ``gpu_temp_c``,
    ``gpu_power_w``, ``throughput_gb300`` and more, each with ``units``), ``.per_orbit()`` and
    ``.summary()``.
    """
    from ephemeris.geometry import (
        GEOMETRY_OUTPUTS,
        PROPAGATORS,
        GeometryJob,
        allocate,
        report_errors,
    )
    from ephemeris.sun import AU_KM, sun_and_frames
    from twin.design import SatelliteDesign
    from twin.physics import VARIABLE_ATTRS

    _check_constellation(constellation)
    _check_options(workers, chunk_sats, timeseries, progress, overwrite)
    if policy not in POLICIES:
        raise ValueError(f"policy={policy!r} is not a battery policy; allowed: {POLICIES}")
    if engine not in ENGINES:
        raise ValueError(f"engine={engine!r} is not available; allowed: {', '.join(ENGINES)}")
    if propagator not in PROPAGATORS:
        raise ValueError(f"propagator={propagator!r} is not available; allowed: "
                         f"{', '.join(PROPAGATORS)}")
    if design is not None and not isinstance(design, SatelliteDesign):
        raise TypeError(f"design must be a twin.SatelliteDesign, got {type(design).__name__}")
    if store is not None and not timeseries:
        raise ValueError("store= streams the time series; it cannot be combined with "
                         "timeseries=False")
    grid = make_time_grid(start, duration, step)
    elements = _resolve(constellation, grid, max_epoch_gap_days)
    _check_step(elements, grid)
    designs = constellation.designs(design if design is not None else SatelliteDesign())
    for d, sh in zip(designs, constellation.shells):
        if not isinstance(d, SatelliteDesign):
            raise TypeError(f"shell {sh.name!r}: design must be a twin.SatelliteDesign, got "
                            f"{type(d).__name__}")
    n, t = len(elements), grid.n
    check_memory(n, t, timeseries and store is None)
    spec = _physics_spec(designs[0], policy)
    frames = sun_and_frames(grid.skyfield_time())
    sun_au = frames.sun_distance_km / AU_KM
    bounds = parallel.chunk_bounds(n, t, chunk_sats,
                                   parallel.default_workers() if workers is None else workers)
    store_vars = None
    if store is not None:
        store_vars = list(GEOMETRY_OUTPUTS) + list(spec)
        _create_store(store, elements, grid, frames, spec, VARIABLE_ATTRS, bounds, overwrite)
    step_fn = PhysicsStep(designs, constellation.shell_index(),
                          elements["inclination_deg"].to_numpy(float), grid.step_s,
                          sun_au, policy, store=None if store is None else str(store),
                          store_vars=store_vars)
    jd, fr = grid.jd_utc()
    keep = timeseries and store is None
    job = GeometryJob(elements, jd, fr, frames, extra=step_fn, propagator=propagator,
                      minimal=not timeseries)
    full_spec = {**GEOMETRY_OUTPUTS, **spec} if keep else {}
    tick, close = _progress_callback(progress, n, "simulate")
    try:
        if engine == "dask":
            outputs, results = _run_dask(job, bounds, full_spec, n, t, workers, scheduler, tick)
        else:
            w = parallel.default_workers() if workers is None else workers
            par = w > 1 and len(bounds) > 1 and n * t >= parallel.PARALLEL_MIN_SAT_STEPS
            outputs = allocate(n, t, full_spec, par)
            results = parallel.run_chunks(job, bounds, outputs, t, w if par else 1, tick)
    finally:
        close()
    report_errors(results, elements, grid.times)
    results = [x for _, x in results]
    per_orbit = per_orbit_frame({k: np.concatenate([r[0][k] for r in results])
                                 for k in results[0][0]}, elements["name"].to_numpy(),
                                grid.times[0])
    longest = np.concatenate([r[1] for r in results])
    sunlit_mean = float(np.concatenate([r[2] for r in results]).sum()) / (n * t)
    if store is not None:
        ds = xr.open_zarr(store, zarr_format=2)
    else:
        ds = build_dataset(elements, grid, frames, outputs, attrs=VARIABLE_ATTRS)
    ds.attrs.update(policy=policy, propagator=propagator, timeseries=int(bool(timeseries)))
    summary = constellation_summary(per_orbit, n, sunlit_mean,
                                    worst_eclipse_s=float(longest.max()))
    return SimulationResult(ds, per_orbit, summary, constellation, designs)


#: Refuse in-memory time series above this many bytes (use timeseries=False or store=).
MAX_IN_MEMORY_BYTES = 16 * 2**30
#: Approximate bytes per satellite-step of an in-memory simulation (all variables).
BYTES_PER_SAT_STEP = 290
#: ... and of an in-memory geometry dataset.
GEOMETRY_BYTES_PER_SAT_STEP = 90


def check_memory(n_sat, n_time, in_memory, bytes_per_sat_step=BYTES_PER_SAT_STEP,
                 advice="run with timeseries=False (per-orbit rows and totals only) or "
                        "store='run.zarr' to stream the time series to disk"):
    need = n_sat * n_time * bytes_per_sat_step
    if in_memory and need > MAX_IN_MEMORY_BYTES:
        raise ValueError(
            f"the time series of {n_sat:,} satellites x {n_time:,} steps needs about "
            f"{need / 2**30:,.0f} GiB of memory (limit {MAX_IN_MEMORY_BYTES / 2**30:.0f} GiB); "
            f"{advice}")


def _create_store(store, elements, grid, frames, spec, attrs, bounds, overwrite):
    """An empty Zarr store with every variable, chunked like the run (sat chunks)."""
    import dask.array as da

    from ephemeris.geometry import ATTRS, GEOMETRY_OUTPUTS, build_dataset
    from twin.export import _check_target

    p = _check_target(store, overwrite)
    if p.exists():
        import shutil

        shutil.rmtree(p)
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


def _run_dask(job, bounds, spec, n, t, workers, scheduler, tick):
    """One Dask task per chunk on a distributed client; returns (outputs, results)."""
    from dask.distributed import Client, LocalCluster, as_completed

    from ephemeris.geometry import allocate

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers or parallel.default_workers(),
                               threads_per_worker=1, processes=True, dashboard_address=":0")
        client = Client(cluster)
    try:
        import sys

        if client.dashboard_link:
            print(f"dask dashboard: {client.dashboard_link}", file=sys.stderr)
        outputs = allocate(n, t, spec, False)
        futures = {client.submit(_dask_chunk, job.subset(a, b), b - a, list(spec),
                                 pure=False): (a, b) for a, b in bounds}
        results = [None] * len(bounds)
        order = {b: i for i, b in enumerate(bounds)}
        for fut in as_completed(futures):
            a, b = futures[fut]
            (res_start, err), extra, arrays = fut.result()
            for k, arr in arrays.items():
                outputs[k][a:b] = arr
            results[order[(a, b)]] = ((a, err), extra)
            if tick:
                tick(b - a)
        return outputs, results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_chunk(job, n, names):
    """A Dask task: run one chunk from its elements; return its results and arrays."""
    import os

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from ephemeris.geometry import allocate

    spec = {k: v for k, v in _spec_for(job, names).items()}
    outputs = allocate(n, len(job.jd), spec, False)
    res, extra = job(0, n, outputs)
    return res, extra, outputs


def _spec_for(job, names):
    from ephemeris.geometry import GEOMETRY_OUTPUTS

    if not names:
        return {}
    spec = dict(GEOMETRY_OUTPUTS)
    spec.update(_physics_spec(job.extra.designs[0], job.extra.policy))
    return {k: spec[k] for k in names}
