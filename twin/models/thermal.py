"""Thermal models: Earth view factors, environmental heat loads, the radiator's radiative balance
and its lumped heat capacity, and the GPU junction temperature.

All functions are pure and vectorised: inputs broadcast over any (satellite, time) shape.

Frame: directions are given in the orbital frame RSW of the satellite (R radial, outward; S
along-track; W orbit normal).  Nadir is -R, so the cosine of a face normal's angle from nadir is
``-n_r``; the cosine of the Sun's zenith angle at the sub-satellite point is ``sun_r``.

The thermal model is one lumped node: radiator panels, coolant loop, cold plates and payload
hardware share one temperature ``T`` [K] and heat capacity ``C`` [J/K]:

    C dT/dt = Q_env + Q_int - eps sigma A_emit T^4

integrated with backward (implicit) Euler, which is unconditionally stable for any step.
"""
from __future__ import annotations

import numpy as np

from ephemeris.fastmath import asfloat, atan2, maximum, minimum, model, where
from twin.models.constants import (
    EARTH_ALBEDO,
    EARTH_IR_W_M2,
    STEFAN_BOLTZMANN_W_M2_K4,
    ZERO_C_K,
)
from twin.models.constants import EARTH_MEAN_RADIUS_KM as EARTH_RADIUS_KM

#: Radiator orientations understood by :func:`radiator_face_geometry`.
RADIATOR_ORIENTATIONS = ("edge-on", "edge-on-vertical", "zenith")

#: Integer codes of :data:`RADIATOR_ORIENTATIONS` (what the compiled models take).
ORIENTATION_CODES = {name: i for i, name in enumerate(RADIATOR_ORIENTATIONS)}
_EDGE_ON, _EDGE_ON_VERTICAL, _ZENITH = 0, 1, 2

__all__ = ["STEFAN_BOLTZMANN_W_M2_K4", "EARTH_RADIUS_KM", "EARTH_IR_W_M2", "EARTH_ALBEDO",
           "ZERO_C_K", "RADIATOR_ORIENTATIONS", "ORIENTATION_CODES", "orientation_code",
           "earth_view_factor_sum", "earth_view_factor", "radiator_face_geometry",
           "face_environment_flux_w_m2", "radiator_view_factors", "radiator_environment_heat_w",
           "radiating_conductance_w_per_k4", "fin_efficiency", "perpendicular_plates_view_factor",
           "array_back_heat_w", "steady_state_temp_k", "heat_for_end_temp_w",
           "end_temp_k", "gpu_temp_k"]


def orientation_code(orientation):
    """The integer code of a radiator orientation (a name of :data:`RADIATOR_ORIENTATIONS`, or
    already a code)."""
    if isinstance(orientation, str):
        if orientation not in ORIENTATION_CODES:
            raise ValueError(f"orientation={orientation!r} is not supported; allowed: "
                             f"{', '.join(RADIATOR_ORIENTATIONS)}")
        return ORIENTATION_CODES[orientation]
    return int(orientation)


