"""One chunk of satellites through the whole twin: ephemeris -> models -> per-orbit rows.

A :class:`ChunkJob` is the unit of work that the process pool (:mod:`twin.run.pool`) and the
Dask backend (:mod:`twin.run.backends`) hand to a worker.  Calling it on satellites
``start:stop``

1. propagates them and computes their geometry (:func:`ephemeris.geometry.chunk_geometry`,
   pure: ephemeris imports nothing from the twin and owns no pool);
2. when the run has physics (:class:`PhysicsStep`), steps each shell's satellites through
   power, battery, thermal and compute (:func:`twin.run.stepper.run_physics`), and cuts the
   series into orbits for the per-orbit rows (:mod:`twin.run.summary`);
3. writes the per-(sat, time) series into the run's output arrays (or a Zarr region) and
   returns a :class:`ChunkResult`, a named structure that crosses the process boundary.

Invalid steps (SGP4 errors, re-entry) follow one convention from geometry to summary:
:data:`ephemeris.geometry.INVALID_STEP` (docs/output.md, "Invalid steps").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from ephemeris import geometry_kernel, j2
from ephemeris.geometry import (
    EARTH_RADIUS_KM,
    GEOMETRY_OUTPUTS,
    PROPAGATORS,
    chunk_geometry,
    shadow_sunlit_fraction,
)
from ephemeris.propagate import describe_errors, warn_errors
from twin.run import pool, stepper, summary, summary_kernel
from twin.run.stepper import SUMMARY_VARIABLES, run_physics

# the compiled kernels a chunk uses, loaded before the pool forks its workers
for _warm_up in (geometry_kernel.warm_up, j2.warm_up, summary_kernel.warm_up, stepper.warm_up):
    pool.register_warm_up(_warm_up)

#: Time series the per-orbit summary reads from the physics (besides the sunlit fraction).
_SUMMARY_SERIES = ("array_power_w", "load_power_w", "curtailed_power_w", "battery_wh",
                   "gpu_temp_c", "throttled", "dark", "throughput_gb300", "heater_power_w",
                   "radiator_temp_k", "cold", "frozen")


@dataclass(frozen=True)
class ChunkResult:
    """What one chunk returns to the parent process.

    Attributes
    ----------
    start : int
        Index of the chunk's first satellite in the run.
    errors : numpy.ndarray or None
        SGP4 error codes (n, T) uint8 (re-entry included) when any step failed, else None.
    per_orbit : dict of numpy.ndarray or None
        Per-orbit columns (:func:`twin.run.summary.per_orbit_arrays`), ``sat`` the index in
        the run; None for a geometry-only run.
    longest_shadow_s : numpy.ndarray or None
        Longest shadow passage per satellite [s].
    sunlit_sum : numpy.ndarray or None
        Sum over steps of the sunlit fraction per satellite (invalid steps count as sunlit:
        they are dark, not in shadow) [1].
    """

    start: int
    errors: np.ndarray | None = None
    per_orbit: dict | None = None
    longest_shadow_s: np.ndarray | None = None
    sunlit_sum: np.ndarray | None = None


class PhysicsStep:
    """The per-chunk work after geometry (picklable): the satellites' physics and per-orbit
    rows.

    Runs :func:`twin.run.stepper.run_physics` on each run of satellites of one shell inside
    the chunk (with that shell's design), writes the time series into ``outputs`` (or a Zarr
    ``store`` region), and returns the chunk's per-orbit columns, the longest shadow per
    satellite and the sum of sunlit fraction per satellite.
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

    def subset(self, start, stop):
        """The same step for satellites ``start:stop`` only (rows renumbered from 0)."""
        return PhysicsStep(self.designs, self.design_index[start:stop],
                           self.inclination_deg[start:stop], self.step_s,
                           self.sun_distance_au, self.policy, self.store, self.offset + start,
                           self.store_vars)

    def _physics(self, start, stop, geo, outputs):
        """run_physics per run of one design; results into ``outputs`` or a dict."""
        idx = self.design_index[start:stop]
        cuts = np.flatnonzero(np.diff(idx)) + 1
        runs = list(zip(np.concatenate([[0], cuts]), np.concatenate([cuts, [stop - start]])))
        # runs that keep no time series need only what the per-orbit summary reads
        wanted = None if outputs or self.store is not None else SUMMARY_VARIABLES
        phys = {}
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
        return {k: outputs[k][start:stop] if k in outputs else phys[k]
                for k in set(phys) | {k for k in outputs if k not in GEOMETRY_OUTPUTS}}

    def __call__(self, start, stop, geo, outputs):
        series = self._physics(start, stop, geo, outputs)
        if self.store is not None:
            self._write_store(start, stop, geo, series)
        summary_series = {k: series[k] for k in _SUMMARY_SERIES}
        sunlit = shadow_sunlit_fraction(geo["sunlit_fraction"], geo["valid"])
        summary_series["sunlit_fraction"] = sunlit
        orbits = summary.orbit_segments(geo["teme_km"], self.inclination_deg[start:stop],
                                        self.step_s)
        rows = summary.per_orbit_arrays(self.step_s, orbits, summary_series)
        rows["sat"] = rows["sat"] + (self.offset + start)      # index in the constellation
        return rows, summary.longest_shadow_s(sunlit, self.step_s), sunlit.sum(axis=1)

    def _write_store(self, start, stop, geo, phys):
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


