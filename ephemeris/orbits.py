"""Orbital elements for designed constellations: Walker shells and sun-synchronous planes.

Designed orbits are SGP4 mean elements (WGS72 constants, as SGP4 uses them) whose Brouwer mean
semi-major axis is ``a = 6378.135 km + altitude_km``.  Every builder returns an *element table*: a
``pandas.DataFrame`` with one row per satellite and the columns of :data:`ELEMENT_COLUMNS`, the
same table that :mod:`ephemeris.catalogs` makes from TLE and OMM files, so one propagator serves
designed and catalogued satellites alike.

Sources
-------
* Walker, J. G. (1984), "Satellite constellations", J. Br. Interplanet. Soc. 37, 559-572:
  the delta pattern t/p/f (RAAN spread over 360 deg) and the star pattern (over 180 deg).
* Vallado, D. A. (2013), *Fundamentals of Astrodynamics and Applications*, 4th ed., eq. 9-41
  (J2 nodal regression) and section 11.4 (sun-synchronous orbits).
* Hoots & Roehrich (1980) Spacetrack Report #3 / Vallado et al. (2006) AIAA 2006-6753: SGP4's
  Kozai mean motion, its "un-Kozai" conversion to the Brouwer mean motion, and its secular node
  rate (J2, J2^2 and J4 terms).
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ephemeris.validation import check_number

# --- WGS72 constants as SGP4 uses them (sgp4.earth_gravity.wgs72) ---------------------------
RE_WGS72_KM = 6378.135
MU_WGS72_KM3_S2 = 398600.8
J2_WGS72 = 0.001082616
J4_WGS72 = -0.00000165597
XKE_PER_MIN = 60.0 / math.sqrt(RE_WGS72_KM**3 / MU_WGS72_KM3_S2)
#: Tropical year [days] (Vallado 2013, Table 3-1 gives 365.2421897 d).
TROPICAL_YEAR_DAYS = 365.2421897
#: Sun-synchronous node rate: one turn per tropical year [rad/min].
SSO_NODE_RATE_RAD_PER_MIN = 2 * math.pi / (TROPICAL_YEAR_DAYS * 1440.0)

MIN_ALTITUDE_KM = 150.0


class LowPerigeeWarning(UserWarning):
    """An orbit's perigee dips into the atmosphere (below :data:`MIN_ALTITUDE_KM`)."""
MAX_ALTITUDE_KM = 50000.0

#: Columns of every element table, in order.
ELEMENT_COLUMNS = [
    "name", "shell", "source", "satnum", "epoch", "altitude_km", "inclination_deg", "raan_deg",
    "eccentricity", "arg_perigee_deg", "mean_anomaly_deg", "mean_motion_rev_per_day", "bstar",
    "ndot", "nddot",
]

_LTAN_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?\s*$")


# --- validation helpers ----------------------------------------------------------------------
def _real(name, value, lo=None, hi=None, lo_open=False, hi_open=False, allowed=None):
    """Return ``value`` as float, or raise a message naming field, value and allowed range."""
    return check_number(name, value, lo, hi, lo_open, hi_open, allowed=allowed)