@model
def earth_view_factor_sum(alt_km, cos_nadir_angle, earth_radius_km=EARTH_RADIUS_KM):
    r"""Sum of the Earth view factors of the two faces of a flat plate, F(c) + F(-c).

    ``c`` is the cosine of the angle lambda between one face's outward normal and nadir.  With
    H = (R + h) / R, a = |c|, s = sqrt(1 - a^2) (= sin lambda) and r = sqrt(H^2 - 1):

    * a >= 1/H (one face sees the whole Earth disc, the other none): F(a) + F(-a) = a / H^2
    * otherwise (the plate's plane cuts the Earth disc):

    .. math::

        F(a) + F(-a) = 1 - \frac{2}{\pi}\sin^{-1}\frac{r}{H s}
            + \frac{2}{\pi H^2}\left[a \cos^{-1}\!\left(-\frac{r a}{s}\right)
            - r\sqrt{1 - H^2 a^2}\right] - \frac{a}{H^2}

      evaluated in the equivalent form (with q = sqrt(1 - H^2 a^2), 1 - (r/(H s))^2 =
      q^2/(H s)^2 and 1 - (r a/s)^2 = q^2/s^2, so sin^-1(r/(H s)) = tan^-1(r/q) and
      cos^-1(-r a/s) = pi/2 + tan^-1(r a/q)):

    .. math::

        F(a) + F(-a) = 1 - \frac{2}{\pi}\left[\tan^{-1}\frac{r}{q}
            - \frac{a}{H^2}\tan^{-1}\frac{r a}{q} + \frac{r q}{H^2}\right]

      which needs no division by s and no arcsine near 1.

    The single-face factors follow from the identity F(c) - F(-c) = c / H^2 (the net flux
    through a plate from a uniformly emitting sphere is that of a point source at its centre):
    F(+/-c) = (sum +/- c/H^2) / 2.  See :func:`earth_view_factor`.

    Parameters
    ----------
    alt_km : array_like
        Height of the plate above the sphere [km].  Must be > 0.
    cos_nadir_angle : array_like
        Cosine of the angle between one face's outward normal and nadir [1].
    earth_radius_km : float, default :data:`EARTH_RADIUS_KM`
        Radius of the spherical Earth [km].

    Returns
    -------
    numpy.ndarray
        F(c) + F(-c) [1].

    References
    ----------
    .. [1] J. R. Howell, M. P. Menguc, K. Daun, R. Siegel, *A Catalog of Radiation Heat
       Transfer Configuration Factors*, section B (differential planar element to a sphere,
       element tilted; partial and full view), http://www.thermalradiation.net.  Checked
       against direct numerical integration in ``tests/test_thermal.py``.
    .. [2] D. G. Gilmore (ed.), *Spacecraft Thermal Control Handbook*, Vol. 1, 2nd ed., The
       Aerospace Press, 2002, ch. 2 (Earth view factors of flat plates in orbit).
    """
    big_h = 1.0 + asfloat(alt_km) / earth_radius_km
    inv_h2 = 1.0 / (big_h * big_h)
    root = np.sqrt((big_h - 1.0) * (big_h + 1.0))                    # sqrt(H^2 - 1)
    a = minimum(np.abs(cos_nadir_angle), 1.0)
    a2 = a * a
    q = np.sqrt(maximum(1.0 - a2 / inv_h2, 0.0))                  # sqrt(1 - H^2 a^2)
    partial = 1.0 - (2.0 / np.pi) * (atan2(root, q) - a * inv_h2 * atan2(root * a, q)
                                     + root * q * inv_h2)
    return where(a2 >= inv_h2, a * inv_h2, partial)


def earth_view_factor(alt_km, cos_nadir_angle, earth_radius_km=EARTH_RADIUS_KM):
    r"""View factor from a flat plate element to a spherical Earth.

    The plate's outward normal makes the angle lambda with the nadir direction.  With
    H = (R + h) / R and the Earth's angular radius phi = asin(1/H):

    * Earth wholly in view (lambda <= pi/2 - phi, i.e. cos(lambda) >= 1/H):
      F = cos(lambda) / H^2
    * Earth wholly behind the plate (lambda >= pi/2 + phi, i.e. cos(lambda) <= -1/H): F = 0
    * otherwise (Earth cut by the plate's horizon):

    .. math::

        F = \frac{1}{2} - \frac{1}{\pi}\sin^{-1}\frac{\sqrt{H^2-1}}{H\sin\lambda}
            + \frac{1}{\pi H^2}\left[\cos\lambda\,\cos^{-1}\!\left(-\sqrt{H^2-1}\cot\lambda\right)
            - \sqrt{H^2-1}\sqrt{1 - H^2\cos^2\lambda}\right]

    A nadir-facing plate gets F = 1/H^2 = (R/(R+h))^2; a plate whose normal is horizontal
    ("vertical" plate) gets F = (1/pi) (atan(1/sqrt(H^2-1)) - sqrt(H^2-1)/H^2).  Evaluated as
    (F(c) + F(-c) + c/H^2) / 2 with :func:`earth_view_factor_sum`.

    Parameters
    ----------
    alt_km : array_like
        Height of the plate above the sphere [km].  Must be > 0.
    cos_nadir_angle : array_like
        Cosine of the angle between the plate's outward normal and nadir [1].
    earth_radius_km : float, default :data:`EARTH_RADIUS_KM`
        Radius of the spherical Earth [km].

    Returns
    -------
    numpy.ndarray
        View factor from the plate to the Earth [1], in [0, 1/H^2].

    References
    ----------
    .. [1] Howell et al., *A Catalog of Radiation Heat Transfer Configuration Factors*,
       section B (planar element to sphere, tilted), http://www.thermalradiation.net.
    .. [2] Gilmore 2002, ch. 2.
    """
    c = np.clip(asfloat(cos_nadir_angle), -1.0, 1.0)
    big_h = 1.0 + asfloat(alt_km) / earth_radius_km
    total = earth_view_factor_sum(alt_km, c, earth_radius_km)
    return maximum(0.5 * (total + c / (big_h * big_h)), 0.0)