class ChunkJob:
    """The per-chunk work of a run, picklable so a Dask worker can run it from elements alone.

    ``job(start, stop, outputs)`` runs satellites ``start:stop`` (rows of ``elements``)
    through :func:`ephemeris.geometry.chunk_geometry` into ``outputs`` (arrays indexed like
    ``elements``; missing keys are skipped), then ``physics`` when given, and returns a
    :class:`ChunkResult`.  ``minimal=True``: only the geometry the physics needs is computed
    (runs that keep no geometry time series).
    """

    def __init__(self, elements, jd, fr, frames, physics=None, propagator="sgp4",
                 minimal=False, earth_radius_km=EARTH_RADIUS_KM):
        if propagator not in PROPAGATORS:
            raise ValueError(f"propagator={propagator!r} is not available; allowed: "
                             f"{', '.join(PROPAGATORS)}")
        self.elements = elements
        self.jd, self.fr, self.frames = jd, fr, frames
        self.physics = physics
        self.propagator = propagator
        self.minimal = minimal
        self.earth_radius_km = earth_radius_km

    def subset(self, start, stop):
        """The same job for satellites ``start:stop`` only (rows renumbered from 0)."""
        physics = self.physics.subset(start, stop) if self.physics is not None else None
        return ChunkJob(self.elements.iloc[start:stop].reset_index(drop=True), self.jd,
                        self.fr, self.frames, physics, self.propagator, self.minimal,
                        self.earth_radius_km)

    def __call__(self, start, stop, outputs) -> ChunkResult:
        geo = chunk_geometry(self.elements.iloc[start:stop], self.jd, self.fr, self.frames,
                             out={k: a[start:stop] for k, a in outputs.items()
                                  if k in GEOMETRY_OUTPUTS},
                             propagator=self.propagator, minimal=self.minimal,
                             earth_radius_km=self.earth_radius_km)
        if "valid" in outputs:
            outputs["valid"][start:stop] = geo["valid"]
        errors = geo["errors"] if geo["errors"].any() else None
        if self.physics is None:
            return ChunkResult(start, errors)
        rows, longest, sunlit_sum = self.physics(start, stop, geo, outputs)
        return ChunkResult(start, errors, rows, longest, sunlit_sum)


def allocate(n, t, spec, shared):
    """Output arrays (n, t, ...) for ``spec`` (name -> (trailing shape, dtype)); in shared
    memory when the run forks workers."""
    alloc = pool.shared_array if shared else (lambda shape, dtype: np.zeros(shape, dtype))
    return {k: alloc((n, t) + tuple(tail), dtype) for k, (tail, dtype) in spec.items()}


def report_errors(results, elements, times):
    """Warn, by name, about satellites SGP4 could not propagate (from chunk results)."""
    failed = [r for r in results if r.errors is not None]
    if failed:
        err = np.zeros((len(elements), len(times)), np.uint8)
        for r in failed:
            err[r.start:r.start + len(r.errors)] = r.errors
        warn_errors(describe_errors(err, elements["name"].to_numpy(), times))


def physics_spec(design, policy):
    """Names, trailing shapes and dtypes of run_physics' outputs (from a 1 x 2 dry run)."""
    out = run_physics(design, np.ones((1, 2)), np.ones(2), np.tile([0.0, 0.0, 1.0], (1, 2, 1)),
                      np.full((1, 2), 550.0), np.ones((1, 2), bool), 60.0, policy=policy)
    return {k: (np.asarray(v).shape[2:], np.asarray(v).dtype) for k, v in out.items()}


def run_local(job, bounds, spec, n, t, workers, progress=None):
    """Run every chunk on this machine (forked workers when large enough); returns
    (outputs, results)."""
    w = pool.default_workers() if workers is None else workers
    par = w > 1 and len(bounds) > 1 and n * t >= pool.PARALLEL_MIN_SAT_STEPS
    outputs = allocate(n, t, spec, par)
    return outputs, pool.run_chunks(job, bounds, outputs, t, w if par else 1, progress)


def per_orbit_table(results, names, start_time) -> pd.DataFrame:
    """The run's per-orbit table from its chunks' results."""
    cols = {k: np.concatenate([r.per_orbit[k] for r in results]) for k in results[0].per_orbit}
    return summary.per_orbit_frame(cols, names, start_time)
