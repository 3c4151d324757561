"""One satellite composed from its parts: the state-independent environment of a step and the
control decision and state update of one time step.

Both are written once from the part models (:mod:`twin.models.power`, :mod:`.thermal`,
:mod:`.battery`, :mod:`.compute`) and run two ways (:mod:`ephemeris.fastmath`): as numpy on
arrays of satellites (the reference loop of :func:`twin.run.stepper.run_physics`) and compiled
for one satellite and step inside the kernels of :mod:`twin.run.stepper_kernel`.  The design's
numbers arrive as two named structures, :class:`EnvironmentParams` and :class:`StepParams`
(plain floats, so one compiled specialisation serves every design).

The step (k covers [t_k, t_k + dt)):

* housekeeping is served first, from the array and then the battery down to the
  depth-of-discharge floor; a satellite that cannot power it is *dark* for the step (nothing is
  served; any array power charges the battery), as is one whose orbit state is not valid;
* the payload gets what remains of the array plus the battery down to the policy floor
  ("greedy": the DoD floor; "reserve": the DoD floor plus the eclipse reserve), turned into GPUs
  on and a per-GPU power cap by :func:`twin.models.compute.throttle`;
* then no more than keeps the GPUs at or below their limit at the start and end of the step
  (:func:`twin.models.compute.thermal_cap`);
* the bus dispatch (:func:`twin.models.battery.bus_flows`) and one backward-Euler step of the
  radiator node (:func:`twin.models.thermal.end_temp_k`) update the state; where the orbit
  state is not valid the radiator temperature holds.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ephemeris.fastmath import maximum, minimum, model, where
from twin.models import battery, compute, power, thermal
from twin.models.constants import ZERO_C_K


class EnvironmentParams(NamedTuple):
    """The design's numbers that the environment of a step needs (see
    :class:`twin.SolarArray`, :class:`twin.Radiator` for meanings and units)."""

    area_m2: float
    packing_factor: float
    efficiency: float
    temp_coeff_per_k: float
    reference_temp_c: float
    degradation_factor: float          # (1 - degradation_per_year) ** years_in_orbit
    absorptivity: float
    emissivity_front: float
    emissivity_back: float
    radiator_orientation: int          # thermal.ORIENTATION_CODES
    radiator_two_sided: bool
    radiator_area_m2: float
    radiator_absorptivity: float
    radiator_emissivity: float
    radiator_array_view_factor: float  # sum over radiating faces of F(face -> array back)
    array_loss_factor: float           # wiring, mismatch, UV darkening, pointing error
    albedo: float
    earth_ir_w_m2: float
    earth_radius_km: float


class StepParams(NamedTuple):
    """The design's numbers that one time step needs; every field a float (``gpus`` too)."""

    step_s: float
    capacity_wh: float
    floor_wh: float
    conversion_efficiency: float
    charge_efficiency: float
    discharge_efficiency: float
    housekeeping_w: float              # bus housekeeping incl. array drive and propulsion
    payload_dcdc_efficiency: float
    harness_per_w: float               # R / V^2: harness loss = harness_per_w x P^2 [1/W]
    heater_setpoint_k: float
    min_flow_fraction: float           # radiator turn-down (bypass) before heaters
    min_operating_k: float
    min_survival_k: float
    radiating_w_per_k4: float          # fin efficiency included
    heat_capacity_j_per_k: float
    gpus: float
    gpu_power_w: float
    host_power_w_per_gpu: float
    min_power_fraction: float
    max_gpu_temp_k: float
    thermal_resistance_k_per_w: float  # GPU junction to radiator root (cold plate + loop)
    idle_fraction: float
    dvfs_exponent: float               # 1 for the "linear" throughput curve
    reserve_policy: bool               # the "reserve" battery policy (else "greedy")