def radiator_face_geometry(orientation, sun_r, two_sided=True):
    """Geometry of each radiating face: cosine of its normal's angle from nadir and from the Sun.

    Orientations (the radiator is a flat panel; face 1 is listed first, face 2 is its back):

    ``"edge-on"`` (default, conservative hot case)
        The panel's plane contains the Sun direction (no direct sunlight on either face) and
        the panel is rolled about the Sun line so that face 1 looks as close to nadir as that
        allows: face-1 normal = unit(nadir - (nadir . s) s), so cos(lambda_1) = sqrt(1 - s_r^2),
        cos(lambda_2) = -sqrt(1 - s_r^2).  With the Sun overhead this is a vertical panel;
        with the Sun on the horizon face 1 faces nadir: the most Earth IR and albedo an
        edge-on panel can see.
    ``"edge-on-vertical"``
        The plane contains both the Sun direction and the local vertical, so both normals are
        horizontal (cos(lambda) = 0): the least Earth an edge-on panel can see.
    ``"zenith"``
        Face 1 faces zenith (cos(lambda_1) = -1, sees no Earth, takes sunlight s_r > 0);
        face 2, if radiating, faces nadir.  Use with ``two_sided=False`` for a body-mounted
        radiator on the zenith deck.

    Parameters
    ----------
    orientation : str
        One of :data:`RADIATOR_ORIENTATIONS`.
    sun_r : array_like
        Radial component of the unit vector to the Sun [1].
    two_sided : bool
        Whether the back face radiates too.

    Returns
    -------
    list of (cos_nadir, cos_sun) tuples of numpy.ndarray
        One tuple per radiating face: cosine of the normal's angle from nadir [1] and cosine
        of the Sun's incidence angle on the face [1] (negative = face turned away).
    """
    s_r = np.asarray(sun_r, dtype=float)
    zero = np.zeros_like(s_r)
    if orientation == "edge-on":
        c1 = np.sqrt(maximum(1.0 - s_r * s_r, 0.0))
        faces = [(c1, zero), (-c1, zero)]
    elif orientation == "edge-on-vertical":
        faces = [(zero, zero), (zero, zero)]
    elif orientation == "zenith":
        faces = [(zero - 1.0, s_r), (zero + 1.0, -s_r)]
    else:
        raise ValueError(f"orientation={orientation!r} is not supported; allowed: "
                         f"{', '.join(RADIATOR_ORIENTATIONS)}")
    return faces if two_sided else faces[:1]


