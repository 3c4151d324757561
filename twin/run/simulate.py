"""The orchestrator: a constellation and a time grid in, labelled results out.

``geometry`` runs the ephemeris side only; ``simulate`` adds, per chunk of satellites and in the
same worker that propagated them, the satellite physics of :mod:`twin.run.stepper` (array power,
battery, thermal, compute) and the per-orbit summary.  A chunk may span shells: the physics
runs once per stretch of satellites that fly one design (:class:`twin.run.pipeline.PhysicsStep`).
"""
from __future__ import annotations

import os
import sys
import warnings
from contextlib import nullcontext

import numpy as np
import pandas as pd
import xarray as xr

from ephemeris.geometry import GEOMETRY_OUTPUTS, PROPAGATORS, build_dataset
from ephemeris.sun import AU_KM, sun_and_frames
from ephemeris.timegrid import make_time_grid
from twin.constellation import Constellation
from twin.design import SatelliteDesign
from twin.io import export
from twin.io.atomic import atomic_path
from twin.run import pool
from twin.run.backends import create_store, run_dask
from twin.run.pipeline import (
    ChunkJob,
    PhysicsStep,
    per_orbit_table,
    physics_spec,
    report_errors,
    run_local,
)
from twin.run.stepper import POLICIES, VARIABLE_ATTRS
from twin.run.summary import constellation_summary


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
    check_memory(len(constellation), grid.n, "geometry",
                 pool.default_workers() if workers is None else workers)
    elements = _resolve(constellation, grid, max_epoch_gap_days)
    _check_step(elements, grid)
    n, t = len(elements), grid.n
    frames = sun_and_frames(grid.skyfield_time())
    jd, fr = grid.jd_utc()
    bounds = pool.chunk_bounds(n, t, None, pool.default_workers() if workers is None else workers)
    outputs, results = run_local(ChunkJob(elements, jd, fr, frames), bounds,
                                 dict(GEOMETRY_OUTPUTS), n, t, workers)
    report_errors(results, elements, grid.times)
    return build_dataset(elements, grid, frames, outputs)


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
        #: names the output set of this result (``twin run`` sets it; files carry it)
        self.run_id = None

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
        if self.run_id is not None:     # as in summary.json of the run's output set
            meta = {"twin.summary": {**self._summary, "run_id": self.run_id},
                    "twin.run_id": self.run_id}
        if self.scenario is not None:
            meta["twin.scenario"] = self.scenario.to_toml()
        return meta

    def to_parquet(self, path, overwrite=False):
        """Tidy Parquet: one row per satellite and step (``sat``, ``time``, every variable);
        units and the scenario in the file's metadata."""
        return export.to_parquet(self.dataset, path, overwrite=overwrite, metadata=self._metadata())

    def to_netcdf(self, path, overwrite=False):
        """The dataset as NetCDF-4 with units and CF-style attributes."""
        return export.to_netcdf(self.dataset, path, overwrite=overwrite, metadata=self._metadata())

    def to_zarr(self, path, overwrite=False):
        """The dataset as a Zarr store (a directory)."""
        return export.to_zarr(self.dataset, path, overwrite=overwrite, metadata=self._metadata())

    def to_csv(self, path, overwrite=False):
        """The tidy table as CSV."""
        self._need_timeseries()
        return export.to_csv(self.dataset, path, overwrite=overwrite)

    def to_czml(self, path, overwrite=False, stride=1):
        """A CZML document to replay the run in CesiumJS (every ``stride``-th step)."""
        self._need_timeseries()
        return export.to_czml(self.dataset, path, overwrite=overwrite, stride=stride)

    def to_oem(self, path, overwrite=False):
        """CCSDS OEM 2.0 of every satellite's GCRF states (:func:`twin.io.oem.to_oem`): a
        directory with one ``.oem`` per satellite (or one file for a one-satellite run)."""
        self._need_timeseries()
        from twin.io.oem import to_oem  # lazy: the oem package loads lxml and astropy.time

        return to_oem(self.dataset, path, overwrite=overwrite)

    def to_html(self, path, overwrite=False, title="twin run", season=True):
        """One self-contained offline HTML page of the run (:mod:`twin.io.report`); ``season``
        adds the year's eclipse season of its sun-synchronous shells (a few seconds each)."""
        from twin.io.report import result_report  # lazy: plotly (several MB of plotly.js)

        return result_report(self, path, overwrite=overwrite, title=title, season=season)

    def __repr__(self):
        s = self._summary
        return (f"<SimulationResult {s['satellites']} satellites, "
                f"{self.dataset.sizes.get('time', 0)} steps: "
                f"{s['sustained_gb300']:.1f} sustained GB300-eq>")


