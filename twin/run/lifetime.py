"""The life of a constellation: drag, propulsion, trapped radiation, array degradation and
GPU attrition over years, with the twin's own simulation of the degraded satellites.

Two grids.  Slow states (altitude, propellant, dose, 1 MeV-equivalent fluence, GPUs alive) step
on a coarse grid of ``samples_per_year`` periods a year; at the middle of each period one whole
day (the *sampled day*) is simulated on the fine grid (power, battery, thermal, compute) with
the satellite as it is then: the array's radiation factor and age, the thruster's average
power on the bus, the GPUs still working.  Monthly samples (the default) cover every season,
the eclipse seasons included; docs/lifetime.md shows that 12 samples a year stay within 1 % of
a run over every day of the year.

Per shell (all satellites of a shell fly one design at one altitude and inclination):

* drag: NRLMSIS 2.1 density along the track of up to :data:`REPRESENTATIVE_SATS` satellites of
  the shell on the sampled day, times the cross-section the twin's attitude shows to the flow,
  gives the drag deceleration; propulsion cancels it (rocket equation) while propellant lasts,
  else the orbit decays (King-Hele) and the satellite re-enters below
  :data:`twin.models.drag.REENTRY_ALTITUDE_KM`;
* radiation: orbit-averaged AE8/AP8 dose behind ``ComputePayload.shield_mm``, equivalent
  fluence behind the cover glass, >30 MeV proton flux;
* attrition: expected working GPUs with spares; upsets cost restarts.
"""
from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from ephemeris.orbits import RE_WGS72_KM, kozai_mean_motion
from ephemeris.validation import check_number, field_number
from twin.constellation import Constellation
from twin.design import SatelliteDesign
from twin.models import attrition, degradation, drag, propulsion, radiation
from twin.models.atmosphere import AP_RANGE_NT, F107_RANGE_SFU, SOLAR_ACTIVITY, density_kg_m3
from twin.run.simulate import _check_constellation, geometry, simulate
from twin.run.summary import sustained_per_sat
from twin.studies.economics import satellite_mass_kg

#: Satellites per shell whose track sets the shell's drag (spread over the shell's planes).
REPRESENTATIVE_SATS = 3
#: Step of the drag tracks [s].
TRACK_STEP = "120 s"
#: F10.7a of the "low" and "high" long-term levels: the trapped-belt model is AP8/AE8-MIN at
#: or below the first, -MAX at or above the second, and interpolated in between.
_F107_MIN_MAX = (SOLAR_ACTIVITY["low"]["f107a"], SOLAR_ACTIVITY["high"]["f107a"])


class LifetimeWarning(UserWarning):
    """Propulsion cannot hold the orbit (propellant exhausted or thrust below drag)."""


@dataclass(frozen=True)
class LifetimeSettings:
    """Settings of a lifetime run that are not part of the satellite design ([lifetime] table).

    Attributes
    ----------
    cd : float, default 2.2
        Drag coefficient (:data:`twin.models.drag.DEFAULT_CD`: Cook 1965; Vallado 2013).
    bus_area_m2 : float, default 8.0
        Cross-section of the bus body to the flow [m^2] (assumption: a ~2.5 x 3 m bus face;
        the array and radiator are added from the attitude model).
    cover_glass_um : float, default 100.0
        Solar-cell cover-glass thickness [um] (100-150 um is usual for LEO; ECSS-E-ST-20-08C).
    random_failure_per_gpu_year, tid_d63_krad, tid_weibull_shape, upset_cross_section_cm2,
    restart_s
        GPU attrition and upset assumptions (:mod:`twin.models.attrition`, each labelled there).
    reentry_km : float, default 180.0
        Altitude counted as re-entry [km].
    """

    cd: float = drag.DEFAULT_CD
    bus_area_m2: float = 8.0
    cover_glass_um: float = 100.0
    random_failure_per_gpu_year: float = attrition.RANDOM_FAILURE_PER_GPU_YEAR
    tid_d63_krad: float = attrition.TID_D63_KRAD
    tid_weibull_shape: float = attrition.TID_WEIBULL_SHAPE
    upset_cross_section_cm2: float = attrition.UPSET_CROSS_SECTION_CM2
    restart_s: float = attrition.RESTART_COST_S
    reentry_km: float = drag.REENTRY_ALTITUDE_KM

    def __post_init__(self):
        field_number(self, "cd", *drag.CD_RANGE)
        field_number(self, "bus_area_m2", 0.0, 1e4, unit="m^2")
        field_number(self, "cover_glass_um", 0.0, 5000.0, unit="um")
        field_number(self, "random_failure_per_gpu_year", 0.0, 10.0, unit="1/(GPU yr)")
        field_number(self, "tid_d63_krad", 0.0, 1e6, lo_open=True, unit="krad(Si)")
        field_number(self, "tid_weibull_shape", 0.1, 20.0)
        field_number(self, "upset_cross_section_cm2", 0.0, 1.0, unit="cm^2")
        field_number(self, "restart_s", 0.0, 86400.0, unit="s")
        field_number(self, "reentry_km", 80.0, 300.0, unit="km")