def face_environment_flux_w_m2(cos_nadir, cos_sun, alt_km, sunlit_fraction, solar_w_m2,
                               sun_r, absorptivity, emissivity, albedo=EARTH_ALBEDO,
                               earth_ir_w_m2=EARTH_IR_W_M2, earth_radius_km=EARTH_RADIUS_KM):
    r"""Environmental heat absorbed per unit area by one face of a flat plate in orbit.

    .. math::

        q = \alpha\,S\,f_{sun}\max(0,\cos\theta_s)
          + \alpha\,S\,a\,F\,\max(0, s_r)
          + \varepsilon\,E_{IR}\,F

    with S the solar irradiance at the Earth-Sun distance (``solar_w_m2``, not shadowed),
    f_sun the sunlit fraction, theta_s the Sun's incidence angle on the face, a the albedo,
    F the face's Earth view factor (:func:`earth_view_factor`) and s_r the cosine of the Sun's
    zenith angle at the sub-satellite point (the usual first-order albedo model: the albedo
    flux scales with the illumination of the Earth directly below and is zero over the night
    side).  The face is grey in the infrared (absorptivity = emissivity).

    Parameters
    ----------
    cos_nadir : array_like
        Cosine of the face normal's angle from nadir [1].
    cos_sun : array_like
        Cosine of the Sun's incidence angle on the face [1]; negative values give no sunlight.
    alt_km : array_like
        Altitude [km].
    sunlit_fraction : array_like
        Fraction of the solar disc visible [1].
    solar_w_m2 : array_like
        Solar irradiance at the satellite's distance from the Sun, unshadowed [W/m^2].
    sun_r : array_like
        Radial component of the unit vector to the Sun [1].
    absorptivity : float
        Solar absorptivity of the face [1].
    emissivity : float
        Infrared emissivity (= absorptivity) of the face [1].
    albedo : float, default :data:`EARTH_ALBEDO`
        Earth's albedo [1].
    earth_ir_w_m2 : float, default :data:`EARTH_IR_W_M2`
        Earth's outgoing long-wave flux at the top of the atmosphere [W/m^2].
    earth_radius_km : float, default :data:`EARTH_RADIUS_KM`
        Radius of the spherical Earth [km].

    Returns
    -------
    numpy.ndarray
        Absorbed environmental flux [W/m^2].

    References
    ----------
    .. [1] D. G. Gilmore (ed.), *Spacecraft Thermal Control Handbook*, Vol. 1, 2nd ed., 2002,
       ch. 2 (direct solar, albedo and Earth IR loads).
    .. [2] P. Fortescue, G. Swinerd, J. Stark, *Spacecraft Systems Engineering*, 4th ed.,
       Wiley, 2011, ch. 11.
    """
    f = earth_view_factor(alt_km, cos_nadir, earth_radius_km)
    direct = absorptivity * solar_w_m2 * sunlit_fraction * maximum(cos_sun, 0.0)
    albedo_in = absorptivity * solar_w_m2 * albedo * f * maximum(sun_r, 0.0)
    return direct + albedo_in + emissivity * earth_ir_w_m2 * f


def radiator_view_factors(orientation, two_sided, sun_r, alt_km,
                          earth_radius_km=EARTH_RADIUS_KM):
    """Earth view factor and direct-Sun cosine of the radiator, summed over its radiating faces.

    The fast equivalent of summing :func:`earth_view_factor` and max(0, cos_sun) over the
    faces of :func:`radiator_face_geometry`, using :func:`earth_view_factor_sum` once:

    * "edge-on": c = sqrt(1 - s_r^2); two-sided F = F(c) + F(-c), one-sided F(c); no Sun.
    * "edge-on-vertical": c = 0; two-sided F = 2 F(0), one-sided F(0); no Sun.
    * "zenith": two-sided F = 1/H^2 (the nadir face), Sun |s_r|; one-sided F = 0, Sun
      max(0, s_r).

    Parameters
    ----------
    orientation : str or int
        One of :data:`RADIATOR_ORIENTATIONS` or its code (:data:`ORIENTATION_CODES`).
    two_sided : bool
        Whether both faces radiate.
    sun_r : array_like
        Radial component of the unit vector to the Sun [1].
    alt_km : array_like
        Altitude [km].
    earth_radius_km : float, default :data:`EARTH_RADIUS_KM`
        Radius of the spherical Earth [km].

    Returns
    -------
    view_factor : numpy.ndarray
        Sum of the faces' Earth view factors [1].
    sun_cos : numpy.ndarray or float
        Sum of the faces' max(0, cos(Sun incidence)) [1].
    """
    return _radiator_view_factors(orientation_code(orientation), two_sided, asfloat(sun_r),
                                  asfloat(alt_km), earth_radius_km)


