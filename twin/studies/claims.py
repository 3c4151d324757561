"""The public claims about compute in orbit, recomputed by the twin's own models.

Every number here comes from running a model: the orbital simulation (:func:`twin.simulate`,
:func:`twin.compare_altitudes`, :func:`twin.geometry`), the radiator's radiative balance
(:mod:`twin.models.thermal`), the pvlib ground baseline (:mod:`twin.ground`) and the mass and
cost model (:mod:`twin.economics`).  The table states each claim with its source, the twin's
number, the inputs and assumptions, and a verdict with its margin.

Quick mode (``ClaimInputs(quick=True)``, ``twin claims --quick``) flies the same orbits over
sampled days instead of the whole year: one day in the middle of every month (for the yearly
means: array energy, sustained compute, eclipse hours) and three days around the eclipse
season's peak (the day of least |beta|, found by a coarse one-satellite geometry run of the
whole year) for the extremes: the worst eclipse, the battery it needs, the eclipse-free
altitudes and the hot case.  Every eclipse season is therefore sampled, and the worst one is
flown.  Its verdicts are the full year's (tested in ``tests/test_claims.py``).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ephemeris.orbits import check_altitude_km
from ephemeris.validation import field_number
from twin import ground
from twin.constellation import Constellation
from twin.design import SatelliteDesign
from twin.models.constants import EARTH_ALBEDO_HOT, EARTH_IR_HOT_W_M2, ZERO_C_K
from twin.models.power import irradiance_w_m2
from twin.models.thermal import radiating_conductance_w_per_k4
from twin.run.simulate import StepWarning, geometry
from twin.studies import economics
from twin.studies.compare import compare_altitudes
from twin.studies.decide import amount_text, decide
from twin.studies.seasons import _check_year
from twin.studies.sizing import radiator_environment_w_m2

CLAIM_COLUMNS = ["id", "claim", "source", "stated", "twin", "unit", "verdict", "margin",
                 "assumptions"]

#: Where each claim was made (the ``source`` column).
SOURCES = {
    "5x": "public claim (speaker not recorded in the project's references)",
    "batteries": "public claim (speaker not recorded in the project's references)",
    "330k": "Dwarkesh Podcast, Feb 2026",
    "kw-per-tonne": "SpaceX FCC filing SAT-LOA-20260108-00016, Jan 2026",
    "36-months": "public claim (speaker not recorded in the project's references)",
    "suncatcher": ("Google Research, Project Suncatcher blog (4 Nov 2025) and paper 'Towards a "
                   "future space-based, highly scalable AI infrastructure system design', "
                   "arXiv:2511.19468"),
    "starcloud": ("Starcloud (Lumen Orbit) white paper 'Why we should train AI in space', "
                  "starcloudinc.github.io/wp.pdf"),
}

#: Starcloud's radiator arithmetic: at 20 C a two-sided panel emits 770 W/m^2 and absorbs
#: ~137 W/m^2 (sunlight, albedo, Earth IR), netting ~633 W/m^2.  770 W/m^2 = 2 eps sigma T^4
#: at 293.15 K gives eps = 0.92 (the white paper's stated emission, read back).
STARCLOUD_RADIATOR_TEMP_C = 20.0
STARCLOUD_EMITTED_W_M2 = 770.0
STARCLOUD_ABSORBED_W_M2 = 137.0
STARCLOUD_NET_W_M2 = 633.0

#: Quick mode: one day per month (15th) for the yearly means, and this many days centred on the
#: eclipse season's peak for the extremes; the peak is found at this coarse step.
QUICK_PEAK_DAYS = 3
PEAK_SEARCH_STEP = "1 h"
#: Step of quick mode's one-year shadow integral (eclipse hours) and of the full mode's
#: whole-run eclipse-free altitude scan.
YEAR_SHADOW_STEP = "300 s"
#: Step of the eclipse-free altitude search over the peak days (both modes).
PEAK_STEP = "60 s"
#: Quick mode gives no verdict when a ratio lies within this of a verdict's threshold (in units
#: of the stated value): quick and full numbers differ by under 6e-4 (relative) with the
#: defaults (docs/claims.md), so 0.005 leaves a margin of about 9.
QUICK_BAND = 0.005


@dataclass(frozen=True)
class ClaimInputs:
    """What the claims are computed from (every field can be changed).

    ``quick=True`` samples days (see the module docstring) instead of flying ``days`` days
    from 1 January; ``days`` < 365 without ``quick`` misses eclipse seasons.
    """

    design: SatelliteDesign = field(default_factory=SatelliteDesign)
    altitude_km: float = 650.0           # Suncatcher's dawn-dusk orbit
    ltan: str = "18:00"
    year: int = 2027
    step: str = "120 s"
    altitudes_km: tuple = (400, 550, 650, 800, 1000, 1200, 1400)
    site: object = None                  # twin.ground.MEMPHIS by default
    datacenter: object = None            # twin.ground.GroundDataCenter() by default
    cost_ground: object = None           # the cost rows' ground: twin.decide's (PUE 1.3)
    cost: economics.CostModel = field(default_factory=economics.CostModel)
    mass: economics.MassModel = field(default_factory=economics.MassModel)
    projected_launch_usd_per_kg: float = 200.0   # Suncatcher's <= $200/kg by the mid-2030s
    days: float = 365.0                  # the full run's length from 1 January
    quick: bool = False                  # sampled days instead of the full run

    def __post_init__(self):
        if not isinstance(self.design, SatelliteDesign):
            raise TypeError(f"ClaimInputs.design must be a twin.SatelliteDesign, got "
                            f"{type(self.design).__name__}")
        object.__setattr__(self, "altitude_km",
                           check_altitude_km(self.altitude_km, "ClaimInputs.altitude_km"))
        _check_year(self.year)
        field_number(self, "days", 0.0, 366.0, lo_open=True, unit="days")
        field_number(self, "projected_launch_usd_per_kg", 0.0, unit="$/kg")
        if not isinstance(self.quick, bool):
            raise TypeError(f"ClaimInputs.quick must be True or False, got {self.quick!r}")
        if isinstance(self.altitudes_km, (str, bytes)) or not len(self.altitudes_km):
            raise ValueError(f"ClaimInputs.altitudes_km={self.altitudes_km!r}: give one or "
                             "more altitudes [km]")
        for h in self.altitudes_km:
            check_altitude_km(h, "ClaimInputs.altitudes_km")
        for name, cls, optional in (("datacenter", ground.GroundDataCenter, True),
                                    ("cost_ground", ground.GroundDataCenter, True),
                                    ("cost", economics.CostModel, False),
                                    ("mass", economics.MassModel, False)):
            v = getattr(self, name)
            if not (isinstance(v, cls) or (optional and v is None)):
                raise TypeError(f"ClaimInputs.{name} must be a {cls.__name__}"
                                f"{' or None' if optional else ''}, got {type(v).__name__}")


def _verdict(ratio, tolerance=0.15, band=0.0):
    """'supported' within +-tolerance of the stated value, else 'overstated'/'understated'.

    With ``band`` > 0 (quick mode), a ratio within ``band`` of either threshold is not given a
    verdict the full run could contradict: it reads "borderline in quick mode (A or B)".
    """
    if not np.isfinite(ratio):
        return "not supported"
    if band > 0 and abs(abs(ratio - 1.0) - tolerance) <= band:
        side = "overstated" if ratio < 1.0 else "understated"
        return f"borderline in quick mode (supported or {side}); run the full year"
    if abs(ratio - 1.0) <= tolerance:
        return "supported"
    return "overstated" if ratio < 1.0 else "understated"


def _band(inputs):
    """The no-verdict band around thresholds: :data:`QUICK_BAND` in quick mode, else 0."""
    return QUICK_BAND if inputs.quick else 0.0


def _at_most(ratio, band=0.0):
    """'supported' when ``ratio`` <= 1 (orbit no dearer than the ground), with the quick band."""
    if band > 0 and abs(ratio - 1.0) <= band:
        return "borderline in quick mode (supported or not supported); run the full year"
    return "supported" if ratio <= 1.0 else "not supported"


# --- which days to fly --------------------------------------------------------------------------
def eclipse_peak_day(altitude_km, ltan, year) -> pd.Timestamp:
    """Midnight (UTC) of the day whose orbits pass closest to the Sun line: least |beta|.

    One sun-synchronous satellite is flown over the whole year at one-hour steps (beta is
    smooth: it changes by well under 0.1 deg an hour); the eclipse of a circular orbit deepens as
    |beta| falls, so this is the eclipse season's peak at every altitude of the orbit family.
    """
    y = _check_year(year)
    c = Constellation.sun_synchronous(float(altitude_km), ltan, name="peak")
    start = pd.Timestamp(year=y, month=1, day=1)
    days = (pd.Timestamp(year=y + 1, month=1, day=1) - start).days
    with warnings.catch_warnings():   # a coarse step is what is wanted: beta only
        warnings.simplefilter("ignore", StepWarning)
        ds = geometry(c, start, f"{days} days", PEAK_SEARCH_STEP)
    t = ds["time"].values[int(np.abs(ds["beta_deg"].values[0]).argmin())]
    return pd.Timestamp(t).normalize()


def sample_windows(inputs) -> tuple[list, tuple]:
    """``(mean_windows, peak_window)``: the (start, duration in days) flown by ``inputs``.

    Full mode: one window of ``inputs.days`` from 1 January (it holds the peak too).  Quick
    mode: the 15th of every month, one day each (an even sample of the year for the means,
    every season included), and :data:`QUICK_PEAK_DAYS` days centred on
    :func:`eclipse_peak_day` (the worst eclipse) for the extremes.
    """
    y = int(inputs.year)
    if not inputs.quick:
        return [(pd.Timestamp(year=y, month=1, day=1), float(inputs.days))], None
    means = [(pd.Timestamp(year=y, month=m, day=15), 1.0) for m in range(1, 13)]
    peak = eclipse_peak_day(inputs.altitude_km, inputs.ltan, y)
    first = max(peak - pd.Timedelta(days=QUICK_PEAK_DAYS // 2), pd.Timestamp(year=y, month=1,
                                                                             day=1))
    last = pd.Timestamp(year=y + 1, month=1, day=1) - pd.Timedelta(days=QUICK_PEAK_DAYS)
    return means, (min(first, last), float(QUICK_PEAK_DAYS))


def _compare_sampled(alts, inp, means, peak) -> pd.DataFrame:
    """:func:`compare_altitudes` over the windows, combined into one row per altitude.

    Sustained compute and array power are the day-weighted means over ``means``, the array
    power corrected by the year's irradiance (a ratio estimator, see the code); sunlit
    fraction and eclipse hours come from a whole-year geometry run at 300 s; the worst
    eclipse, the battery it needs and the radiator area are the maxima over every window.
    """
    kw = dict(ltan=inp.ltan, design=inp.design, step=inp.step)
    runs = [(compare_altitudes(alts, start=s, duration=f"{d} days", **kw), d) for s, d in means]
    if len(runs) == 1 and peak is None:
        return runs[0][0]
    extra = [compare_altitudes(alts, start=peak[0], duration=f"{peak[1]} days", **kw)] \
        if peak is not None else []
    sampled = sum(d for _, d in runs)
    year_days = (pd.Timestamp(year=inp.year + 1, month=1, day=1)
                 - pd.Timestamp(year=inp.year, month=1, day=1)).days
    out = runs[0][0].copy()
    for col in ("sunlit_fraction", "mean_array_power_w", "sustained_gb300_per_sat"):
        out[col] = sum(r[col].to_numpy() * d for r, d in runs) / sampled
    # eclipse seasons are too short to be scaled from sampled days: one geometry run of the
    # whole year at 300 s integrates the shadow (1 - sunlit fraction) instead.  The array
    # power is corrected with a ratio estimator: P_year = sum_w P_w / sum_w g_w x g_year, with
    # g = sunlit fraction / r^2 (the irradiance the array follows), g_w from the same window
    # run as P_w.  A one-day window holds 14-15 orbits and a part orbit, with or without an
    # eclipse; that edge error, and the sampling of the eclipse seasons and of the Sun's
    # distance, are common to P_w and g_w and cancel; what remains is the cell temperature's.
    ds = geometry(_sso_family(alts, inp.ltan), pd.Timestamp(year=inp.year, month=1, day=1),
                  f"{year_days} days", YEAR_SHADOW_STEP)
    sf = ds["sunlit_fraction"].values
    inv_r2 = 1.0 / ds["sun_distance_au"].values ** 2
    out["eclipse_hours"] = (1.0 - sf).sum(axis=1) * float(ds.attrs["step_s"]) / 3600.0
    out["sunlit_fraction"] = sf.mean(axis=1)
    t = ds["time"].values
    g_sampled = 0.0
    for (start, days), (r, _) in zip(means, runs):
        inside = (t >= np.datetime64(start, "ns")) \
            & (t < np.datetime64(start + pd.Timedelta(days=days), "ns"))
        g_sampled = g_sampled + r["sunlit_fraction"].to_numpy() * inv_r2[inside].mean() * days
    out["mean_array_power_w"] *= (sf * inv_r2).mean(axis=1) / (g_sampled / sampled)
    for col in ("worst_eclipse_min", "battery_needed_wh", "radiator_needed_m2"):
        out[col] = np.max([r[col].to_numpy() for r in [r for r, _ in runs] + extra], axis=0)
    return out


# --- eclipse-free altitudes -----------------------------------------------------------------------
def eclipse_free_altitudes(ltan, year, step="300 s", altitudes_km=None, days=365.0, start=None):
    """Lowest dawn-dusk altitudes [km] with no umbra, and with no penumbra, over the run.

    One geometry run flies a sun-synchronous satellite at every altitude of the grid
    (default 1,000-2,200 km every 10 km); the answer is the lowest grid altitude above which
    no satellite of the grid ever sees umbra (sunlit fraction 0), respectively any shadow
    (sunlit fraction < 1).  Resolution: the grid spacing.  An answer at the grid's edge is no
    answer: ``-inf`` when even the lowest grid altitude is free (the threshold lies below the
    grid), ``inf`` when even the highest is not (it lies above).
    """
    umbra, shadow, alts = _shadow_flags(ltan, year, step, altitudes_km, days, start)
    return _lowest_free(umbra, alts), _lowest_free(shadow, alts)


def _sso_family(alts, ltan):
    """One sun-synchronous satellite per altitude, as one constellation."""
    c = None
    for h in alts:
        s = Constellation.sun_synchronous(float(h), ltan, name=f"{h:g}")
        c = s if c is None else c + s
    return c


def _shadow_flags(ltan, year, step, altitudes_km, days, start):
    alts = np.arange(1000.0, 2201.0, 10.0) if altitudes_km is None else np.asarray(
        altitudes_km, float)
    ds = geometry(_sso_family(alts, ltan), start or f"{year}-01-01", f"{days} days", step)
    sf = ds["sunlit_fraction"].values
    return (sf <= 0.0).any(axis=1), (sf < 1.0).any(axis=1), alts


def _lowest_free(flag, alts):
    bad = np.flatnonzero(flag)
    if len(bad) == 0:
        return -math.inf
    if bad[-1] == len(alts) - 1:
        return math.inf
    return float(alts[bad[-1] + 1])


def _free_altitude_row(kind, value, alts, grid_note):
    lo, hi = float(alts[0]), float(alts[-1])
    if value == math.inf:
        twin, verdict = np.nan, (f"not found below {hi:,.0f} km: {kind} at every altitude of "
                                 "the grid")
    elif value == -math.inf:
        twin, verdict = np.nan, (f"supported down to {lo:,.0f} km, the grid's lowest: the "
                                 "threshold lies lower (not found on the grid)")
    else:
        twin, verdict = value, f"supported above {value:,.0f} km"
    what = "umbra" if kind == "umbra" else "shadow at all (no penumbra)"
    return {
        "id": f"no-batteries/{kind}-free-altitude",
        "claim": "In orbit you need no batteries", "source": SOURCES["batteries"],
        "stated": np.nan, "twin": twin,
        "unit": f"km: lowest dawn-dusk altitude with no {what} all year",
        "verdict": verdict, "margin": np.nan, "assumptions": grid_note,
    }


# --- the radiator's environment ---------------------------------------------------------------
def radiator_absorbed_w_m2(inputs, windows, albedo=None, earth_ir_w_m2=None) -> np.ndarray:
    """Heat absorbed per m^2 of the design's radiator panel [W/m^2], every step of ``windows``
    at the main altitude: albedo, Earth IR and the back of the solar array, from
    :func:`twin.models.satellite.environment` (the simulation's own function) on a
    one-satellite geometry run, with the array sun-tracking as in
    :func:`twin.studies.sizing.radiator_sizing`; the model's orbit-average albedo and Earth
    IR unless given."""
    c = Constellation.sun_synchronous(inputs.altitude_km, inputs.ltan, name="radiator")
    out = []
    for start, days in windows:
        ds = geometry(c, start, f"{days} days", inputs.step)
        ok = ds["valid"].values[0]
        sun_r = ds["sun_rsw"].values[0, ok, 0]
        solar = irradiance_w_m2(1.0, ds["sun_distance_au"].values[ok])
        q, _ = radiator_environment_w_m2(inputs.design, sun_r,
                                         ds["sunlit_fraction"].values[0, ok], solar,
                                         ds["alt_km"].values[0, ok], albedo, earth_ir_w_m2)
        out.append(q)
    return np.concatenate(out)


def _radiator_rows(inp, means, peak):
    """Starcloud's ~633 W/m^2 at 20 C: the white paper's environment with the design's
    coating, then the design's panel (fin efficiency at a 20 C root) in the twin's
    environment, orbit-mean and hot case (the hottest step of the days flown: in quick mode
    within 0.1 % of the whole year's, which falls at the start of the eclipse season)."""
    t_k = STARCLOUD_RADIATOR_TEMP_C + ZERO_C_K
    eps_sc = STARCLOUD_EMITTED_W_M2 / float(radiating_conductance_w_per_k4(1.0, 1.0, 2)) / t_k**4
    r = inp.design.radiator
    emitted = float(radiating_conductance_w_per_k4(1.0, r.emissivity, r.sides)) * t_k**4
    eta = r.fin_efficiency(t_k)
    emitted_fin = float(radiating_conductance_w_per_k4(1.0, r.emissivity, r.sides, eta)) * t_k**4
    band = _band(inp)
    q = radiator_absorbed_w_m2(inp, means)
    q_hot = radiator_absorbed_w_m2(inp, means + ([peak] if peak else []), EARTH_ALBEDO_HOT,
                                   EARTH_IR_HOT_W_M2)
    panel = (f"the design's radiator: {r.orientation}, {r.sides} side(s), emissivity "
             f"{r.emissivity:.2f}, solar absorptivity {r.absorptivity:.2f}, fin efficiency "
             f"{eta:.2f} at a 20 C root (emits {emitted_fin:.0f} W/m2), view factor "
             f"{r.array_view_factor:g} to the array's back; {inp.altitude_km:g} km dawn-dusk "
             f"LTAN {inp.ltan}, {inp.year}")
    base = {"claim": "A two-sided radiator at 20 C rejects about 633 W/m2 net",
            "source": SOURCES["starcloud"], "stated": STARCLOUD_NET_W_M2,
            "unit": "W per m2 of panel, net (emitted - absorbed), at 20 C"}
    cases = (
        ("radiator-633/stated-environment", emitted - STARCLOUD_ABSORBED_W_M2, 0.15, 0.0,
         f"the white paper's isothermal panel and absorbed load, {STARCLOUD_ABSORBED_W_M2:g} "
         f"W/m2 (its sunlight + albedo + Earth IR), with the design's coating: emissivity "
         f"{r.emissivity:.2f}, {r.sides} side(s), emitting {emitted:.0f} W/m2 "
         f"(Stefan-Boltzmann, 0 K sink); the white paper's 770 W/m2 emitted implies emissivity "
         f"{eps_sc:.3f}"),
        ("radiator-633/twin-orbit-mean", emitted_fin - float(q.mean()), 0.15, band,
         f"{panel}; absorbed {q.mean():.0f} W/m2 on average over the orbits flown (albedo, "
         f"Earth IR at their orbit averages, and the array's back)"),
        ("radiator-633/twin-hot-case", emitted_fin - float(q_hot.max()), 0.15, band,
         f"{panel}; absorbed {q_hot.max():.0f} W/m2 at the hottest step with the short-period "
         f"hot case (albedo {EARTH_ALBEDO_HOT:g}, Earth IR {EARTH_IR_HOT_W_M2:g} W/m2; "
         f"twin.models.constants)"),
    )
    rows = []
    for id_, net, tol, b, text in cases:
        rows.append({**base, "id": id_, "twin": net,
                     "verdict": _verdict(net / STARCLOUD_NET_W_M2, tol, b),
                     "margin": net / STARCLOUD_NET_W_M2 - 1.0, "assumptions": text})
    return rows


# --- the table --------------------------------------------------------------------------------
def claims(inputs: ClaimInputs | None = None) -> pd.DataFrame:
    """The claims table (see :data:`CLAIM_COLUMNS`), computed from ``inputs``."""
    inp = ClaimInputs() if inputs is None else inputs
    if not isinstance(inp, ClaimInputs):
        raise TypeError(f"inputs must be a ClaimInputs, got {type(inp).__name__}")
    site = inp.site if inp.site is not None else ground.MEMPHIS
    dc = inp.datacenter if inp.datacenter is not None else ground.GroundDataCenter()
    d = inp.design
    means, peak = sample_windows(inp)
    band = _band(inp)
    span = ("sampled days: the 15th of each month, and "
            f"{QUICK_PEAK_DAYS} days from {peak[0]:%Y-%m-%d} (eclipse peak) for the extremes"
            if inp.quick else f"{inp.days:g} days from {inp.year}-01-01")
    rows = []

    # --- the orbital year: dawn-dusk satellites at every altitude, one run per window ---------
    alts = sorted(set(float(a) for a in inp.altitudes_km) | {inp.altitude_km})
    comp = _compare_sampled(alts, inp, means, peak)
    main = comp[comp["altitude_km"] == inp.altitude_km].iloc[0]
    cells_m2 = d.solar.area_m2 * d.solar.packing_factor
    orbit_kwh_m2_yr = main["mean_array_power_w"] / cells_m2 * 8760.0 / 1000.0

    # 1. a solar cell in orbit yields ~5x one on the ground; Suncatcher: up to 8x
    base = ground.ground_baseline(site, inp.year)
    ratios = orbit_kwh_m2_yr / base["energy_kwh_per_m2_yr"].to_numpy()
    orbit_text = (f"same cell ({d.solar.efficiency:.0%} triple-junction, {d.solar.pointing} in "
                  f"orbit); orbit: dawn-dusk {inp.altitude_km:g} km LTAN {inp.ltan}, "
                  f"{inp.year} ({span}), {orbit_kwh_m2_yr:,.0f} kWh/m2/yr")
    for (_, g), r in zip(base.iterrows(), ratios):
        rows.append({
            "id": f"solar-vs-ground/{g['weather'].split(' ')[0].lower()}/{g['mounting']}",
            "claim": "A solar cell in orbit yields ~5x one on the ground",
            "source": SOURCES["5x"],
            "stated": 5.0, "twin": float(r), "unit": "x (energy per m2 of cell per year)",
            "verdict": _verdict(r / 5.0, band=band), "margin": float(r / 5.0 - 1.0),
            "assumptions": (f"{orbit_text}; ground: {g['site']} {g['weather']}, "
                            f"{g['mounting']}, {g['energy_kwh_per_m2_yr']:,.0f} kWh/m2/yr, DC, "
                            "no soiling"),
        })
    best = int(np.argmax(ratios))
    g = base.iloc[best]
    rows.append({
        "id": "solar-8x/best-ground-case",
        "claim": "In the right orbit a solar panel is up to 8x as productive as on Earth",
        "source": SOURCES["suncatcher"], "stated": 8.0, "twin": float(ratios[best]),
        "unit": "x (energy per m2 of cell per year), the largest over the ground cases",
        "verdict": _verdict(ratios[best] / 8.0, band=band),
        "margin": float(ratios[best] / 8.0 - 1.0),
        "assumptions": (f"'up to': the ground case least favourable to the ground of the "
                        f"{len(base)} modelled ({g['site']} {g['weather']}, {g['mounting']}, "
                        f"{g['energy_kwh_per_m2_yr']:,.0f} kWh/m2/yr; the others give "
                        f"{ratios.min():.1f}-{np.sort(ratios)[-2]:.1f}x); {orbit_text}; "
                        "Suncatcher states no ground case; a cloudier or higher-latitude site "
                        "raises the ratio (ClaimInputs.site)"),
    })

    # 2. in orbit you need no batteries
    per = "a year" if inp.quick or inp.days >= 365 else "over the run"
    for _, r in comp.iterrows():
        rows.append({
            "id": f"no-batteries/{r['altitude_km']:g}km",
            "claim": "In orbit you need no batteries", "source": SOURCES["batteries"],
            "stated": 0.0, "twin": float(r["battery_needed_wh"] / 1000.0),
            "unit": "kWh battery needed (full load through the worst eclipse)",
            "verdict": "supported" if r["worst_eclipse_min"] == 0 else "not supported",
            "margin": float(r["worst_eclipse_min"]),
            "assumptions": (f"dawn-dusk LTAN {inp.ltan}, {r['altitude_km']:g} km, {inp.year} "
                            f"({span}): {r['eclipse_hours']:.1f} h of eclipse {per}, worst "
                            f"{r['worst_eclipse_min']:.1f} min (margin column: worst eclipse "
                            f"min); {d.battery.max_depth_of_discharge:.0%} DoD"),
        })
    rows += _eclipse_free_rows(inp, peak)

    # 3. Starcloud: a two-sided radiator at 20 C rejects ~633 W/m^2 net
    rows += _radiator_rows(inp, means, peak)

    # 4. 1 GW feeds ~330,000 GB300 with cooling (+40 %) and power equipment (+20-25 %)
    per_gw = dc.gb300_per_gw()
    rows.append({
        "id": "gb300-per-gw/ground",
        "claim": "1 GW feeds about 330,000 GB300 GPUs once cooling and power equipment count",
        "source": SOURCES["330k"],
        "stated": 330000.0, "twin": float(per_gw), "unit": "GB300 per GW (ground)",
        "verdict": _verdict(per_gw / 330000.0, 0.10), "margin": float(per_gw / 330000 - 1),
        "assumptions": (f"{dc.it_power_w_per_gpu():,.0f} W IT per GPU (GPU + host), cooling "
                        f"+{dc.cooling_overhead:.0%}, power equipment "
                        f"+{dc.power_equipment_overhead:.1%}: "
                        f"{dc.facility_power_w_per_gpu():,.0f} W per GPU at the facility"),
    })
    rating_w = economics.array_rating_w(d)
    sustained = float(main["sustained_gb300_per_sat"])
    per_gw_orbit = sustained / rating_w * 1e9
    rows.append({
        "id": "gb300-per-gw/orbit-array",
        "claim": "1 GW feeds about 330,000 GB300 GPUs once cooling and power equipment count",
        "source": SOURCES["330k"], "stated": 330000.0, "twin": float(per_gw_orbit),
        "unit": "sustained GB300-eq per GW of array rating (orbit)",
        "verdict": _verdict(per_gw_orbit / 330000.0, 0.10, band),
        "margin": float(per_gw_orbit / 330000 - 1),
        "assumptions": (f"array rated {rating_w / 1000:,.0f} kW (1,361 W/m2, 28 C); "
                        f"{sustained:.1f} sustained GB300-eq per satellite at "
                        f"{inp.altitude_km:g} km dawn-dusk, {inp.year} ({span})"),
    })

    # 5. about 100 kW of compute per tonne launched
    kwt = economics.compute_kw_per_tonne(d, inp.mass)
    m = economics.satellite_mass_kg(d, inp.mass)
    rows.append({
        "id": "kw-per-tonne",
        "claim": "About 100 kW of compute per tonne launched", "source": SOURCES["kw-per-tonne"],
        "stated": 100.0, "twin": float(kwt), "unit": "kW of rated compute (GPU + host) per t",
        "verdict": _verdict(kwt / 100.0, 0.25), "margin": float(kwt / 100 - 1),
        "assumptions": (f"{m['total_kg']:,.0f} kg satellite: " + ", ".join(
            f"{k[:-3].replace('_', ' ')} {v:,.0f}" for k, v in m.items()
            if k not in ("structure_kg", "total_kg"))
            + f" kg; array {inp.mass.array_w_per_kg:g} W/kg, compute "
            f"{inp.mass.compute_kg_per_gpu:g} kg/GPU, structure "
            f"{inp.mass.structure_fraction:.0%} ({m['structure_kg']:,.0f} kg)"),
    })

    # 6. within 36 months space is the cheapest place for AI; break-even near $200/kg
    rows += _cost_rows(inp, dc, sustained)
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def _eclipse_free_rows(inp, peak):
    """The umbra-free and shadow-free altitude rows: the eclipse peak's days at 60 s steps in
    both modes (the worst eclipse of the year is there), plus the whole run at 300 s in full
    mode (which finds no shadow the peak days miss)."""
    start = peak[0] if peak is not None else (
        eclipse_peak_day(inp.altitude_km, inp.ltan, inp.year)
        - pd.Timedelta(days=QUICK_PEAK_DAYS // 2))
    umbra, shadow, alts = _shadow_flags(inp.ltan, inp.year, PEAK_STEP, None, QUICK_PEAK_DAYS,
                                        start)
    note = (f"LTAN {inp.ltan}, {inp.year}: sun-synchronous satellites every 10 km from "
            f"{alts[0]:,.0f} to {alts[-1]:,.0f} km over {QUICK_PEAK_DAYS} days from "
            f"{start:%Y-%m-%d} (eclipse peak, least |beta|) at {PEAK_STEP} steps")
    if not inp.quick:
        u2, s2, _ = _shadow_flags(inp.ltan, inp.year, YEAR_SHADOW_STEP, None, inp.days, None)
        umbra, shadow = umbra | u2, shadow | s2
        note += f", and {inp.days:g} days from {inp.year}-01-01 at {YEAR_SHADOW_STEP}"
    note += "; spherical Earth shadow cone (ephemeris.shadow)"
    return [_free_altitude_row("umbra", _lowest_free(umbra, alts), alts, note),
            _free_altitude_row("shadow", _lowest_free(shadow, alts), alts, note)]


def claims_decision(inp):
    """The :func:`twin.decide` decision the cost rows rest on (the claims' design, orbit, year,
    costs and masses; ranges widened to any base outside them)."""
    return decide(inp.design, quick=inp.quick, altitude_km=inp.altitude_km, ltan=inp.ltan,
                  start=f"{inp.year}-01-01", cost=inp.cost, mass=inp.mass,
                  ground=inp.cost_ground, widen_ranges=True)


def _cost_rows(inp, dc, sustained):
    """The cost rows, from :func:`twin.decide` (levelised lifetime cost on both sides, the
    tornado, break-even and the path to it); each row names its deciding assumption."""
    d, cost = inp.design, inp.cost
    dec = claims_decision(inp)
    g = dec.model.ground
    basis = (f"levelised over {cost.lifetime_years:g} yr at {cost.discount_rate:.0%} "
             f"(twin.decide: lifetime run with degradation and GPU attrition, "
             f"{dec.lifetime.summary()['lifetime_gb300_years']:.0f} GB300-eq-years per "
             f"satellite); ground PUE {g.overhead_factor():.3g}, electricity "
             f"{cost.electricity_usd_per_kwh:.2f} $/kWh, facility {cost.facility_usd_per_w:g} "
             f"$/W; operations {cost.orbit_ops_usd_per_sat_year:,.0f} $/sat-yr and "
             f"{cost.ground_ops_usd_per_gpu_year:,.0f} $/GPU-yr; array_usd_per_w "
             f"{cost.array_usd_per_w:g} $/W, bus_usd_per_kg {cost.bus_usd_per_kg:,.0f} $/kg, "
             f"gpu_usd {cost.gpu_usd:,.0f} $ (both)")
    rows = []
    for label, price in (("today", cost.launch_usd_per_kg),
                         ("projected", inp.projected_launch_usd_per_kg)):
        e = dec.evaluate(launch_usd_per_kg=float(price))
        # at today's (base) price every assumption competes; at a projected price the launch
        # price is the row's premise, and the deciding assumption is among the others
        top = (dec.tornado if price == cost.launch_usd_per_kg
               else dec.tornado_at(launch_usd_per_kg=float(price))).iloc[0]
        rows.append({
            "id": f"cheapest/{label}",
            "claim": "Within 36 months space is the cheapest place for AI",
            "source": SOURCES["36-months"],
            "stated": 1.0, "twin": e["ratio"], "unit": "orbit / ground cost per GB300-eq-year",
            "verdict": _at_most(e["ratio"], _band(inp)),
            "margin": e["ratio"] - 1.0,
            "assumptions": (f"launch {price:,.0f} $/kg; orbit "
                            f"{e['orbit_usd_per_gb300_year']:,.0f} vs ground "
                            f"{e['ground_usd_per_gb300_year']:,.0f} $/GB300-eq-yr; deciding "
                            f"assumption: {top['assumption']} (ratio {top['ratio_low']:.2f} to "
                            f"{top['ratio_high']:.2f} over {top['low']:g}-{top['high']:g} "
                            f"{top['unit']}); {basis}"),
        })
    be = dec.breakeven("launch_usd_per_kg")
    path = dec.path_to_breakeven()
    together = ("; together: " + ", ".join(f"{r.assumption} {amount_text(r.value, r.unit)}"
                                           for r in path.itertuples())
                if path["breakeven"].any() else
                f"; even every assumption at its orbit-favourable end leaves ratio "
                f"{path['ratio'].iloc[-1]:.2f}")
    missing = (f"no launch price breaks even (not even free launch){together}"
               if be is None else f"break-even launch {be:,.0f} $/kg")
    rows.append({
        "id": "cheapest/break-even-launch",
        "claim": "Within 36 months space is the cheapest place for AI",
        "source": SOURCES["36-months"],
        "stated": np.nan, "twin": np.nan if be is None else be,
        "unit": "$/kg launch price at break-even",
        "verdict": ("break-even needs launch below this price" if be is not None
                    else "orbit loses even with free launch"), "margin": np.nan,
        "assumptions": f"{missing}; deciding assumption: {dec.deciding_assumption()}; {basis}",
    })
    # Suncatcher: launch at <= $200/kg makes launch cost per kW-year comparable to a ground
    # data centre's energy cost per kW-year.  Per GB300-eq-year: launch mass x price / (life x
    # sustained) = facility W x 8,760 h x electricity price, solved for the price.
    m_kg = economics.satellite_mass_kg(d, inp.mass)["total_kg"]
    energy = dc.facility_power_w_per_gpu() / 1000.0 * 8760.0 * cost.electricity_usd_per_kwh
    l_energy = energy * sustained * cost.lifetime_years / m_kg
    rows.append({
        "id": "breakeven-200/launch-vs-energy",
        "claim": "Break-even with the ground near $200/kg launch",
        "source": SOURCES["suncatcher"], "stated": 200.0, "twin": float(l_energy),
        "unit": "$/kg launch price at which launch = ground energy cost per GB300-eq-year",
        "verdict": _verdict(l_energy / 200.0, 0.25, _band(inp)),
        "margin": float(l_energy / 200.0 - 1.0),
        "assumptions": (f"Suncatcher's comparison: launch only, against the ground's "
                        f"electricity ({energy:,.0f} $/GB300-eq-yr: "
                        f"{dc.facility_power_w_per_gpu():,.0f} W at the facility x "
                        f"{cost.electricity_usd_per_kwh:.2f} $/kWh); {m_kg:,.0f} kg satellite "
                        f"(MassModel) sustaining {sustained:.1f} GB300-eq for "
                        f"{cost.lifetime_years:g} yr; no hardware cost on either side"),
    })
    rows.append({
        "id": "breakeven-200/full-cost",
        "claim": "Break-even with the ground near $200/kg launch",
        "source": SOURCES["suncatcher"], "stated": 200.0,
        "twin": np.nan if be is None else be,
        "unit": "$/kg launch price at which orbit = ground cost per GB300-eq-year (all capital)",
        "verdict": ("not supported: orbit loses even with free launch" if be is None
                    else _verdict(be / 200.0, 0.25, _band(inp))),
        "margin": np.nan if be is None else be / 200.0 - 1.0,
        "assumptions": f"all capital, energy and operations: {missing}; {basis}",
    })
    return rows


def replace_table(text: str, table_md: str) -> str:
    """``text`` with the part between :data:`TABLE_BEGIN` and :data:`TABLE_END` replaced by
    ``table_md`` (how ``twin claims --update-doc docs/claims.md`` regenerates the docs)."""
    if not isinstance(text, str) or TABLE_BEGIN not in text or TABLE_END not in text:
        raise ValueError(f"the document has no claims table markers; put the lines "
                         f"{TABLE_BEGIN!r} and {TABLE_END!r} where the table goes")
    head, rest = text.split(TABLE_BEGIN, 1)
    _, tail = rest.split(TABLE_END, 1)
    return f"{head}{TABLE_BEGIN}\n{table_md}{TABLE_END}{tail}"


TABLE_BEGIN = "<!-- claims-table: begin (twin claims --update-doc docs/claims.md) -->"
TABLE_END = "<!-- claims-table: end -->"


def to_markdown(df: pd.DataFrame) -> str:
    """The claims table as Markdown (assumptions and sources listed under the table)."""
    lines = ["| claim | stated | twin | unit | verdict | margin |", "|---|---|---|---|---|---|"]
    for r in df.itertuples():
        st = "" if pd.isna(r.stated) else f"{r.stated:,.4g}"
        tw = "" if pd.isna(r.twin) else f"{r.twin:,.4g}"
        mg = "" if pd.isna(r.margin) else f"{r.margin:+.2f}"
        lines.append(f"| {r.claim} (`{r.id}`) | {st} | {tw} | {r.unit} | {r.verdict} | {mg} |")
    lines.append("")
    lines.append("Sources:")
    for s in dict.fromkeys(df["source"]):
        ids = ", ".join(f"`{i}`" for i in df.loc[df["source"] == s, "id"])
        lines.append(f"- {s}: {ids}")
    lines.append("")
    lines.append("Assumptions:")
    for r in df.itertuples():
        lines.append(f"- `{r.id}`: {r.assumptions}")
    return "\n".join(lines) + "\n"
