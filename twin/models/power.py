"""Solar array power: irradiance at the satellite, array pointing and angle of incidence, the
cover-glass incidence-angle modifier, cell temperature from the array's radiative balance, and
the temperature- and age-dependent cell efficiency.

All functions are pure and vectorised over any (satellite, time) shape.  Directions are in the
orbital frame RSW (R radial outward, S along-track, W orbit normal) of a nadir-pointing bus.
"""
from __future__ import annotations

import numpy as np

from ephemeris.fastmath import asfloat, maximum, model
from twin.models.constants import (
    EARTH_ALBEDO,
    EARTH_IR_W_M2,
    SOLAR_CONSTANT_W_M2,
    STEFAN_BOLTZMANN_W_M2_K4,
    ZERO_C_K,
)
from twin.models.constants import EARTH_MEAN_RADIUS_KM as EARTH_RADIUS_KM
from twin.models.thermal import earth_view_factor_sum

#: Array pointing modes understood by :func:`array_normal_rsw`.
POINTING_MODES = ("sun-tracking", "single-axis", "body-fixed")


@model
def irradiance_w_m2(sunlit_fraction, sun_distance_au, solar_constant_w_m2=SOLAR_CONSTANT_W_M2):
    r"""Solar irradiance on a surface facing the Sun, at the satellite.

    .. math::  G = \frac{S_0}{r^2}\,f_{sun}

    Parameters
    ----------
    sunlit_fraction : array_like
        Fraction of the solar disc visible from the satellite [1] (1 full Sun, 0 umbra).
    sun_distance_au : array_like
        Earth-Sun distance [au] (broadcast against ``sunlit_fraction``).
    solar_constant_w_m2 : float, default :data:`SOLAR_CONSTANT_W_M2`
        Total solar irradiance at 1 au [W/m^2].

    Returns
    -------
    numpy.ndarray
        Irradiance normal to the Sun direction [W/m^2].

    References
    ----------
    .. [1] G. Kopp and J. L. Lean, "A new, lower value of total solar irradiance: Evidence and
       climate significance", Geophys. Res. Lett. 38, L01706, 2011.
    """
    r = asfloat(sun_distance_au)
    return solar_constant_w_m2 / (r * r) * asfloat(sunlit_fraction)


def array_normal_rsw(pointing, sun_rsw, normal_rsw=(0.0, 0.0, 1.0)):
    """Unit normal of the array's active (cell) face in the orbital frame.

    * ``"sun-tracking"`` (two-axis): the normal is the Sun direction, n = s (incidence 0).
    * ``"single-axis"``: the drive axis is the orbit normal W, so the array turns in the R-S
      plane to face the Sun's projection: n = (s_r, s_a, 0) / sqrt(s_r^2 + s_a^2), giving
      cos(incidence) = sqrt(1 - s_w^2) = cos(beta) in sunlight.
    * ``"body-fixed"``: a fixed normal ``normal_rsw`` on a nadir-pointing bus.

    Parameters
    ----------
    pointing : str
        One of :data:`POINTING_MODES`.
    sun_rsw : array_like, shape (..., 3)
        Unit vector to the Sun in RSW [1].
    normal_rsw : sequence of 3 floats
        Body-fixed normal in RSW [1] (used by ``"body-fixed"`` only; normalised here).

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        Unit normal of the cell face [1].

    References
    ----------
    .. [1] W. J. Larson, J. R. Wertz (eds.), *Space Mission Analysis and Design*, 3rd ed.,
       1999, sec. 11.4 (array pointing and the cosine loss with beta angle).
    """
    s = np.asarray(sun_rsw, dtype=float)
    if pointing == "sun-tracking":
        return s
    if pointing == "single-axis":
        rs = np.sqrt(s[..., 0] ** 2 + s[..., 1] ** 2)
        safe = rs > 1e-12
        inv = np.where(safe, 1.0 / np.where(safe, rs, 1.0), 0.0)
        return np.stack([np.where(safe, s[..., 0] * inv, 1.0), s[..., 1] * inv,
                         np.zeros_like(rs)], axis=-1)
    if pointing == "body-fixed":
        n = np.asarray(normal_rsw, dtype=float)
        return np.broadcast_to(n / np.linalg.norm(n), s.shape)
    raise ValueError(f"pointing={pointing!r} is not supported; allowed: "
                     f"{', '.join(POINTING_MODES)}")