@model
def _radiator_view_factors(code, two_sided, sun_r, alt_km, earth_radius_km):
    """:func:`radiator_view_factors` on an orientation code (the compiled models' form)."""
    if code == _ZENITH:
        big_h = 1.0 + alt_km / earth_radius_km
        zero = 0.0 * sun_r
        if two_sided:
            return 1.0 / (big_h * big_h) + zero, np.abs(sun_r)
        return zero + 0.0 * big_h, maximum(sun_r, 0.0)
    # edge-on: the face looks as close to nadir as containing the Sun line allows;
    # edge-on-vertical: both normals horizontal (c = 0)
    c = np.sqrt(maximum(1.0 - sun_r * sun_r, 0.0)) if code == _EDGE_ON else 0.0 * sun_r
    total = earth_view_factor_sum(alt_km, c, earth_radius_km)
    if two_sided:
        return total, 0.0 * sun_r
    big_h = 1.0 + alt_km / earth_radius_km
    return 0.5 * (total + c / (big_h * big_h)), 0.0 * sun_r


def radiator_environment_heat_w(orientation, two_sided, area_m2, absorptivity, emissivity,
                                sun_r, alt_km, sunlit_fraction, solar_w_m2,
                                albedo=EARTH_ALBEDO, earth_ir_w_m2=EARTH_IR_W_M2):
    r"""Environmental heat absorbed by the whole radiator [W].

    The sum over its radiating faces of :func:`face_environment_flux_w_m2`, times the panel
    area:

    .. math::

        Q_{env} = A\left[\alpha S f_{sun}\sum\max(0,\cos\theta_i)
            + \left(\alpha S a \max(0, s_r) + \varepsilon E_{IR}\right)\sum F_i\right]

    with the sums from :func:`radiator_view_factors`.

    Parameters
    ----------
    orientation : str or int
        One of :data:`RADIATOR_ORIENTATIONS` (see :func:`radiator_face_geometry`) or its code.
    two_sided : bool
        Whether both faces radiate (and absorb).
    area_m2 : float
        Panel area, one side [m^2].
    absorptivity, emissivity : float
        Solar absorptivity and infrared emissivity of the coating [1].
    sun_r : array_like
        Radial component of the unit vector to the Sun [1].
    alt_km : array_like
        Altitude [km].
    sunlit_fraction : array_like
        Fraction of the solar disc visible [1].
    solar_w_m2 : array_like
        Unshadowed solar irradiance at the satellite [W/m^2].
    albedo, earth_ir_w_m2 : float
        Earth's albedo [1] and outgoing IR [W/m^2].

    Returns
    -------
    numpy.ndarray
        Absorbed environmental heat [W].

    References
    ----------
    .. [1] Gilmore 2002, ch. 2; Fortescue et al. 2011, Table 11.3 (coatings).
    """
    return _radiator_environment_heat_w(
        orientation_code(orientation), two_sided, area_m2, absorptivity, emissivity,
        asfloat(sun_r), asfloat(alt_km), asfloat(sunlit_fraction), asfloat(solar_w_m2), albedo,
        earth_ir_w_m2, EARTH_RADIUS_KM)


@model
def _radiator_environment_heat_w(code, two_sided, area_m2, absorptivity, emissivity, sun_r,
                                 alt_km, sunlit_fraction, solar_w_m2, albedo, earth_ir_w_m2,
                                 earth_radius_km):
    """:func:`radiator_environment_heat_w` on an orientation code (the compiled models' form)."""
    view, sun_cos = _radiator_view_factors(code, two_sided, sun_r, alt_km, earth_radius_km)
    q = (absorptivity * albedo * solar_w_m2 * maximum(sun_r, 0.0)
         + emissivity * earth_ir_w_m2) * view
    if code == _ZENITH:
        q = q + absorptivity * solar_w_m2 * sunlit_fraction * sun_cos
    return area_m2 * q