ENGINES = ("local", "dask")


def _progress_callback(progress, total, desc):
    """A chunk-size callback and a closer from ``progress`` (True: a tqdm bar on stderr)."""
    if not progress:
        return None, lambda: None
    if callable(progress):
        return progress, lambda: None
    from tqdm.auto import tqdm

    bar = tqdm(total=total, unit="sat", desc=desc, file=sys.stderr, leave=False)
    return bar.update, bar.close


def simulate(constellation, start, duration, step, *, policy="reserve", workers=None,
             design=None, progress=False, timeseries=True, store=None, engine="local",
             scheduler=None, propagator="sgp4", chunk_sats=None,
             overwrite=False, max_epoch_gap_days=30.0,
             dashboard="127.0.0.1:0") -> SimulationResult:
    """Simulate every satellite's power, battery, thermal state and compute over the run.

    Parameters
    ----------
    constellation : Constellation
        Each shell flies its own design (``design=`` on the builders); shells without one fly
        ``design`` here, or the default :class:`twin.SatelliteDesign`.
    start, duration, step
        As for :func:`geometry`.
    policy : {"reserve", "greedy"}
        Battery policy: "reserve" (default) keeps in the battery what housekeeping and the
        loop's heaters need through the rest of the current or the next eclipse; "greedy" lets
        compute draw down to the depth-of-discharge floor (housekeeping may then go dark late
        in long eclipses: a study option, not a way to fly).
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
    dashboard : str or None
        Where a local Dask cluster's dashboard listens ("HOST:PORT"; default this machine
        only, any free port).  It has no authentication: "0.0.0.0:8787" exposes it to the
        network.  None turns it off.

    Raises ``NonFiniteError`` (a ``ValueError``) when a valid step or an orbit's row came
    out infinite or NaN (an input that passed validation overflowed in the models): a run
    never reports a number computed from an overflow.

    Returns
    -------
    SimulationResult with ``.dataset`` (geometry plus ``array_power_w``, ``load_power_w``,
    ``curtailed_power_w``, ``battery_wh``, ``radiator_temp_k``, ``gpu_temp_c``,
    ``gpu_power_w``, ``throughput_gb300`` and more, each with ``units``), ``.per_orbit()`` and
    ``.summary()``.
    """
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
    if dashboard is not None and not isinstance(dashboard, str):
        raise TypeError(f"dashboard must be 'HOST:PORT' or None, got {dashboard!r}")
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
    check_memory(n, t, "summary" if not timeseries else "timeseries" if store is None
                 else "store", pool.default_workers() if workers is None else workers,
                 expected_orbit_rows(elements, grid.duration_s))
    spec = physics_spec(designs[0], policy)
    frames = sun_and_frames(grid.skyfield_time())
    bounds = pool.chunk_bounds(n, t, chunk_sats,
                               pool.default_workers() if workers is None else workers)
    # A store is written under a temporary sibling name and swapped in only when the run
    # finished and passed the output check (twin.io.atomic): an interrupted store never
    # carries the final name, and an existing one is kept until then.
    with (atomic_path(store, overwrite, directory=True) if store is not None
          else nullcontext(None)) as store_tmp:
        store_vars = None
        if store is not None:
            store_vars = list(GEOMETRY_OUTPUTS) + list(spec)
            create_store(store_tmp, elements, grid, frames, spec, VARIABLE_ATTRS, bounds)
        physics = PhysicsStep(designs, constellation.shell_index(),
                              elements["inclination_deg"].to_numpy(float), grid.step_s,
                              frames.sun_distance_km / AU_KM, policy,
                              store=None if store is None else str(store_tmp),
                              store_vars=store_vars)
        jd, fr = grid.jd_utc()
        job = ChunkJob(elements, jd, fr, frames, physics, propagator=propagator,
                       minimal=not timeseries)
        full_spec = {**GEOMETRY_OUTPUTS, **spec} if timeseries and store is None else {}
        tick, close = _progress_callback(progress, n, "simulate")
        try:
            if engine == "dask":
                outputs, results = run_dask(job, bounds, full_spec, n, t, workers, scheduler,
                                            tick, dashboard)
            else:
                outputs, results = run_local(job, bounds, full_spec, n, t, workers, tick)
        finally:
            close()
        report_errors(results, elements, grid.times)
        per_orbit = per_orbit_table(results, elements["name"].to_numpy(), grid.times[0])
        longest = np.concatenate([r.longest_shadow_s for r in results])
        sunlit_mean = float(np.concatenate([r.sunlit_sum for r in results]).sum()) / (n * t)
        if store is not None:
            ds = xr.open_zarr(store_tmp, zarr_format=2)
        else:
            ds = build_dataset(elements, grid, frames, outputs, attrs=VARIABLE_ATTRS)
        ds.attrs.update(policy=policy, propagator=propagator, timeseries=int(bool(timeseries)))
        summary = constellation_summary(per_orbit, n, sunlit_mean,
                                        worst_eclipse_s=float(longest.max()))
        names = elements["name"].to_numpy()
        check_finite(per_orbit, summary, ds if timeseries else None,
                     names[_invalid_sats(results, n)], list(spec))
    if store is not None:
        ds = xr.open_zarr(store, zarr_format=2)
        ds.attrs.update(policy=policy, propagator=propagator, timeseries=1)
    return SimulationResult(ds, per_orbit, summary, constellation, designs)


