"""Annual figures of the ground PV array and the baseline table: :func:`energy_kwh_per_m2`
and :func:`capacity_factor` (shared with the orbit side), :func:`annual_energy` (one array, one
weather year, with the losses on the way) and :func:`ground_baseline` (clear-sky and TMY3 years,
fixed and single-axis, as a table in :data:`BASELINE_UNITS`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ephemeris.validation import check_number
from twin.ground.pv import (
    MOUNTINGS,
    STC_IRRADIANCE_W_M2,
    GroundPV,
    pv_timeseries,
    resolve_pv,
)
from twin.ground.weather import MEMPHIS, Site, Weather, clearsky_year, tmy_year

__all__ = [
    "HOURS_PER_YEAR", "BASELINE_UNITS", "energy_kwh_per_m2", "capacity_factor",
    "annual_energy", "ground_baseline",
]

#: Hours in the 365-day year that annual figures are normalised to [h].
HOURS_PER_YEAR = 8760.0


# --- validation helpers (shared: ephemeris.validation) ------------------------------------------
_check_number = check_number


# --- small helpers shared with the orbit side --------------------------------------------------
def energy_kwh_per_m2(power_w_per_m2, step_s, axis=-1):
    """Energy of a power series: sum(power) x step [kWh/m^2].

    Works for either side: ground DC power per m^2 of cells here, or the orbital array power
    divided by its cell area (``area_m2 x packing_factor``).

    Parameters
    ----------
    power_w_per_m2 : array_like
        Power per unit area, each value the mean over its step [W/m^2].
    step_s : float
        Step length [s], > 0.
    axis : int, default -1
        Time axis.

    Returns
    -------
    numpy.ndarray or float
        Energy [kWh/m^2].
    """
    step = _check_number("step_s", step_s, 0.0, lo_open=True, unit="s")
    p = np.asarray(power_w_per_m2, dtype=float)
    return np.sum(p, axis=axis) * step / 3.6e6


def capacity_factor(mean_power_w_per_m2, efficiency,
                    reference_irradiance_w_m2=STC_IRRADIANCE_W_M2):
    """Capacity factor: mean power over rated power, rated = efficiency x 1000 W/m^2 [1].

    Equivalently energy / (rated power x hours).  Valid for orbit too, with the orbital cell's
    own rating (``SolarArray.efficiency x 1000 W/m^2``; note that orbital arrays are usually
    rated at AM0, 1361 W/m^2: pass ``reference_irradiance_w_m2=1361`` for that convention).

    Parameters
    ----------
    mean_power_w_per_m2 : array_like
        Mean DC power per m^2 of cells [W/m^2].
    efficiency : float
        Rated cell efficiency [1], in (0, 1).
    reference_irradiance_w_m2 : float, default 1000.0
        Rating irradiance [W/m^2] (STC).

    Returns
    -------
    numpy.ndarray or float
        Capacity factor [1].

    References
    ----------
    .. [1] U.S. EIA, Electric Power Monthly, Table 6.07.B (utility-scale PV ~24-26 %, on AC
       nameplate; a DC-rated figure is lower by the DC/AC ratio).
    """
    eff = _check_number("efficiency", efficiency, 0.0, 1.0, lo_open=True, hi_open=True)
    ref = _check_number("reference_irradiance_w_m2", reference_irradiance_w_m2, 0.0,
                        lo_open=True, unit="W/m^2")
    return np.asarray(mean_power_w_per_m2, dtype=float) / (eff * ref)


def annual_energy(site_or_weather=MEMPHIS, pv=None, mounting=None, *, year=2027):
    """Annual DC energy of a ground PV array per m^2 of cells, and how it got there.

    Parameters
    ----------
    site_or_weather : Site or Weather, default :data:`MEMPHIS`
        A :class:`Site` means its clear-sky year (:func:`clearsky_year`); a :class:`Weather`
        (e.g. :func:`tmy_year`) is used as given.
    pv : GroundPV, optional
        The array; default ``GroundPV()``: the orbital triple-junction cell (30 %, -0.22 %/K at
        28 C) on a fixed latitude-tilt rack.
    mounting : str, optional
        Overrides ``pv.mounting``: "fixed" or "single-axis".
    year : int, default 2027
        Year of the clear-sky weather (ignored for a Weather).

    Returns
    -------
    dict
        ``energy_kwh_per_m2_yr`` [kWh/m^2 of cells/yr], ``energy_kwh_per_m2_module_yr``
        [kWh/m^2 of module area/yr], ``mean_power_w_per_m2`` [W/m^2 of cells],
        ``peak_power_w_per_m2`` [W/m^2], ``rated_power_w_per_m2`` [W/m^2],
        ``capacity_factor`` [1], ``ghi_kwh_per_m2_yr``, ``poa_kwh_per_m2_yr``,
        ``poa_effective_kwh_per_m2_yr`` [kWh/m^2/yr], ``iam_loss`` and ``temperature_loss``
        [1] (fractions of POA and of effective-irradiance energy),
        ``energy_weighted_cell_temp_c`` [degC]; and the inputs: ``site``, ``latitude_deg``,
        ``longitude_deg``, ``weather``, ``mounting``, ``cell``, ``efficiency``,
        ``temp_coeff_per_k``, ``reference_temp_c``, ``temperature_model``,
        ``sky_diffuse_model``, ``iam_model``, ``albedo``, ``surface_tilt_deg`` (fixed),
        ``step_s``, ``hours``, ``first_time``, ``pv`` (all GroundPV fields).

        Annual figures are normalised to 8760 h (mean power x 8760 h), so a leap-year record
        and a 365-day one give comparable kWh/yr.

    References
    ----------
    .. [1] W. F. Holmgren, C. W. Hansen, M. A. Mikofski, "pvlib python: a python package for
       modeling solar energy systems", J. Open Source Softw. 3(29), 884, 2018.
    """
    pv = resolve_pv(pv, mounting)
    if isinstance(site_or_weather, Site):
        weather = clearsky_year(site_or_weather, year)
    elif isinstance(site_or_weather, Weather):
        weather = site_or_weather
    else:
        raise TypeError("site_or_weather must be a Site (clear-sky year) or a Weather, got "
                        f"{type(site_or_weather).__name__}")
    ts = pv_timeseries(weather, pv)
    hours = weather.hours
    to_year = HOURS_PER_YEAR / hours            # normalise to a 365-day year

    def yearly_kwh(col):
        return float(energy_kwh_per_m2(ts[col].to_numpy(), weather.step_s)) * to_year

    p = ts["dc_power_w_per_m2"].to_numpy()
    energy = yearly_kwh("dc_power_w_per_m2")
    poa = yearly_kwh("poa_global")
    poa_eff = yearly_kwh("effective_irradiance")
    mean_p = float(np.mean(p))
    site = weather.site
    tilt = None
    if pv.mounting == "fixed":
        tilt = abs(site.latitude_deg) if pv.surface_tilt_deg is None else pv.surface_tilt_deg
    return {
        "site": site.name,
        "latitude_deg": site.latitude_deg,
        "longitude_deg": site.longitude_deg,
        "weather": weather.source,
        "mounting": pv.mounting,
        "cell": pv.cell,
        "efficiency": pv.efficiency,
        "energy_kwh_per_m2_yr": energy,
        "energy_kwh_per_m2_module_yr": energy * pv.packing_factor,
        "mean_power_w_per_m2": mean_p,
        "peak_power_w_per_m2": float(np.max(p)),
        "rated_power_w_per_m2": pv.rated_power_w_per_m2,
        "capacity_factor": float(capacity_factor(mean_p, pv.efficiency)),
        "ghi_kwh_per_m2_yr": yearly_kwh("ghi"),
        "poa_kwh_per_m2_yr": poa,
        "poa_effective_kwh_per_m2_yr": poa_eff,
        "iam_loss": 1.0 - poa_eff / poa if poa > 0 else 0.0,
        "temperature_loss": 1.0 - energy / (poa_eff * pv.efficiency) if poa_eff > 0 else 0.0,
        "energy_weighted_cell_temp_c": (float(np.sum(p * ts["cell_temp"].to_numpy()) / p.sum())
                                        if p.sum() > 0 else float("nan")),
        "temp_coeff_per_k": pv.temp_coeff_per_k,
        "reference_temp_c": pv.reference_temp_c,
        "temperature_model": pv.temperature_model,
        "sky_diffuse_model": pv.sky_diffuse_model,
        "iam_model": pv.iam_model,
        "albedo": pv.albedo,
        "surface_tilt_deg": tilt,
        "step_s": weather.step_s,
        "hours": hours,
        "first_time": weather.data.index[0],
        "pv": pv.to_dict(),
    }


#: Columns of :func:`ground_baseline` and their units.
BASELINE_UNITS = {
    "energy_kwh_per_m2_yr": "kWh/m^2 of cells/yr", "capacity_factor": "1",
    "mean_power_w_per_m2": "W/m^2 of cells", "peak_power_w_per_m2": "W/m^2 of cells",
    "poa_kwh_per_m2_yr": "kWh/m^2/yr", "ghi_kwh_per_m2_yr": "kWh/m^2/yr",
    "energy_weighted_cell_temp_c": "degC", "latitude_deg": "deg", "efficiency": "1",
}


def ground_baseline(site=MEMPHIS, year=2027, pv=None, tmy_path=None):
    """The ground PV baseline table: (clear-sky at ``site``, TMY3) x (fixed, single-axis).

    Four rows, each naming its site and weather: clear-sky at ``site`` (Memphis by default)
    and the bundled TMY3 year (Greensboro, NC: the nearest TMY pvlib ships; its own site, not
    Memphis), each on a fixed latitude-tilt rack and on a single-axis tracker.  The cell is
    ``pv`` (default the orbital triple-junction cell, ``GroundPV()``); see the ``cell`` column.

    Parameters
    ----------
    site : Site, default :data:`MEMPHIS`
        Site of the clear-sky rows.
    year : int, default 2027
        Year of the clear-sky rows and the label year of the TMY.
    pv : GroundPV, optional
        The array (its ``mounting`` is overridden row by row).
    tmy_path : str or os.PathLike, optional
        Another TMY3 file instead of pvlib's Greensboro.

    Returns
    -------
    pandas.DataFrame
        Columns ``site``, ``weather``, ``mounting``, ``cell``, ``efficiency``,
        ``latitude_deg``, ``energy_kwh_per_m2_yr``, ``capacity_factor``,
        ``mean_power_w_per_m2``, ``peak_power_w_per_m2``, ``poa_kwh_per_m2_yr``,
        ``ghi_kwh_per_m2_yr``, ``energy_weighted_cell_temp_c``; units in ``df.attrs["units"]``.
    """
    pv = GroundPV() if pv is None else pv
    if not isinstance(site, Site):
        raise TypeError(f"site must be a Site, got {type(site).__name__}")
    weathers = (clearsky_year(site, year), tmy_year(tmy_path, year))
    cols = ["site", "weather", "mounting", "cell", "efficiency", "latitude_deg",
            "energy_kwh_per_m2_yr", "capacity_factor", "mean_power_w_per_m2",
            "peak_power_w_per_m2", "poa_kwh_per_m2_yr", "ghi_kwh_per_m2_yr",
            "energy_weighted_cell_temp_c"]
    rows = []
    for w in weathers:
        for m in MOUNTINGS:
            r = annual_energy(w, pv, m)
            rows.append({c: r[c] for c in cols})
    df = pd.DataFrame(rows, columns=cols)
    df.attrs["units"] = dict(BASELINE_UNITS)
    df.attrs["note"] = ("DC at the cells, no soiling, snow, shading, mismatch, wiring, "
                        "inverter or curtailment losses; see docs/ground.md")
    return df
