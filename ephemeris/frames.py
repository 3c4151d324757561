"""Per-step frame equations of the geometry, each written once as an :mod:`ephemeris.fastmath`
model: the Sun in the orbital frame (RSW) and the beta angle, a rotation by a 3x3 matrix, and
WGS84 geodetic coordinates (Bowring).

Called from Python they run as numpy on arrays -- :func:`ephemeris.geometry.geometry_from_states`'
reference path; the compiled kernel (:mod:`ephemeris.geometry_kernel`) inlines them on scalars.
Vectors are passed as components (no (..., 3) temporaries, and the same code for scalars).
"""
from __future__ import annotations

import math

import numpy as np

from ephemeris.fastmath import asin, atan2, model

WGS84_A_KM = 6378.137
WGS84_F = 1 / 298.257223563
_RAD2DEG = 180.0 / math.pi


@model
def sun_radial(rx, ry, rz, sx, sy, sz):
    """(|r|, s . r_hat) from the position r [km] and the unit vector s to the Sun."""
    rn = np.sqrt(rx * rx + ry * ry + rz * rz)
    return rn, (rx * sx + ry * sy + rz * sz) / rn


@model
def sun_rsw(rx, ry, rz, vx, vy, vz, sx, sy, sz):
    """(|r|, s . r_hat, s . (w_hat x r_hat), s . w_hat): the unit vector ``s`` to the Sun in the
    orbital frame (radial, along-track, normal) of the state r [km], v [km/s], with
    w_hat = r x v / |r x v| and (w_hat x r_hat) . s = h . (r x s) / (|h| |r|), h = r x v."""
    rn, sun_r = sun_radial(rx, ry, rz, sx, sy, sz)
    hx = ry * vz - rz * vy
    hy = rz * vx - rx * vz
    hz = rx * vy - ry * vx
    hn = np.sqrt(hx * hx + hy * hy + hz * hz)
    sun_w = (hx * sx + hy * sy + hz * sz) / hn
    sun_s = (hx * (ry * sz - rz * sy) + hy * (rz * sx - rx * sz) + hz * (rx * sy - ry * sx)) \
        / (hn * rn)
    return rn, sun_r, sun_s, sun_w


@model
def beta_deg(sun_w):
    """Beta angle [deg], asin(s . w_hat) (the normal component of :func:`sun_rsw`, clipped to
    [-1, 1] against rounding)."""
    return asin(np.minimum(np.maximum(sun_w, -1.0), 1.0)) * _RAD2DEG


@model
def rotate(m00, m01, m02, m10, m11, m12, m20, m21, m22, x, y, z):
    """The vector (x, y, z) rotated by the matrix with rows (m00, m01, m02), ..."""
    return (m00 * x + m01 * y + m02 * z,
            m10 * x + m11 * y + m12 * z,
            m20 * x + m21 * y + m22 * z)


_E2 = WGS84_F * (2 - WGS84_F)
_B_KM = WGS84_A_KM * (1 - WGS84_F)
_EP2 = (WGS84_A_KM * WGS84_A_KM - _B_KM * _B_KM) / (_B_KM * _B_KM)


@model
def geodetic_wgs84(x, y, z):
    """Geodetic latitude [deg], longitude [deg], height [km] from ITRS x, y, z [km].

    Bowring's (1976) one-step formula: with the parametric latitude u, tan u = a z / (b p),
    tan(phi) = (z + e'^2 b sin^3 u) / (p - e^2 a cos^3 u), h = p cos(phi) + z sin(phi)
    - a sqrt(1 - e^2 sin^2 phi) (Bowring, Survey Review 23(181), 1976; Hofmann-Wellenhof et
    al., GNSS, 2008, eq. 5.4).  Error < 1 mm in latitude and height from the surface to GEO
    (checked against skyfield's iterative ``wgs84`` in the tests); written without
    trigonometry except the two arctangents.
    """
    a = WGS84_A_KM
    b = _B_KM
    p = np.sqrt(x * x + y * y)
    za = z * a
    pb = p * b
    q = 1.0 / np.sqrt(za * za + pb * pb)
    su = za * q
    cu = pb * q
    num = z + _EP2 * b * su * su * su
    den = p - _E2 * a * cu * cu * cu
    k = 1.0 / np.sqrt(num * num + den * den)
    sphi = num * k
    cphi = den * k
    h = p * cphi + z * sphi - a * np.sqrt(1.0 - _E2 * sphi * sphi)
    return atan2(num, den) * _RAD2DEG, atan2(y, x) * _RAD2DEG, h