#: Refuse runs expected to need more than this many bytes of memory (per run, all modes).
MAX_IN_MEMORY_BYTES = 16 * 2**30
#: Bytes per time step whatever the satellites (the Sun, the frames, the time grid).  Measured
#: (peak RSS, 1 satellite, 2e4 to 4e5 steps, 2026): 1,300 B; booked with 8 % margin.
BYTES_PER_STEP = 1_400
#: Bytes per satellite-step by mode: (kept for the whole run, in a chunk being computed).
#: Measured as above with 1, 20 and 100 satellites x 2e4 steps (one and five chunks):
#: geometry 89 / 25, time series in memory 216 / 100, summary only 0 / 93, Zarr store 0 / 336;
#: booked with about 10 % margin.
#: Peak bytes per per-orbit row (20 columns: ~180 B in the final table, plus the chunks'
#: arrays and their concatenation alive at once).  Measured (peak RSS, 2,000 satellites, 2
#: and 20 days at 300 s, 2026-11-30): 730 B per row; booked 800.  A year of 10,000
#: satellites is 55 million rows: ~41 GiB.
BYTES_PER_ORBIT_ROW = 800
MODE_BYTES = {"geometry": (100, 40), "timeseries": (240, 120), "summary": (0, 110),
              "store": (0, 370)}
#: ... kept for compatibility: the whole-run bytes of the two in-memory modes.
BYTES_PER_SAT_STEP = MODE_BYTES["timeseries"][0]
GEOMETRY_BYTES_PER_SAT_STEP = MODE_BYTES["geometry"][0]

_ADVICE = {
    "timeseries": "run with timeseries=False (per-orbit rows and totals only) or "
                  "store='run.zarr' to stream the time series to disk",
    "geometry": "use shorter runs or fewer satellites, or twin.simulate(..., timeseries=False)",
    "summary": "a chunk holds at least one satellite's whole run: use a longer step or a "
               "shorter run, or fewer workers",
    "store": "a chunk holds at least one satellite's whole run: use a longer step or a "
             "shorter run, or fewer workers",
}


def memory_needed(n_sat, n_time, mode, workers=1, orbit_rows=0):
    """Expected peak memory [bytes] of a run in ``mode`` ("geometry", "timeseries",
    "summary", "store"): the per-step part, the part kept for the whole run, the chunks
    in flight (one per worker, at least one satellite each) and, except for geometry, the
    per-orbit table of ``orbit_rows`` rows (:data:`BYTES_PER_ORBIT_ROW` each)."""
    kept, chunk = MODE_BYTES[mode]
    size = pool.chunk_bounds(max(n_sat, 1), n_time, None, workers)[0]
    in_flight = min(n_sat, (size[1] - size[0]) * max(workers, 1))
    return (n_time * (BYTES_PER_STEP + kept * n_sat + chunk * in_flight)
            + _orbit_table_bytes(mode, orbit_rows))


def _orbit_table_bytes(mode, orbit_rows):
    """Peak bytes of the per-orbit table (geometry runs have none)."""
    return 0 if mode == "geometry" else orbit_rows * BYTES_PER_ORBIT_ROW


