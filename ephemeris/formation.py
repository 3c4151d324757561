"""Close formations ("clusters") as SGP4 mean elements: a lattice of relative orbits.

A cluster of ``n`` satellites flies around a *chief* orbit (a circular sun-synchronous orbit).
Each satellite's motion relative to the chief is given by quasi-nonsingular relative orbital
elements (ROE; D'Amico 2010, ch. 2; D'Amico & Montenbruck 2006)::

    delta_a, delta_lambda, delta_e = (delta_ex, delta_ey), delta_i = (delta_ix, delta_iy)

whose first-order solution (the Hill-Clohessy-Wiltshire equations written in ROE, valid for
near-circular orbits; Clohessy & Wiltshire 1960) is, with u the chief's mean argument of
latitude, in the radial / along-track / cross-track frame (RTN)::

    x_R / a = delta_a - delta_ex cos u - delta_ey sin u
    x_T / a = -1.5 delta_a (u - u0) + delta_lambda + 2 delta_ex sin u - 2 delta_ey cos u
    x_N / a = delta_ix sin u - delta_iy cos u

**J2-matched design.**  Every satellite gets the chief's mean semi-major axis and inclination
(``delta_a = delta_ix = 0``); relative positions come only from the eccentricity vector and
the right ascension of the node (``delta_iy = delta_Omega sin i``).  Since J2's secular rates of
node, perigee and mean anomaly depend only on (a, e, i) and e is ~1e-4, the satellites drift
apart only at O(e^2) ~ 1e-8: the "J2-invariant" choice of Schaub & Alfriend (2001) with zero
differential inclination (D'Amico & Montenbruck 2006, sec. III: the e/i-vector formation is
J2-stable when delta_ix = 0).  The only secular change J2 leaves is the common rotation of
the relative eccentricity vectors with the perigee (omega_dot, a few deg/day), which turns
the in-plane ellipse; the design below is checked over that whole rotation.

**The lattice.**  Satellite (p, q) of an integer lattice gets
``delta_ex = p s``, ``delta_ey = q s``, ``delta_iy = q s`` (s a scale), so that positions at any
instant are a linear image L(u) of the lattice.  Its columns (-cos u, 2 sin u, 0) and
(-sin u, -2 cos u, -cos u) are never parallel (the N component of their cross product is
always 2), so no two satellites ever meet.  The ``n`` lattice points with the smallest radius
over an orbit and a full perigee rotation are kept, and s is set so that the largest radius
equals ``radius_km``.  For n = 81 and 1 km this gives neighbours ~95-160 m apart: the
Suncatcher formation (Google 2025: 81 satellites within a 1 km radius, neighbours 100-200 m).

References
----------
* Clohessy, W. H. & Wiltshire, R. S. (1960), "Terminal guidance system for satellite
  rendezvous", J. Aerospace Sci. 27(9), 653-658.
* Schaub, H. & Alfriend, K. T. (2001), "J2 invariant relative orbits for spacecraft
  formations", Celest. Mech. Dyn. Astron. 79, 77-95.
* D'Amico, S. & Montenbruck, O. (2006), "Proximity operations of formation-flying spacecraft
  using an eccentricity/inclination vector separation", J. Guid. Control Dyn. 29(3), 554-563.
* D'Amico, S. (2010), *Autonomous formation flying in low Earth orbit*, PhD thesis, TU Delft.
* Google (2025), "Towards a future space-based, highly scalable AI infrastructure system
  design" (Project Suncatcher): 81-satellite cluster, 1 km radius, 650 km dawn-dusk.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.spatial import cKDTree

from ephemeris import orbits

#: Largest lattice index searched (|p|, |q| <= this); 41 x 41 candidates hold n <= 1000.
MAX_LATTICE_INDEX = 20
#: Samples of the argument of latitude over which the radius of a lattice point is taken.
_U = np.linspace(0.0, 2.0 * np.pi, 73)[:-1]
#: Samples of the relative eccentricity vectors' rotation (perigee rotation under J2).
_PSI = np.linspace(0.0, 2.0 * np.pi, 13)[:-1]


def lattice_rtn(p, q, u, psi=0.0):
    """RTN offsets [per unit scale] of lattice points (p, q) at chief argument of latitude u.

    ``psi`` is the angle [rad] by which J2 has turned the relative eccentricity vectors.
    Returns an array (..., 3) broadcast over ``p``/``q`` (leading) and ``u`` (trailing).
    """
    p = np.asarray(p, float)[..., None]
    q = np.asarray(q, float)[..., None]
    c, s = math.cos(psi), math.sin(psi)
    ex, ey = c * p - s * q, s * p + c * q
    cu, su = np.cos(u), np.sin(u)
    return np.stack([-ex * cu - ey * su, 2.0 * ex * su - 2.0 * ey * cu, -q * cu], axis=-1)


def lattice_design(n):
    """The ``n`` lattice points (p, q) with the smallest radius over an orbit and a perigee turn.

    Returns ``(pq, radius)``: pq (n, 2) ints, the chief (0, 0) first; radius (n,) the largest
    distance from the chief of each point per unit scale.
    """
    k = MAX_LATTICE_INDEX
    g = np.array([(p, q) for p in range(-k, k + 1) for q in range(-k, k + 1)], float)
    rad = np.zeros(len(g))
    for psi in _PSI:
        rad = np.maximum(rad, np.linalg.norm(lattice_rtn(g[:, 0], g[:, 1], _U, psi),
                                             axis=-1).max(axis=1))
    order = np.lexsort((g[:, 1], g[:, 0], np.round(rad, 9)))[:n]
    return g[order].astype(int), rad[order]


def lattice_spacing(pq, scale_km, psis=_PSI):
    """Smallest and largest nearest-neighbour distance [km] of the linear (HCW) design."""
    lo, hi = np.inf, 0.0
    for psi in psis:
        x = lattice_rtn(pq[:, 0], pq[:, 1], _U, psi) * scale_km          # (n, U, 3)
        for k in range(x.shape[1]):
            d, _ = cKDTree(x[:, k]).query(x[:, k], 2)
            lo, hi = min(lo, d[:, 1].min()), max(hi, d[:, 1].max())
    return lo, hi


def cluster_roe(pq, scale):
    """ROE (delta_ex, delta_ey, delta_iy) [rad-equivalent, 1] of lattice points at ``scale``."""
    pq = np.asarray(pq, float)
    return pq[:, 0] * scale, pq[:, 1] * scale, pq[:, 1] * scale


def roe_to_elements(semi_major_axis_km, inclination_deg, raan_deg, arg_latitude_deg,
                    dex, dey, diy):
    """Mean elements of satellites at ROE (dex, dey, diy) around a circular chief.

    Returns (eccentricity, arg_perigee_deg, raan_deg, mean_anomaly_deg) arrays:
    e = |delta_e|, omega = atan2(dey, dex), Omega = Omega_c + delta_iy / sin i and
    u = u_c - delta_Omega cos i (so that delta_lambda = delta_u + delta_Omega cos i = 0),
    M = u - omega (D'Amico 2010, eq. 2.2).
    """
    inc = math.radians(inclination_deg)
    ecc = np.hypot(dex, dey)
    argp = np.degrees(np.arctan2(dey, dex))
    d_raan = np.asarray(diy, float) / math.sin(inc)
    u = math.radians(arg_latitude_deg) - d_raan * math.cos(inc)
    return (ecc, np.mod(argp, 360.0), np.mod(raan_deg + np.degrees(d_raan), 360.0),
            np.mod(np.degrees(u) - argp, 360.0))


#: Default safety distance [m]: no two satellites closer.  Assumption: more than twice the
#: ~21 m span of the twin's default 440 m^2 array, so that attitude and navigation errors of a
#: few metres (differential GPS gives < 1 m; D'Amico 2010) leave a margin.
SAFETY_DISTANCE_M = 50.0


def cluster_table(n, radius_km, altitude_km, inclination_deg, shell="cluster", epoch=None,
                  arg_latitude_deg=0.0, safety_distance_m=SAFETY_DISTANCE_M, bstar=0.0):
    """Element table of an ``n``-satellite cluster within ``radius_km`` of its chief.

    RAANs are offsets ``delta_Omega`` [deg] from the chief's (0): the caller adds the chief's
    RAAN (solved from the LTAN at the epoch for sun-synchronous chiefs).  Returns
    ``(elements, info)``; ``info`` holds the lattice ``pq``, the ``scale`` and the linear
    design's ``min_neighbour_km``/``max_neighbour_km``.  Raises ``ValueError`` when the
    spacing falls below ``safety_distance_m``.
    """
    n = orbits._count("n", n, lo=2)
    if n > 1000:
        raise ValueError(f"n={n} is out of range; allowed 2 to 1000 satellites per cluster")
    radius = orbits._real("radius_km", radius_km, 0.0, 100.0, lo_open=True,
                          allowed="(0, 100] km (a close formation)")
    safety = orbits._real("safety_distance_m", safety_distance_m, 0.0,
                          allowed=">= 0 m")
    alt = orbits.check_altitude_km(altitude_km)
    a = orbits.RE_WGS72_KM + alt
    pq, rad = lattice_design(n)
    scale = radius / (a * rad.max())
    lo, hi = lattice_spacing(pq, scale * a)
    if lo * 1e3 < safety:
        raise ValueError(
            f"radius_km={radius:g} with n={n}: the closest satellites of this formation come "
            f"{lo * 1e3:.1f} m apart, below safety_distance_m={safety:g}; allowed: a radius of "
            f"at least {radius * safety / (lo * 1e3):.3g} km for {n} satellites, fewer "
            "satellites, or a smaller safety distance")
    dex, dey, diy = cluster_roe(pq, scale)
    ecc, argp, d_raan, ma = roe_to_elements(a, inclination_deg, 0.0, arg_latitude_deg,
                                            dex, dey, diy)
    d_raan = np.where(d_raan > 180.0, d_raan - 360.0, d_raan)
    names = [f"{shell}-{i:03d}" for i in range(n)]
    el = orbits.element_table(name=names, shell=shell, source="cluster", altitude_km=alt,
                              inclination_deg=inclination_deg, raan_deg=0.0,
                              eccentricity=ecc, arg_perigee_deg=argp, mean_anomaly_deg=ma,
                              epoch=epoch, bstar=bstar)
    el["raan_deg"] = d_raan
    info = {"pq": pq, "scale": scale, "min_neighbour_km": lo, "max_neighbour_km": hi,
            "radius_km": radius}
    return el, info
