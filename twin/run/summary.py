"""Per-orbit and constellation summaries.

An orbit of a satellite starts at its ascending-node crossing: the instant its inertial
position crosses the equator of date northbound (z = 0 in TEME, the frame of SGP4's elements,
so the geodetic latitude is 0 there), interpolated linearly between steps.  For orbits within
0.1 deg of the equator (where the node is undefined) it starts at the crossing of a fixed
inertial meridian (TEME x axis) in the direction of motion.  The partial orbits before
the first and after the last crossing are kept with ``complete=False``.

Every per-orbit quantity integrates the step series exactly over [start, end): sample k holds
on [t_k, t_k + step), so a boundary inside a step takes the right share of that step.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: Dense throughput of one GB300-equivalent [PFLOPS] (NVIDIA, "Inside NVIDIA Blackwell
#: Ultra", 2025: 15 PFLOPS dense FP4, 5 FP8, 2.5 BF16 per Blackwell Ultra GPU).
GB300_PFLOPS = {"fp4": 15.0, "fp8": 5.0, "bf16": 2.5}

#: Below this inclination (or above 180 minus it) orbits start at a fixed inertial meridian.
EQUATORIAL_DEG = 0.1

try:                                    # the compiled versions (numba); numpy below otherwise
    from twin.run import summary_kernel as _kernel
except ImportError:  # pragma: no cover - numba is a dependency
    _kernel = None

PER_ORBIT_COLUMNS = [
    "sat", "orbit", "start", "end", "complete", "duration_min", "eclipse_min", "sunlit_fraction",
    "energy_generated_wh", "energy_used_wh", "energy_curtailed_wh", "min_battery_wh",
    "max_gpu_temp_c", "throttled_min", "dark_min", "sustained_gb300",
]


def orbit_start_offsets(position_km, inclination_deg, step_s):
    """Orbit start times [s from the run start] of each satellite, as a list of arrays.

    ``position_km`` (n, T, 3) inertial positions (TEME); ``inclination_deg`` (n,).
    """
    x, y, z = position_km[..., 0], position_km[..., 1], position_km[..., 2]
    inc = np.asarray(inclination_deg, float)
    equatorial = (inc < EQUATORIAL_DEG) | (inc > 180.0 - EQUATORIAL_DEG)
    # crossing variable: z for inclined orbits; for equatorial ones the y coordinate where
    # x > 0, signed by the direction of motion (prograde counter-clockwise seen from +z)
    g = np.where(equatorial[:, None], np.where(inc[:, None] > 90.0, -y, y), z)
    ok = ~equatorial[:, None] | (x[:, :-1] > 0)
    up = (g[:, :-1] < 0) & (g[:, 1:] >= 0) & ok
    out = []
    for i in range(g.shape[0]):
        k = np.flatnonzero(up[i])
        frac = -g[i, k] / (g[i, k + 1] - g[i, k])
        out.append((k + frac) * step_s)
    return out


def _segments(starts, n_t, step_s):
    """Flattened orbit segments of a chunk: (sat index, t0, t1, complete), all 1-D."""
    span = n_t * step_s
    eps = 1e-6 * step_s
    sat, t0, t1, comp = [], [], [], []
    for i, s_i in enumerate(starts):
        b = np.concatenate([[0.0], s_i[(s_i > eps) & (s_i < span - eps)], [span]])
        c = np.ones(len(b) - 1, bool)
        c[0] = len(s_i) > 0 and s_i[0] <= eps      # the run starts exactly at a node
        c[-1] = False                              # the run's end is not a node
        sat.append(np.full(len(b) - 1, i))
        t0.append(b[:-1])
        t1.append(b[1:])
        comp.append(c)
    return (np.concatenate(sat), np.concatenate(t0), np.concatenate(t1), np.concatenate(comp))


def orbit_segments(position_km, inclination_deg, step_s, compiled=True):
    """Orbit segments of a chunk, flattened: (sat index, t0, t1, complete), all 1-D, t0 and
    t1 in s from the run start.  ``compiled=False`` uses the numpy reference
    (:func:`orbit_start_offsets`)."""
    inc = np.asarray(inclination_deg, float)
    if compiled and _kernel is not None:
        pos = np.ascontiguousarray(position_km, dtype=float)
        equatorial = (inc < EQUATORIAL_DEG) | (inc > 180.0 - EQUATORIAL_DEG)
        return _kernel.orbit_segments(pos, equatorial, inc > 90.0, float(step_s))
    starts = orbit_start_offsets(position_km, inc, step_s)
    return _segments(starts, np.shape(position_km)[1], step_s)


def _integrals(x, sat, t0, t1, step_s, compiled=True):
    """Integral over [t0, t1) of each satellite's piecewise-constant series x (n, T) [x*s]."""
    if compiled and _kernel is not None:
        return _kernel.segment_integrals(x, sat, t0, t1, float(step_s))
    x = np.asarray(x, float)
    n, n_t = x.shape
    cum = np.zeros((n, n_t + 1))
    np.cumsum(x, axis=1, out=cum[:, 1:])

    def at(t):
        k = np.minimum((t // step_s).astype(np.int64), n_t - 1)
        return cum[sat, k] * step_s + x[sat, k] * (t - k * step_s)

    return at(t1) - at(t0)


def _extreme(ufunc, x, sat, t0, t1, step_s, compiled=True):
    """min or max of each segment's samples (those whose step overlaps [t0, t1))."""
    if compiled and _kernel is not None:
        return _kernel.segment_extremes(x, sat, t0, t1, float(step_s), ufunc is np.maximum)
    n, n_t = x.shape
    k0 = np.floor(t0 / step_s + 1e-9).astype(np.int64)
    k1 = np.maximum(np.ceil(t1 / step_s - 1e-9).astype(np.int64), k0 + 1)
    flat = x.reshape(-1)
    part = ufunc.reduceat(flat, sat * n_t + k0)          # [k0_j, k0_{j+1}) within the sat
    return ufunc(part, flat[sat * n_t + k1 - 1])         # plus the sample shared with the next


def per_orbit_arrays(step_s, segments, series, compiled=True) -> dict:
    """Per-orbit columns of one chunk as numpy arrays (cheap to send between processes).

    ``segments`` from :func:`orbit_segments`; ``series`` (n, T) must hold
    ``sunlit_fraction``, ``array_power_w``, ``load_power_w``, ``curtailed_power_w``,
    ``battery_wh``, ``gpu_temp_c``, ``throttled``, ``dark`` and ``throughput_gb300``.
    Returns the columns of :data:`PER_ORBIT_COLUMNS` with ``sat`` the satellite's index in
    the chunk and ``start_s`` / ``end_s`` [s from the run start] in place of ``start`` /
    ``end``; :func:`per_orbit_frame` labels them.  Vectorised over all orbits of the chunk.
    """
    sat, t0, t1, complete = segments
    dur = t1 - t0
    f = series.__getitem__
    integ = lambda x: _integrals(x, sat, t0, t1, step_s, compiled)  # noqa: E731
    ext = lambda u, x: _extreme(u, x, sat, t0, t1, step_s, compiled)  # noqa: E731
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
        "min_battery_wh": ext(np.minimum, f("battery_wh")),
        "max_gpu_temp_c": ext(np.maximum, f("gpu_temp_c")),
        "throttled_min": integ(f("throttled")) / 60.0,
        "dark_min": integ(f("dark")) / 60.0,
        "sustained_gb300": integ(f("throughput_gb300")) / dur,
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


def per_orbit_rows(names, times, step_s, segments, series, compiled=True) -> pd.DataFrame:
    """Per-orbit table of one chunk: :func:`per_orbit_arrays` labelled by
    :func:`per_orbit_frame` with the chunk's satellite ``names`` and time grid ``times``."""
    return per_orbit_frame(per_orbit_arrays(step_s, segments, series, compiled), names,
                           times[0])


def longest_shadow_s(sunlit_fraction, step_s, compiled=True):
    """Longest single shadow passage of each satellite [s], shadow-equivalent.

    A passage is a run of steps with sunlit fraction < 1; its length is the integral of
    1 - sunlit_fraction over the run (grid resolution; see ``twin.eclipse_events`` for
    boundaries refined to 1 ms).
    """
    sf = np.asarray(sunlit_fraction, float)
    if compiled and _kernel is not None:
        return _kernel.longest_shadow(sf, float(step_s))
    n, t = sf.shape
    shade = 1.0 - sf
    cum = np.concatenate([np.zeros((n, 1)), np.cumsum(shade, axis=1)], axis=1)
    mask = np.concatenate([np.zeros((n, 1), bool), sf < 1.0, np.zeros((n, 1), bool)], axis=1)
    d = np.diff(mask.astype(np.int8), axis=1)
    r0, c0 = np.nonzero(d == 1)
    _, c1 = np.nonzero(d == -1)
    out = np.zeros(n)
    np.maximum.at(out, r0, (cum[r0, c1] - cum[r0, c0]) * step_s)
    return out


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
    }
    return out
