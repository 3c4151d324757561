"""Solar-array radiation damage: the 1 MeV-electron-equivalent fluence behind a cover glass,
and the remaining maximum power of triple-junction cells as a function of it.

Method: the JPL equivalent-fluence method (Tada et al. 1982; Anspaugh 1996, programme EQGAFLUX),
with the energy dependence of the damage taken from the displacement-damage (NIEL) tables of
the NRL method.  The orbit-averaged trapped spectra are slowed through the cover glass (fused
silica, whose mass stopping power is within ~5 % of aluminium's at these energies, so the
aluminium range tables of :mod:`twin.models.radiation` are used per g/cm^2; electrons also
thin out by :func:`electron_transmission`) along every
direction of the front hemisphere, and each transmitted particle is counted as a number of
normally incident 1 MeV electrons (:func:`electron_damage_weight`,
:func:`proton_damage_weight`).  The omnidirectional average is the JPL one
(:func:`equivalent_fluence_from_spectra`): an isotropic omnidirectional fluence on an
infinitely back-shielded cell counts half, the cosine of the crossing rate cancelling the
1/cos of the path in the damaged layer.  The remaining power follows the semi-empirical curve
P/P0 = 1 - C log10(1 + phi / phi_x).  The rear face (substrate and spacecraft) is taken as
infinitely thick, as in the JPL method.  Validation: docs/lifetime.md, "Array end of life".
"""
from __future__ import annotations

import numpy as np

from twin.models.constants import S_PER_YEAR
from twin.models.radiation import (
    ELECTRON_ENERGIES_MEV,
    PROTON_ENERGIES_MEV,
    _differential,
    electron_exit_energy_mev,
    electron_range_g_cm2,
    orbit_integral_spectrum,
    proton_exit_energy_mev,
    proton_range_g_cm2,
)

#: Cover-glass density [g/cm^3] (fused silica / ceria-doped borosilicate CMG, 2.2-2.5; 2.2 taken).
COVER_GLASS_G_CM3 = 2.2
#: Remaining-power curve of GaInP/GaAs/Ge triple-junction cells: P/P0 = 1 - C log10(1 + phi/phi_x)
#: with C = 0.065 and phi_x = 1e13 e/cm^2.  C is fitted to ONE datasheet point, 0.87 at 1e15
#: 1 MeV e/cm^2 (Spectrolab XTJ Prime: 30.7 % BOL, 26.7 % EOL); phi_x = 1e13 is the knee below
#: which 3J cells lose < 1 % (assumption consistent with the form of Messenger et al. 2001).
#: Checked against points it was not fitted to (Spectrolab XTJ, Fetzer et al., IEEE PVSC: 0.89
#: at 5e14 and 0.84 at 1e15) in tests/data/tj_cell_electron_degradation.csv (docs/lifetime.md).
TJ_DEGRADATION_C = 0.065
TJ_DEGRADATION_PHI_X = 1.0e13
#: Damage of one normally incident 10 MeV proton relative to one 1 MeV electron in GaAs-based
#: cells (Pmax): ~400 (B. E. Anspaugh, *GaAs Solar Cell Radiation Handbook*, JPL Publication
#: 96-9 (1996), ch. 6).  Capped at 3,000 at low energy (the peak of the JPL proton damage
#: coefficients, protons stopping in the junctions).
PROTON_WEIGHT_10MEV = 400.0
PROTON_WEIGHT_MAX = 3000.0
#: Exponent n of the electron damage in the electron NIEL, damage ~ NIEL^n (n = 1.7 for GaAs
#: cells; Messenger et al. 2001).
ELECTRON_DAMAGE_EXPONENT = 1.7
#: NIEL in GaAs [MeV cm^2/g] of protons (energy [MeV], NIEL), of the US Naval Research
#: Laboratory's SCREAM code (displacement-damage-dose method, S. R. Messenger, R. J. Walters et
#: al.), as tabulated in data/GaAs_Scream_Protons.txt of the Aerospace Corporation's
#: ``solarpy`` (GitHub, the-aerospace-corporation/solarpy, commit cfed851).  Above ~20 MeV the
#: nuclear part keeps it nearly flat; the JPL GaAs handbook's measured damage coefficients agree
#: (0.61 and 0.56 of the 10 MeV value at 50 and 100 MeV, against 0.55 and 0.49 here).
PROTON_NIEL_GAAS = np.array([
    (0.5, 9.69e-2), (0.7, 7.26e-2), (1.0, 5.33e-2), (2.0, 2.89e-2), (3.0, 2.00e-2),
    (5.0, 1.27e-2), (7.0, 9.67e-3), (10.0, 7.42e-3), (20.0, 5.27e-3), (30.0, 4.61e-3),
    (50.0, 4.11e-3), (70.0, 3.81e-3), (100.0, 3.60e-3), (200.0, 3.25e-3), (300.0, 3.08e-3),
    (500.0, 3.23e-3), (700.0, 3.43e-3), (1000.0, 3.46e-3)])
