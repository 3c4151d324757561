"""Ground contacts: where a satellite is seen from a ground station.

Plain arithmetic on arrays or scalars (:func:`ephemeris.fastmath.model`), positions in the
Earth-fixed frame (ITRS) in km, angles in degrees.

References
----------
* Vallado, D. A. (2013), *Fundamentals of Astrodynamics and Applications*, 4th ed.,
  sec. 3.2 (site position on the WGS84 ellipsoid, eq. 3-7) and sec. 4.4 (topocentric
  horizon frame SEZ: azimuth from north through east, elevation above the geodetic horizon).
* Maral, G. & Bousquet, M. (2009), *Satellite Communications Systems*, 5th ed., ch. 5
  (link budget: C/N0 = EIRP + G/T - L_FS - L + 228.6 dB).
"""
from __future__ import annotations

import math

import numpy as np

from ephemeris.fastmath import asin, atan2, model
from ephemeris.frames import WGS84_A_KM, WGS84_F
from twin.models.constants import BOLTZMANN_J_K, SPEED_OF_LIGHT_KM_S

_E2 = WGS84_F * (2.0 - WGS84_F)
_D2R = math.pi / 180.0
_R2D = 180.0 / math.pi


@model
def station_itrs_km(lat_deg, lon_deg, alt_m):
    """ITRS position [km] of a site at geodetic latitude, longitude [deg] and height [m]:
    x = (N + h) cos phi cos lambda, y = (N + h) cos phi sin lambda, z = (N (1 - e^2) + h) sin phi
    with N = a / sqrt(1 - e^2 sin^2 phi) (Vallado 2013, eq. 3-7)."""
    phi = lat_deg * _D2R
    lam = lon_deg * _D2R
    sp = np.sin(phi)
    cp = np.cos(phi)
    n = WGS84_A_KM / np.sqrt(1.0 - _E2 * sp * sp)
    h = alt_m * 1e-3
    return ((n + h) * cp * np.cos(lam), (n + h) * cp * np.sin(lam), (n * (1.0 - _E2) + h) * sp)


@model
def look_angles(sx, sy, sz, lat_deg, lon_deg, alt_m):
    """Elevation [deg], azimuth [deg, from north through east] and range [km] of a satellite at
    ITRS (sx, sy, sz) [km] seen from a site; the horizon is the ellipsoid's tangent plane
    (geodetic up = (cos phi cos lambda, cos phi sin lambda, sin phi); Vallado 2013, sec. 4.4).
    No refraction."""
    ox, oy, oz = station_itrs_km(lat_deg, lon_deg, alt_m)
    dx = sx - ox
    dy = sy - oy
    dz = sz - oz
    rng = np.sqrt(dx * dx + dy * dy + dz * dz)
    phi = lat_deg * _D2R
    lam = lon_deg * _D2R
    sp = np.sin(phi)
    cp = np.cos(phi)
    sl = np.sin(lam)
    cl = np.cos(lam)
    up = cp * cl * dx + cp * sl * dy + sp * dz
    east = -sl * dx + cl * dy
    north = -sp * cl * dx - sp * sl * dy + cp * dz
    el = asin(np.minimum(np.maximum(up / rng, -1.0), 1.0)) * _R2D
    az = np.mod(atan2(east, north) * _R2D, 360.0)
    return el, az, rng


@model
def downlink_gb(contact_s, rate_gbps, availability):
    """Data [GB] sent down during ``contact_s`` seconds at ``rate_gbps`` with a weather
    ``availability`` (fraction of contact time usable): t R a / 8."""
    return contact_s * rate_gbps * availability / 8.0


_K_DB = 10.0 * math.log10(BOLTZMANN_J_K)


@model
def free_space_loss_db(distance_km, frequency_ghz):
    """Free-space path loss [dB]: 20 log10(4 pi d f / c)."""
    return 20.0 * np.log10(4.0 * math.pi * distance_km * frequency_ghz * 1e9
                           / SPEED_OF_LIGHT_KM_S)


@model
def rf_rate_gbps(distance_km, eirp_dbw, g_over_t_db_k, frequency_ghz, losses_db,
                 required_ebn0_db, max_rate_gbps):
    """Data rate [Gbit/s] of an RF downlink ``distance_km`` long.

    C/N0 [dBHz] = EIRP + G/T - L_FS(d, f) - L - 10 log10(k) (Maral & Bousquet 2009, ch. 5);
    the rate at the required Eb/N0 is R = 10^((C/N0 - Eb/N0) / 10) bit/s, at most the modem's
    ``max_rate_gbps`` (adaptive coding and modulation follow the range).
    """
    cn0 = eirp_dbw + g_over_t_db_k - free_space_loss_db(distance_km, frequency_ghz) \
        - losses_db - _K_DB
    return np.minimum(10.0 ** ((cn0 - required_ebn0_db) / 10.0) * 1e-9, max_rate_gbps)
