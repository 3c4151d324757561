"""A fast analytic propagator for designed shells: SGP4's secular J2 mean-element motion.

Each satellite keeps SGP4's own mean elements and secular rates (``Satrec.mdot``, ``argpdot``,
``nodedot``, which include J2, J2^2 and J4) and its Brouwer mean semi-major axis; the position
is the Keplerian one on those drifting elements:

    M = M0 + Mdot t,  omega = omega0 + omegadot t,  Omega = Omega0 + Omegadot t,
    E - e sin E = M (Newton),  r = a (1 - e cos E),  u = omega + nu,
    r_TEME = r [cos O cos u - sin O sin u cos i, sin O cos u + cos O sin u cos i, sin u sin i],
    v_TEME = sqrt(mu / p) [e sin nu r_hat + (1 + e cos nu) u_hat]   (p = a (1 - e^2)).

What it leaves out against SGP4: the short-period J2 terms (a few km, mostly along-track),
the long-period J3 terms, drag (``bstar``) and deep-space resonances.  Validated against SGP4
in tests/test_j2.py (sunlit fraction per orbit and eclipse boundaries).  Vallado (2013),
*Fundamentals of Astrodynamics*, sec. 9.6 (secular J2 effects) and algorithm 10 (COE2RV).
"""
from __future__ import annotations

import numpy as np

from ephemeris.orbits import MU_WGS72_KM3_S2, RE_WGS72_KM


def secular_elements(satrecs) -> dict:
    """SGP4's epoch, mean elements and secular rates of each satellite (arrays)."""
    g = lambda k: np.array([getattr(s, k) for s in satrecs], float)  # noqa: E731
    return {
        "jd": g("jdsatepoch"), "fr": g("jdsatepochF"), "a_km": g("a") * RE_WGS72_KM,
        "ecc": g("ecco"), "inc": g("inclo"), "m0": g("mo"), "w0": g("argpo"),
        "o0": g("nodeo"), "mdot": g("mdot"), "wdot": g("argpdot"), "odot": g("nodedot"),
    }


def propagate_j2(satrecs, jd, fr):
    """TEME position [km], velocity [km/s] (n, T, 3) and zero error codes, like
    :func:`ephemeris.propagate.propagate`."""
    el = secular_elements(satrecs)
    t_min = ((np.asarray(jd)[None, :] - el["jd"][:, None])
             + (np.asarray(fr)[None, :] - el["fr"][:, None])) * 1440.0          # (n, T)
    e = el["ecc"][:, None]
    m = el["m0"][:, None] + el["mdot"][:, None] * t_min
    w = el["w0"][:, None] + el["wdot"][:, None] * t_min
    o = el["o0"][:, None] + el["odot"][:, None] * t_min
    a = el["a_km"][:, None]
    if np.any(el["ecc"] > 0):
        ecc_anom = m.copy()
        for _ in range(12):           # Newton: quadratic; 12 steps converge for e < 0.9
            ecc_anom -= (ecc_anom - e * np.sin(ecc_anom) - m) / (1.0 - e * np.cos(ecc_anom))
        cos_e, sin_e = np.cos(ecc_anom), np.sin(ecc_anom)
        r = a * (1.0 - e * cos_e)
        sq = np.sqrt(1.0 - e * e)
        nu = np.arctan2(sq * sin_e, cos_e - e)
    else:
        r = np.broadcast_to(a, m.shape)
        nu = m
    u = w + nu
    cu, su = np.cos(u), np.sin(u)
    co, so = np.cos(o), np.sin(o)
    ci, si = np.cos(el["inc"])[:, None], np.sin(el["inc"])[:, None]
    rx, ry, rz = co * cu - so * su * ci, so * cu + co * su * ci, su * si        # r_hat
    px, py, pz = -co * su - so * cu * ci, -so * su + co * cu * ci, cu * si     # u_hat
    p = a * (1.0 - e * e)
    k = np.sqrt(MU_WGS72_KM3_S2 / p)
    vr = k * e * np.sin(nu)
    vt = k * (1.0 + e * np.cos(nu))
    pos = np.stack([r * rx, r * ry, r * rz], axis=-1)
    vel = np.stack([vr * rx + vt * px, vr * ry + vt * py, vr * rz + vt * pz], axis=-1)
    return pos, vel, np.zeros(m.shape, np.uint8)