def solar_activity_at(solar_activity, times) -> pd.DataFrame:
    """F10.7, F10.7a and Ap at ``times`` from a scenario name, a dict of three numbers or a
    user series (a DataFrame indexed by time with columns f107, f107a, ap)."""
    times = pd.DatetimeIndex(times)
    if isinstance(solar_activity, str):
        if solar_activity not in SOLAR_ACTIVITY:
            raise ValueError(f"solar_activity={solar_activity!r} is not a named scenario; "
                             f"allowed: {', '.join(map(repr, SOLAR_ACTIVITY))}, a dict with "
                             "f107, f107a and ap, or a DataFrame of them indexed by time")
        solar_activity = SOLAR_ACTIVITY[solar_activity]
    if isinstance(solar_activity, dict):
        keys = {"f107", "f107a", "ap"}
        if set(solar_activity) != keys:
            raise ValueError(f"solar_activity: a dict needs exactly the keys f107, f107a, ap; "
                             f"got {sorted(solar_activity)}")
        vals = {k: check_number(f"solar_activity[{k!r}]", solar_activity[k],
                                *(AP_RANGE_NT if k == "ap" else F107_RANGE_SFU),
                                unit="nT" if k == "ap" else "sfu") for k in keys}
        return pd.DataFrame({k: np.full(len(times), vals[k]) for k in ("f107", "f107a", "ap")},
                            index=times)
    if isinstance(solar_activity, pd.DataFrame):
        missing = {"f107", "f107a", "ap"} - set(solar_activity.columns)
        if missing or not isinstance(solar_activity.index, pd.DatetimeIndex):
            raise ValueError("solar_activity: a DataFrame needs a DatetimeIndex and columns "
                             f"f107, f107a, ap (missing: {sorted(missing)})")
        idx = solar_activity.index.tz_localize(None) if solar_activity.index.tz else \
            solar_activity.index
        if times.min() < idx.min() or times.max() > idx.max():
            raise ValueError(f"solar_activity: the series covers {idx.min()} to {idx.max()}; "
                             f"the run needs {times.min()} to {times.max()}")
        x = idx.asi8.astype(float)
        out = {}
        for k in ("f107", "f107a", "ap"):
            v = solar_activity[k].to_numpy(float)
            lo, hi = AP_RANGE_NT if k == "ap" else F107_RANGE_SFU
            if not np.all(np.isfinite(v)) or v.min() < lo or v.max() > hi:
                raise ValueError(f"solar_activity[{k!r}] has values outside [{lo:g}, {hi:g}]")
            out[k] = np.interp(times.asi8.astype(float), x, v)
        return pd.DataFrame(out, index=times)
    raise TypeError("solar_activity must be 'low', 'moderate', 'high', a dict of f107, f107a "
                    f"and ap, or a DataFrame; got {type(solar_activity).__name__}")