def _count(name, value, lo=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, got {value!r} ({type(value).__name__})")
    if value < lo:
        raise ValueError(f"{name}={value!r} must be at least {lo}")
    return int(value)


def check_altitude_km(value, name="altitude_km"):
    return _real(name, value, MIN_ALTITUDE_KM, MAX_ALTITUDE_KM,
                 allowed=f"[{MIN_ALTITUDE_KM:g}, {MAX_ALTITUDE_KM:g}] km "
                         f"(below {MIN_ALTITUDE_KM:g} km "
                         "the atmosphere decays an orbit within days; above "
                         f"{MAX_ALTITUDE_KM:g} km SGP4/SDP4 is not meant to be used)")


def check_inclination_deg(value, name="inclination_deg"):
    return _real(name, value, 0.0, 180.0, allowed="[0, 180] deg")


# --- mean motion: SGP4's Kozai <-> Brouwer ---------------------------------------------------
def kozai_mean_motion(semi_major_axis_km, eccentricity, inclination_deg):
    """Kozai mean motion [rad/min] that SGP4 turns into Brouwer mean axis ``semi_major_axis_km``.

    SGP4 (``initl``) maps the TLE's Kozai mean motion n_K to the Brouwer mean motion
    n_B = n_K / (1 + delta), delta = 0.75 J2 (3 cos^2 i - 1) / ((1-e^2)^1.5 a1^2) evaluated at
    a1 (itself from n_K), and the mean axis a = (ke / n_B)^(2/3).  This inverts that map by fixed
    point iteration (converges to 1e-15 in < 10 iterations for any Earth orbit).
    """
    a = np.asarray(semi_major_axis_km, float) / RE_WGS72_KM
    e = np.asarray(eccentricity, float)
    cosi = np.cos(np.radians(inclination_deg))
    n_b = XKE_PER_MIN * a**-1.5
    omeosq = 1.0 - e * e
    d1 = 0.75 * J2_WGS72 * (3.0 * cosi * cosi - 1.0) / (np.sqrt(omeosq) * omeosq)
    n_k = n_b
    for _ in range(20):
        ak = (XKE_PER_MIN / n_k) ** (2.0 / 3.0)
        dl = d1 / (ak * ak)
        adel = ak * (1.0 - dl * dl - dl * (1.0 / 3.0 + 134.0 * dl * dl / 81.0))
        dl = d1 / (adel * adel)
        n_k = n_b * (1.0 + dl)
    return n_k


def sgp4_node_rate_rad_per_min(semi_major_axis_km, eccentricity, inclination_deg):
    """SGP4's secular node rate [rad/min] (J2, J2^2 and J4 terms; Vallado et al. 2006, sgp4init).

    dOmega/dt = -1.5 J2 n / p^2 cos i
                + [0.5 * 0.5*1.5 J2^2 n / p^4 * (4 - 19 cos^2 i)
                   + 2 * (-0.46875 J4 n / p^4) (3 - 7 cos^2 i)] cos i
    with p = a (1 - e^2) in Earth radii and n the Brouwer mean motion.
    """
    a = np.asarray(semi_major_axis_km, float) / RE_WGS72_KM
    e = np.asarray(eccentricity, float)
    cosi = np.cos(np.radians(inclination_deg))
    n = XKE_PER_MIN * a**-1.5
    pinvsq = 1.0 / (a * a * (1.0 - e * e) ** 2)
    temp1 = 1.5 * J2_WGS72 * pinvsq * n
    temp2 = 0.5 * temp1 * J2_WGS72 * pinvsq
    temp3 = -0.46875 * J4_WGS72 * pinvsq * pinvsq * n
    cos2 = cosi * cosi
    return -temp1 * cosi + (0.5 * temp2 * (4.0 - 19.0 * cos2)
                            + 2.0 * temp3 * (3.0 - 7.0 * cos2)) * cosi


def sun_synchronous_inclination_j2_deg(altitude_km, eccentricity=0.0):
    """Sun-synchronous inclination from J2 alone [deg] (Vallado 2013, eq. 9-41 and 11-15).

    cos i = -(dOmega/dt) / (1.5 n J2 (R / p)^2),  dOmega/dt = 360 deg per tropical year,
    n = sqrt(mu / a^3), p = a (1 - e^2), WGS72 R, mu, J2.
    """
    a = RE_WGS72_KM + np.asarray(altitude_km, float)
    n = XKE_PER_MIN * (a / RE_WGS72_KM) ** -1.5
    p = a * (1.0 - np.asarray(eccentricity, float) ** 2)
    cosi = -SSO_NODE_RATE_RAD_PER_MIN / (1.5 * n * J2_WGS72 * (RE_WGS72_KM / p) ** 2)
    if np.any(np.abs(cosi) > 1):
        raise ValueError(
            f"altitude_km={altitude_km!r}: no sun-synchronous orbit exists there "
            "(J2 is too weak above about 5,970 km)"
        )
    return np.degrees(np.arccos(cosi))


def sun_synchronous_inclination_deg(altitude_km, eccentricity=0.0):
    """Inclination [deg] at which SGP4's secular node rate is exactly 360 deg per tropical year.

    Starts from the J2 closed form (:func:`sun_synchronous_inclination_j2_deg`) and solves
    ``sgp4_node_rate(i) = 2 pi / tropical year`` by Newton iteration, so the J2^2 and J4 secular
    terms that SGP4 also applies do not make the node drift (they move i by ~0.01 deg).
    """
    i = np.radians(sun_synchronous_inclination_j2_deg(altitude_km, eccentricity))
    a = RE_WGS72_KM + np.asarray(altitude_km, float)
    for _ in range(8):
        f = sgp4_node_rate_rad_per_min(a, eccentricity, np.degrees(i)) - SSO_NODE_RATE_RAD_PER_MIN
        h = 1e-7
        df = (sgp4_node_rate_rad_per_min(a, eccentricity, np.degrees(i + h))
              - sgp4_node_rate_rad_per_min(a, eccentricity, np.degrees(i - h))) / (2 * h)
        i = i - f / df
    return np.degrees(i)


# --- local time of the ascending node --------------------------------------------------------
def parse_ltan(value, name="ltan") -> float:
    """LTAN in hours [0, 24) from "18:00", "06:30", "6:30:15" or a float number of hours."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a time of day such as '18:00' or hours, got {value!r}")
    if isinstance(value, str):
        m = _LTAN_RE.match(value)
        if not m:
            raise ValueError(f"{name}={value!r} is not a time of day; allowed: 'HH:MM' from "
                             "'00:00' to '23:59' (e.g. '18:00') or hours in [0, 24)")
        h, mi, s = int(m.group(1)), int(m.group(2)), float(m.group(3) or 0)
        if h > 23 or mi > 59 or s >= 60:
            raise ValueError(f"{name}={value!r} is not a time of day; allowed 00:00 to 23:59")
        return h + mi / 60 + s / 3600
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _real(name, value, 0.0, 24.0, hi_open=True, allowed="[0, 24) hours")
    raise TypeError(f"{name} must be a time of day such as '18:00' or hours, got "
                    f"{type(value).__name__}")


def gmst_deg(epoch) -> np.ndarray:
    """Greenwich mean sidereal time [deg] (IAU 1982, as SGP4's ``gstime``) of UTC ``epoch``.

    GMST [s] = 67310.54841 + (876600 h + 8640184.812866 s) T + 0.093104 T^2 - 6.2e-6 T^3,
    T = Julian centuries of UT1 from J2000 (Vallado et al. 2006, ``gstime``).  This is the angle
    from TEME's x axis (mean equinox of date) to the Greenwich meridian.
    """
    ep = pd.to_datetime(np.atleast_1d(epoch))
    jd = 2440587.5 + (ep - pd.Timestamp(0)).total_seconds().to_numpy() / 86400.0
    t = (jd - 2451545.0) / 36525.0
    sec = -6.2e-6 * t**3 + 0.093104 * t**2 + (876600.0 * 3600.0 + 8640184.812866) * t + 67310.54841
    return np.mod(sec / 240.0, 360.0).reshape(np.shape(epoch))


def _ut_hours(epoch) -> np.ndarray:
    ep = pd.to_datetime(np.atleast_1d(epoch))
    s = (ep - ep.normalize()).total_seconds().to_numpy() / 3600.0
    return s.reshape(np.shape(epoch))


def raan_from_ltan_deg(ltan_h, epoch) -> np.ndarray:
    """RAAN [deg, TEME] that puts the ascending node at mean local solar time ``ltan_h``.

    LTAN = 12 h + (RAAN - RA of the mean Sun) / 15 deg/h, and the mean Sun's right ascension
    is GMST - 15 deg/h * (UT - 12 h) (the mean Sun defines mean solar time; Vallado 2013,
    sec. 3.5), so RAAN = GMST + 15 deg/h * (LTAN - UT).  UT1 is taken as UTC (|UT1-UTC| < 0.9 s,
    i.e. < 0.004 deg).
    """
    return np.mod(gmst_deg(epoch) + 15.0 * (np.asarray(ltan_h, float) - _ut_hours(epoch)), 360.0)


def ltan_hours(raan_deg, epoch) -> np.ndarray:
    """Mean local solar time [h] of the ascending node (inverse of :func:`raan_from_ltan_deg`)."""
    return np.mod(_ut_hours(epoch) + (np.asarray(raan_deg, float) - gmst_deg(epoch)) / 15.0, 24.0)


# --- element tables --------------------------------------------------------------------------
def element_table(*, name, shell, source, altitude_km, inclination_deg, raan_deg, eccentricity=0.0,
                  arg_perigee_deg=0.0, mean_anomaly_deg=0.0, epoch=None, bstar=0.0,
                  satnum=None) -> pd.DataFrame:
    """Element table for designed orbits (arrays broadcast); Kozai mean motion from altitude."""
    alt = np.atleast_1d(np.asarray(altitude_km, float))
    n = max(len(np.atleast_1d(x)) for x in (name, alt, inclination_deg, raan_deg, mean_anomaly_deg))
    b = lambda x: np.broadcast_to(np.asarray(x), (n,)).copy()  # noqa: E731
    alt = b(alt)
    inc, ecc = b(np.asarray(inclination_deg, float)), b(np.asarray(eccentricity, float))
    n_k = kozai_mean_motion(RE_WGS72_KM + alt, ecc, inc)
    ep = pd.NaT if epoch is None else pd.Timestamp(epoch)
    df = pd.DataFrame({
        "name": b(np.asarray(name, dtype=object)),
        "shell": shell,
        "source": source,
        "satnum": b(np.arange(1, n + 1) if satnum is None else satnum).astype(np.int64),
        "epoch": pd.Series([ep] * n, dtype="datetime64[ns]"),
        "altitude_km": alt,
        "inclination_deg": inc,
        "raan_deg": np.mod(b(np.asarray(raan_deg, float)), 360.0),
        "eccentricity": ecc,
        "arg_perigee_deg": np.mod(b(np.asarray(arg_perigee_deg, float)), 360.0),
        "mean_anomaly_deg": np.mod(b(np.asarray(mean_anomaly_deg, float)), 360.0),
        "mean_motion_rev_per_day": n_k * 1440.0 / (2 * math.pi),
        "bstar": b(np.asarray(bstar, float)),
        "ndot": 0.0,
        "nddot": 0.0,
    })
    return df[ELEMENT_COLUMNS]


def walker(altitude_km, inclination_deg, planes, sats_per_plane, phasing=0, pattern="delta",
           shell="walker", epoch=None, bstar=0.0) -> pd.DataFrame:
    """Walker pattern t/p/f as an element table (circular orbits).

    Plane j (0..p-1) has RAAN = j * S / p with S = 360 deg ("delta") or 180 deg ("star");
    satellite k (0..s-1) of plane j has mean anomaly M = k * 360/s + j * f * 360/t, with
    t = p * s satellites and f the phasing factor, 0 <= f < p (Walker 1984).
    """
    altitude_km = check_altitude_km(altitude_km)          # a Quantity becomes km here
    inclination_deg = check_inclination_deg(inclination_deg)
    p = _count("planes", planes)
    s = _count("sats_per_plane", sats_per_plane)
    f = _count("phasing", phasing, lo=0)
    if f >= p:
        raise ValueError(f"phasing={phasing!r} is out of range; allowed: 0 to planes-1 = {p - 1}")
    if pattern not in ("delta", "star"):
        raise ValueError(f"pattern={pattern!r} is not a Walker pattern; allowed: 'delta' or 'star'")
    spread = 360.0 if pattern == "delta" else 180.0
    t = p * s
    j, k = np.divmod(np.arange(t), s)
    raan = j * spread / p
    m = k * 360.0 / s + j * f * 360.0 / t
    names = [f"{shell}-P{jj + 1:02d}-S{kk + 1:02d}" for jj, kk in zip(j, k)]
    return element_table(name=names, shell=shell, source="walker", altitude_km=altitude_km,
                         inclination_deg=inclination_deg, raan_deg=raan, mean_anomaly_deg=m,
                         epoch=epoch, bstar=bstar)