def cos_incidence(pointing, sun_rsw, normal_rsw=(0.0, 0.0, 1.0)):
    """Cosine of the Sun's angle of incidence on the array's cell face, max(0, n . s) [1].

    Sun-tracking: 1.  Single-axis (orbit-normal drive): sqrt(1 - s_w^2) = cos(beta).  Body-fixed:
    max(0, n . s).  See :func:`array_normal_rsw`.

    Parameters
    ----------
    pointing : str
        One of :data:`POINTING_MODES`.
    sun_rsw : array_like, shape (..., 3)
        Unit vector to the Sun in RSW [1].
    normal_rsw : sequence of 3 floats
        Body-fixed normal in RSW [1].

    Returns
    -------
    numpy.ndarray, shape (...)
        cos(incidence) in [0, 1] [1].
    """
    s = np.asarray(sun_rsw, dtype=float)
    if pointing == "sun-tracking":
        return np.ones(s.shape[:-1])
    if pointing == "single-axis":
        return np.sqrt(np.clip(1.0 - s[..., 2] ** 2, 0.0, 1.0))
    n = array_normal_rsw(pointing, s, normal_rsw)
    return np.clip(np.einsum("...i,...i->...", n, s), 0.0, 1.0)


def incidence_modifier(cos_incidence, refractive_index=1.526, extinction_per_m=4.0,
                       thickness_m=0.002):
    """Cover-glass incidence-angle modifier (IAM): transmittance relative to normal incidence.

    Uses :func:`pvlib.iam.physical` (Fresnel reflection and Bouguer absorption in the cover),
    which is 1 at normal incidence, so a sun-tracking array is unaffected.  The pvlib defaults
    (n = 1.526, K = 4 /m, L = 2 mm) describe terrestrial module glass; space cover glass (ceria-
    doped borosilicate, n ~ 1.5, 0.1-0.15 mm) differs mainly in thickness, which matters little
    to the angular shape.  An assumption: no anti-reflection coating is modelled.

    Parameters
    ----------
    cos_incidence : array_like
        Cosine of the angle of incidence [1].
    refractive_index : float, default 1.526
        Refractive index of the cover [1].
    extinction_per_m : float, default 4.0
        Glazing extinction coefficient [1/m].
    thickness_m : float, default 0.002
        Glazing thickness [m].

    Returns
    -------
    numpy.ndarray
        IAM in [0, 1] [1].

    References
    ----------
    .. [1] W. De Soto, S. A. Klein, W. A. Beckman, "Improvement and validation of a model for
       photovoltaic array performance", Solar Energy 80(1), 78-88, 2006.
    .. [2] pvlib.iam.physical, https://pvlib-python.readthedocs.io
    """
    from pvlib import iam as _pvlib_iam  # imported lazily: pvlib's import takes ~1 s

    aoi_deg = np.degrees(np.arccos(np.clip(cos_incidence, 0.0, 1.0)))
    return np.clip(np.nan_to_num(_pvlib_iam.physical(aoi_deg, n=refractive_index,
                                                     K=extinction_per_m, L=thickness_m)),
                   0.0, 1.0)


@model
def cell_efficiency(efficiency_ref, temp_coeff_per_k, cell_temp_c, reference_temp_c=28.0,
                    degradation_per_year=0.0, years=0.0):
    r"""Cell conversion efficiency at temperature and age.

    .. math::  \eta = \eta_{ref}\,[1 + \gamma\,(T - T_{ref})]\,(1 - d)^{y}

    clipped at 0.

    Parameters
    ----------
    efficiency_ref : float
        Efficiency at the reference temperature, beginning of life, AM0 [1].
    temp_coeff_per_k : float
        Relative temperature coefficient gamma of the efficiency [1/K] (negative).
    cell_temp_c : array_like
        Cell temperature [degC].
    reference_temp_c : float, default 28.0
        Reference temperature of ``efficiency_ref`` [degC] (AM0 rating temperature).
    degradation_per_year : float, default 0.0
        Relative loss of efficiency per year in orbit d [1/yr].
    years : float, default 0.0
        Years in orbit y [yr].

    Returns
    -------
    numpy.ndarray
        Efficiency [1].

    References
    ----------
    .. [1] Spectrolab XTJ and Azur Space 3G30C datasheets: 29.8-30.7 % BOL at AM0, 28 C.
    .. [2] Temperature coefficient of triple-junction cells about -0.2 to -0.3 %/K relative;
       degradation in LEO 0.2-0.5 %/yr (NASA NTRS 20030068268).  See docs/models.md.
    """
    return degraded_efficiency(efficiency_ref, temp_coeff_per_k, cell_temp_c, reference_temp_c,
                               (1.0 - degradation_per_year) ** years)