def belt_weight_max(f107a) -> float:
    """Weight of the solar-maximum belt models (0 = AP8/AE8-MIN, 1 = -MAX) for a mean F10.7."""
    lo, hi = _F107_MIN_MAX
    return float(np.clip((float(np.mean(f107a)) - lo) / (hi - lo), 0.0, 1.0))


def _belt(fn, w_max, *args):
    """Mix a min/max belt result (a float or a dict of floats) with weight w_max."""
    lo = fn(*args, solar="min") if w_max < 1 else None
    hi = fn(*args, solar="max") if w_max > 0 else None
    if lo is None:
        return hi
    if hi is None:
        return lo
    if isinstance(lo, dict):
        return {k: (1 - w_max) * lo[k] + w_max * hi[k] for k in lo}
    return (1 - w_max) * lo + w_max * hi


def degraded_design(design, radiation_factor, years_in_orbit, propulsion_w, gpus):
    """The design as it is after ``years_in_orbit``: ``SolarArray.radiation_factor`` and
    ``years_in_orbit`` (the non-radiation ``degradation_per_year``), ``Bus.propulsion_w``
    (the thruster's average power on the bus) and ``ComputePayload.gpus`` = GPUs working."""
    return design.replace(solar={"radiation_factor": float(radiation_factor),
                                 "years_in_orbit": float(years_in_orbit)},
                          bus={"propulsion_w": float(propulsion_w)},
                          compute={"gpus": int(gpus)})