@model
def fin_efficiency(half_width_m, thickness_m, conductivity_w_per_m_k, emissivity, sides,
                   root_temp_k):
    r"""Efficiency of a radiating fin between two coolant tubes (or heat pipes) [1].

    A panel of face sheets of total thickness t and conductivity k, fed by tubes a pitch 2L
    apart, is a fin of length L from each tube.  Linearising the radiation at the root
    temperature T_b, each face loses h_r (T - T_sink) with h_r = 4 eps sigma T_b^3, and the
    classical fin with an adiabatic tip gives

    .. math::

        \eta = rac{	anh(mL)}{mL},\qquad m = \sqrt{rac{n\,4arepsilon\sigma T_b^3}{k\,t}}

    with n the number of radiating faces.  The radiator then emits eta x eps sigma A T_b^4
    per face.  For eta > 0.8 linearisation agrees with the exact non-linear radiating fin to
    within 2 % (``tests/test_realistic.py`` solves it with scipy's ``solve_bvp``: 0.1-1 % for
    the default panel), the precision the design inputs have.

    Parameters
    ----------
    half_width_m : float
        Fin length L, half the tube pitch [m].
    thickness_m : float
        Conducting thickness t (face sheets) [m].
    conductivity_w_per_m_k : float
        Thermal conductivity k of the fin [W/(m K)].
    emissivity : float
        Infrared emissivity [1].
    sides : int
        Radiating faces n (1 or 2).
    root_temp_k : float
        Root (tube) temperature T_b [K].

    Returns
    -------
    float
        Fin efficiency eta [1], in (0, 1].

    References
    ----------
    .. [1] F. P. Incropera, D. P. DeWitt, *Fundamentals of Heat and Mass Transfer*, 6th ed.,
       Wiley 2007, sec. 3.6.4 (fin efficiency, adiabatic tip).
    .. [2] D. G. Gilmore (ed.), *Spacecraft Thermal Control Handbook*, Vol. 1, 2nd ed., 2002,
       ch. 6 (radiator fin efficiency, typically 0.8-0.9 for heat-pipe and pumped-loop panels).
    """
    h_r = sides * 4.0 * emissivity * STEFAN_BOLTZMANN_W_M2_K4 * root_temp_k ** 3
    ml = half_width_m * np.sqrt(h_r / (conductivity_w_per_m_k * thickness_m))
    return np.tanh(ml) / ml if ml > 1e-9 else 1.0


def perpendicular_plates_view_factor(common_edge_m, width_from_m, width_to_m):
    r"""View factor between two perpendicular rectangles sharing an edge, F(1 -> 2) [1].

    With X the common edge, Y the width of plate 1 and Z that of plate 2, W = Y/X, H = Z/X:

    .. math::

        F_{12} = rac{1}{\pi W}\Big[W	an^{-1}rac1W + H	an^{-1}rac1H
            - \sqrt{H^2+W^2}	an^{-1}rac{1}{\sqrt{H^2+W^2}}
            + rac14\ln\Big(rac{(1+W^2)(1+H^2)}{1+W^2+H^2}
              \Big[rac{W^2(1+W^2+H^2)}{(1+W^2)(W^2+H^2)}\Big]^{W^2}
              \Big[rac{H^2(1+H^2+W^2)}{(1+H^2)(H^2+W^2)}\Big]^{H^2}\Big)\Big]

    Used for the radiator's view of the back of the solar array (see
    :class:`twin.Radiator.array_view_factor`).  Checked against Monte Carlo integration in
    ``tests/test_thermal.py``.

    Parameters
    ----------
    common_edge_m : float
        Length X of the shared edge [m].
    width_from_m, width_to_m : float
        Widths Y (plate 1, the one the factor is from) and Z (plate 2) perpendicular to the
        edge [m].

    Returns
    -------
    float
        F(1 -> 2) [1].

    References
    ----------
    .. [1] J. R. Howell, *A Catalog of Radiation Heat Transfer Configuration Factors*,
       configuration C-14; Incropera and DeWitt 2007, Table 13.2.
    """
    w = float(width_from_m) / float(common_edge_m)
    h = float(width_to_m) / float(common_edge_m)
    w2, h2 = w * w, h * h
    s2 = w2 + h2
    s = np.sqrt(s2)
    log_term = (np.log((1 + w2) * (1 + h2) / (1 + s2))
                + w2 * np.log(w2 * (1 + s2) / ((1 + w2) * s2))
                + h2 * np.log(h2 * (1 + s2) / ((1 + h2) * s2)))
    return float((w * np.arctan(1 / w) + h * np.arctan(1 / h) - s * np.arctan(1 / s)
                  + 0.25 * log_term) / (np.pi * w))


