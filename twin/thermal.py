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

#: Stefan-Boltzmann constant [W/(m^2 K^4)] (CODATA 2018, exact in the 2019 SI).
STEFAN_BOLTZMANN_W_M2_K4 = 5.670374419e-8

#: Mean Earth radius used for view factors [km] (IUGG mean radius R1; the Earth is a sphere here).
EARTH_RADIUS_KM = 6371.0088

#: Earth's outgoing long-wave radiation, orbit-average design value [W/m^2]
#: (Gilmore, Spacecraft Thermal Control Handbook Vol. 1, 2nd ed., 2002, ch. 2: 237 +/- 21 W/m^2).
EARTH_IR_W_M2 = 237.0

#: Earth's Bond albedo, orbit-average design value [1] (Gilmore 2002, ch. 2: 0.30).
EARTH_ALBEDO = 0.30

#: 0 degC in kelvin.
ZERO_C_K = 273.15

#: Radiator orientations understood by :func:`radiator_face_geometry`.
RADIATOR_ORIENTATIONS = ("edge-on", "edge-on-vertical", "zenith")


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
    ("vertical" plate) gets F = (1/pi) (atan(1/sqrt(H^2-1)) - sqrt(H^2-1)/H^2).

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
    .. [1] J. R. Howell, M. P. Menguc, K. Daun, R. Siegel, *A Catalog of Radiation Heat
       Transfer Configuration Factors*, section B (differential planar element to a sphere,
       element tilted; partial and full view), http://www.thermalradiation.net.  Checked
       against direct numerical integration in ``tests/test_thermal.py``.
    .. [2] D. G. Gilmore (ed.), *Spacecraft Thermal Control Handbook*, Vol. 1, 2nd ed., The
       Aerospace Press, 2002, ch. 2 (Earth view factors of flat plates in orbit).
    """
    h = np.asarray(alt_km, dtype=float)
    c = np.clip(np.asarray(cos_nadir_angle, dtype=float), -1.0, 1.0)
    big_h = (earth_radius_km + h) / earth_radius_km
    inv_h = 1.0 / big_h
    inv_h2 = inv_h * inv_h
    root = np.sqrt(np.maximum(big_h * big_h - 1.0, 0.0))          # sqrt(H^2 - 1)
    sin_l = np.sqrt(np.maximum(1.0 - c * c, 1e-300))
    partial = (
        0.5
        - np.arcsin(np.minimum(root * inv_h / sin_l, 1.0)) / np.pi
        + inv_h2 / np.pi * (
            c * np.arccos(np.clip(-root * c / sin_l, -1.0, 1.0))
            - root * np.sqrt(np.maximum(1.0 - big_h * big_h * c * c, 0.0))
        )
    )
    out = np.where(c >= inv_h, c * inv_h2, np.where(c <= -inv_h, 0.0, partial))
    return np.clip(out, 0.0, None)


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
        c1 = np.sqrt(np.maximum(1.0 - s_r * s_r, 0.0))
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
    direct = absorptivity * solar_w_m2 * sunlit_fraction * np.maximum(cos_sun, 0.0)
    albedo_in = absorptivity * solar_w_m2 * albedo * f * np.maximum(sun_r, 0.0)
    return direct + albedo_in + emissivity * earth_ir_w_m2 * f


def radiator_environment_heat_w(orientation, two_sided, area_m2, absorptivity, emissivity,
                                sun_r, alt_km, sunlit_fraction, solar_w_m2,
                                albedo=EARTH_ALBEDO, earth_ir_w_m2=EARTH_IR_W_M2):
    """Environmental heat absorbed by the whole radiator [W]: the sum over its radiating faces
    of :func:`face_environment_flux_w_m2` times the panel area.

    Parameters
    ----------
    orientation : str
        One of :data:`RADIATOR_ORIENTATIONS` (see :func:`radiator_face_geometry`).
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
    total = 0.0
    for cos_nadir, cos_sun in radiator_face_geometry(orientation, sun_r, two_sided):
        total = total + face_environment_flux_w_m2(
            cos_nadir, cos_sun, alt_km, sunlit_fraction, solar_w_m2, sun_r, absorptivity,
            emissivity, albedo, earth_ir_w_m2)
    return area_m2 * total


def radiating_conductance_w_per_k4(area_m2, emissivity, sides=2):
    """Radiative 'conductance' to a 0 K sink, k = eps * sigma * A * sides [W/K^4].

    Parameters
    ----------
    area_m2 : float
        Panel area, one side [m^2].
    emissivity : float
        Infrared emissivity [1].
    sides : int
        Number of radiating faces (1 or 2).

    Returns
    -------
    float
        eps * sigma * A * sides [W/K^4].

    References
    ----------
    .. [1] Stefan-Boltzmann law; Gilmore 2002, ch. 6 (radiators).
    """
    return emissivity * STEFAN_BOLTZMANN_W_M2_K4 * area_m2 * sides


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
    return (np.maximum(heat_w, 0.0) / radiating_w_per_k4) ** 0.25


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
    t1 = np.asarray(end_temp_k, dtype=float)
    t1_2 = t1 * t1
    return heat_capacity_j_per_k / step_s * (t1 - start_temp_k) + radiating_w_per_k4 * t1_2 * t1_2


def end_temp_k(start_temp_k, heat_w, radiating_w_per_k4, heat_capacity_j_per_k, step_s,
               iterations=4):
    r"""Backward-Euler step of the lumped radiator node: solve for T_1

    .. math::  \frac{C}{\Delta t}(T_1 - T_0) + k\,T_1^4 = Q

    by a fixed number of vectorised Newton iterations.  The root lies between T_0 and the
    steady state T_ss = (Q/k)^(1/4); Newton starts from the larger of the two, where the
    residual is >= 0, and because the residual is convex and increasing the iterates decrease
    monotonically onto the root (never below it).  Four iterations give < 1e-6 K error for any
    step size in practice (the scheme is unconditionally stable: no step-size limit).

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
    t = np.maximum(start_temp_k, (np.maximum(heat_w, 0.0) / radiating_w_per_k4) ** 0.25)
    rhs = heat_w + c_dt * start_temp_k
    k4 = 4.0 * radiating_w_per_k4
    for _ in range(iterations):
        t3 = t * t * t
        # residual c_dt*t + k t^4 - rhs;  derivative c_dt + 4 k t^3
        t = t - (c_dt * t + radiating_w_per_k4 * t3 * t - rhs) / (c_dt + k4 * t3)
    return t


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
