"""Thermosphere: mass density from NRLMSIS 2.1 (through ``pymsis``) with the solar and
geomagnetic activity given explicitly, so nothing is ever downloaded at run time.

Activity is either a named scenario of :data:`SOLAR_ACTIVITY` ("low", "moderate", "high") or
the user's own numbers (F10.7, its 81-day mean F10.7a, and the daily Ap).  The named levels are
the long-term levels of the ECSS space-environment standard, which are what a lifetime estimate
uses (short-term extremes such as F10.7 = 300 apply to days, not years).
"""
from __future__ import annotations

import numpy as np
import pymsis

#: Long-term solar and geomagnetic activity levels: F10.7 and its 81-day mean F10.7a
#: [sfu = 1e-22 W/(m^2 Hz)] and the daily planetary index Ap [nT].  Source: ECSS-E-ST-10-04C
#: Rev.1 (2020), "Space environment", Table 8-1 (long-term activity: low 65/65/0, moderate
#: 140/140/15, high 250/250/45); also ISO 14222:2013, Table 2.
SOLAR_ACTIVITY = {
    "low": {"f107": 65.0, "f107a": 65.0, "ap": 0.0},
    "moderate": {"f107": 140.0, "f107a": 140.0, "ap": 15.0},
    "high": {"f107": 250.0, "f107a": 250.0, "ap": 45.0},
}

#: Valid ranges of the activity indices accepted by the twin (NRLMSIS 2.1 was fitted to
#: F10.7 of about 60-300 sfu and Ap up to ~400 nT; Emmert et al. 2021).
F107_RANGE_SFU = (50.0, 400.0)
AP_RANGE_NT = (0.0, 400.0)


def density_kg_m3(times, lon_deg, lat_deg, alt_km, f107, f107a, ap):
    """Total mass density of the neutral atmosphere from NRLMSIS 2.1 [kg/m^3].

    .. math:: \\rho = \\sum_i n_i m_i \\;\\text{(NRLMSIS 2.1 total mass density, incl. anomalous O)}

    Parameters
    ----------
    times : array_like of datetime64
        UTC instants.
    lon_deg, lat_deg : array_like
        Geodetic longitude and latitude [deg].
    alt_km : array_like
        Geodetic altitude [km].
    f107, f107a : float or array_like
        Daily F10.7 (previous day) and its 81-day centred mean [sfu].
    ap : float or array_like
        Daily Ap [nT] (used for all seven NRLMSIS Ap slots: storm-time detail is not modelled).

    Returns
    -------
    numpy.ndarray
        Mass density [kg/m^3], the broadcast shape of the inputs.

    References
    ----------
    .. [1] J. T. Emmert et al., "NRLMSIS 2.0: A whole-atmosphere empirical model of temperature
       and neutral species densities", Earth and Space Science 8, e2020EA001321 (2021); 2.1
       adds NO (Emmert et al. 2022).
    .. [2] G. Lucas, pymsis (NRLMSIS Python wrapper), https://swxtrec.github.io/pymsis/.
    """
    t, lon, lat, alt, f, fa, a = np.broadcast_arrays(
        np.asarray(times, dtype="datetime64[s]"), np.asarray(lon_deg, float),
        np.asarray(lat_deg, float), np.asarray(alt_km, float), np.asarray(f107, float),
        np.asarray(f107a, float), np.asarray(ap, float))
    shape = t.shape
    aps = np.repeat(a.reshape(-1, 1), 7, axis=1)
    out = pymsis.calculate(t.ravel(), lon.ravel(), lat.ravel(), alt.ravel(), f.ravel(),
                           fa.ravel(), aps, version=2.1)
    return np.asarray(out[..., 0], float).reshape(shape)