@model
def environment(sunlit_fraction, solar_w_m2, sun_r, cos_incidence, normal_r, iam, alt_km, prm):
    """The state-independent inputs of one step: array power, cell temperature and the heat the
    radiator absorbs from the environment.

    Parameters
    ----------
    sunlit_fraction : array_like
        Fraction of the solar disc visible [1].
    solar_w_m2 : array_like
        Unshadowed solar irradiance at the satellite, S_0 / r^2 [W/m^2].
    sun_r : array_like
        Radial component of the unit vector to the Sun [1].
    cos_incidence : array_like
        Cosine of the Sun's incidence on the cell face [1] (1 for a sun-tracking array).
    normal_r : array_like
        Radial component of the cell-face normal [1] (``sun_r`` for a sun-tracking array).
    iam : array_like
        Cover-glass incidence-angle modifier [1].
    alt_km : array_like
        Altitude [km].
    prm : EnvironmentParams
        The design.

    Returns
    -------
    array_power_w : numpy.ndarray
        Array DC power at the maximum power point [W].
    cell_temp_c : numpy.ndarray
        Cell temperature [degC].
    environment_heat_w : numpy.ndarray
        Solar, albedo and Earth-IR heat absorbed by the radiator [W].

    References
    ----------
    .. [1] The part models' own: :func:`twin.models.power.cell_temp_c`,
       :func:`~twin.models.power.array_power_w`,
       :func:`twin.models.thermal.radiator_environment_heat_w`.
    """
    g = solar_w_m2 * sunlit_fraction
    q_earth = power.array_earth_flux_w_m2(normal_r, alt_km, solar_w_m2, sun_r, prm.absorptivity,
                                          prm.emissivity_front, prm.emissivity_back,
                                          prm.albedo, prm.earth_ir_w_m2)
    cell_c = power.cell_temp_c(g, cos_incidence, prm.efficiency, prm.temp_coeff_per_k,
                               prm.reference_temp_c, prm.degradation_factor, prm.packing_factor,
                               prm.absorptivity, prm.emissivity_front, prm.emissivity_back,
                               q_earth, iam, 3)
    eff = power.degraded_efficiency(prm.efficiency, prm.temp_coeff_per_k, cell_c,
                                    prm.reference_temp_c, prm.degradation_factor)
    p_a = prm.array_loss_factor * power.array_power_w(g, cos_incidence, prm.area_m2, eff,
                                                      prm.packing_factor, iam)
    q_env = thermal._radiator_environment_heat_w(
        prm.radiator_orientation, prm.radiator_two_sided, prm.radiator_area_m2,
        prm.radiator_absorptivity, prm.radiator_emissivity, sun_r, alt_km, sunlit_fraction,
        solar_w_m2, prm.albedo, prm.earth_ir_w_m2, prm.earth_radius_km) \
        + thermal.array_back_heat_w(prm.radiator_area_m2, prm.radiator_array_view_factor,
                                    prm.radiator_emissivity, prm.emissivity_back, cell_c)
    return p_a, cell_c, q_env


@model
def bus_draw_w(delivered_w, harness_per_w):
    """Bus power drawn to deliver ``delivered_w`` to the loads through the harness [W]:
    P + (R / V^2) P^2 (I^2 R loss with I = P / V).

    References
    ----------
    .. [1] Ohm's law; harness losses booked at 1-2 % of the power carried (Wertz and Larson,
       *Space Mission Analysis and Design*, 3rd ed., ch. 11).
    """
    return delivered_w + harness_per_w * delivered_w * delivered_w


@model
def deliverable_w(bus_w, harness_per_w):
    """Inverse of :func:`bus_draw_w`: the load that ``bus_w`` of bus power delivers through the
    harness [W], P = 2 B / (1 + sqrt(1 + 4 k B)) (the root of k P^2 + P - B = 0, written
    without cancellation; k = R / V^2), less 1e-12 of it so that rounding never draws more
    than ``bus_w`` (a battery at its floor must not go below it)."""
    b = maximum(bus_w, 0.0)
    return (2.0 - 2e-12) * b / (1.0 + np.sqrt(1.0 + 4.0 * harness_per_w * b))