@model
def array_back_heat_w(area_m2, view_factor, emissivity, back_emissivity, back_temp_c):
    r"""Infrared heat the radiator absorbs from the back of the solar array [W].

    .. math::  Q = A\,F\,arepsilon_r\,arepsilon_b\,\sigma\,T_b^4

    with F the radiator's view factor to the array back summed over its radiating faces
    (per unit panel area), eps_r and eps_b the two emissivities and T_b the array's
    temperature (a thin blanket: back = cells).  Grey surfaces, first reflection neglected
    (it adds < (1 - eps_r)(1 - eps_b) ~ 2 %).  The radiator's own emission is unchanged: it
    still radiates eps sigma T^4 everywhere, and what it sees of the array comes back as this
    term.

    Parameters
    ----------
    area_m2 : float
        Radiator panel area, one side [m^2].
    view_factor : float
        Sum over the radiating faces of F(face -> array back) [1].
    emissivity, back_emissivity : float
        Radiator and array-back emissivities [1].
    back_temp_c : array_like
        Array temperature [degC].

    Returns
    -------
    numpy.ndarray
        Absorbed heat [W].

    References
    ----------
    .. [1] Gilmore 2002, ch. 2 and 6 (radiative interchange between spacecraft surfaces).
    """
    t = back_temp_c + ZERO_C_K
    t2 = t * t
    return area_m2 * view_factor * emissivity * back_emissivity \
        * STEFAN_BOLTZMANN_W_M2_K4 * t2 * t2


@model
def radiating_conductance_w_per_k4(area_m2, emissivity, sides=2, efficiency=1.0):
    """Radiative 'conductance' to a 0 K sink, k = eta * eps * sigma * A * sides [W/K^4].

    Parameters
    ----------
    area_m2 : float
        Panel area, one side [m^2].
    emissivity : float
        Infrared emissivity [1].
    sides : int
        Number of radiating faces (1 or 2).
    efficiency : float, default 1.0
        Fin efficiency eta (:func:`fin_efficiency`): emission relative to a panel wholly at
        the root temperature [1].

    Returns
    -------
    float
        eta * eps * sigma * A * sides [W/K^4].

    References
    ----------
    .. [1] Stefan-Boltzmann law; Gilmore 2002, ch. 6 (radiators).
    """
    return efficiency * emissivity * STEFAN_BOLTZMANN_W_M2_K4 * area_m2 * sides


@model
def steady_state_temp_k(heat_w, radiating_w_per_k4):
    r"""Steady-state temperature of an isothermal radiator [K].

    .. math::  T = \left(\frac{Q_{env} + Q_{int}}{\varepsilon\,\sigma\,A_{emit}}\right)^{1/4}

    Parameters
    ----------
    heat_w : array_like
        Total absorbed plus internally dissipated heat [W].
    radiating_w_per_k4 : float or array_like
        eps * sigma * A_emit [W/K^4] (:func:`radiating_conductance_w_per_k4`).

    Returns
    -------
    numpy.ndarray
        Temperature [K].

    References
    ----------
    .. [1] Gilmore 2002, ch. 6, eq. for an isothermal radiator facing a 0 K sink.
    """
    return (maximum(heat_w, 0.0) / radiating_w_per_k4) ** 0.25