@model
def degraded_efficiency(efficiency_ref, temp_coeff_per_k, cell_temp_c, reference_temp_c,
                        degradation_factor):
    r""":func:`cell_efficiency` with the age given as its factor D = (1 - d)^y [1]:
    eta = max(eta_ref [1 + gamma (T - T_ref)] D, 0).  (The compiled environment takes D once per
    design instead of a ``pow`` per step.)"""
    t = asfloat(cell_temp_c)
    eff = efficiency_ref * (1.0 + temp_coeff_per_k * (t - reference_temp_c))
    return maximum(eff * degradation_factor, 0.0)


@model
def array_power_w(irradiance_w_m2, cos_incidence, area_m2, efficiency, packing_factor=1.0,
                  incidence_modifier=1.0):
    r"""DC power of the array at its maximum power point.

    .. math::  P = A\,p\,\eta\,G\,\cos\theta\,\mathrm{IAM}(\theta)

    Parameters
    ----------
    irradiance_w_m2 : array_like
        Irradiance normal to the Sun direction at the satellite, G [W/m^2].
    cos_incidence : array_like
        Cosine of the angle of incidence on the cell face [1].
    area_m2 : float
        Array (blanket) area A [m^2].
    efficiency : array_like
        Cell efficiency eta [1] (:func:`cell_efficiency`).
    packing_factor : float, default 1.0
        Fraction of the array area covered by active cells p [1].
    incidence_modifier : array_like, default 1.0
        Cover-glass IAM [1] (:func:`incidence_modifier`).

    Returns
    -------
    numpy.ndarray
        DC power [W].

    References
    ----------
    .. [1] M. R. Patel, *Spacecraft Power Systems*, CRC Press, 2005, ch. 4.
    """
    return area_m2 * packing_factor * efficiency * irradiance_w_m2 * cos_incidence \
        * incidence_modifier


