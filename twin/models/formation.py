"""Station keeping of a close formation: what holding the satellites together costs in delta-v.

Two effects pull a formation apart secularly (D'Amico 2010, ch. 2 and 4):

* **Differential J2.**  J2's secular rates of node, perigee and mean argument of latitude
  depend on (a, e, i) (Vallado 2013, eq. 9-41)::

      Omega_dot = -1.5 n J2 (R/p)^2 cos i
      omega_dot = 0.75 n J2 (R/p)^2 (5 cos^2 i - 1)
      M_dot     = n (1 + 0.75 J2 (R/p)^2 sqrt(1 - e^2) (3 cos^2 i - 1))

  A satellite whose (a, e, i) differ from the chief's drifts along track at
  ``delta_lambda_dot = delta(M_dot + omega_dot + Omega_dot cos i)`` and across track at
  ``delta_Omega_dot sin i``.  An along-track drift is removed once by trimming the semi-major
  axis: ``dv = a |delta_lambda_dot| / 3`` (from delta_lambda_dot = -1.5 n delta_a / a and a
  tangential burn dv = n delta_a / 2); a node drift is cancelled continuously by out-of-plane
  burns, ``dv per year = v sin i |delta_Omega_dot| * 1 year``.

* **Differential drag.**  Satellites whose ballistic coefficients differ by
  ``delta(C_D A / m)`` feel a differential acceleration ``0.5 rho v^2 delta(C_D A / m)``, which
  must be cancelled each year by ``dv = 0.5 rho v^2 delta(C_D A/m) * 1 year``.

The density comes from NRLMSIS 2.1 along the track (:mod:`twin.models.atmosphere`, as in the
lifetime run; :func:`twin.run.formation.formation_report`) at a chosen solar activity.

References
----------
* Vallado, D. A. (2013), *Fundamentals of Astrodynamics and Applications*, 4th ed.: eq. 9-41
  (J2 secular rates).
* D'Amico, S. (2010), *Autonomous formation flying in low Earth orbit*, PhD thesis, TU Delft.
"""
from __future__ import annotations

import math

import numpy as np

from ephemeris.fastmath import model
from ephemeris.orbits import J2_WGS72, MU_WGS72_KM3_S2, RE_WGS72_KM

SECONDS_PER_YEAR = 365.25 * 86400.0


def j2_secular_rates(semi_major_axis_km, eccentricity, inclination_rad):
    """(Omega_dot, omega_dot, M_dot) [rad/s] of J2 (Vallado 2013, eq. 9-41; WGS72 constants)."""
    a = semi_major_axis_km
    n = np.sqrt(MU_WGS72_KM3_S2 / (a * a * a))
    p = a * (1.0 - eccentricity * eccentricity)
    k = J2_WGS72 * (RE_WGS72_KM / p) * (RE_WGS72_KM / p)
    c = np.cos(inclination_rad)
    node = -1.5 * n * k * c
    perigee = 0.75 * n * k * (5.0 * c * c - 1.0)
    mean = n * (1.0 + 0.75 * k * np.sqrt(1.0 - eccentricity * eccentricity) * (3.0 * c * c - 1.0))
    return node, perigee, mean


def differential_j2_dv(semi_major_axis_km, inclination_deg, eccentricity, chief_eccentricity=0.0):
    """Delta-v [m/s] of differential J2 for satellites of ``eccentricity`` around a chief with
    the same a and i: ``(trim_m_s, node_m_s_per_year, drift_m_per_day)`` per satellite."""
    inc = math.radians(inclination_deg)
    a = semi_major_axis_km
    n0, w0, m0 = j2_secular_rates(a, chief_eccentricity, inc)
    n1, w1, m1 = j2_secular_rates(a, np.asarray(eccentricity, float), inc)
    dlam = (m1 + w1 + n1 * math.cos(inc)) - (m0 + w0 + n0 * math.cos(inc))      # rad/s
    dnode = n1 - n0
    v_m_s = math.sqrt(MU_WGS72_KM3_S2 / a) * 1e3
    trim = a * 1e3 * np.abs(dlam) / 3.0
    node = v_m_s * math.sin(inc) * np.abs(dnode) * SECONDS_PER_YEAR
    return trim, node, a * 1e3 * dlam * 86400.0


@model
def differential_drag_dv_m_s_per_year(density_kg_m3, speed_m_s, drag_coefficient,
                                      delta_area_to_mass_m2_kg):
    """Delta-v [m/s per year] that cancels differential drag:
    0.5 rho v^2 C_D delta(A/m) * 1 year (D'Amico 2010, ch. 4)."""
    return 0.5 * density_kg_m3 * speed_m_s * speed_m_s * drag_coefficient \
        * delta_area_to_mass_m2_kg * SECONDS_PER_YEAR
