"""Per-orbit and constellation summaries.

An orbit of a satellite starts at its ascending-node crossing: the instant its inertial
position crosses the equator of date northbound (z = 0 in TEME, the frame of SGP4's elements,
so the geodetic latitude is 0 there), interpolated linearly between steps.  For orbits within
0.1 deg of the equator (where the node is undefined) it starts at the crossing of a fixed
inertial meridian (TEME x axis) in the direction of motion.  The partial orbits before
the first and after the last crossing are kept with ``complete=False``.

Every per-orbit quantity integrates the step series exactly over [start, end): sample k holds
on [t_k, t_k + step), so a boundary inside a step takes the right share of that step.

The loops over satellites and steps (crossings, segments, per-segment integrals and extremes,
longest shadow) are written once, in :mod:`twin.run.summary_kernel`, and compiled there or not
by the project's one switch, :mod:`ephemeris.fastmath`; this module prepares their inputs and
labels their outputs.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from twin.models.constants import ZERO_C_K
from twin.run import summary_kernel as kernels

#: Dense throughput of one GB300-equivalent [PFLOPS] (NVIDIA, "Inside NVIDIA Blackwell
#: Ultra", 2025: 15 PFLOPS dense FP4, 5 FP8, 2.5 BF16 per Blackwell Ultra GPU).
GB300_PFLOPS = {"fp4": 15.0, "fp8": 5.0, "bf16": 2.5}

#: Below this inclination (or above 180 minus it) orbits start at a fixed inertial meridian.
EQUATORIAL_DEG = 0.1

PER_ORBIT_COLUMNS = [
    "sat", "orbit", "start", "end", "complete", "duration_min", "eclipse_min", "sunlit_fraction",
    "energy_generated_wh", "energy_used_wh", "energy_curtailed_wh", "min_battery_wh",
    "max_gpu_temp_c", "throttled_min", "dark_min", "sustained_gb300", "heater_wh",
    "min_loop_temp_c", "cold_min", "frozen_min",
]


def _node_flags(inclination_deg):
    """(equatorial, retrograde) flags (n,) of orbits of these inclinations [deg]."""
    inc = np.asarray(inclination_deg, float)
    return (inc < EQUATORIAL_DEG) | (inc > 180.0 - EQUATORIAL_DEG), inc > 90.0


def orbit_start_offsets(position_km, inclination_deg, step_s):
    """Orbit start times [s from the run start] of each satellite, as a list of arrays.

    ``position_km`` (n, T, 3) inertial positions (TEME); ``inclination_deg`` (n,).  Every
    crossing (:func:`twin.run.summary_kernel.node_crossings`), including those at the run's
    ends that :func:`orbit_segments` does not cut at.
    """
    equatorial, retrograde = _node_flags(inclination_deg)
    count, t = kernels.node_crossings(np.ascontiguousarray(position_km, dtype=float),
                                      equatorial, retrograde, float(step_s))
    return np.split(t, np.cumsum(count)[:-1]) if len(count) else []


def orbit_segments(position_km, inclination_deg, step_s):
    """Orbit segments of a chunk, flattened: (sat index, t0, t1, complete), all 1-D, t0 and
    t1 in s from the run start (:func:`twin.run.summary_kernel.segments_between` of the
    crossings)."""
    equatorial, retrograde = _node_flags(inclination_deg)
    pos = np.ascontiguousarray(position_km, dtype=float)
    count, t = kernels.node_crossings(pos, equatorial, retrograde, float(step_s))
    return kernels.segments_between(count, t, pos.shape[1], float(step_s))


def per_orbit_arrays(step_s, segments, series) -> dict:
    """Per-orbit columns of one chunk as numpy arrays (cheap to send between processes).

    ``segments`` from :func:`orbit_segments`; ``series`` (n, T) must hold
    ``sunlit_fraction``, ``array_power_w``, ``load_power_w``, ``curtailed_power_w``,
    ``battery_wh``, ``gpu_temp_c``, ``throttled``, ``dark``, ``throughput_gb300``,
    ``heater_power_w``, ``radiator_temp_k``, ``cold`` and ``frozen``.
    Returns the columns of :data:`PER_ORBIT_COLUMNS` with ``sat`` the satellite's index in
    the chunk and ``start_s`` / ``end_s`` [s from the run start] in place of ``start`` /
    ``end``; :func:`per_orbit_frame` labels them.  Integrals and extremes over all orbits of
    the chunk: :func:`twin.run.summary_kernel.segment_integrals` and ``segment_extremes``.
    """
    sat, t0, t1, complete = segments
    step_s = float(step_s)
    dur = t1 - t0
    f = series.__getitem__
    integ = lambda x: kernels.segment_integrals(x, sat, t0, t1, step_s)  # noqa: E731
    ext = lambda x, hi: kernels.segment_extremes(x, sat, t0, t1, step_s, hi)  # noqa: E731
    sunlit_s = integ(f("sunlit_fraction"))
    return {
        "sat": sat,
        "orbit": np.arange(len(sat)) - np.searchsorted(sat, sat),   # 0, 1, ... per satellite
        "start_s": t0,
        "end_s": t1,
        "complete": complete,
        "duration_min": dur / 60.0,
        "eclipse_min": (dur - sunlit_s) / 60.0,
        "sunlit_fraction": sunlit_s / dur,
        "energy_generated_wh": integ(f("array_power_w")) / 3600.0,
        "energy_used_wh": integ(f("load_power_w")) / 3600.0,
        "energy_curtailed_wh": integ(f("curtailed_power_w")) / 3600.0,
        "min_battery_wh": ext(f("battery_wh"), False),
        "max_gpu_temp_c": ext(f("gpu_temp_c"), True),
        "throttled_min": integ(f("throttled")) / 60.0,
        "dark_min": integ(f("dark")) / 60.0,
        "sustained_gb300": integ(f("throughput_gb300")) / dur,
        "heater_wh": integ(f("heater_power_w")) / 3600.0,
        "min_loop_temp_c": ext(f("radiator_temp_k"), False) - ZERO_C_K,
        "cold_min": integ(f("cold")) / 60.0,
        "frozen_min": integ(f("frozen")) / 60.0,
    }


def per_orbit_frame(arrays, names, start_time) -> pd.DataFrame:
    """The per-orbit table from :func:`per_orbit_arrays` (of one chunk, or concatenated with
    ``sat`` shifted to a constellation index): satellite names from ``names[sat]`` and
    ``start`` / ``end`` as times from ``start_time``."""
    cols = dict(arrays)
    start_time = np.datetime64(start_time, "ns")
    cols["sat"] = np.asarray(names, dtype=object)[cols["sat"]]
    cols["start"] = start_time + (cols.pop("start_s") * 1e9).astype("timedelta64[ns]")
    cols["end"] = start_time + (cols.pop("end_s") * 1e9).astype("timedelta64[ns]")
    return pd.DataFrame({k: cols[k] for k in PER_ORBIT_COLUMNS})


def per_orbit_rows(names, times, step_s, segments, series) -> pd.DataFrame:
    """Per-orbit table of one chunk: :func:`per_orbit_arrays` labelled by
    :func:`per_orbit_frame` with the chunk's satellite ``names`` and time grid ``times``."""
    return per_orbit_frame(per_orbit_arrays(step_s, segments, series), names, times[0])


