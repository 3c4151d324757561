"""The Earth's shadow: sunlit fraction (conical umbra and penumbra), beta angle, and the
analytic cylindrical eclipse fraction used to validate them.

All functions are vectorised over any leading shape (satellite, time).
"""
from __future__ import annotations

import numpy as np

from ephemeris.sun import SUN_RADIUS_KM

#: Shadowing body: a sphere of the WGS84 equatorial radius [km] (no oblateness, no atmosphere).
EARTH_RADIUS_KM = 6378.137


def shadow_angles(r_km, sun_km, earth_radius_km=EARTH_RADIUS_KM):
    """Apparent radii of the Sun (a) and Earth (b), and their centres' separation (c) [rad].

    Seen from a satellite at geocentric ``r_km`` (..., 3) with the geocentric Sun at ``sun_km``
    (..., 3): a = asin(R_sun / |s - r|), b = asin(R_earth / |r|),
    c = angle between -r and s - r (Montenbruck & Gill 2000, Satellite Orbits, sec. 3.4.2).
    """
    d = sun_km - r_km
    rn = np.sqrt(np.einsum("...i,...i->...", r_km, r_km))
    dn = np.sqrt(np.einsum("...i,...i->...", d, d))
    a = np.arcsin(SUN_RADIUS_KM / dn)
    b = np.arcsin(np.minimum(earth_radius_km / rn, 1.0))
    cosc = -np.einsum("...i,...i->...", r_km, d) / (rn * dn)
    c = np.arccos(np.clip(cosc, -1.0, 1.0))
    return a, b, c


def disc_fraction_visible(a, b, c):
    """Fraction of a disc of angular radius ``a`` not covered by a disc of radius ``b`` at
    centre separation ``c`` [rad]: the sunlit fraction (Montenbruck & Gill 2000, eq. 3.85-3.87).

    1 if c >= a + b; 0 if c <= b - a (umbra); 1 - b^2/a^2 if c <= a - b (annular); otherwise
    1 - A / (pi a^2) with the lens area A = a^2 acos(x/a) + b^2 acos((c - x)/b) - c y,
    x = (c^2 + a^2 - b^2) / (2c), y = sqrt(a^2 - x^2).
    """
    a, b, c = np.broadcast_arrays(a, b, c)
    out = np.ones(a.shape)
    near = c < a + b                       # any overlap: usually a small share of the steps
    if not near.any():
        return out
    idx = np.flatnonzero(near)
    ap, bp, cp = a.ravel()[idx], b.ravel()[idx], c.ravel()[idx]
    f = np.where(cp <= bp - ap, 0.0, np.where(cp <= ap - bp, 1.0 - (bp / ap) ** 2, 1.0))
    part = cp > np.abs(ap - bp)
    if part.any():
        ap, bp, cp = ap[part], bp[part], cp[part]
        x = (cp * cp + ap * ap - bp * bp) / (2.0 * cp)
        y = np.sqrt(np.maximum(ap * ap - x * x, 0.0))
        area = (ap * ap * np.arccos(np.clip(x / ap, -1, 1))
                + bp * bp * np.arccos(np.clip((cp - x) / bp, -1, 1)) - cp * y)
        f[part] = np.clip(1.0 - area / (np.pi * ap * ap), 0.0, 1.0)
    out.ravel()[idx] = f
    return out


def sunlit_fraction(r_km, sun_km, earth_radius_km=EARTH_RADIUS_KM):
    """Fraction of the solar disc visible from ``r_km`` (1 sun, 0 umbra), spherical Earth."""
    return disc_fraction_visible(*shadow_angles(r_km, sun_km, earth_radius_km))


def beta_angle_deg(r_km, v_km_s, sun_km):
    """Beta angle [deg]: elevation of the Sun above the orbit plane, asin(h_hat . s_hat),
    h = r x v (positive on the side of the angular momentum)."""
    h = np.cross(r_km, v_km_s)
    hn = np.sqrt(np.einsum("...i,...i->...", h, h))
    sn = np.sqrt(np.einsum("...i,...i->...", sun_km, sun_km))
    return np.degrees(np.arcsin(np.clip(np.einsum("...i,...i->...", h, sun_km) / (hn * sn), -1, 1)))


def eclipse_fraction_cylindrical(altitude_km, beta_deg, earth_radius_km=EARTH_RADIUS_KM):
    """Fraction of a circular orbit spent in a cylindrical shadow (the analytic reference).

    f = (1/pi) acos( sqrt(h^2 + 2 R h) / ((R + h) cos beta) ) if |beta| < asin(R / (R + h)),
    else 0 (Vallado 2013 sec. 5.3; Gilmore, Spacecraft Thermal Control Handbook, eq. 2.3).
    """
    h = np.asarray(altitude_km, float)
    cb = np.cos(np.radians(beta_deg))
    arg = np.sqrt(h * h + 2 * earth_radius_km * h) / ((earth_radius_km + h) * cb)
    return np.where(arg < 1.0, np.arccos(np.minimum(arg, 1.0)) / np.pi, 0.0)