@model
def control(array_power_w, environment_heat_w, valid, reserve_wh, horizon_s, energy_wh, temp_k,
            heat_capacity_j_per_k, prm):
    """The controller's decision for one step, from the state at its start.

    Power reaches the loads through the harness (:func:`bus_draw_w`); the payload's share also
    through its DC-DC stage (``prm.payload_dcdc_efficiency``).  Housekeeping and heaters may
    use the battery down to the depth-of-discharge floor; the payload, with the "reserve"
    policy, only down to the floor plus the eclipse reserve.

    Parameters
    ----------
    array_power_w, environment_heat_w : array_like
        Array power and radiator environment heat of the step [W] (0 where not valid).
    valid : array_like of bool
        Whether the orbit state is valid.
    reserve_wh : array_like or float
        Eclipse reserve held above the DoD floor [Wh] (read only when
        ``prm.reserve_policy``).
    horizon_s : array_like or float
        Time until the next eclipse [s], over which a shortfall of the reserve is recharged
        (:func:`twin.models.battery.recharge_horizon_s`; read only when
        ``prm.reserve_policy``).
    energy_wh : array_like
        Stored energy at the start of the step [Wh].
    temp_k : array_like
        Radiator temperature at the start of the step [K].
    heat_capacity_j_per_k : float
        Lumped heat capacity used by the thermal cap [J/K] (0: steady state).
    prm : StepParams
        The design.

    Returns
    -------
    hk_ok : bool array
        Housekeeping is powered (the satellite is not dark).
    housekeeping_w, gpus_on, power_fraction : numpy.ndarray
        Housekeeping served [W], GPUs on [1] and their power fraction [1].
    limited : bool array
        The thermal limit reduced the payload.
    survival_w : numpy.ndarray
        Load that can be delivered with the battery down to the DoD floor [W] (housekeeping,
        heaters and payload together).
    """
    bus_from_array = prm.conversion_efficiency * array_power_w
    avail = battery.available_power_w(energy_wh, prm.floor_wh, prm.step_s,
                                      prm.charge_efficiency, prm.discharge_efficiency)
    survival = deliverable_w(bus_from_array + maximum(avail, 0.0), prm.harness_per_w)
    hk_ok = valid & (survival >= prm.housekeeping_w * (1.0 - battery.HK_TOLERANCE))
    payload_room = survival
    if prm.reserve_policy:              # the payload leaves the eclipse reserve in the battery
        avail = battery.reserve_power_w(energy_wh, prm.floor_wh + reserve_wh, prm.step_s,
                                        horizon_s, prm.charge_efficiency,
                                        prm.discharge_efficiency)
        payload_room = deliverable_w(bus_from_array + avail, prm.harness_per_w)
    budget = where(hk_ok, maximum(payload_room - prm.housekeeping_w, 0.0), 0.0) \
        * prm.payload_dcdc_efficiency
    hk = where(hk_ok, prm.housekeeping_w, 0.0)
    n_on, frac = compute.throttle(budget, prm.gpus, prm.gpu_power_w, prm.host_power_w_per_gpu,
                                  prm.min_power_fraction)
    n_on, frac, limited = compute.thermal_cap(
        n_on, frac, temp_k, environment_heat_w + hk, prm.step_s, prm.gpu_power_w,
        prm.host_power_w_per_gpu, prm.min_power_fraction, prm.max_gpu_temp_k,
        prm.thermal_resistance_k_per_w, prm.radiating_w_per_k4, heat_capacity_j_per_k, 4,
        1.0 / prm.payload_dcdc_efficiency)
    return hk_ok, hk, n_on, frac, limited, survival


@model
def cold_control(temp_k, environment_heat_w, internal_heat_w, room_w, valid, prm):
    r"""How the loop is kept at or above ``prm.heater_setpoint_k`` over a step: first the
    radiator is turned down (bypass), then heaters make up the rest within the power left.

    With the panel's share f in the loop, the node's backward-Euler step is
    C/dt (T_1 - T_0) + f k T_1^4 = f Q_env + Q_int.  If f = 1 ends at or above the setpoint
    T_s, f = 1; else the f that ends exactly at T_s,

    .. math::  f = \frac{Q_{int} - C/\Delta t\,(T_s - T_0)}{k T_s^4 - Q_{env}}

    clipped to [f_min, 1]; at f_min the heater supplies what is still missing,

    .. math::  P_h = \min\big(\max(C/\Delta t\,(T_s - T_0) + f_{min}(k T_s^4 - Q_{env})
               - Q_{int}, 0),\ P_{room}\big)

    Parameters
    ----------
    temp_k : array_like
        Node temperature at the start of the step [K].
    environment_heat_w, internal_heat_w : array_like
        Environment heat absorbed by the whole panel and the internal heat (housekeeping and
        payload) [W].
    room_w : array_like
        Power that can still be delivered to heaters [W].
    valid : array_like of bool
        Where False, f = 1 and no heater.
    prm : StepParams
        The design.

    Returns
    -------
    flow_fraction : numpy.ndarray
        Share f of the radiator in the loop [1].
    heater_w : numpy.ndarray
        Heater power [W].

    References
    ----------
    .. [1] Radiator bypass / flow control and thermostatic heaters: Gilmore 2002, ch. 7
       (heaters) and ch. 13-14 (pumped loops, variable-conductance heat pipes).
    """
    t_s = prm.heater_setpoint_k
    t_s2 = t_s * t_s
    c_dt = prm.heat_capacity_j_per_k / prm.step_s
    sink = prm.radiating_w_per_k4 * t_s2 * t_s2 - environment_heat_w   # k T_s^4 - Q_env
    short = c_dt * (t_s - temp_k) - internal_heat_w         # heat missing apart from f
    warm = short + sink <= 0.0                              # f = 1 ends at or above T_s
    f = minimum(maximum(-short / maximum(sink, 1e-9), prm.min_flow_fraction), 1.0)
    f = where(warm | ~valid | (sink <= 0.0), 1.0, f)
    need = short + f * sink
    heat = where(valid & ~warm, minimum(maximum(need, 0.0), maximum(room_w, 0.0)), 0.0)
    return f, heat


