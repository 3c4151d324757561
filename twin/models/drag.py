"""Atmospheric drag on a circular orbit: the cross-section the satellite shows to the flow,
the drag acceleration, the decay rate, the station-keeping delta-v and the time to re-entry.

The satellite's attitude is the twin's own (:mod:`twin.models.power`, :mod:`twin.models.thermal`):
the array faces the Sun (two-axis), turns about the orbit normal (single-axis) or is fixed on
the bus; the radiator is edge-on to the Sun.  Velocity on a circular orbit is along-track, so
each flat panel of area A and unit normal n shows A |n . t| to the flow (t the along-track unit
vector of the RSW frame); the bus adds a fixed cross-section.  Co-rotation of the atmosphere
(~7 % on the relative speed at low inclination) and lift are neglected (stated in
docs/lifetime.md).
"""
from __future__ import annotations

import numpy as np

from twin.models.constants import EARTH_MEAN_RADIUS_KM, EARTH_MU_M3_S2, S_PER_YEAR

#: Drag coefficient of a satellite in free-molecular flow [1]: 2.2 is the conventional value
#: for compact bodies (Cook 1965, Planet. Space Sci. 13, 929; Vallado 2013, sec. 8.6.2;
#: Moe & Moe 2005 measured 2.0-2.6 for flat-plate-like satellites below 500 km).
DEFAULT_CD = 2.2
#: Accepted drag-coefficient range [1] (free-molecular values in the literature: 1.5-4).
CD_RANGE = (1.0, 4.0)
#: Altitude treated as re-entry [km]: below ~180 km a satellite decays within days
#: (King-Hele 1987), so time below it is negligible for a lifetime.
REENTRY_ALTITUDE_KM = 180.0


def panel_along_track_cosine(kind, sun_r, sun_s, sun_w, normal_rsw=(0.0, 0.0, 1.0)):
    """|cos| of the angle between a panel's normal and the along-track direction [1].

    ``kind``: "sun-tracking" (normal = Sun direction s: |s_s|), "single-axis" (normal = s
    projected on the R-S plane: |s_s| / sqrt(s_r^2 + s_s^2)), "body-fixed" (fixed normal n:
    |n_s|), "edge-on" radiator (normal = unit(nadir - (nadir . s) s):
    |s_r s_s| / sqrt(1 - s_r^2)), "edge-on-vertical" (normal = unit(s x r):
    |s_w| / sqrt(s_s^2 + s_w^2)), "zenith" (radial normal: 0).

    Parameters
    ----------
    kind : str
    sun_r, sun_s, sun_w : array_like
        Unit vector to the Sun in the orbital frame (radial, along-track, orbit normal) [1].
    normal_rsw : tuple of 3 floats
        Panel normal for "body-fixed" [1].

    Returns
    -------
    numpy.ndarray
        Projected-area factor in [0, 1].
    """
    r, s, w = (np.asarray(x, float) for x in (sun_r, sun_s, sun_w))
    if kind == "sun-tracking":
        return np.abs(s)
    if kind == "single-axis":
        h = np.hypot(r, s)
        return np.where(h > 1e-12, np.abs(s) / np.where(h > 1e-12, h, 1.0), 0.0)
    if kind == "body-fixed":
        return np.full(np.shape(s), abs(float(normal_rsw[1])))
    if kind == "edge-on":
        q = np.sqrt(np.maximum(1.0 - r * r, 0.0))
        return np.where(q > 1e-12, np.abs(r * s) / np.where(q > 1e-12, q, 1.0), 0.0)
    if kind == "edge-on-vertical":
        h = np.hypot(s, w)
        return np.where(h > 1e-12, np.abs(w) / np.where(h > 1e-12, h, 1.0), 0.0)
    if kind == "zenith":
        return np.zeros(np.shape(s))
    raise ValueError(f"panel kind {kind!r} is not supported")


def circular_speed_m_s(altitude_km):
    """Circular orbital speed v = sqrt(mu / a), a = R_E + h [m/s]."""
    a_m = (EARTH_MEAN_RADIUS_KM + np.asarray(altitude_km, float)) * 1e3
    return np.sqrt(EARTH_MU_M3_S2 / a_m)