def expected_orbit_rows(elements, duration_s) -> float:
    """Per-orbit rows a run will produce: for each satellite its revolutions in the run plus
    one (the partial orbits at both ends) [rows]."""
    n_rev = elements["mean_motion_rev_per_day"].to_numpy(float) * duration_s / 86400.0
    return float(np.sum(n_rev + 1.0))


def memory_limit() -> int:
    """MAX_IN_MEMORY_BYTES, or three quarters of this machine's physical memory if smaller
    (assumption: the rest is the system's and other programs')."""
    try:
        phys = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return MAX_IN_MEMORY_BYTES
    return min(MAX_IN_MEMORY_BYTES, int(0.75 * phys))


def check_memory(n_sat, n_time, mode="timeseries", workers=1, orbit_rows=0):
    """Refuse (``ValueError``) a run expected to need more than :func:`memory_limit`."""
    need = memory_needed(n_sat, n_time, mode, workers, orbit_rows)
    limit = memory_limit()
    if need > limit:
        rows = _orbit_table_bytes(mode, orbit_rows)
        what = "the time series of " if mode in ("timeseries", "geometry") else "a run of "
        advice = (f"its per-orbit table alone ({orbit_rows:,.0f} rows, about "
                  f"{rows / 2**30:,.1f} GiB) is most of it: run fewer satellites or a "
                  "shorter span at a time" if rows > need / 2 else _ADVICE[mode])
        raise ValueError(
            f"{what}{n_sat:,} satellites x {n_time:,} steps needs about "
            f"{need / 2**30:,.1f} GiB of memory (limit {limit / 2**30:,.3g} GiB); {advice}")


class NonFiniteError(ValueError):
    """A run's output holds an infinite or NaN value where a finite one belongs.

    Attributes: ``variable`` (the output), ``sat`` (the satellite's name) and ``time``."""

    def __init__(self, variable, sat, time=None):
        self.variable, self.sat, self.time = variable, sat, time
        when = "" if time is None else f" at {pd.Timestamp(time)}"
        super().__init__(
            f"the run produced a non-finite value (inf or NaN) of {variable} for satellite "
            f"{sat!r}{when}: an input is outside the physically meaningful range and "
            "overflowed in the models (check the design values, e.g. areas, heat capacities "
            "and normal_rsw); nothing was written")


def _invalid_sats(results, n):
    """Boolean (n,): satellites with at least one invalid step (SGP4 error, re-entry)."""
    bad = np.zeros(n, bool)
    for r in results:
        if r.errors is not None:
            bad[r.start:r.start + len(r.errors)] = r.errors.any(axis=1)
    return bad


def check_finite(per_orbit, summary, ds, invalid_names, variables):
    """Refuse (:class:`NonFiniteError`) a run whose outputs hold a number computed from an
    overflow: any infinity; a NaN in a per-orbit row of a satellite without invalid steps or,
    in the time series ``ds`` (lazy Zarr-backed or in memory), at a valid step.  NaN marks
    invalid steps by convention (docs/output.md), so only those may hold it."""
    sats = per_orbit["sat"].to_numpy()
    ok_nan = np.isin(sats.astype(str), np.asarray(invalid_names).astype(str))
    for col in per_orbit.columns:
        v = per_orbit[col].to_numpy()
        if v.dtype.kind != "f":
            continue
        wrong = np.isinf(v) | (np.isnan(v) & ~ok_nan)
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            raise NonFiniteError(col, str(sats[i]), per_orbit["start"].iloc[i])
    for k, v in summary.items():
        if isinstance(v, float) and not np.isfinite(v):
            raise NonFiniteError(k, "(constellation total)")
    if ds is None or "valid" not in ds:
        return
    valid = ds["valid"].astype(bool)
    all_valid = bool(valid.all())
    for name in variables:
        if name not in ds or ds[name].dtype.kind != "f":
            continue
        v = ds[name]
        finite = np.isfinite(v)
        if bool(finite.all()):              # the usual case: one pass over the variable
            continue
        wrong = ~finite if all_valid else np.isinf(v) | (np.isnan(v) & valid)
        extra = [d for d in wrong.dims if d not in ("sat", "time")]
        if extra:
            wrong = wrong.any(extra)
        if bool(wrong.any()):
            idx = np.argwhere(np.asarray(wrong.transpose("sat", "time").values))[0]
            raise NonFiniteError(name, str(ds["sat"].values[idx[0]]),
                                 ds["time"].values[idx[1]])