@model
def step(array_power_w, environment_heat_w, valid, reserve_wh, horizon_s, energy_wh, temp_k,
         prm):
    """One time step of one satellite (or of arrays of them): :func:`control`, the heaters,
    the bus dispatch and the radiator update (with the radiator turned down and heaters on
    when the loop runs cold, :func:`cold_control`).

    Parameters are those of :func:`control` (with ``prm.heat_capacity_j_per_k``).

    Returns
    -------
    tuple
        ``energy_wh`` and ``temp_k`` at the end of the step, then the step's values:
        ``load_power_w`` (drawn from the bus: housekeeping, heaters, payload through its DC-DC
        stage, harness loss), ``curtailed_power_w``, ``conversion_loss_w``,
        ``battery_power_w``, ``battery_loss_w``, ``gpu_power_w``, ``host_power_w``,
        ``gpus_on``, ``gpu_power_fraction``, ``gpu_temp_c`` (end of step),
        ``throughput_gb300``, ``throttled``, ``thermal_limited``, ``hk_ok`` (not dark),
        ``heater_power_w``, ``distribution_loss_w`` (DC-DC and harness), ``cold`` (node below
        the minimum operating temperature at the end of the step) and ``frozen`` (below the
        survival minimum).  Energy closes: array power = load + curtailed + conversion loss +
        battery power.  Heat into the node: environment (times the radiator's share in the
        loop) + housekeeping + heaters + payload input (its DC-DC loss is on the cold
        plates); the harness loss is not.
    """
    hk_ok, hk, n_on, frac, limited, survival = control(
        array_power_w, environment_heat_w, valid, reserve_wh, horizon_s, energy_wh, temp_k,
        prm.heat_capacity_j_per_k, prm)
    gpu_w = n_on * frac * prm.gpu_power_w
    host_w = n_on * prm.host_power_w_per_gpu
    payload_in = (gpu_w + host_w) / prm.payload_dcdc_efficiency
    internal = hk + payload_in
    flow, heat_h = cold_control(temp_k, environment_heat_w, internal, survival - internal,
                                valid & hk_ok, prm)
    delivered = internal + heat_h
    harness = prm.harness_per_w * delivered * delivered
    load = delivered + harness
    energy, _used, curt, conv, p_bat, l_bat = battery.bus_flows(
        load, array_power_w, energy_wh, prm.capacity_wh, prm.step_s, prm.conversion_efficiency,
        prm.charge_efficiency, prm.discharge_efficiency)
    temp = where(valid, thermal.end_temp_k(temp_k, flow * environment_heat_w + internal
                                           + heat_h, flow * prm.radiating_w_per_k4,
                                           prm.heat_capacity_j_per_k, prm.step_s, 4),
                 temp_k)                                  # frozen where not valid
    thr = n_on * compute.throughput_fraction(frac, prm.idle_fraction, prm.dvfs_exponent)
    gpu_temp_c = thermal.gpu_temp_k(temp, frac * prm.gpu_power_w,
                                    prm.thermal_resistance_k_per_w) - ZERO_C_K
    throttled = valid & (thr < prm.gpus * (1.0 - 1e-12))
    return (energy, temp, load, curt, conv, p_bat, l_bat, gpu_w, host_w, n_on, frac,
            gpu_temp_c, thr, throttled, limited, hk_ok, heat_h,
            payload_in - gpu_w - host_w + harness,
            valid & (temp < prm.min_operating_k), valid & (temp < prm.min_survival_k))