def drag_acceleration_m_s2(density_kg_m3, altitude_km, cd, area_to_mass_m2_kg):
    r"""Drag deceleration on a circular orbit [m/s^2].

    .. math:: a_D = \tfrac12 \rho v^2 C_D \frac{A}{m}

    Parameters
    ----------
    density_kg_m3 : array_like
        Atmospheric mass density [kg/m^3].
    altitude_km : array_like
        Orbit altitude [km].
    cd : float
        Drag coefficient [1].
    area_to_mass_m2_kg : array_like
        Cross-section over mass A/m [m^2/kg].

    References
    ----------
    .. [1] D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013),
       eq. 8-29.
    """
    v = circular_speed_m_s(altitude_km)
    return 0.5 * np.asarray(density_kg_m3, float) * v * v * cd * np.asarray(
        area_to_mass_m2_kg, float)


def decay_rate_km_per_day(density_kg_m3, altitude_km, cd, area_to_mass_m2_kg):
    r"""Rate of change of the semi-major axis of a circular orbit under drag [km/day] (< 0).

    .. math:: \frac{da}{dt} = -\rho\, C_D \frac{A}{m} \sqrt{\mu a}

    (King-Hele's result for a circular orbit: the drag work -m a_D v per unit time equals the
    change of orbital energy -mu m / (2a).)

    References
    ----------
    .. [1] D. King-Hele, *Satellite Orbits in an Atmosphere: Theory and Applications*,
       Blackie (1987), ch. 3 (eq. 3.17 for e = 0).
    """
    a_m = (EARTH_MEAN_RADIUS_KM + np.asarray(altitude_km, float)) * 1e3
    dadt_m_s = -np.asarray(density_kg_m3, float) * cd * np.asarray(area_to_mass_m2_kg, float) \
        * np.sqrt(EARTH_MU_M3_S2 * a_m)
    return dadt_m_s * 86400.0 / 1e3


def delta_v_m_s_per_year(density_kg_m3, altitude_km, cd, area_to_mass_m2_kg):
    """Station-keeping delta-v to cancel drag for a year [m/s/yr]: a_D x 1 yr.

    Small tangential burns that hold a circular orbit cost exactly the drag's delta-v
    (Vallado 2013, sec. 11.4 "orbit maintenance").
    """
    return drag_acceleration_m_s2(density_kg_m3, altitude_km, cd, area_to_mass_m2_kg) \
        * S_PER_YEAR


def years_to_reentry(altitude_km, grid_altitude_km, grid_density_kg_m3, cd,
                     area_to_mass_m2_kg, reentry_km=REENTRY_ALTITUDE_KM):
    r"""Years for an unpowered circular orbit to decay from ``altitude_km`` to ``reentry_km``.

    .. math:: t = \int_{h_{re}}^{h_0} \frac{dh}{|dh/dt|(h)}

    with dh/dt from :func:`decay_rate_km_per_day` and the orbit-averaged density profile given
    on ``grid_altitude_km`` (interpolated log-linearly), integrated by the trapezoid rule on a
    1 km grid.  Quasi-circular decay (the orbit stays circular) as in King-Hele (1987).

    Parameters
    ----------
    altitude_km : float
        Starting altitude [km].
    grid_altitude_km, grid_density_kg_m3 : array_like
        Increasing altitudes [km] and the density there [kg/m^3]; must cover
        [reentry_km, altitude_km].
    cd : float
    area_to_mass_m2_kg : float
    reentry_km : float

    Returns
    -------
    float
        Years [yr]; 0 when already below ``reentry_km``.
    """
    if altitude_km <= reentry_km:
        return 0.0
    h = np.linspace(reentry_km, altitude_km, max(int(altitude_km - reentry_km) + 1, 2))
    rho = np.exp(np.interp(h, np.asarray(grid_altitude_km, float),
                           np.log(np.asarray(grid_density_kg_m3, float))))
    rate = -decay_rate_km_per_day(rho, h, cd, area_to_mass_m2_kg)  # km/day, > 0
    return float(np.trapezoid(1.0 / rate, h) / 365.25)
