"""A formation flown by SGP4: neighbour distances, radius kept, drift and station-keeping delta-v.

:func:`formation_report` propagates a cluster (any constellation; satellite 0 is taken as the
chief) at every step with SGP4, the independent check of the linear (HCW) design of
:mod:`ephemeris.formation`, and reports the closest and farthest nearest neighbours (KD-tree per
step), the radius around the chief, the along-track drift each satellite shows relative to the
chief, and the yearly station-keeping delta-v from differential J2 and drag
(:mod:`twin.models.formation`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from ephemeris.orbits import MU_WGS72_KM3_S2, RE_WGS72_KM
from ephemeris.timegrid import make_time_grid
from ephemeris.validation import check_number
from twin.constellation import Constellation
from twin.models import formation as fm
from twin.models.atmosphere import density_kg_m3
from twin.run.lifetime import solar_activity_at
from twin.run.links import states
from twin.run.simulate import geometry


@dataclass(frozen=True)
class FormationReport:
    """``summary`` (pandas Series), ``timeseries`` (one row per step) and ``per_sat``."""

    summary: pd.Series
    timeseries: pd.DataFrame
    per_sat: pd.DataFrame


def along_track_drift_m_per_day(seconds, along_m, period_s):
    """Secular along-track drift [m/day] of offsets ``along_m`` (n_sat, n_time): least squares of
    c0 + c1 t + the first two orbital harmonics, so that a run of a fractional number of orbits
    does not read the relative ellipse as drift."""
    t = np.asarray(seconds, float)
    if len(t) < 8:
        return np.zeros(len(along_m))
    w = 2 * np.pi / period_s
    basis = np.stack([np.ones_like(t), t / 86400.0, np.cos(w * t), np.sin(w * t),
                      np.cos(2 * w * t), np.sin(2 * w * t)], axis=1)
    coef, *_ = np.linalg.lstsq(basis, along_m.T, rcond=None)
    return coef[1]


def _track_density(constellation, grid, solar_activity):
    """Mean NRLMSIS 2.1 density [kg/m^3] along the first satellite's track over the grid."""
    geo = geometry(constellation, grid.start, f"{grid.duration_s} s", f"{grid.step_s} s",
                   workers=1).isel(sat=0)
    times = geo["time"].values
    act = solar_activity_at(solar_activity, times)
    return float(np.mean(density_kg_m3(times, geo["lon_deg"].values, geo["lat_deg"].values,
                                       geo["alt_km"].values, act["f107"].to_numpy(),
                                       act["f107a"].to_numpy(), act["ap"].to_numpy())))


