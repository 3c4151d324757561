"""Design-point sizing of the thermal system: the radiator area per kW rejected in the hot
case, and the heater power the cooling loop needs in the cold case.

The transient simulation (:func:`twin.simulate`) uses orbit-average environment values
(Earth IR 237 W/m^2, albedo 0.30: :mod:`twin.models.constants`), which is right for energy
and throughput over an orbit.  A radiator is *sized* on short-period extremes, because its
time constant (~15 min) is shorter than the swings of the Earth's emission and reflection
under it: the hot case here uses Earth IR 265 W/m^2, albedo 0.38 and the perihelion Sun
(:data:`twin.models.constants.EARTH_IR_HOT_W_M2`, ``EARTH_ALBEDO_HOT``); the cold case Earth
IR 210 W/m^2 and eclipse.  Both use the same model functions as the simulation
(:func:`twin.models.satellite.environment`), only with these values.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from twin.design import SatelliteDesign
from twin.models import power, satellite, thermal
from twin.models.constants import (
    EARTH_ALBEDO_COLD,
    EARTH_ALBEDO_HOT,
    EARTH_IR_COLD_W_M2,
    EARTH_IR_HOT_W_M2,
    ZERO_C_K,
)
from twin.run.stepper import environment_params

#: Earth-Sun distance at perihelion [au] (early January; IAU/JPL mean elements).
PERIHELION_AU = 0.98329


def radiator_environment_w_m2(design, sun_r, sunlit_fraction, solar_w_m2, alt_km,
                             albedo=None, earth_ir_w_m2=None):
    """Heat absorbed per m^2 of the design's radiator panel (albedo, Earth IR and the back of
    the array) and the array temperature, for a sun-tracking array [W/m^2, degC]:
    :func:`twin.models.satellite.environment`, the simulation's own function, with the
    model's orbit-average albedo and Earth IR unless given."""
    prm = environment_params(design)
    if albedo is not None:
        prm = prm._replace(albedo=float(albedo), earth_ir_w_m2=float(earth_ir_w_m2))
    s_r = np.asarray(sun_r, float)
    _, cell_c, q_env = satellite.environment(
        sunlit_fraction + 0.0 * s_r, solar_w_m2, s_r, 1.0, s_r, 1.0, alt_km + 0.0 * s_r, prm)
    return np.asarray(q_env) / design.radiator.area_m2, cell_c


def radiator_sizing(design: SatelliteDesign = None, altitude_km: float = 650.0) -> pd.Series:
    """The radiator's hot-case sizing and the loop's cold-case heater power, item by item.

    Hot case: the GPUs at rated power and the radiator root at its limit,
    T_root = T_gpu,max - R_th P_gpu - dT_loop (:attr:`twin.SatelliteDesign.radiator_root_limit_k`);
    each m^2 of panel emits eta_fin eps sigma T_root^4 per face and absorbs the worst
    environment over every Sun elevation (Earth IR, albedo, and the back of the array at its
    own hot temperature), with hot-case constants.  Net = emitted - absorbed; the area per kW
    rejected is 1000 / net.  The heat to reject is everything the node receives at full load:
    housekeeping + payload / DC-DC efficiency.

    Cold case: eclipse, payload off, cold-case Earth IR; the heater power that holds the loop
    at ``Bus.heater_setpoint_c`` in steady state with the radiator turned down to
    ``Radiator.min_flow_fraction``: f_min (k T_set^4 - Q_env) - P_hk.

    Parameters
    ----------
    design : SatelliteDesign, optional
        Default :class:`twin.SatelliteDesign`.
    altitude_km : float, default 650
        Altitude [km].

    Returns
    -------
    pandas.Series
        ``root_temp_c``, ``fin_efficiency``, ``emitted_w_m2``, ``absorbed_w_m2``,
        ``array_back_w_m2``, ``net_w_m2``, ``area_m2_per_kw``, ``heat_w``, ``area_needed_m2``,
        ``area_m2``, ``margin`` (area / needed - 1), ``hot_sun_elevation_deg``,
        ``cold_absorbed_w_m2``, ``heater_w_cold_case``.
    """
    d = SatelliteDesign() if design is None else design
    if not isinstance(d, SatelliteDesign):
        raise TypeError(f"design must be a SatelliteDesign, got {type(d).__name__}")
    if not np.isfinite(altitude_km) or not 150.0 <= altitude_km <= 50_000.0:
        raise ValueError(f"altitude_km={altitude_km!r} is out of range; allowed: [150, 50000] km")
    rad, bus = d.radiator, d.bus
    t_root = d.radiator_root_limit_k
    k_per_m2 = d.radiating_w_per_k4 / rad.area_m2
    emitted = k_per_m2 * t_root ** 4
    s_r = np.linspace(-1.0, 1.0, 2001)
    hot, cell_c = radiator_environment_w_m2(d, s_r, 1.0, power.irradiance_w_m2(1.0, PERIHELION_AU),
                                            float(altitude_km), EARTH_ALBEDO_HOT,
                                            EARTH_IR_HOT_W_M2)
    i = int(np.argmax(hot))
    back = float(thermal.array_back_heat_w(1.0, rad.array_view_factor, rad.emissivity,
                                           d.solar.emissivity_back, cell_c[i]))
    heat_w = d.housekeeping_total_w + d.compute.full_power_w / bus.payload_dcdc_efficiency
    net = emitted - hot[i]
    if net <= 0:
        raise ValueError(f"the radiator absorbs more than it emits in the hot case at "
                         f"{altitude_km:g} km (emits {emitted:.0f} W/m^2, absorbs "
                         f"{hot[i]:.0f} W/m^2): raise the allowed temperatures")
    eclipse_r = np.linspace(-1.0, 0.0, 1001)
    cold, _ = radiator_environment_w_m2(d, eclipse_r, 0.0,
                                        power.irradiance_w_m2(1.0, 1.0 / PERIHELION_AU),
                                        float(altitude_km), EARTH_ALBEDO_COLD,
                                        EARTH_IR_COLD_W_M2)
    t_set = bus.heater_setpoint_c + ZERO_C_K
    heater = max(rad.min_flow_fraction * (k_per_m2 * t_set ** 4 - cold.min()) * rad.area_m2
                 - d.housekeeping_total_w, 0.0)
    needed = heat_w / net
    return pd.Series({
        "root_temp_c": t_root - ZERO_C_K,
        "fin_efficiency": d.radiator_fin_efficiency,
        "emitted_w_m2": emitted,
        "absorbed_w_m2": float(hot[i]),
        "array_back_w_m2": back,
        "net_w_m2": net,
        "area_m2_per_kw": 1000.0 / net,
        "heat_w": heat_w,
        "area_needed_m2": needed,
        "area_m2": rad.area_m2,
        "margin": rad.area_m2 / needed - 1.0,
        "hot_sun_elevation_deg": float(np.degrees(np.arcsin(s_r[i]))),
        "cold_absorbed_w_m2": float(cold.min()),
        "heater_w_cold_case": heater,
    })
