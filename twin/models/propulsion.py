"""Electric propulsion for station keeping: thrust from power, propellant from the rocket
equation, and the average electric power the thruster draws to hold the orbit.

Defaults follow the argon Hall thruster of Starlink V2-mini (170 mN, Isp 2,500 s, 4.2 kW;
SpaceX, "Starlink V2 mini" technical update, Feb 2023), whose efficiency
eta = F g0 Isp / (2 P) = 0.50 matches flight Hall thrusters (SPT-100: 83 mN, 1,600 s,
1.35 kW, eta = 0.48; Goebel & Katz, *Fundamentals of Electric Propulsion*, 2008, Table 7-1).
"""
from __future__ import annotations

import numpy as np

from twin.models.constants import STANDARD_GRAVITY_M_S2

#: Accepted specific-impulse range [s]: cold gas (~60 s) to gridded ion engines (~4,000 s);
#: Hall thrusters 1,200-3,000 s (Goebel & Katz 2008).
ISP_RANGE_S = (50.0, 10000.0)


def thrust_n(thrust_power_w, isp_s, efficiency):
    r"""Thrust of an electric thruster at a given input power [N].

    .. math:: F = \frac{2 \eta P}{g_0 I_{sp}}

    (jet power F v_e / 2 = eta P, v_e = g0 Isp; Goebel & Katz 2008, eq. 2.3-5.)
    """
    return 2.0 * efficiency * np.asarray(thrust_power_w, float) / (
        STANDARD_GRAVITY_M_S2 * isp_s)


def propellant_kg(delta_v_m_s, initial_mass_kg, isp_s):
    r"""Propellant to give ``delta_v_m_s`` to a spacecraft of ``initial_mass_kg`` [kg].

    .. math:: m_p = m_0 \left(1 - e^{-\Delta v / (g_0 I_{sp})}\right)

    (Tsiolkovsky's rocket equation.)

    Parameters
    ----------
    delta_v_m_s : array_like
        Velocity change [m/s].
    initial_mass_kg : array_like
        Wet mass before the burn [kg].
    isp_s : float
        Specific impulse [s].
    """
    return np.asarray(initial_mass_kg, float) * (
        1.0 - np.exp(-np.asarray(delta_v_m_s, float) / (STANDARD_GRAVITY_M_S2 * isp_s)))


def delta_v_from_propellant_m_s(propellant_kg_, initial_mass_kg, isp_s):
    r"""Delta-v that ``propellant_kg_`` gives a spacecraft of ``initial_mass_kg`` [m/s].

    .. math:: \Delta v = g_0 I_{sp} \ln\frac{m_0}{m_0 - m_p}
    """
    m0 = np.asarray(initial_mass_kg, float)
    return STANDARD_GRAVITY_M_S2 * isp_s * np.log(m0 / (m0 - np.asarray(propellant_kg_, float)))


def average_thruster_power_w(drag_acceleration_m_s2, mass_kg, isp_s, efficiency):
    r"""Orbit-average electric power that cancels a drag deceleration [W].

    .. math:: \bar P = \frac{m\, a_D\, g_0 I_{sp}}{2 \eta}

    The thruster fires a fraction ``P_avg / P_thrust`` of the time at its rated power (a duty
    cycle); above 1 it cannot hold the orbit.
    """
    return np.asarray(mass_kg, float) * np.asarray(drag_acceleration_m_s2, float) \
        * STANDARD_GRAVITY_M_S2 * isp_s / (2.0 * efficiency)