#: NIEL in GaAs [MeV cm^2/g] of electrons (same source, data/GaAs_Scream_Electrons.txt); zero
#: below the first tabulated energy (the displacement threshold, ~0.27 MeV).
ELECTRON_NIEL_GAAS = np.array([
    (0.282, 1.26e-6), (0.316, 3.29e-6), (0.355, 5.35e-6), (0.398, 7.46e-6), (0.447, 9.61e-6),
    (0.501, 1.18e-5), (0.562, 1.41e-5), (0.631, 1.65e-5), (0.708, 1.89e-5), (0.794, 2.14e-5),
    (0.891, 2.40e-5), (1.0, 2.66e-5), (1.26, 3.22e-5), (1.58, 3.81e-5), (2.0, 4.44e-5),
    (2.51, 5.08e-5), (3.16, 5.75e-5), (3.98, 6.43e-5), (5.01, 7.12e-5), (6.31, 7.83e-5),
    (7.94, 8.54e-5), (10.0, 9.24e-5)])
#: Gauss-Legendre nodes and weights on (-1, 1) for the hemisphere average in mu = cos(theta).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)


def _loglog(x, table):
    x = np.maximum(np.asarray(x, float), table[0, 0])
    return np.exp(np.interp(np.log(x), np.log(table[:, 0]), np.log(table[:, 1])))


def _transmitted_directions(range_g_cm2, t_g_cm2):
    """Nodes mu (bins x nodes) on the directions that cross the glass, mu in (t/R, 1), and
    weights w with sum_k w f(mu_k) = (1/2) * integral_{t/R}^1 f(mu) dmu (the JPL 1/2)."""
    mu_c = np.clip(t_g_cm2 / np.maximum(np.asarray(range_g_cm2, float), 1e-30), 0.0, 1.0)[:, None]
    mu = mu_c + (1.0 - mu_c) * 0.5 * (_GL_X[None, :] + 1.0)
    return mu, 0.25 * (1.0 - mu_c) * _GL_W[None, :]


def electron_transmission(energy_mev, areal_density_g_cm2):
    r"""(transmitted fraction, exit energy [MeV]) of electrons after ``areal_density_g_cm2``
    of aluminium equivalent (here a slant path through the cover glass).

    .. math:: \eta = \sqrt{\max(1 - t/R(E),\,0)},\qquad E' = R^{-1}(R(E) - t)

    R the CSDA range (:func:`twin.models.radiation.electron_range_g_cm2`).  Hand-written:
    SHIELDOSE-2, which gives the payload dose, returns doses, not the transmitted spectrum this
    damage count needs.  The square-root transmission is an empirical choice of this project:
    it stands for the electrons scattered out of the straight path.  It was chosen on the 550 km
    SPENVIS dose tables and, while it still served the payload dose, checked against
    SHIELDOSE-2 on the same spectra at 500-2,000 km: electron dose within 0.77-1.16 behind
    1-5 mm of aluminium (the straight-ahead eta = 1 was up to 5x high, a linear eta up to 3x
    low).  Normal to a 100 um cover glass (22 mg/cm^2) it removes little: eta = 0.79 at
    0.2 MeV, > 0.89 above 0.3 MeV.
    """
    t = areal_density_g_cm2
    e_out = electron_exit_energy_mev(energy_mev, t)
    frac = np.sqrt(np.clip(1.0 - t / electron_range_g_cm2(energy_mev), 0.0, 1.0))
    return np.where(e_out > 0, frac, 0.0), e_out


def electron_damage_weight(energy_mev):
    r"""Damage of one electron of energy E relative to a 1 MeV electron [1] (NRL method):

    .. math:: w_e = \left(\frac{NIEL_e(E)}{NIEL_e(1\,\mathrm{MeV})}\right)^{n},\quad n = 1.7

    with the GaAs electron NIEL of :data:`ELECTRON_NIEL_GAAS` (0 below its first energy).

    References
    ----------
    .. [1] S. R. Messenger et al., Prog. Photovolt. 9, 103 (2001).
    """
    e = np.asarray(energy_mev, float)
    ratio = _loglog(e, ELECTRON_NIEL_GAAS) / _loglog(1.0, ELECTRON_NIEL_GAAS)
    return np.where(e >= ELECTRON_NIEL_GAAS[0, 0], ratio ** ELECTRON_DAMAGE_EXPONENT, 0.0)