@model
def cell_temp_c(irradiance_w_m2, cos_incidence, efficiency_ref, temp_coeff_per_k,
                reference_temp_c, degradation_factor, packing_factor, absorptivity,
                emissivity_front, emissivity_back, earth_flux_w_m2=0.0, incidence_modifier=1.0,
                iterations=3):
    r"""Steady-state cell temperature of a thin array from its radiative balance in orbit.

    Per unit array area: absorbed sunlight plus absorbed Earth IR and albedo equals emission
    from both faces plus the electrical power taken out,

    .. math::

        \alpha G_\perp + q_{earth} = (\varepsilon_f + \varepsilon_b)\,\sigma T^4
            + p\,\eta(T)\,G_\perp, \qquad G_\perp = G\cos\theta\,\mathrm{IAM}

    with eta(T) from :func:`cell_efficiency`.  Solved by Newton's method starting from the
    balance with the output at the reference efficiency; the residual is convex, so after the
    first step the iterates decrease monotonically onto the root (three iterations leave
    < 1e-3 K wherever the array absorbs >= 20 W/m^2, which Earth IR alone ensures up to
    beyond 2,000 km).  The steady state is used for every time step: a thin blanket (~1-2 kg/m^2,
    ~1-2 kJ/(m^2 K)) has a thermal time constant of a few minutes in sunlight, so this is
    accurate except within minutes of eclipse entry and exit (no transients are modelled).
    pvlib's cell-temperature models assume wind and ambient air and do not apply in orbit.

    Parameters
    ----------
    irradiance_w_m2 : array_like
        Irradiance normal to the Sun direction, G [W/m^2].
    cos_incidence : array_like
        Cosine of the angle of incidence [1].
    efficiency_ref : float
        Cell efficiency at ``reference_temp_c`` [1].
    temp_coeff_per_k : float
        Relative efficiency temperature coefficient [1/K].
    reference_temp_c : float
        Reference temperature [degC].
    degradation_factor : float
        (1 - d)^years [1].
    packing_factor : float
        Active-cell fraction of the area [1].
    absorptivity : float
        Solar absorptivity of the array [1] (used for both faces).
    emissivity_front, emissivity_back : float
        Infrared emissivities of the cell face and the back [1].
    earth_flux_w_m2 : array_like, default 0.0
        Earth IR plus albedo absorbed by both faces per unit array area [W/m^2]
        (:func:`array_earth_flux_w_m2`).
    incidence_modifier : array_like, default 1.0
        Cover-glass IAM [1].
    iterations : int, default 3
        Newton iterations.

    Returns
    -------
    numpy.ndarray
        Cell temperature [degC].

    References
    ----------
    .. [1] Gilmore 2002, ch. 2 (solar array temperatures in orbit); Patel 2005, ch. 4.
    """
    g = irradiance_w_m2 * cos_incidence * incidence_modifier
    q_abs = absorptivity * g + earth_flux_w_m2
    k = (emissivity_front + emissivity_back) * STEFAN_BOLTZMANN_W_M2_K4
    # electrical output per area = e0 + e1 * T (linear in T), e1 < 0
    e1 = packing_factor * g * efficiency_ref * temp_coeff_per_k * degradation_factor
    e0 = packing_factor * g * efficiency_ref * degradation_factor \
        - e1 * (reference_temp_c + ZERO_C_K)
    out_ref = packing_factor * g * efficiency_ref * degradation_factor
    t = np.sqrt(np.sqrt(maximum(q_abs - out_ref, 1e-12) / k))     # (x)^(1/4)
    for _ in range(iterations):
        t3 = t * t * t
        t = t - (k * t3 * t + e0 + e1 * t - q_abs) / (4.0 * k * t3 + e1)
    return t - ZERO_C_K


@model
def array_earth_flux_w_m2(normal_r, alt_km, solar_w_m2, sun_r, absorptivity, emissivity_front,
                          emissivity_back, albedo=EARTH_ALBEDO, earth_ir_w_m2=EARTH_IR_W_M2):
    r"""Earth IR and albedo absorbed by both faces of the array, per unit array area.

    .. math::

        q = \sum_{faces} \left(\varepsilon_i E_{IR} + \alpha\,S\,a\max(0, s_r)\right) F_i,
        \quad \cos\lambda_{front} = -n_r,\ \cos\lambda_{back} = n_r

    with F_i the faces' Earth view factors (:func:`twin.thermal.earth_view_factor`).  Albedo
    heats the array but is not converted to electricity (conservative); the back face is
    assumed to have the same solar absorptivity as the front (an assumption: carbon-composite
    or Kapton substrates, ~0.9).

    Parameters
    ----------
    normal_r : array_like
        Radial component of the cell-face normal [1].
    alt_km : array_like
        Altitude [km].
    solar_w_m2 : array_like
        Unshadowed solar irradiance at the satellite [W/m^2].
    sun_r : array_like
        Radial component of the unit vector to the Sun [1].
    absorptivity, emissivity_front, emissivity_back : float
        Optical properties of the array [1].
    albedo, earth_ir_w_m2 : float
        Earth's albedo [1] and outgoing IR [W/m^2].

    Returns
    -------
    numpy.ndarray
        Absorbed Earth flux [W/m^2 of array].

    References
    ----------
    .. [1] Gilmore 2002, ch. 2.
    """
    big_h = 1.0 + asfloat(alt_km) / EARTH_RADIUS_KM
    f_sum = earth_view_factor_sum(alt_km, normal_r, EARTH_RADIUS_KM)
    f_diff = asfloat(normal_r) / (big_h * big_h)                        # F_back - F_front
    alb = absorptivity * solar_w_m2 * albedo * maximum(sun_r, 0.0)
    return (0.5 * (emissivity_front + emissivity_back) * earth_ir_w_m2 + alb) * f_sum \
        + 0.5 * (emissivity_back - emissivity_front) * earth_ir_w_m2 * f_diff
