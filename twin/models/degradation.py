"""Solar-array radiation damage: the 1 MeV-electron-equivalent fluence behind a cover glass,
and the remaining maximum power of triple-junction cells as a function of it.

Method (the JPL equivalent-fluence idea, with weights of the displacement-damage kind): the
orbit-averaged trapped spectra are slowed through the cover glass (fused silica, whose mass
stopping power is within ~5 % of aluminium's at these energies, so the aluminium range
tables of :mod:`twin.models.radiation` are used per g/cm^2), then each transmitted particle is
counted as a number of 1 MeV electrons: electrons by :func:`electron_damage_weight`, protons by
:func:`proton_damage_weight`.  The remaining power follows the semi-empirical curve
P/P0 = 1 - C log10(1 + phi / phi_x).  Infinite back-shielding (the array substrate and the
spacecraft) is assumed; the rear face is not counted (documented in docs/lifetime.md).
"""
from __future__ import annotations

import numpy as np

from twin.models.constants import S_PER_YEAR
from twin.models.radiation import (
    ELECTRON_ENERGIES_MEV,
    PROTON_ENERGIES_MEV,
    _differential,
    electron_transmission,
    orbit_integral_spectrum,
    proton_exit_energy_mev,
)

#: Cover-glass density [g/cm^3] (fused silica / ceria-doped borosilicate CMG, 2.2-2.5; 2.2 taken).
COVER_GLASS_G_CM3 = 2.2
#: Remaining-power curve of GaInP/GaAs/Ge triple-junction cells: P/P0 = 1 - C log10(1 + phi/phi_x)
#: with C = 0.065 and phi_x = 1e13 e/cm^2.  C is fitted to the datasheet end-of-life points
#: 0.87 at 1e15 1 MeV e/cm^2 (Spectrolab XTJ Prime: 30.7 % BOL, 26.7 % EOL) and ~0.89
#: (Azur Space 3G30C: 29.5 % -> 26.3 %); phi_x = 1e13 is the knee of the curve below which 3J
#: cells lose < 1 % (assumption consistent with the form of Messenger et al. 2001).
TJ_DEGRADATION_C = 0.065
TJ_DEGRADATION_PHI_X = 1.0e13
#: Damage of one proton, relative to one 1 MeV electron, at 10 MeV in GaAs-based cells (Pmax):
#: ~400 (B. E. Anspaugh, *GaAs Solar Cell Radiation Handbook*, JPL Publication 96-9 (1996),
#: ch. 6, relative damage coefficients for Pmax); falls as 1/E^0.9 above (the proton NIEL
#: slope in GaAs, Summers et al., IEEE TNS 40, 1372 (1993)) and is capped at 3,000 at low
#: energy (the peak of the JPL proton damage coefficients, protons stopping in the junctions).
PROTON_WEIGHT_10MEV = 400.0
PROTON_WEIGHT_MAX = 3000.0
#: Electron displacement threshold in GaAs cells [MeV] and the exponent of the damage in the
#: electron NIEL (n = 1.7 for n-on-p GaAs; Messenger et al. 2001).
ELECTRON_THRESHOLD_MEV = 0.2
ELECTRON_DAMAGE_EXPONENT = 1.7


def electron_damage_weight(energy_mev):
    r"""Damage of one electron of energy E relative to a 1 MeV electron [1].

    .. math:: w_e = \left(\frac{E - E_{th}}{1 - E_{th}}\right)^{n}, \; E > E_{th}

    (the electron NIEL in GaAs rises about linearly above its threshold; damage ~ NIEL^n.)
    """
    e = np.asarray(energy_mev, float)
    x = np.maximum(e - ELECTRON_THRESHOLD_MEV, 0.0) / (1.0 - ELECTRON_THRESHOLD_MEV)
    return x ** ELECTRON_DAMAGE_EXPONENT


def proton_damage_weight(energy_mev):
    r"""Damage of one proton of energy E (after the cover glass) relative to a 1 MeV electron.

    .. math:: w_p = \min\left(400\,(10\,\mathrm{MeV}/E)^{0.9},\; 3000\right)
    """
    e = np.maximum(np.asarray(energy_mev, float), 1e-3)
    return np.minimum(PROTON_WEIGHT_10MEV * (10.0 / e) ** 0.9, PROTON_WEIGHT_MAX)


def equivalent_fluence_per_year(altitude_km, inclination_deg, cover_glass_um, solar="min"):
    """1 MeV-electron-equivalent fluence behind the cover glass [e/cm^2 per year].

    Parameters
    ----------
    altitude_km, inclination_deg : float
        Circular orbit.
    cover_glass_um : float
        Cover-glass thickness [um] (typically 100-150 um for LEO arrays).
    solar : {"min", "max"}

    Returns
    -------
    dict
        ``protons``, ``electrons`` and ``total`` [1/(cm^2 yr)].
    """
    t = float(cover_glass_um) * 1e-4 * COVER_GLASS_G_CM3
    ep, dp = _differential(PROTON_ENERGIES_MEV,
                           orbit_integral_spectrum(altitude_km, inclination_deg, "p", solar))
    e_out = proton_exit_energy_mev(ep, t)
    wp = np.where(e_out > 0, proton_damage_weight(e_out), 0.0)
    ee, de = _differential(ELECTRON_ENERGIES_MEV,
                           orbit_integral_spectrum(altitude_km, inclination_deg, "e", solar))
    frac, ee_out = electron_transmission(ee, t)
    we = frac * electron_damage_weight(ee_out)
    protons = float((dp * wp).sum()) * S_PER_YEAR
    electrons = float((de * we).sum()) * S_PER_YEAR
    return {"protons": protons, "electrons": electrons, "total": protons + electrons}


def remaining_power_fraction(fluence_1mev_e_cm2, c=TJ_DEGRADATION_C, phi_x=TJ_DEGRADATION_PHI_X):
    r"""Remaining maximum power of triple-junction cells after a 1 MeV-equivalent fluence [1].

    .. math:: \frac{P}{P_0} = 1 - C \log_{10}\left(1 + \frac{\phi}{\phi_x}\right)

    Parameters
    ----------
    fluence_1mev_e_cm2 : array_like
        Accumulated 1 MeV electron-equivalent fluence [1/cm^2].
    c, phi_x : float
        Curve constants (defaults: :data:`TJ_DEGRADATION_C`, :data:`TJ_DEGRADATION_PHI_X`).

    References
    ----------
    .. [1] S. R. Messenger, G. P. Summers, E. A. Burke, R. J. Walters, M. A. Xapsos, "Modeling
       solar cell degradation in space: a comparison of the NRL displacement damage dose and
       the JPL equivalent fluence approaches", Prog. Photovolt. 9, 103 (2001), eq. 1.
    .. [2] Spectrolab XTJ Prime and Azur Space 3G30C datasheets (EOL at 1e15 e/cm^2).
    """
    phi = np.maximum(np.asarray(fluence_1mev_e_cm2, float), 0.0)
    return np.clip(1.0 - c * np.log10(1.0 + phi / phi_x), 0.0, 1.0)
