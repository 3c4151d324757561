"""The Earth's shadow: sunlit fraction (conical umbra and penumbra), beta angle, and the
analytic cylindrical eclipse fraction used to validate them.

All functions are vectorised over any leading shape (satellite, time).  The per-step equations
of the shadow are :mod:`ephemeris.fastmath` models, written once: :func:`shadow_sines` (the
sines of the apparent radii and the cosine of the separation from |r|, s . r_hat and the Sun's
distance), :func:`shadow_angles_from_sines` and :func:`disc_fraction` (the disc overlap).  They
run as numpy on arrays here and in :func:`ephemeris.geometry.geometry_from_states`, and are
inlined on scalars in the compiled kernel (:mod:`ephemeris.geometry_kernel`).
"""
from __future__ import annotations

import numpy as np

from ephemeris.fastmath import model, where
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


@model
def shadow_sines(rn, sun_r, sun_distance_km, earth_radius_km, sun_radius_km):
    """(sin a, sin b, cos c) of :func:`shadow_angles` from the satellite's distance ``rn`` = |r|,
    ``sun_r`` = s_hat . r_hat and the Sun's distance S (all [km] but ``sun_r``):
    |s - r|^2 = S^2 - 2 S |r| (s_hat . r_hat) + |r|^2, sin a = R_sun / |s - r|,
    sin b = min(R_earth / |r|, 1), cos c = (|r| - S (s_hat . r_hat)) / |s - r|."""
    dn = np.sqrt(sun_distance_km * sun_distance_km - 2.0 * sun_distance_km * rn * sun_r
                 + rn * rn)
    sin_a = sun_radius_km / dn
    sin_b = np.minimum(earth_radius_km / rn, 1.0)
    cos_c = (rn - sun_distance_km * sun_r) / dn
    return sin_a, sin_b, cos_c


@model
def shadow_angles_from_sines(sin_a, sin_b, cos_c):
    """(a, b, c) [rad] from :func:`shadow_sines` (cos c clipped to [-1, 1] against rounding);
    numpy's arcsin/arccos on arrays, the C library's in compiled code."""
    return (np.arcsin(sin_a), np.arcsin(sin_b),
            np.arccos(np.minimum(np.maximum(cos_c, -1.0), 1.0)))


@model
def disc_fraction(a, b, c):
    """Fraction of a disc of angular radius ``a`` not covered by a disc of radius ``b`` at
    centre separation ``c`` [rad]: the sunlit fraction (Montenbruck & Gill 2000, eq. 3.85-3.87).

    1 if c >= a + b (or c is NaN); 0 if c <= b - a (umbra); 1 - b^2/a^2 if c <= a - b
    (annular); otherwise 1 - A / (pi a^2) with the lens area
    A = a^2 acos(x/a) + b^2 acos((c - x)/b) - c y, x = (c^2 + a^2 - b^2) / (2c),
    y = sqrt(a^2 - x^2).  Every branch is evaluated (the lens area may divide by zero where it
    is not selected: callers on arrays ignore those warnings).
    """
    x = (c * c + a * a - b * b) / (2.0 * c)
    y = np.sqrt(np.maximum(a * a - x * x, 0.0))
    area = (a * a * np.arccos(np.minimum(np.maximum(x / a, -1.0), 1.0))
            + b * b * np.arccos(np.minimum(np.maximum((c - x) / b, -1.0), 1.0)) - c * y)
    lens = np.minimum(np.maximum(1.0 - area / (np.pi * a * a), 0.0), 1.0)
    f = where(c <= b - a, 0.0, where(c <= a - b, 1.0 - (b / a) * (b / a), 1.0))
    f = where(c > np.abs(a - b), lens, f)
    return where(c < a + b, f, 1.0)


def disc_fraction_visible(a, b, c):
    """:func:`disc_fraction` on arrays of any (broadcast) shape, evaluated only where the discs
    overlap at all (c < a + b: usually a small share of the steps); 1 elsewhere."""
    a, b, c = np.broadcast_arrays(a, b, c)
    out = np.ones(a.shape)
    near = c < a + b
    if not near.any():
        return out
    idx = np.flatnonzero(near)
    with np.errstate(divide="ignore", invalid="ignore"):
        out.ravel()[idx] = disc_fraction(a.ravel()[idx], b.ravel()[idx], c.ravel()[idx])
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
