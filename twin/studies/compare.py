"""Side-by-side comparisons: orbit altitudes for one design, or several scenarios/designs.

Every altitude (or scenario satellite) is flown in *one* vectorised simulation, so a comparison
over a year costs one run, not one run per altitude.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ephemeris.events import eclipse_events
from ephemeris.geometry import shadow_sunlit_fraction
from ephemeris.orbits import check_altitude_km
from twin.constellation import Constellation
from twin.design import SatelliteDesign
from twin.models import satellite
from twin.run.lifetime import lifetime as run_lifetime
from twin.run.simulate import simulate
from twin.run.summary import longest_shadow_s, sustained_per_sat
from twin.scenario import Scenario

COMPARE_COLUMNS = [
    "altitude_km", "inclination_deg", "period_min", "sunlit_fraction", "eclipse_hours",
    "worst_eclipse_min", "mean_array_power_w", "battery_needed_wh", "radiator_needed_m2",
    "sustained_gb300_per_sat",
]

#: Columns that ``compare_altitudes(..., lifetime=True)`` adds (from :func:`twin.lifetime`).
LIFETIME_COMPARE_COLUMNS = [
    "dose_krad_per_year", "array_factor_eol", "gpus_alive_eol", "delta_v_m_s_per_year",
    "propellant_kg_per_year", "years_to_reentry_unpowered", "lifetime_gb300_years",
]

DEFAULT_START = "2027-01-01"
DEFAULT_DURATION = "365 days"
DEFAULT_STEP = "120 s"


def full_heat_w(design) -> float:
    """Heat into the cooling loop with every GPU at rated power: housekeeping + N (GPU + host)
    / DC-DC efficiency [W] (the harness loss is not the loop's)."""
    c = design.compute
    return design.housekeeping_total_w + c.full_power_w / design.bus.payload_dcdc_efficiency


def full_load_w(design) -> float:
    """Bus power drawn with every GPU at rated power: :func:`full_heat_w` delivered through
    the harness, P + (R/V^2) P^2 (:func:`twin.models.satellite.bus_draw_w`) [W]."""
    b = design.bus
    return float(satellite.bus_draw_w(full_heat_w(design),
                                      b.harness_resistance_ohm / b.bus_voltage_v ** 2))


def battery_needed_wh(design, eclipse_s) -> np.ndarray:
    """Energy to carry the full design load through an eclipse of ``eclipse_s`` seconds [Wh].

    E = P_full * t / 3600 / (eta_discharge * max_depth_of_discharge): the battery's usable
    window is its depth of discharge, and it delivers eta_discharge of what it gives up.
    """
    b = design.battery
    return full_load_w(design) * np.asarray(eclipse_s, float) / 3600.0 / (
        b.discharge_efficiency * b.max_depth_of_discharge)


def radiator_needed_m2(design, environment_heat_w_per_m2) -> np.ndarray:
    """Radiator area that rejects the full-load heat with the GPUs at their limit [m^2].

    At the limit the radiator root sits at T_r = T_gpu,max - R_th P_gpu - dT_loop
    (:attr:`twin.SatelliteDesign.radiator_root_limit_k`); per m^2 it emits
    eta_fin sides eps sigma T_r^4 and absorbs ``environment_heat_w_per_m2`` (the hottest step
    of the run: orbit-average Earth IR and albedo; the hot-case sizing with short-period
    extremes is :func:`twin.radiator_sizing`), so A = Q_full / (eta sides eps sigma T_r^4 -
    q_env) with Q_full = :func:`full_heat_w`.  Infinite when the environment alone exceeds
    what the radiator can emit at that temperature.
    """
    k_per_m2 = design.radiating_w_per_k4 / design.radiator.area_m2
    net = k_per_m2 * design.radiator_root_limit_k ** 4 \
        - np.asarray(environment_heat_w_per_m2, float)
    return np.where(net > 0, full_heat_w(design) / np.where(net > 0, net, 1.0), np.inf)


#: Up to this many satellites the worst eclipse uses boundaries refined by root finding.
REFINE_MAX_SATS = 200


def _worst_eclipse_s(ds, sf, step_s):
    """Longest shadow passage per satellite [s], shadow-equivalent; refined for small runs."""
    worst = longest_shadow_s(sf, step_s)
    if ds.sizes["sat"] <= REFINE_MAX_SATS and "position_km" in ds:
        ev = eclipse_events(ds)
        pen = ev[ev["kind"] == "penumbra"]
        best = pen.groupby("sat")["shadow_equivalent_s"].max()
        worst = np.array([best.get(s, 0.0) for s in ds["sat"].values])
    return worst


def _rows_from_result(result, design_of_sat) -> pd.DataFrame:
    ds = result.dataset
    step_s = float(ds.attrs["step_s"])
    sf = shadow_sunlit_fraction(ds["sunlit_fraction"].transpose("sat", "time").values,
                                ds["valid"].transpose("sat", "time").values)
    env = ds["environment_heat_w"].transpose("sat", "time").values
    sustained = sustained_per_sat(result.per_orbit())
    worst_s = _worst_eclipse_s(ds, sf, step_s)
    rows = []
    for i, sat in enumerate(ds["sat"].values):
        d = design_of_sat[i]
        rows.append({
            "sat": sat,
            "altitude_km": float(ds["altitude_km"].values[i]),
            "inclination_deg": float(ds["inclination_deg"].values[i]),
            "period_min": 1440.0 / float(ds["mean_motion_rev_per_day"].values[i]),
            "sunlit_fraction": float(sf[i].mean()),
            "eclipse_hours": float((1.0 - sf[i]).sum() * step_s / 3600.0),
            "worst_eclipse_min": float(worst_s[i] / 60.0),
            "mean_array_power_w": float(ds["array_power_w"].values[i].mean()),
            "battery_needed_wh": float(battery_needed_wh(d, worst_s[i])),
            "radiator_needed_m2": float(radiator_needed_m2(
                d, env[i].max() / d.radiator.area_m2)),
            "sustained_gb300_per_sat": float(sustained.get(sat, 0.0)),
        })
    return pd.DataFrame(rows)


def compare_altitudes(altitudes_km, *, ltan=None, inclination_deg=None, design=None,
                      start=DEFAULT_START, duration=DEFAULT_DURATION, step=DEFAULT_STEP,
                      policy="reserve", workers=None, progress=False, engine="local",
                      scheduler=None, propagator="sgp4", lifetime=False, years=5,
                      solar_activity="moderate", samples_per_year=12,
                      lifetime_settings=None) -> pd.DataFrame:
    """One design flown at several altitudes, side by side.

    Give ``ltan`` for sun-synchronous orbits (inclination from J2 per altitude) or
    ``inclination_deg`` for fixed-inclination circular orbits.  Defaults cover a whole year
    (2027, 120 s steps) so every eclipse season is seen; ``eclipse_hours`` is per satellite
    over the run.  ``engine``/``scheduler``/``propagator`` go to :func:`twin.simulate`
    (``engine="dask"`` runs the sweep on a Dask cluster).  Returns one row per altitude with
    :data:`COMPARE_COLUMNS`.

    ``lifetime=True`` also flies the same satellites through ``years`` of life under
    ``solar_activity`` (:func:`twin.lifetime`, ``samples_per_year`` sampled days a year at
    ``step``, starting at ``start``) and adds :data:`LIFETIME_COMPARE_COLUMNS`: dose, array
    and GPUs at end of life, station-keeping delta-v and propellant per year, years to
    re-entry without propulsion, and the lifetime total in GB300-eq-years.
    """
    if (ltan is None) == (inclination_deg is None):
        raise ValueError("compare_altitudes: give exactly one of ltan (sun-synchronous) or "
                         "inclination_deg (fixed inclination)")
    alts = list(np.atleast_1d(altitudes_km)) if not isinstance(altitudes_km, (int, float)) \
        else [altitudes_km]
    if not alts:
        raise ValueError("altitudes_km: give at least one altitude")
    design = SatelliteDesign() if design is None else design
    if not isinstance(design, SatelliteDesign):
        raise TypeError(f"design must be a twin.SatelliteDesign, got {type(design).__name__}")
    c = None
    for h in alts:
        h = check_altitude_km(float(h) if isinstance(h, (np.integer, np.floating)) else h)
        shell = (Constellation.sun_synchronous(h, ltan, design=design, name=f"{h:g} km")
                 if ltan is not None else
                 Constellation.walker(h, inclination_deg, 1, 1, design=design, name=f"{h:g} km"))
        c = shell if c is None else c + shell
    result = simulate(c, start, duration, step, policy=policy, workers=workers,
                      progress=progress, engine=engine, scheduler=scheduler,
                      propagator=propagator)
    rows = _rows_from_result(result, [design] * len(alts))
    columns = list(COMPARE_COLUMNS)
    if lifetime:
        life = run_lifetime(c, start, years=years, solar_activity=solar_activity, design=design,
                            samples_per_year=samples_per_year, step=step, policy=policy,
                            workers=workers, settings=lifetime_settings, propagator=propagator)
        per_sat = life.per_satellite().set_index("sat")
        for col in LIFETIME_COMPARE_COLUMNS:
            rows[col] = per_sat.loc[rows["sat"], col].to_numpy()
        columns += LIFETIME_COMPARE_COLUMNS
    return rows[columns].reset_index(drop=True)


def compare(scenarios, *, names=None, **options) -> pd.DataFrame:
    """Several scenarios (``twin.Scenario``) or ``(constellation, design)`` pairs side by side.

    Each scenario's satellites are flown over its own run settings; one row per scenario with
    the :data:`COMPARE_COLUMNS` averaged over its satellites (``worst_eclipse_min``,
    ``battery_needed_wh`` and ``radiator_needed_m2``: the worst satellite) and
    ``satellites``.
    """
    if not scenarios:
        raise ValueError("compare: give at least one scenario")
    out = []
    for k, sc in enumerate(scenarios):
        if not isinstance(sc, Scenario):
            raise TypeError(f"compare: item {k} must be a twin.Scenario, got {type(sc).__name__}")
        result = sc.run(**options)
        designs = [result.designs[j] for j in result.constellation.shell_index()]
        rows = _rows_from_result(result, designs)
        agg = rows[COMPARE_COLUMNS].mean(numeric_only=True)
        for col in ("worst_eclipse_min", "battery_needed_wh", "radiator_needed_m2"):
            agg[col] = rows[col].max()
        agg["satellites"] = len(rows)
        agg["scenario"] = names[k] if names else f"scenario {k + 1}"
        out.append(agg)
    return pd.DataFrame(out)[["scenario", "satellites"] + COMPARE_COLUMNS].reset_index(drop=True)
