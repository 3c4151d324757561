"""The ground PV array and its model chain, one pvlib step per function: :class:`GroundPV`
(the cell, its mounting and the models applied to it), :func:`surface_orientation`,
:func:`plane_of_array`, :func:`effective_irradiance`, :func:`cell_temperature_c`,
:func:`dc_power_w_per_m2`, and :func:`pv_timeseries`, which composes them for every time step
of a :class:`~twin.ground.weather.Weather` year (the chain is drawn in :mod:`twin.ground`).
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ephemeris.validation import field_choice, field_number
from twin.design import SolarArray
from twin.ground.weather import Weather, _quiet_pvlib, solar_position

# pvlib is imported lazily inside the functions (its import takes ~1 s), as in twin.power.

__all__ = [
    "GroundPV", "MOUNTINGS", "TEMPERATURE_MODELS", "SKY_DIFFUSE_MODELS", "IAM_MODELS",
    "STC_IRRADIANCE_W_M2", "TEMPERATURE_PARAMETERS", "surface_orientation", "plane_of_array",
    "effective_irradiance", "cell_temperature_c", "dc_power_w_per_m2", "pv_timeseries",
]

#: Irradiance at standard test conditions [W/m^2] (IEC 60904-3: 1000 W/m^2, AM1.5G, 25 C).
STC_IRRADIANCE_W_M2 = 1000.0

#: Mounting modes understood by :class:`GroundPV` and :func:`surface_orientation`.
MOUNTINGS = ("fixed", "single-axis")

#: Cell-temperature models understood by :func:`cell_temperature_c`.
TEMPERATURE_MODELS = ("pvsyst", "sapm")

#: Sky-diffuse transposition models passed to :func:`pvlib.irradiance.get_total_irradiance`.
SKY_DIFFUSE_MODELS = ("perez", "haydavies", "isotropic")

#: Incidence-angle-modifier models understood by :func:`effective_irradiance`.
IAM_MODELS = ("physical", "ashrae", "none")

#: Cell-temperature parameters (the same numbers as pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS,
#: copied so that validation does not need pvlib): PVsyst "freestanding" (u_c 29 W/m^2/K,
#: u_v 0; ground-mounted fixed racks and trackers) and SAPM "open_rack_glass_glass"
#: (a -3.47, b -0.0594 s/m, deltaT 3 K; King et al. 2004).
TEMPERATURE_PARAMETERS = {
    "pvsyst": {"u_c": 29.0, "u_v": 0.0},
    "sapm": {"a": -3.47, "b": -0.0594, "deltaT": 3.0},
}

_SPACE_CELL = SolarArray()   # the orbital array's defaults: "the same cell", literally


# --- validation helpers (shared: ephemeris.validation) ------------------------------------------
_field_number = field_number
_field_choice = field_choice


def _check_choice(label, value, allowed):
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{label}={value!r} is not supported; allowed: "
                         f"{', '.join(repr(a) for a in allowed)}")
    return value


# --- the PV array ------------------------------------------------------------------------------
@dataclass(frozen=True)
class GroundPV:
    """A ground-mounted PV array: the cell, its mounting and the models applied to it.

    The defaults are the orbital :class:`twin.design.SolarArray` cell, literally (efficiency,
    temperature coefficient, rating temperature, packing factor and absorptivity are read from
    ``SolarArray()``), so "the same cell on the ground" needs no new numbers; the spectral
    difference between AM0 and AM1.5G is not modelled.  :meth:`silicon` gives a commercial
    silicon module instead.

    Attributes
    ----------
    cell : str, default "triple-junction"
        Label carried into results.
    efficiency : float, default ``SolarArray().efficiency`` (0.30)
        Cell efficiency at ``reference_temp_c`` [1], in (0, 1); rated power per m^2 of cells is
        ``efficiency x 1000 W/m^2``.  Triple-junction 29.8-30.7 % BOL (Spectrolab XTJ, Azur
        3G30C datasheets).
    temp_coeff_per_k : float, default ``SolarArray().temp_coeff_per_k`` (-0.0022)
        Relative efficiency temperature coefficient gamma [1/K], in [-0.02, 0]
        (triple-junction -0.2 to -0.3 %/K).
    reference_temp_c : float, default ``SolarArray().reference_temp_c`` (28.0)
        Temperature at which ``efficiency`` holds [degC] (28 C for the AM0 space rating; 25 C
        at STC for :meth:`silicon`).
    packing_factor : float, default ``SolarArray().packing_factor`` (0.90)
        Cell area / module area [1], in (0, 1]: converts per-m^2-of-cells results to per m^2
        of module area and lowers the heat left in the module (PVsyst model).
    absorptivity : float, default ``SolarArray().absorptivity`` (0.88)
        Solar absorptivity of the module for the PVsyst temperature model [1] (GaAs 0.88;
        PVsyst's default is 0.9).
    mounting : str, default "fixed"
        "fixed" (a fixed rack, tilt ``surface_tilt_deg`` facing ``surface_azimuth_deg``) or
        "single-axis" (horizontal N-S axis tracker, :func:`pvlib.tracking.singleaxis`).
    surface_tilt_deg : float or None, default None
        Fixed tilt [deg], in [0, 90]; None means |latitude|, the classic annual-yield rule.
    surface_azimuth_deg : float or None, default None
        Fixed azimuth [deg] east of north, in [0, 360); None means the equator (180 in the
        northern hemisphere, 0 in the southern).
    axis_azimuth_deg : float, default 180.0
        Tracker axis azimuth [deg] (180: N-S axis, rotating east-west).
    max_angle_deg : float, default 60.0
        Tracker rotation limit [deg], in (0, 90] (60 is typical of utility trackers and
        pvlib examples).
    gcr : float, default 0.4
        Ground coverage ratio [1], in (0, 1), for backtracking (0.3-0.5 is typical).
    backtrack : bool, default True
        Backtrack to avoid row-to-row shading (Anderson & Mikofski 2020).
    albedo : float, default 0.20
        Ground albedo [1], in [0, 1] (0.2 for grass/soil, the customary default).
    sky_diffuse_model : str, default "perez"
        Transposition model, one of :data:`SKY_DIFFUSE_MODELS` (Perez et al. 1990).
    temperature_model : str, default "pvsyst"
        "pvsyst" (freestanding, u_c = 29 W/m^2/K, accounts for the electricity taken out of the
        module: a 30 % cell runs cooler than a 20 % one) or "sapm" (open-rack glass-glass,
        wind-dependent, efficiency-blind).
    iam_model : str, default "physical"
        Incidence-angle modifier: "physical" (Fresnel + absorption in 2 mm glass, n 1.526,
        K 4/m; as the orbital cover glass), "ashrae" (b0 0.05) or "none".
    """

    cell: str = "triple-junction"
    efficiency: float = _SPACE_CELL.efficiency
    temp_coeff_per_k: float = _SPACE_CELL.temp_coeff_per_k
    reference_temp_c: float = _SPACE_CELL.reference_temp_c
    packing_factor: float = _SPACE_CELL.packing_factor
    absorptivity: float = _SPACE_CELL.absorptivity
    mounting: str = "fixed"
    surface_tilt_deg: float | None = None
    surface_azimuth_deg: float | None = None
    axis_azimuth_deg: float = 180.0
    max_angle_deg: float = 60.0
    gcr: float = 0.4
    backtrack: bool = True
    albedo: float = 0.20
    sky_diffuse_model: str = "perez"
    temperature_model: str = "pvsyst"
    iam_model: str = "physical"

    def __post_init__(self):
        if not isinstance(self.cell, str) or not self.cell.strip():
            raise ValueError(f"GroundPV.cell={self.cell!r} is out of range; allowed: a "
                             "non-empty string")
        _field_number(self, "efficiency", 0.0, 1.0, lo_open=True, hi_open=True)
        _field_number(self, "temp_coeff_per_k", -0.02, 0.0, unit="1/K")
        _field_number(self, "reference_temp_c", -50.0, 100.0, unit="degC")
        _field_number(self, "packing_factor", 0.0, 1.0, lo_open=True)
        _field_number(self, "absorptivity", 0.0, 1.0, lo_open=True)
        _field_choice(self, "mounting", MOUNTINGS)
        if self.surface_tilt_deg is not None:
            _field_number(self, "surface_tilt_deg", 0.0, 90.0, unit="deg")
        if self.surface_azimuth_deg is not None:
            _field_number(self, "surface_azimuth_deg", 0.0, 360.0, hi_open=True, unit="deg")
        _field_number(self, "axis_azimuth_deg", 0.0, 360.0, hi_open=True, unit="deg")
        _field_number(self, "max_angle_deg", 0.0, 90.0, lo_open=True, unit="deg")
        _field_number(self, "gcr", 0.0, 1.0, lo_open=True, hi_open=True)
        if not isinstance(self.backtrack, bool):
            raise TypeError(f"GroundPV.backtrack must be True or False, got {self.backtrack!r}")
        _field_number(self, "albedo", 0.0, 1.0)
        _field_choice(self, "sky_diffuse_model", SKY_DIFFUSE_MODELS)
        _field_choice(self, "temperature_model", TEMPERATURE_MODELS)
        _field_choice(self, "iam_model", IAM_MODELS)
        if self.efficiency * self.packing_factor >= self.absorptivity:
            raise ValueError(
                f"GroundPV.absorptivity={self.absorptivity!r} is out of range; allowed: > "
                f"efficiency x packing_factor = {self.efficiency * self.packing_factor:g} "
                "(the module cannot deliver more power than it absorbs)")

    @classmethod
    def silicon(cls, **overrides) -> "GroundPV":
        """A commercial crystalline-silicon module: 22 %, -0.45 %/K at 25 C (STC).

        22 % is the project's silicon-cell figure (Starcloud white paper; also the top of
        today's commercial TOPCon/back-contact modules); -0.0045/K the usual silicon
        coefficient (EPJ Photovoltaics 2013); absorptivity 0.90 (PVsyst default).
        ``overrides`` replace any field.
        """
        base = dict(cell="silicon", efficiency=0.22, temp_coeff_per_k=-0.0045,
                    reference_temp_c=25.0, absorptivity=0.90)
        base.update(overrides)
        return cls(**base)

    @classmethod
    def from_solar_array(cls, solar: SolarArray, **overrides) -> "GroundPV":
        """The cell of a given orbital :class:`~twin.design.SolarArray` on the ground.

        Takes efficiency (times the array's degradation factor), temperature coefficient,
        rating temperature, packing factor and absorptivity; ``overrides`` replace any field.
        """
        base = dict(cell="triple-junction (orbital SolarArray)",
                    efficiency=solar.efficiency * solar.degradation_factor,
                    temp_coeff_per_k=solar.temp_coeff_per_k,
                    reference_temp_c=solar.reference_temp_c,
                    packing_factor=solar.packing_factor, absorptivity=solar.absorptivity)
        base.update(overrides)
        return cls(**base)

    def replace(self, **changes) -> "GroundPV":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @property
    def rated_power_w_per_m2(self) -> float:
        """Rated DC power per m^2 of cells, efficiency x 1000 W/m^2 [W/m^2]."""
        return self.efficiency * STC_IRRADIANCE_W_M2

    def to_dict(self) -> dict:
        """Plain-dict copy of the fields."""
        return dataclasses.asdict(self)


# --- the model chain, one step per function ----------------------------------------------------
def surface_orientation(apparent_zenith, solar_azimuth, latitude_deg, pv):
    """Surface tilt, azimuth and angle of incidence of the array at each time step.

    * ``"fixed"``: tilt ``pv.surface_tilt_deg`` (default |latitude|), azimuth
      ``pv.surface_azimuth_deg`` (default facing the equator).
    * ``"single-axis"``: :func:`pvlib.tracking.singleaxis` with a horizontal axis at
      ``pv.axis_azimuth_deg``, rotation limit ``pv.max_angle_deg``, backtracking at ground
      coverage ratio ``pv.gcr``.  At night the tracker is stowed flat (tilt 0).

    Parameters
    ----------
    apparent_zenith : array_like
        Apparent (refracted) solar zenith [deg].
    solar_azimuth : array_like
        Solar azimuth east of north [deg].
    latitude_deg : float
        Site latitude [deg] (sets the fixed defaults).
    pv : GroundPV
        The array.

    Returns
    -------
    dict of numpy.ndarray
        ``surface_tilt``, ``surface_azimuth``, ``aoi`` [deg].

    References
    ----------
    .. [1] K. Anderson and M. Mikofski, "Slope-Aware Backtracking for Single-Axis Trackers",
       NREL/TP-5K00-76626, 2020, doi:10.2172/1660126.
    .. [2] E. Lorenzo, L. Narvarte, J. Munoz, "Tracking and back-tracking", Prog. Photovolt.
       19(6), 747-753, 2011.
    """
    from pvlib import irradiance, tracking

    zen = np.asarray(apparent_zenith, dtype=float)
    azi = np.asarray(solar_azimuth, dtype=float)
    if pv.mounting == "fixed":
        tilt = abs(latitude_deg) if pv.surface_tilt_deg is None else pv.surface_tilt_deg
        if pv.surface_azimuth_deg is None:
            az = 180.0 if latitude_deg >= 0 else 0.0
        else:
            az = pv.surface_azimuth_deg
        tilt_a = np.full(zen.shape, tilt)
        az_a = np.full(zen.shape, az)
    else:
        t = tracking.singleaxis(zen, azi, axis_tilt=0.0, axis_azimuth=pv.axis_azimuth_deg,
                                max_angle=pv.max_angle_deg, backtrack=pv.backtrack, gcr=pv.gcr)
        tilt_a = np.nan_to_num(np.asarray(t["surface_tilt"], dtype=float), nan=0.0)
        az_a = np.asarray(t["surface_azimuth"], dtype=float)
        az_a = np.where(np.isfinite(az_a), az_a, (pv.axis_azimuth_deg - 90.0) % 360.0)
    aoi = np.asarray(irradiance.aoi(tilt_a, az_a, zen, azi), dtype=float)
    return {"surface_tilt": tilt_a, "surface_azimuth": az_a, "aoi": aoi}


def plane_of_array(weather, pv, mounting=None):
    """Plane-of-array irradiance: beam, sky diffuse and ground-reflected, per time step.

    Transposes GHI/DNI/DHI onto the array with :func:`pvlib.irradiance.get_total_irradiance`
    (sky diffuse ``pv.sky_diffuse_model``, Perez by default, with extraterrestrial DNI and
    relative airmass; ground-reflected from ``pv.albedo``).  No row-to-row shading (a fixed
    rack is one row; the tracker backtracks).

    Parameters
    ----------
    weather : Weather
        Irradiance, air temperature, wind and the site.
    pv : GroundPV
        The array.
    mounting : str, optional
        Overrides ``pv.mounting`` ("fixed" or "single-axis").

    Returns
    -------
    pandas.DataFrame
        ``poa_global``, ``poa_direct``, ``poa_sky_diffuse``, ``poa_ground_diffuse`` [W/m^2]
        and ``aoi``, ``surface_tilt``, ``surface_azimuth`` [deg], indexed like ``weather.data``.

    References
    ----------
    .. [1] R. Perez, P. Ineichen, R. Seals, J. Michalsky, R. Stewart, "Modeling daylight
       availability and irradiance components from direct and global irradiance", Solar
       Energy 44(5), 271-289, 1990.
    .. [2] pvlib.irradiance.get_total_irradiance, https://pvlib-python.readthedocs.io
    """
    from pvlib import atmosphere, irradiance

    if not isinstance(weather, Weather):
        raise TypeError(f"weather must be a Weather, got {type(weather).__name__}")
    if not isinstance(pv, GroundPV):
        raise TypeError(f"pv must be a GroundPV, got {type(pv).__name__}")
    if mounting is not None:
        _check_choice("mounting", mounting, MOUNTINGS)
        pv = pv.replace(mounting=mounting)
    d = weather.data
    if {"apparent_zenith", "zenith", "azimuth"} <= set(d.columns):
        app_zen, zen, azi = (d[c].to_numpy(dtype=float)
                             for c in ("apparent_zenith", "zenith", "azimuth"))
    else:
        sp = solar_position(d.index, weather.site, temp_air_c=d["temp_air"].to_numpy(float))
        app_zen, zen, azi = (sp[c].to_numpy(dtype=float)
                             for c in ("apparent_zenith", "zenith", "azimuth"))
    orient = surface_orientation(app_zen, azi, weather.site.latitude_deg, pv)
    with _quiet_pvlib():
        dni_extra = np.asarray(irradiance.get_extra_radiation(d.index), dtype=float)
    airmass = np.asarray(atmosphere.get_relative_airmass(app_zen), dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        poa = irradiance.get_total_irradiance(
            orient["surface_tilt"], orient["surface_azimuth"], app_zen, azi,
            d["dni"].to_numpy(float), d["ghi"].to_numpy(float), d["dhi"].to_numpy(float),
            dni_extra=dni_extra, airmass=airmass, albedo=pv.albedo,
            model=pv.sky_diffuse_model)
    out = pd.DataFrame(
        {k: np.clip(np.nan_to_num(np.asarray(poa[k], dtype=float), nan=0.0), 0.0, None)
         for k in ("poa_direct", "poa_sky_diffuse", "poa_ground_diffuse")}, index=d.index)
    out.insert(0, "poa_global", out.sum(axis=1))
    for k in ("aoi", "surface_tilt", "surface_azimuth"):
        out[k] = orient[k]
    return out


@functools.lru_cache(maxsize=8)
def _diffuse_iam_table(iam_model):
    """Marion (2017) diffuse IAMs on a 5-degree tilt grid (sky, ground), for interpolation."""
    from pvlib import iam

    tilts = np.arange(0.0, 90.0 + 1e-9, 5.0)
    m = iam.marion_diffuse(iam_model, tilts)
    return tilts, np.asarray(m["sky"], dtype=float), np.asarray(m["ground"], dtype=float)


def effective_irradiance(poa_direct, poa_sky_diffuse, poa_ground_diffuse, aoi, surface_tilt,
                         iam_model="physical"):
    r"""Irradiance that reaches the cells through the cover glass.

    .. math::  E_{eff} = E_b\,\mathrm{IAM}(\theta) + E_{sky}\,\mathrm{IAM}_{sky}(\beta)
               + E_{gnd}\,\mathrm{IAM}_{gnd}(\beta)

    The beam IAM is :func:`pvlib.iam.physical` (or ``ashrae``) at the angle of incidence; the
    diffuse IAMs integrate the same function over the sky and ground hemispheres seen by a
    surface at tilt beta (:func:`pvlib.iam.marion_diffuse`, tabulated every 5 deg of tilt and
    interpolated).

    Parameters
    ----------
    poa_direct, poa_sky_diffuse, poa_ground_diffuse : array_like
        Plane-of-array components [W/m^2].
    aoi : array_like
        Angle of incidence of the beam [deg].
    surface_tilt : array_like
        Surface tilt [deg].
    iam_model : str, default "physical"
        One of :data:`IAM_MODELS`.

    Returns
    -------
    numpy.ndarray
        Effective irradiance [W/m^2].

    References
    ----------
    .. [1] W. De Soto, S. A. Klein, W. A. Beckman, "Improvement and validation of a model for
       photovoltaic array performance", Solar Energy 80(1), 78-88, 2006.
    .. [2] B. Marion, "Numerical method for angle-of-incidence correction factors for diffuse
       radiation incident photovoltaic modules", Solar Energy 147, 344-348, 2017.
    .. [3] ASHRAE Standard 93-77 (the ashrae IAM, b0 = 0.05).
    """
    from pvlib import iam

    _check_choice("iam_model", iam_model, IAM_MODELS)
    b = np.asarray(poa_direct, dtype=float)
    s = np.asarray(poa_sky_diffuse, dtype=float)
    g = np.asarray(poa_ground_diffuse, dtype=float)
    if iam_model == "none":
        return b + s + g
    a = np.asarray(aoi, dtype=float)
    with np.errstate(invalid="ignore"):
        beam = iam.physical(a) if iam_model == "physical" else iam.ashrae(a)
    beam = np.clip(np.nan_to_num(np.asarray(beam, dtype=float), nan=0.0), 0.0, 1.0)
    tilts, sky_t, gnd_t = _diffuse_iam_table(iam_model)
    tilt = np.clip(np.asarray(surface_tilt, dtype=float), 0.0, 90.0)
    return b * beam + s * np.interp(tilt, tilts, sky_t) + g * np.interp(tilt, tilts, gnd_t)


def cell_temperature_c(poa_global, temp_air_c, wind_speed_m_s, temperature_model="pvsyst",
                       module_efficiency=0.27, absorptivity=0.88):
    r"""Cell temperature of a ground-mounted module.

    * ``"pvsyst"`` (freestanding): :math:`T_c = T_a + \alpha E (1 - \eta_m) / U_c`,
      U_c = 29 W/m^2/K, wind term 0 (:func:`pvlib.temperature.pvsyst_cell`).
    * ``"sapm"`` (open-rack glass-glass): :math:`T_c = E e^{a + b\,WS} + T_a + \Delta T\,E/1000`,
      a = -3.47, b = -0.0594 s/m, Delta T = 3 K (:func:`pvlib.temperature.sapm_cell`).

    Parameters
    ----------
    poa_global : array_like
        Plane-of-array irradiance E [W/m^2].
    temp_air_c : array_like
        Air temperature T_a [degC].
    wind_speed_m_s : array_like
        Wind speed WS [m/s] (at 10 m for SAPM; unused by PVsyst with U_v = 0).
    temperature_model : str, default "pvsyst"
        One of :data:`TEMPERATURE_MODELS`.
    module_efficiency : float, default 0.27
        Electrical output / incident irradiance of the module eta_m [1] (PVsyst only:
        cell efficiency x packing factor).
    absorptivity : float, default 0.88
        Solar absorptivity alpha [1] (PVsyst only).

    Returns
    -------
    numpy.ndarray
        Cell temperature [degC].

    References
    ----------
    .. [1] PVsyst 7 Help, "Array thermal losses", https://www.pvsyst.com/help/ (U_c = 29
       W/m^2/K for free-standing arrays).
    .. [2] D. Faiman, "Assessing the outdoor operating temperature of photovoltaic modules",
       Prog. Photovolt. 16(4), 307-315, 2008.
    .. [3] D. L. King, W. E. Boyson, J. A. Kratochvill, "Photovoltaic Array Performance Model",
       SAND2004-3535, Sandia National Laboratories, 2004.
    """
    from pvlib import temperature

    _check_choice("temperature_model", temperature_model, TEMPERATURE_MODELS)
    e = np.asarray(poa_global, dtype=float)
    ta = np.asarray(temp_air_c, dtype=float)
    ws = np.asarray(wind_speed_m_s, dtype=float)
    p = TEMPERATURE_PARAMETERS[temperature_model]
    if temperature_model == "pvsyst":
        t = temperature.pvsyst_cell(e, ta, ws, u_c=p["u_c"], u_v=p["u_v"],
                                    module_efficiency=module_efficiency,
                                    alpha_absorption=absorptivity)
    else:
        t = temperature.sapm_cell(e, ta, ws, p["a"], p["b"], p["deltaT"])
    return np.asarray(t, dtype=float)


def dc_power_w_per_m2(effective_irradiance_w_m2, cell_temp_c, efficiency, temp_coeff_per_k,
                      reference_temp_c=25.0):
    r"""DC power at the maximum power point per m^2 of cells.

    .. math::  p = E_{eff}\,\eta_{ref}\,[1 + \gamma\,(T_c - T_{ref})]

    clipped at 0: the PVWatts DC model (:func:`pvlib.pvsystem.pvwatts_dc`) with
    pdc0 = eta_ref x 1000 W/m^2 per m^2 of cells, and the same efficiency law as the orbital
    :func:`twin.power.cell_efficiency`.

    Parameters
    ----------
    effective_irradiance_w_m2 : array_like
        Irradiance reaching the cells E_eff [W/m^2].
    cell_temp_c : array_like
        Cell temperature T_c [degC].
    efficiency : float
        Cell efficiency eta_ref at T_ref [1].
    temp_coeff_per_k : float
        Relative temperature coefficient gamma [1/K].
    reference_temp_c : float, default 25.0
        T_ref [degC].

    Returns
    -------
    numpy.ndarray
        DC power [W/m^2 of cells].

    References
    ----------
    .. [1] A. P. Dobos, "PVWatts Version 5 Manual", NREL/TP-6A20-62641, 2014.
    """
    e = np.asarray(effective_irradiance_w_m2, dtype=float)
    t = np.asarray(cell_temp_c, dtype=float)
    return np.maximum(e * efficiency * (1.0 + temp_coeff_per_k * (t - reference_temp_c)), 0.0)


def resolve_pv(pv=None, mounting=None):
    """The ground array to use: ``pv`` (default :class:`GroundPV`), checked, with its mounting
    replaced by ``mounting`` when given."""
    pv = GroundPV() if pv is None else pv
    if not isinstance(pv, GroundPV):
        raise TypeError(f"pv must be a GroundPV, got {type(pv).__name__}")
    if mounting is not None:
        _check_choice("mounting", mounting, MOUNTINGS)
        pv = pv.replace(mounting=mounting)
    return pv


def pv_timeseries(weather, pv=None, mounting=None):
    """The whole ground-PV chain for every time step of a weather year.

    Parameters
    ----------
    weather : Weather
        Irradiance, temperature, wind, site.
    pv : GroundPV, optional
        The array (default ``GroundPV()``: the orbital triple-junction cell, fixed tilt).
    mounting : str, optional
        Overrides ``pv.mounting``.

    Returns
    -------
    pandas.DataFrame
        :func:`plane_of_array` columns plus ``ghi`` [W/m^2], ``effective_irradiance``
        [W/m^2], ``temp_air``, ``cell_temp`` [degC] and ``dc_power_w_per_m2`` [W/m^2 of
        cells], indexed like ``weather.data``.
    """
    pv = resolve_pv(pv, mounting)
    poa = plane_of_array(weather, pv)
    eff = effective_irradiance(poa["poa_direct"], poa["poa_sky_diffuse"],
                               poa["poa_ground_diffuse"], poa["aoi"], poa["surface_tilt"],
                               pv.iam_model)
    tc = cell_temperature_c(poa["poa_global"], weather.data["temp_air"],
                            weather.data["wind_speed"], pv.temperature_model,
                            module_efficiency=pv.efficiency * pv.packing_factor,
                            absorptivity=pv.absorptivity)
    out = poa.copy()
    out.insert(0, "ghi", weather.data["ghi"].to_numpy(dtype=float))
    out["effective_irradiance"] = eff
    out["temp_air"] = weather.data["temp_air"].to_numpy(dtype=float)
    out["cell_temp"] = tc
    out["dc_power_w_per_m2"] = dc_power_w_per_m2(eff, tc, pv.efficiency, pv.temp_coeff_per_k,
                                                 pv.reference_temp_c)
    return out