def proton_damage_weight(energy_mev):
    r"""Damage of one normally incident proton of energy E (after the cover glass) relative to a
    1 MeV electron:

    .. math:: w_p = \min\left(400\,\frac{NIEL_p(E)}{NIEL_p(10\,\mathrm{MeV})},\; 3000\right)

    with the GaAs proton NIEL of :data:`PROTON_NIEL_GAAS` (held flat above 1 GeV).
    """
    e = np.clip(np.asarray(energy_mev, float), 1e-3, PROTON_NIEL_GAAS[-1, 0])
    ratio = _loglog(e, PROTON_NIEL_GAAS) / _loglog(10.0, PROTON_NIEL_GAAS)
    return np.minimum(PROTON_WEIGHT_10MEV * ratio, PROTON_WEIGHT_MAX)


def equivalent_fluence_from_spectra(proton_mev, proton_per_bin, electron_mev, electron_per_bin,
                                    cover_glass_um):
    r"""1 MeV-electron-equivalent fluence of omnidirectional particle fluences behind a cover glass.

    .. math:: \Phi_{eq} = \sum_i \Delta\Phi_i \,\frac{1}{2}\int_0^1
       \eta\, w\!\left(E'(E_i, t/\mu)\right) d\mu

    the JPL omnidirectional damage coefficient of an infinitely back-shielded cell
    ((1/4 pi) x the integral over the front hemisphere of the normal-incidence coefficient at the
    energy left after the slant path t/mu; Anspaugh 1996, EQGAFLUX), by 24-point Gauss-Legendre
    in mu over the directions that cross the glass (mu > t/R(E), R the CSDA range).  eta is 1
    for protons and the transmission of :func:`electron_transmission` for electrons.

    Parameters
    ----------
    proton_mev, electron_mev : array_like
        Bin energies [MeV].
    proton_per_bin, electron_per_bin : array_like
        Omnidirectional (4 pi) fluence or flux in each bin (any consistent unit).
    cover_glass_um : float
        Cover-glass thickness [um], >= 0.

    Returns
    -------
    dict
        ``protons``, ``electrons`` and ``total`` in the unit of the inputs.
    """
    if not float(cover_glass_um) >= 0.0:
        raise ValueError(f"cover_glass_um must be >= 0, got {cover_glass_um!r}")
    t = float(cover_glass_um) * 1e-4 * COVER_GLASS_G_CM3
    ep = np.atleast_1d(np.asarray(proton_mev, float))
    mu, w = _transmitted_directions(proton_range_g_cm2(ep), t)
    e_out = proton_exit_energy_mev(ep[:, None], t / mu)
    wp = (np.where(e_out > 0, proton_damage_weight(np.maximum(e_out, 1e-3)), 0.0) * w).sum(1)
    ee = np.atleast_1d(np.asarray(electron_mev, float))
    mu, w = _transmitted_directions(electron_range_g_cm2(ee), t)
    frac, ee_out = electron_transmission(ee[:, None], t / mu)
    we = (frac * electron_damage_weight(ee_out) * w).sum(1)
    protons = float(np.dot(np.asarray(proton_per_bin, float), wp))
    electrons = float(np.dot(np.asarray(electron_per_bin, float), we))
    return {"protons": protons, "electrons": electrons, "total": protons + electrons}


def equivalent_fluence_per_year(altitude_km, inclination_deg, cover_glass_um, solar="min"):
    """1 MeV-electron-equivalent fluence behind the cover glass [e/cm^2 per year] of the
    orbit-averaged AE8/AP8 spectra (:func:`equivalent_fluence_from_spectra`).

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
    ep, dp = _differential(PROTON_ENERGIES_MEV,
                           orbit_integral_spectrum(altitude_km, inclination_deg, "p", solar))
    ee, de = _differential(ELECTRON_ENERGIES_MEV,
                           orbit_integral_spectrum(altitude_km, inclination_deg, "e", solar))
    return equivalent_fluence_from_spectra(ep, dp * S_PER_YEAR, ee, de * S_PER_YEAR,
                                           cover_glass_um)


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
    .. [2] Spectrolab, XTJ Prime datasheet (2016): 30.7 % BOL, 26.7 % after 1e15 1 MeV e/cm^2
       (the fit point); C. Fetzer et al. (Spectrolab), "Production ready 30 % efficient triple
       junction space solar cells", IEEE PVSC: XTJ 0.89 and 0.84 at 5e14 and 1e15 (checks).
    """
    phi = np.maximum(np.asarray(fluence_1mev_e_cm2, float), 0.0)
    return np.clip(1.0 - c * np.log10(1.0 + phi / phi_x), 0.0, 1.0)