@model
def heat_for_end_temp_w(end_temp_k, start_temp_k, radiating_w_per_k4, heat_capacity_j_per_k,
                        step_s):
    r"""Heat input [W] that brings the lumped node from ``start_temp_k`` to ``end_temp_k`` in one
    backward-Euler step.

    .. math::  h(T_1) = \frac{C}{\Delta t}(T_1 - T_0) + k\,T_1^4

    It is increasing and convex in T_1, so T_1 <= T_lim exactly when Q <= h(T_lim): this is how
    the controller turns a temperature limit into a heat (power) budget.

    Parameters
    ----------
    end_temp_k, start_temp_k : array_like
        Temperatures at the end and start of the step [K].
    radiating_w_per_k4 : float
        k = eps sigma A_emit [W/K^4].
    heat_capacity_j_per_k : float
        Lumped heat capacity C [J/K]; 0 gives the steady state.
    step_s : float
        Time step [s].

    Returns
    -------
    numpy.ndarray
        Heat input [W].
    """
    t1 = asfloat(end_temp_k)
    t1_2 = t1 * t1
    return heat_capacity_j_per_k / step_s * (t1 - start_temp_k) + radiating_w_per_k4 * t1_2 * t1_2


@model
def end_temp_k(start_temp_k, heat_w, radiating_w_per_k4, heat_capacity_j_per_k, step_s,
               iterations=4):
    r"""Backward-Euler step of the lumped radiator node: solve for T_1

    .. math::  \frac{C}{\Delta t}(T_1 - T_0) + k\,T_1^4 = Q

    by a fixed number of vectorised Newton iterations.  Writing rhs = Q + (C/dt) T_0, both
    T_a = (rhs/k)^(1/4) (dropping the linear term) and T_b = rhs/(C/dt) (dropping the quartic
    term) bound the root from above, and the smaller is within a factor 2^(1/4) of it.  Newton
    starts there; the residual is convex and increasing, so the iterates decrease
    monotonically onto the root (never below it).  Four iterations leave < 1e-5 K for any
    heat load, heat capacity and step size (tested over 1-4,000 s steps, 1e3-1e8 J/K and
    0.1-10,000 m^2 radiators); backward Euler is unconditionally stable, so there is no
    step-size limit.

    Parameters
    ----------
    start_temp_k : array_like
        Temperature at the start of the step T_0 [K].
    heat_w : array_like
        Absorbed environmental plus internal heat Q during the step [W].
    radiating_w_per_k4 : float
        k = eps sigma A_emit [W/K^4].
    heat_capacity_j_per_k : float
        Lumped heat capacity C [J/K] (0 = steady state each step).
    step_s : float
        Time step [s].
    iterations : int, default 4
        Newton iterations.

    Returns
    -------
    numpy.ndarray
        Temperature at the end of the step T_1 [K].

    References
    ----------
    .. [1] E. Hairer, G. Wanner, *Solving Ordinary Differential Equations II*, Springer, 1996
       (backward Euler: A- and L-stable).
    """
    c_dt = heat_capacity_j_per_k / step_s
    rhs = maximum(heat_w, 0.0) + c_dt * start_temp_k
    t = np.sqrt(np.sqrt(rhs / radiating_w_per_k4))         # (rhs/k)^(1/4), cheaper than pow
    if c_dt > 1e-9:                       # below this the linear term cannot matter
        t = minimum(t, rhs / c_dt)
    t = maximum(t, 1e-3)
    k4 = 4.0 * radiating_w_per_k4
    for _ in range(iterations):
        t3 = t * t * t
        # residual c_dt*t + k t^4 - rhs;  derivative c_dt + 4 k t^3
        t = t - (c_dt * t + radiating_w_per_k4 * t3 * t - rhs) / (c_dt + k4 * t3)
    return t


@model
def gpu_temp_k(radiator_temp_k, gpu_power_w_each, thermal_resistance_k_per_w):
    """GPU junction temperature: coolant (radiator node) temperature plus the rise across the
    cold plate and loop, T_gpu = T_rad + R_th * P_gpu [K].

    Parameters
    ----------
    radiator_temp_k : array_like
        Radiator / coolant node temperature [K].
    gpu_power_w_each : array_like
        Power of one GPU [W].
    thermal_resistance_k_per_w : float
        Junction-to-coolant thermal resistance [K/W].

    Returns
    -------
    numpy.ndarray
        GPU temperature [K].

    References
    ----------
    .. [1] Liquid cold-plate practice, 0.02-0.04 K/W for a 1-1.4 kW GPU (project reference
       parameters, /work/shared/reference/parameters.md); an assumption.
    """
    return radiator_temp_k + thermal_resistance_k_per_w * gpu_power_w_each
