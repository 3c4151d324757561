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
from ephemeris.geometry import build_dataset, geometry_dataset, run_geometry
from ephemeris.timegrid import make_time_grid
from twin.constellation import Constellation
from twin.summary import constellation_summary, longest_shadow_s, orbit_start_offsets, \
    per_orbit_rows

POLICIES = ("greedy", "reserve")


def _check_constellation(constellation):
    if not isinstance(constellation, Constellation):
        raise TypeError(f"constellation must be a twin.Constellation, got "
                        f"{type(constellation).__name__}")
    if len(constellation) == 0:
        raise ValueError("constellation is empty: add at least one shell with a satellite")


def geometry(constellation, start, duration, step, *, workers=None) -> xr.Dataset:
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
    grid = make_time_grid(start, duration, step)
    elements = constellation.resolved(grid.start)
    return geometry_dataset(elements, grid, workers=workers)


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
    def _metadata(self):
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

        return to_csv(self.dataset, path, overwrite=overwrite)

    def to_czml(self, path, overwrite=False, stride=1):
        """A CZML document to replay the run in CesiumJS (every ``stride``-th step)."""
        from twin.export import to_czml

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
             design=None, progress=False) -> SimulationResult:
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

    Returns
    -------
    SimulationResult with ``.dataset`` (geometry plus ``array_power_w``, ``load_power_w``,
    ``curtailed_power_w``, ``battery_wh``, ``radiator_temp_k``, ``gpu_temp_c``,
    ``gpu_power_w``, ``throughput_gb300`` and more, each with ``units``), ``.per_orbit()`` and
    ``.summary()``.
    """
    from twin.design import SatelliteDesign
    from twin.physics import VARIABLE_ATTRS, run_physics

    _check_constellation(constellation)
    if policy not in POLICIES:
        raise ValueError(f"policy={policy!r} is not a battery policy; allowed: {POLICIES}")
    if design is not None and not isinstance(design, SatelliteDesign):
        raise TypeError(f"design must be a twin.SatelliteDesign, got {type(design).__name__}")
    grid = make_time_grid(start, duration, step)
    elements = constellation.resolved(grid.start)
    designs = constellation.designs(design if design is not None else SatelliteDesign())
    for d, sh in zip(designs, constellation.shells):
        if not isinstance(d, SatelliteDesign):
            raise TypeError(f"shell {sh.name!r}: design must be a twin.SatelliteDesign, got "
                            f"{type(d).__name__}")
    shell_of_sat = constellation.shell_index()
    spec = _physics_spec(designs[0], policy)
    names = elements["name"].to_numpy(dtype=object)
    inclination = elements["inclination_deg"].to_numpy(float)
    times, step_s = grid.times, grid.step_s
    sun_au = None

    def physics(start_i, stop_i, geo, outputs):
        d = designs[shell_of_sat[start_i]]
        phys = run_physics(d, geo["sunlit_fraction"], sun_au, geo["sun_rsw"], geo["alt_km"],
                           geo["valid"], step_s, policy=policy)
        for k, arr in phys.items():
            outputs[k][start_i:stop_i] = arr
        series = dict(phys, sunlit_fraction=geo["sunlit_fraction"])
        starts = orbit_start_offsets(geo["teme_km"], inclination[start_i:stop_i], step_s)
        rows = per_orbit_rows(names[start_i:stop_i], times, step_s, starts, series)
        return rows, longest_shadow_s(geo["sunlit_fraction"], step_s), \
            float(geo["sunlit_fraction"].sum())

    # chunks never cross shells, so one design per chunk
    bounds = []
    edges = np.concatenate([[0], np.cumsum([len(s.elements) for s in constellation.shells])])
    for a, b in zip(edges[:-1], edges[1:]):
        bounds += [(a + s, a + e) for s, e in parallel.chunk_bounds(int(b - a), grid.n)]
    from ephemeris.sun import AU_KM, sun_and_frames

    frames = sun_and_frames(grid.skyfield_time())
    sun_au = frames.sun_distance_km / AU_KM
    tick, close = _progress_callback(progress, len(elements), "simulate")
    try:
        outputs, frames, results = run_geometry(elements, grid, workers=workers,
                                                outputs_spec=spec, extra=physics, bounds=bounds,
                                                frames=frames, progress=tick)
    finally:
        close()
    per_orbit = pd.concat([r[0] for r in results], ignore_index=True)
    longest = np.concatenate([r[1] for r in results])
    sunlit_mean = sum(r[2] for r in results) / (len(elements) * grid.n)
    ds = build_dataset(elements, grid, frames, outputs, attrs=VARIABLE_ATTRS)
    ds.attrs["policy"] = policy
    summary = constellation_summary(per_orbit, len(elements), sunlit_mean,
                                    worst_eclipse_s=float(longest.max()))
    return SimulationResult(ds, per_orbit, summary, constellation, designs)