def longest_shadow_s(sunlit_fraction, step_s):
    """Longest single shadow passage of each satellite [s], shadow-equivalent.

    A passage is a run of steps with sunlit fraction < 1; its length is the integral of
    1 - sunlit_fraction over the run (grid resolution; see ``twin.eclipse_events`` for
    boundaries refined to 1 ms).
    """
    return kernels.longest_shadow(np.asarray(sunlit_fraction, float), float(step_s))


def sustained_per_sat(per_orbit: pd.DataFrame) -> pd.Series:
    """Each satellite's sustained GB300-equivalents: the time-weighted mean of throughput over
    its complete orbits (over the whole run for a satellite with no complete orbit).  Indexed
    by satellite name (sorted)."""
    codes, names = pd.factorize(per_orbit["sat"], sort=True)
    dur = per_orbit["duration_min"].to_numpy(float)
    work = per_orbit["sustained_gb300"].to_numpy(float) * dur
    comp = per_orbit["complete"].to_numpy(bool)
    n = len(names)
    all_mean = np.bincount(codes, work, n) / np.bincount(codes, dur, n)
    comp_dur = np.bincount(codes[comp], dur[comp], n)
    comp_work = np.bincount(codes[comp], work[comp], n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(comp_dur > 0, comp_work / comp_dur, all_mean)
    return pd.Series(mean, index=pd.Index(names, name="sat"))


def constellation_summary(per_orbit: pd.DataFrame, n_sats: int, sunlit_mean: float,
                          worst_eclipse_s: float = None) -> dict:
    """Constellation totals from the per-orbit table.

    Sustained GB300-equivalents: the sum over satellites of each one's time-weighted mean over
    its complete orbits (over the whole run for a satellite with no complete orbit).
    """
    po = per_orbit
    comp = po["complete"].to_numpy(bool)
    sustained = float(sustained_per_sat(po).sum())
    rows = np.flatnonzero(comp) if comp.any() else np.arange(len(po))
    worst = po.iloc[rows[np.argmin(po["sustained_gb300"].to_numpy(float)[rows])]]
    out = {
        "satellites": int(n_sats),
        "sustained_gb300": sustained,
        "sustained_pflops_fp4": sustained * GB300_PFLOPS["fp4"],
        "sustained_pflops_fp8": sustained * GB300_PFLOPS["fp8"],
        "sustained_pflops_bf16": sustained * GB300_PFLOPS["bf16"],
        "sustained_gb300_per_sat": sustained / max(n_sats, 1),
        "worst_orbit_sat": str(worst["sat"]),
        "worst_orbit_start": str(pd.Timestamp(worst["start"])),
        "worst_orbit_gb300": float(worst["sustained_gb300"]),
        "complete_orbits": int(comp.sum()),
        "mean_sunlit_fraction": float(sunlit_mean),
        "worst_eclipse_min": float(worst_eclipse_s / 60.0 if worst_eclipse_s is not None
                                   else po["eclipse_min"].max()),
        "energy_generated_mwh": float(po["energy_generated_wh"].sum() / 1e6),
        "energy_used_mwh": float(po["energy_used_wh"].sum() / 1e6),
        "energy_curtailed_mwh": float(po["energy_curtailed_wh"].sum() / 1e6),
        "throttled_hours": float(po["throttled_min"].sum() / 60.0),
        "dark_hours": float(po["dark_min"].sum() / 60.0),
        "heater_kwh": float(po["heater_wh"].sum() / 1e3),
        "min_loop_temp_c": float(po["min_loop_temp_c"].min()),
        "cold_hours": float(po["cold_min"].sum() / 60.0),
        "frozen_hours": float(po["frozen_min"].sum() / 60.0),
    }
    return out