def _check_count(name, value, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{name}={value!r} is out of range; allowed: [{lo}, {hi}]")
    return int(value)


def _sample_days(start, years, samples_per_year):
    """(day starts, weight in years of each sample) of the coarse grid."""
    n = math.ceil(years * samples_per_year - 1e-9)
    period_s = 365.25 * 86400.0 / samples_per_year
    t0 = pd.Timestamp(start)
    t0 = t0.tz_convert(None) if t0.tz is not None else t0
    mids, weights = [], []
    for k in range(n):
        length = min(1.0, years * samples_per_year - k) / samples_per_year
        mid = t0 + pd.Timedelta(seconds=(k / samples_per_year + length / 2) * 365.25 * 86400.0)
        mids.append(mid.floor("D") if period_s >= 2 * 86400 else mid)
        weights.append(length)
    return pd.DatetimeIndex(mids), np.array(weights)


def _representatives(shell):
    n = len(shell.elements)
    idx = np.unique(np.linspace(0, n - 1, min(REPRESENTATIVE_SATS, n)).round().astype(int))
    el = shell.elements.iloc[idx].reset_index(drop=True)
    ltan = None if shell.ltan_h is None else np.asarray(shell.ltan_h)[idx]
    return dataclasses.replace(shell, elements=el, ltan_h=ltan)


def _at_altitude(shell, altitude_km):
    """The shell with every satellite moved to ``altitude_km`` (circular; mean motion from it)."""
    el = shell.elements.copy()
    el["altitude_km"] = float(altitude_km)
    el["mean_motion_rev_per_day"] = kozai_mean_motion(
        RE_WGS72_KM + float(altitude_km), el["eccentricity"].to_numpy(float),
        el["inclination_deg"].to_numpy(float)) * 1440.0 / (2 * math.pi)
    return dataclasses.replace(shell, elements=el)


def _drag_track(geo, sats, design, settings):
    """(times, lat, lon, projected area) of a shell's representative satellites' tracks."""
    g = geo.sel(sat=sats)
    s = g["sun_rsw"].transpose("sat", "time", "rsw").values
    sr, ss, sw = s[..., 0], s[..., 1], s[..., 2]
    arr = drag.panel_along_track_cosine(design.solar.pointing, sr, ss, sw,
                                        design.solar.normal_rsw)
    rad = drag.panel_along_track_cosine(design.radiator.orientation, sr, ss, sw)
    area = design.solar.area_m2 * arr + design.radiator.area_m2 * rad + settings.bus_area_m2
    times = np.broadcast_to(g["time"].values, sr.shape)
    ok = g["valid"].transpose("sat", "time").values
    return (times[ok], g["lat_deg"].transpose("sat", "time").values[ok],
            g["lon_deg"].transpose("sat", "time").values[ok], area[ok])


def _mean_rho_area(track, altitude_km, act):
    times, lat, lon, area = track
    rho = density_kg_m3(times, lon, lat, np.full(lat.shape, float(altitude_km)),
                        act["f107"], act["f107a"], act["ap"])
    return float(np.mean(rho * area)), float(np.mean(rho)), float(np.mean(area))


@dataclass
class _ShellState:
    altitude_km: float
    inclination_deg: float
    dry_kg: float
    propellant_kg: float
    dose_krad: float = 0.0
    fluence_cm2: float = 0.0
    reentered: bool = False
    warned: bool = False


class LifetimeResult:
    """What :func:`lifetime` returns: ``.dataset`` (dims ``sat``, ``year``), ``.samples``
    (dims ``sat``, ``sample``: every sampled day), ``.per_satellite()``, ``.per_year()`` and
    ``.summary()``."""

    def __init__(self, samples, dataset, per_sat, settings):
        self.samples = samples
        self.dataset = dataset
        self._per_sat = per_sat
        self.settings = settings

    def per_satellite(self) -> pd.DataFrame:
        """One row per satellite: see :data:`PER_SATELLITE_COLUMNS`."""
        return self._per_sat.copy()

    def per_year(self) -> pd.DataFrame:
        """One row per year of life: constellation totals and satellite means."""
        ds = self.dataset
        out = pd.DataFrame({
            "year": ds["year"].values,
            "satellites_in_orbit": (~ds["reentered"]).sum("sat").values,
            "altitude_km": ds["altitude_km"].mean("sat").values,
            "dose_krad": ds["dose_krad"].mean("sat").values,
            "array_factor": ds["array_factor"].mean("sat").values,
            "gpus_alive": ds["gpus_alive"].mean("sat").values,
            "upset_loss": ds["upset_loss"].mean("sat").values,
            "delta_v_m_s": ds["delta_v_m_s"].mean("sat").values,
            "propellant_kg": ds["propellant_kg"].mean("sat").values,
            "sustained_gb300": ds["sustained_gb300"].sum("sat").values,
            "gb300_years": ds["gb300_years"].sum("sat").values,
        })
        return out

    def summary(self) -> dict:
        """Constellation totals over the life."""
        t = self._per_sat
        return {
            "satellites": int(len(t)),
            "years": float(self.samples.attrs["years"]),
            "lifetime_gb300_years": float(t["lifetime_gb300_years"].sum()),
            "reentered": int(t["reentered"].sum()),
            "mean_dose_krad_per_year": float(t["dose_krad_per_year"].mean()),
            "mean_array_factor_eol": float(t["array_factor_eol"].mean()),
            "mean_gpus_alive_eol": float(t["gpus_alive_eol"].mean()),
        }

    def __repr__(self):
        s = self.summary()
        return (f"<LifetimeResult {s['satellites']} satellites, {s['years']:g} years: "
                f"{s['lifetime_gb300_years']:.1f} GB300-eq-years>")


PER_SATELLITE_COLUMNS = [
    "sat", "shell", "altitude_km", "altitude_km_eol", "inclination_deg", "dose_krad_per_year",
    "dose_krad_eol", "array_factor_eol", "gpus_alive_eol", "upset_loss",
    "proton_flux_30mev_cm2_s", "delta_v_m_s_per_year", "propellant_kg_per_year",
    "propellant_used_kg", "years_to_reentry_unpowered", "reentered", "sustained_gb300_bol",
    "sustained_gb300_eol", "lifetime_gb300_years",
]

#: Variables of the lifetime datasets: name -> (units, long name).
LIFETIME_ATTRS = {
    "altitude_km": ("km", "altitude at the end of the period"),
    "dose_krad": ("krad(Si)", "total ionising dose behind the payload shield, accumulated"),
    "fluence_1mev_cm2": ("cm^-2", "1 MeV electron-equivalent fluence behind the cover glass"),
    "array_factor": ("1", "remaining array power from radiation damage"),
    "gpus_alive": ("GPUs", "expected working GPUs (spares included)"),
    "upset_loss": ("1", "throughput lost to upsets and checkpoint restarts"),
    "proton_flux_30mev": ("cm^-2 s^-1", "orbit-averaged >30 MeV trapped proton flux"),
    "delta_v_m_s": ("m/s", "station-keeping delta-v used in the period"),
    "propellant_kg": ("kg", "propellant used in the period"),
    "propellant_left_kg": ("kg", "propellant left at the end of the period"),
    "propulsion_w": ("W", "average thruster power on the bus"),
    "density_kg_m3": ("kg/m^3", "orbit-averaged NRLMSIS 2.1 density"),
    "sustained_gb300": ("GB300-eq", "sustained throughput on the sampled day(s)"),
    "gb300_years": ("GB300-eq yr", "sustained throughput x time"),
    "reentered": ("1", "re-entered by the end of the period"),
}


def _check_years(years):
    return check_number("years", years, 0.0, 30.0, lo_open=True, unit="yr")


def lifetime(constellation, start, years=5, solar_activity="moderate", *, design=None,
             samples_per_year=12, step="60 s", policy="reserve", workers=None,
             settings=None, propagator="sgp4", progress=False) -> LifetimeResult:
    """Fly a constellation through its life: decay or station keeping, dose, array
    degradation, GPU attrition and upsets, with the degraded satellites simulated on sampled
    days.

    Parameters
    ----------
    constellation : Constellation
        Designed shells (each shell's satellites share altitude, inclination and design).
    start : str or datetime
        Start of life (UTC).
    years : float, default 5
        Length of the life [yr], in (0, 30].
    solar_activity : str, dict or DataFrame, default "moderate"
        "low", "moderate", "high" (:data:`twin.models.atmosphere.SOLAR_ACTIVITY`), a dict of
        ``f107``, ``f107a``, ``ap`` or a DataFrame of them indexed by time.  It also picks the
        trapped-belt model: AP8/AE8-MIN at low activity, -MAX at high, interpolated between.
    design : SatelliteDesign, optional
        For shells without one.
    samples_per_year : int, default 12
        Coarse steps (and sampled days) per year, in [1, 366].
    step : str
        Fine step of the sampled days.
    settings : LifetimeSettings, optional
        Drag coefficient, bus cross-section, cover glass, attrition assumptions.

    Returns
    -------
    LifetimeResult
    """
    _check_constellation(constellation)
    years = _check_years(years)
    samples_per_year = _check_count("samples_per_year", samples_per_year, 1, 366)
    settings = LifetimeSettings() if settings is None else settings
    if not isinstance(settings, LifetimeSettings):
        raise TypeError(f"settings must be a twin.LifetimeSettings, got {type(settings).__name__}")
    if design is not None and not isinstance(design, SatelliteDesign):
        raise TypeError(f"design must be a twin.SatelliteDesign, got {type(design).__name__}")
    days, weights = _sample_days(start, years, samples_per_year)
    activity = solar_activity_at(solar_activity, days)
    w_max = belt_weight_max(activity["f107a"])
    shells = list(constellation.shells)
    designs = constellation.designs(design if design is not None else SatelliteDesign())
    states = []
    for sh, d in zip(shells, designs):
        alt = sh.elements["altitude_km"].to_numpy(float)
        inc = sh.elements["inclination_deg"].to_numpy(float)
        if np.ptp(alt) > 1.0 or np.ptp(inc) > 0.1:
            raise ValueError(f"shell {sh.name!r}: lifetime needs one altitude and inclination "
                             "per shell (split catalog shells by orbit)")
        dry = satellite_mass_kg(d)["total_kg"] - d.propulsion.propellant_kg
        states.append(_ShellState(float(alt.mean()), float(inc.mean()), dry,
                                  d.propulsion.propellant_kg))
    names = constellation.resolved(days[0])["name"].to_numpy()
    shell_of = constellation.shell_index()
    n_sat, n_smp = len(names), len(days)
    out = {k: np.zeros((n_sat, n_smp)) for k in LIFETIME_ATTRS}
    unpowered = np.full(len(shells), np.nan)
    elapsed = 0.0
    for k, (day, w) in enumerate(zip(days, weights)):
        act = activity.iloc[k]
        t_mid = elapsed + w / 2
        live = [j for j, s in enumerate(states) if not s.reentered]
        tracks = {}
        if live:
            reps = [_representatives(_at_altitude(shells[j], states[j].altitude_km))
                    for j in live]
            geo = geometry(Constellation(reps), day, "1 day", TRACK_STEP, workers=1,
                           max_epoch_gap_days=None)
            first = np.cumsum([0] + [len(r.elements) for r in reps])
            for i, j in enumerate(live):
                sats = geo["sat"].values[first[i]:first[i + 1]]
                tracks[j] = _drag_track(geo, sats, designs[j], settings)
        sim_shells, per_shell = [], {}
        for j, st in enumerate(states):
            if st.reentered:
                continue
            d = designs[j]
            row = _step_shell(st, d, tracks[j], act, w, t_mid, w_max, settings, k == 0)
            if k == 0:
                unpowered[j] = row.pop("years_to_reentry_unpowered")
            per_shell[j] = row
            if not st.reentered:
                n_sim = int(round(row["gpus_alive"]))
                dd = degraded_design(d, row["array_factor"], t_mid, row["propulsion_w"], n_sim)
                sim_shells.append(dataclasses.replace(_at_altitude(shells[j], st.altitude_km),
                                                      design=dd))
                row["scale"] = (row["gpus_alive"] / n_sim if n_sim > 0 else 0.0) \
                    * (1.0 - row["upset_loss"])
        sustained = pd.Series(dtype=float)
        if sim_shells:
            r = simulate(Constellation(sim_shells), day, "1 day", step, policy=policy,
                         workers=workers, timeseries=False, propagator=propagator,
                         max_epoch_gap_days=None)
            sustained = sustained_per_sat(r.per_orbit())
        for j, row in per_shell.items():
            idx = np.flatnonzero(shell_of == j)
            for key in LIFETIME_ATTRS:
                if key in row:
                    out[key][idx, k] = row[key]
            out["reentered"][idx, k] = float(states[j].reentered)
            if not states[j].reentered:
                vals = sustained.reindex(names[idx]).to_numpy(float) * row["scale"]
                out["sustained_gb300"][idx, k] = np.nan_to_num(vals)
        for j, st in enumerate(states):
            if st.reentered and j not in per_shell:
                idx = np.flatnonzero(shell_of == j)
                out["reentered"][idx, k] = 1.0
                out["altitude_km"][idx, k] = st.altitude_km
                out["dose_krad"][idx, k] = st.dose_krad
        out["gb300_years"][:, k] = out["sustained_gb300"][:, k] * w
        elapsed += w
        if callable(progress):
            progress(k + 1, n_smp)
    return _assemble(out, names, shell_of, shells, states, unpowered, days, weights, years,
                     solar_activity, settings)


def _warn(st, msg):
    if not st.warned:
        warnings.warn(msg, LifetimeWarning, stacklevel=4)
        st.warned = True


def _step_shell(st, d, track, act, w, t_mid, w_max, settings, first):
    """Advance one shell's slow states over a period of ``w`` years; the period's values."""
    p, c = d.propulsion, d.compute
    h0, cd = st.altitude_km, settings.cd
    rho_area, rho, _ = _mean_rho_area(track, h0, act)
    m = st.dry_kg + st.propellant_kg
    a_d = float(drag.drag_acceleration_m_s2(rho_area, h0, cd, 1.0 / m))
    row = {"density_kg_m3": rho, "delta_v_m_s": 0.0, "propellant_kg": 0.0, "propulsion_w": 0.0}
    if first:
        grid = np.arange(settings.reentry_km, h0 + 10.0, 10.0)
        prof = [_mean_rho_area(track, h, act)[0] for h in grid]
        row["years_to_reentry_unpowered"] = drag.years_to_reentry(
            h0, grid, prof, cd, 1.0 / m, settings.reentry_km)
        per_year = float(propulsion.propellant_kg(a_d * 365.25 * 86400.0, m, p.isp_s))
        if p.enabled and st.propellant_kg < per_year:
            _warn(st, f"Propulsion.propellant_kg={st.propellant_kg:g} cannot hold "
                      f"{h0:g} km for a single year (about {per_year:.1f} kg/yr needed at this "
                      "activity); the orbit decays once it is used up")
    held = 0.0
    if p.enabled and st.propellant_kg > 0 and a_d > 0:
        f_max = float(propulsion.thrust_n(p.thrust_power_w, p.isp_s, p.efficiency))
        thrust_ok = min(1.0, f_max / (m * a_d))
        if thrust_ok < 1.0:
            _warn(st, f"thrust {f_max * 1e3:.1f} mN (Propulsion.thrust_power_w="
                      f"{p.thrust_power_w:g}) is below the drag {m * a_d * 1e3:.1f} mN at "
                      f"{h0:.0f} km: the orbit decays")
        dv_try = a_d * thrust_ok * w * 365.25 * 86400.0
        need = float(propulsion.propellant_kg(dv_try, m, p.isp_s))
        frac = 1.0 if need <= st.propellant_kg else st.propellant_kg / need
        if frac < 1.0:
            _warn(st, f"propellant runs out after {t_mid + w / 2 - w * (1 - frac):.2f} years at "
                      f"{h0:.0f} km (Propulsion.propellant_kg={p.propellant_kg:g}); the orbit "
                      "decays from then on")
        row["propellant_kg"] = need * frac
        row["delta_v_m_s"] = dv_try * frac
        row["propulsion_w"] = float(propulsion.average_thruster_power_w(
            a_d * thrust_ok, m, p.isp_s, p.efficiency)) * frac
        st.propellant_kg = max(st.propellant_kg - need * frac, 0.0)
        held = thrust_ok * frac
    if held < 1.0:
        h, n_sub = h0, 8
        for _ in range(n_sub):
            ra = _mean_rho_area(track, h, act)[0]
            h += float(drag.decay_rate_km_per_day(ra, h, cd, 1.0 / m)) * (1.0 - held) \
                * w * 365.25 / n_sub
            if h <= settings.reentry_km:
                st.reentered = True
                break
        st.altitude_km = h
    h_rad = max(10.0 * round(h0 / 10.0), 200.0)
    inc = st.inclination_deg
    dose_rate = _belt(radiation.dose_rad_per_year, w_max, h_rad, inc, c.shield_mm)["total"] / 1e3
    fl_rate = _belt(degradation.equivalent_fluence_per_year, w_max, h_rad, inc,
                    settings.cover_glass_um)["total"]
    phi30 = _belt(radiation.proton_flux_above_30mev, w_max, h_rad, inc)
    dose_mid, fl_mid = st.dose_krad + dose_rate * w / 2, st.fluence_cm2 + fl_rate * w / 2
    st.dose_krad += dose_rate * w
    st.fluence_cm2 += fl_rate * w
    surv = attrition.survival_probability(t_mid, dose_mid, settings.random_failure_per_gpu_year,
                                          settings.tid_d63_krad, settings.tid_weibull_shape)
    alive = attrition.expected_working_gpus(c.gpus, c.spare_gpus, surv)
    row.update({
        "altitude_km": st.altitude_km, "dose_krad": st.dose_krad,
        "fluence_1mev_cm2": st.fluence_cm2,
        "array_factor": float(degradation.remaining_power_fraction(fl_mid)),
        "gpus_alive": float(alive), "proton_flux_30mev": phi30,
        "upset_loss": float(attrition.upset_throughput_loss(
            alive, phi30, settings.upset_cross_section_cm2, settings.restart_s)),
        "propellant_left_kg": st.propellant_kg,
    })
    return row


def _assemble(out, names, shell_of, shells, states, unpowered, days, weights, years,
              solar_activity, settings):
    dims = ("sat", "sample")
    ends = np.cumsum(weights)
    year_of = np.minimum(np.floor(ends - weights / 2).astype(int) + 1, math.ceil(years))
    coords = {"sat": names, "shell": ("sat", [shells[j].name for j in shell_of]),
              "time": ("sample", days), "year": ("sample", year_of),
              "weight_years": ("sample", weights)}
    data = {}
    for k, (unit, long) in LIFETIME_ATTRS.items():
        v = out[k].astype(bool) if k == "reentered" else out[k]
        data[k] = xr.DataArray(v, dims=dims, attrs={"units": unit, "long_name": long})
    act = solar_activity if isinstance(solar_activity, str) else "user"
    samples = xr.Dataset(data, coords=coords, attrs={"years": years, "solar_activity": act})
    wts = samples["weight_years"]
    g = samples.groupby("year")
    last = g.last()
    yearly = xr.Dataset({
        **{k: last[k] for k in ("altitude_km", "dose_krad", "fluence_1mev_cm2", "array_factor",
                                "gpus_alive", "propellant_left_kg", "reentered")},
        **{k: g.sum()[k] for k in ("delta_v_m_s", "propellant_kg", "gb300_years")},
        **{k: (samples[k] * wts).groupby("year").sum() / wts.groupby("year").sum()
           for k in ("sustained_gb300", "upset_loss", "proton_flux_30mev", "propulsion_w",
                     "density_kg_m3")},
    })
    for k in yearly.data_vars:
        yearly[k].attrs = samples[k].attrs
    yearly = yearly.assign_coords(shell=samples["shell"]).transpose("sat", "year")
    yearly.attrs = dict(samples.attrs)
    s = samples
    per_sat = pd.DataFrame({
        "sat": names,
        "shell": [shells[j].name for j in shell_of],
        "altitude_km": [shells[j].elements["altitude_km"].mean() for j in shell_of],
        "altitude_km_eol": s["altitude_km"].values[:, -1],
        "inclination_deg": [states[j].inclination_deg for j in shell_of],
        "dose_krad_per_year": s["dose_krad"].values[:, -1] / years,
        "dose_krad_eol": s["dose_krad"].values[:, -1],
        "array_factor_eol": s["array_factor"].values[:, -1],
        "gpus_alive_eol": s["gpus_alive"].values[:, -1],
        "upset_loss": (s["upset_loss"] * wts).sum("sample").values / years,
        "proton_flux_30mev_cm2_s": (s["proton_flux_30mev"] * wts).sum("sample").values / years,
        "delta_v_m_s_per_year": s["delta_v_m_s"].sum("sample").values / years,
        "propellant_kg_per_year": s["propellant_kg"].sum("sample").values / years,
        "propellant_used_kg": s["propellant_kg"].sum("sample").values,
        "years_to_reentry_unpowered": unpowered[shell_of],
        "reentered": s["reentered"].values.any(axis=1),
        "sustained_gb300_bol": s["sustained_gb300"].values[:, 0],
        "sustained_gb300_eol": s["sustained_gb300"].values[:, -1],
        "lifetime_gb300_years": s["gb300_years"].sum("sample").values,
    })
    return LifetimeResult(samples, yearly, per_sat[PER_SATELLITE_COLUMNS], settings)