def formation_report(constellation, start, duration="1 day", step="30 s",
                     safety_distance_m=50.0, drag_coefficient=2.2, area_to_mass_m2_kg=0.02,
                     ballistic_spread=0.1, solar_activity="moderate") -> FormationReport:
    """Fly ``constellation`` with SGP4 and report how well it holds together.

    ``safety_distance_m``: no two satellites should come closer (``safe`` in the summary).
    Differential drag: satellites' ``C_D A / m`` differ by ``ballistic_spread`` (fraction) of
    ``drag_coefficient`` x ``area_to_mass_m2_kg``; defaults C_D = 2.2 (Vallado 2013, sec. 8.6.2,
    flat plates in free molecular flow), A/m = 0.02 m^2/kg and a 10 % spread (assumptions: a
    ~100 m^2 array on a ~5 t satellite flying edge-on half the time; attitudes and masses that
    differ by 10 %).  The density is NRLMSIS 2.1 (:func:`twin.models.atmosphere.density_kg_m3`,
    the lifetime run's model) averaged along the first satellite's track over the run, at
    ``solar_activity`` ("low", "moderate", "high", a dict or a series: see
    :func:`twin.lifetime`).

    Summary keys: ``min_neighbour_m``, ``max_neighbour_m`` (largest nearest-neighbour
    distance), ``max_radius_km``, ``radius_start_km``, ``radius_end_km`` (largest radius in
    the first and the last orbit), ``safe``, ``max_drift_m_per_day`` (SGP4, along track),
    ``dv_j2_trim_m_s`` (one-time semi-major axis trim against the analytic differential J2
    drift), ``dv_j2_m_s_per_year``, ``dv_drag_m_s_per_year``, ``dv_m_s_per_year`` (the sum,
    with the trim counted in the first year).
    """
    if not isinstance(constellation, Constellation):
        raise TypeError(f"constellation must be a twin.Constellation, got "
                        f"{type(constellation).__name__}")
    safety = check_number("safety_distance_m", safety_distance_m, 0.0, unit="m")
    cd = check_number("drag_coefficient", drag_coefficient, 0.0, 10.0, lo_open=True)
    am = check_number("area_to_mass_m2_kg", area_to_mass_m2_kg, 0.0, 10.0, unit="m^2/kg")
    spread = check_number("ballistic_spread", ballistic_spread, 0.0, 1.0)
    grid = make_time_grid(start, duration, step)
    el = constellation.resolved(grid.start, None)
    if len(el) < 2:
        raise ValueError("formation_report needs at least 2 satellites")
    r, v, err = states(el, grid, 0, grid.n)
    if err.any():
        raise ValueError("SGP4 failed for some satellites of the formation; check the elements")
    lo_t = np.empty(grid.n)
    hi_t = np.empty(grid.n)
    rad_t = np.linalg.norm(r - r[:1], axis=-1).max(axis=0)
    closest = None
    for k in range(grid.n):
        d, idx = cKDTree(r[:, k]).query(r[:, k], 2)
        lo_t[k], hi_t[k] = d[:, 1].min(), d[:, 1].max()
        if closest is None or lo_t[k] < closest[0]:
            i = int(np.argmin(d[:, 1]))
            closest = (lo_t[k], i, int(idx[i, 1]), grid.times[k])
    # along-track offset from the chief in its RTN frame, fitted linearly over the run
    rc, vc = r[0], v[0]
    rhat = rc / np.linalg.norm(rc, axis=-1, keepdims=True)
    h = np.cross(rc, vc)
    what = h / np.linalg.norm(h, axis=-1, keepdims=True)
    that = np.cross(what, rhat)
    along_m = np.einsum("stj,tj->st", r - rc, that) * 1e3
    period_s = 86400.0 / el["mean_motion_rev_per_day"].iloc[0]
    drift = along_track_drift_m_per_day(grid.seconds, along_m, period_s)
    per_orbit = max(1, int(round(period_s / grid.step_s)))
    a = RE_WGS72_KM + float(el["altitude_km"].iloc[0])
    inc = float(el["inclination_deg"].iloc[0])
    trim, node, _ = fm.differential_j2_dv(a, inc, el["eccentricity"].to_numpy(float),
                                          float(el["eccentricity"].iloc[0]))
    speed = math.sqrt(MU_WGS72_KM3_S2 / a) * 1e3
    rho = _track_density(constellation, grid, solar_activity)
    dv_drag = float(fm.differential_drag_dv_m_s_per_year(rho, speed, cd, spread * am))
    names = el["name"].to_numpy()
    per_sat = pd.DataFrame({"name": names, "drift_m_per_day": drift,
                            "dv_j2_trim_m_s": trim, "dv_j2_m_s_per_year": node,
                            "dv_drag_m_s_per_year": dv_drag}).set_index("name")
    summary = pd.Series({
        "satellites": len(el),
        "min_neighbour_m": lo_t.min() * 1e3, "max_neighbour_m": hi_t.max() * 1e3,
        "max_radius_km": rad_t.max(), "radius_start_km": rad_t[:per_orbit].max(),
        "radius_end_km": rad_t[-per_orbit:].max(),
        "safety_distance_m": safety, "safe": bool(lo_t.min() * 1e3 >= safety),
        "closest_pair": f"{names[closest[1]]} / {names[closest[2]]} at "
                        f"{str(closest[3])[:19]}",
        "max_drift_m_per_day": float(np.abs(drift).max()),
        "dv_j2_trim_m_s": float(trim.max()), "dv_j2_m_s_per_year": float(node.max()),
        "density_kg_m3": rho, "dv_drag_m_s_per_year": dv_drag,
        "dv_m_s_per_year": float(trim.max() + node.max() + dv_drag),
    })
    ts = pd.DataFrame({"min_neighbour_m": lo_t * 1e3, "max_neighbour_m": hi_t * 1e3,
                       "radius_km": rad_t}, index=pd.Index(grid.times, name="time"))
    return FormationReport(summary, ts, per_sat)
