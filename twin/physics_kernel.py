"""Compiled time loop of :func:`twin.physics.run_physics` (numba).

The recurrence of the time stepper (battery energy, radiator temperature, the controller's
decision each step, the bus dispatch and every per-step output) as one ``@njit`` loop over time
steps and satellites with scalar arithmetic.  It reproduces the numpy loop of
:func:`twin.physics.run_physics` (``engine="numpy"``, the reference implementation): the same
equations in the same order of operations, so the two agree to rounding (~1e-15 relative per
step; numpy's SIMD ``pow`` and libm's ``pow`` may differ in the last bit).

The model equations live in :mod:`twin.battery`, :mod:`twin.compute` and :mod:`twin.thermal`
(numpy, vectorised, documented with their sources).  Each scalar function below is a line-by-line
transcription of one of them and names it; change both together (``tests/test_physics_kernel.py``
compares the two engines on every output).

Numerics: ``fastmath=False`` (no reassociation or FMA contraction, IEEE semantics as in numpy)
and ``error_model="numpy"`` (division by zero gives inf/nan as in numpy instead of raising).
Compiled functions are cached on disk (``cache=True``) under ``twin/__pycache__``; the first call
in a fresh environment compiles them once (a few seconds), later processes load the cache.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from twin.battery import HK_TOLERANCE

#: Seconds per hour (:data:`twin.battery.S_PER_H`).
S_PER_H = 3600.0
#: 0 degC in kelvin (:data:`twin.thermal.ZERO_C_K`).
ZERO_C_K = 273.15
#: floor() tolerance in GPU-equivalents (:data:`twin.compute._COUNT_TOL`).
COUNT_TOL = 1e-9

_JIT = {"cache": True, "fastmath": False, "error_model": "numpy", "nogil": True}


@njit(**_JIT)
def available_power_w(energy_wh, floor_wh, step_s, charge_efficiency, discharge_efficiency):
    """Mirrors :func:`twin.battery.available_power_w` (one satellite):
    x = (E - E_floor) 3600/dt; P = eta_dis x if x > 0 else x / eta_ch [W]."""
    x = (energy_wh - floor_wh) * (S_PER_H / step_s)
    return discharge_efficiency * x if x > 0.0 else x / charge_efficiency


@njit(**_JIT)
def dispatch(demand_w, array_power_w, energy_wh, capacity_wh, step_s, conversion_efficiency,
             charge_efficiency, discharge_efficiency):
    """Mirrors :func:`twin.battery.dispatch` (one satellite).

    Returns (energy_wh, used_w, curtailed_w, conversion_loss_w, battery_power_w,
    battery_loss_w)."""
    e = energy_wh
    net = conversion_efficiency * array_power_w - demand_w
    headroom_w = (capacity_wh - e) * (S_PER_H / step_s / charge_efficiency)
    charge = min(max(net, 0.0), max(headroom_w, 0.0))
    discharge = max(-net, 0.0) / discharge_efficiency
    used = (demand_w + charge) / conversion_efficiency if net >= 0.0 else array_power_w
    return (e + (charge_efficiency * charge - discharge) * (step_s / S_PER_H),
            used,
            array_power_w - used,
            (1.0 - conversion_efficiency) * used,
            charge - discharge_efficiency * discharge,
            (1.0 - charge_efficiency) * charge + (1.0 - discharge_efficiency) * discharge)


@njit(**_JIT)
def throughput_fraction(power_fraction, idle_fraction, exponent):
    """Mirrors :func:`twin.compute.throughput_fraction`: x = (max(p - i, 0)/(1 - i))^(1/gamma)."""
    x = max(power_fraction - idle_fraction, 0.0) / (1.0 - idle_fraction)
    return min(x, 1.0) ** (1.0 / exponent)


@njit(**_JIT)
def throttle(payload_budget_w, gpus, gpu_power_w, host_power_w_per_gpu, min_power_fraction):
    """Mirrors :func:`twin.compute.throttle` (one satellite; ``gpus`` as float).

    Returns (gpus_on, power_fraction)."""
    b = max(payload_budget_w, 0.0)
    per_gpu_min = min_power_fraction * gpu_power_w + host_power_w_per_gpu
    n = min(np.floor(b / per_gpu_min + COUNT_TOL), gpus)
    p = (b / max(n, 1.0) - host_power_w_per_gpu) / gpu_power_w
    p = min(max(p, min_power_fraction), 1.0) if n > 0.0 else 0.0
    return n, p


@njit(**_JIT)
def thermal_cap(gpus_on, power_fraction, radiator_temp_k, base_heat_w, step_s, gpu_power_w,
                host_power_w_per_gpu, min_power_fraction, max_gpu_temp_k,
                thermal_resistance_k_per_w, radiating_w_per_k4, heat_capacity_j_per_k,
                radiating_at_limit_w):
    """Mirrors :func:`twin.compute.thermal_cap` (one satellite, 4 Newton iterations).

    ``radiating_at_limit_w`` is k T_lim(p_min)^4 with T_lim(p_min) = T_max - R p_min P_gpu,
    computed by the caller in Python exactly as the numpy function does (``k * tl ** 4``), so
    that both use the same ``pow``.  Returns (gpus_on, power_fraction, limited)."""
    n_in = gpus_on
    p_in = power_fraction
    t0 = radiator_temp_k
    k = radiating_w_per_k4
    rp = thermal_resistance_k_per_w * gpu_power_w
    c_dt = heat_capacity_j_per_k / step_s
    p_min = min_power_fraction
    per_gpu_min = p_min * gpu_power_w + host_power_w_per_gpu
    # GPUs that fit at p_min: g(p_min, n) >= 0
    tl_min = max_gpu_temp_k - rp * p_min
    room_min = c_dt * (tl_min - t0) + radiating_at_limit_w - base_heat_w
    n_th = np.floor(max(room_min, 0.0) / per_gpu_min + COUNT_TOL)
    # start-of-step condition T0 + R p P <= T_max (1 mK tolerance against rounding)
    p_start = (max_gpu_temp_k - t0) / rp
    n = min(n_in, n_th) if p_start >= p_min - 1e-3 / rp else 0.0
    p_hi = max(min(p_in, p_start), p_min)
    tl = max_gpu_temp_k - rp * p_hi
    tl2 = tl * tl
    g_hi = c_dt * (tl - t0) + k * tl2 * tl2 - base_heat_w - n * (p_hi * gpu_power_w
                                                                 + host_power_w_per_gpu)
    p = p_hi
    if not (g_hi >= 0.0 or n <= 0.0):
        # g convex and decreasing in p: Newton from p_min climbs to the root
        q = p_min
        for _ in range(4):
            tl = max_gpu_temp_k - rp * q
            tl3 = tl * tl * tl
            g = c_dt * (tl - t0) + k * tl3 * tl - base_heat_w \
                - n * (q * gpu_power_w + host_power_w_per_gpu)
            dg = -rp * (c_dt + 4.0 * k * tl3) - n * gpu_power_w
            q = min(max(q - g / dg, p_min), p_hi)
        p = q
    if not n > 0.0:
        p = 0.0
    return n, p, (n < n_in) or (p < p_in)


@njit(**_JIT)
def end_temp_k(start_temp_k, heat_w, radiating_w_per_k4, heat_capacity_j_per_k, step_s):
    """Mirrors :func:`twin.thermal.end_temp_k` (one satellite, 4 Newton iterations): backward
    Euler C/dt (T1 - T0) + k T1^4 = Q.

    The starting point (rhs/k)^(1/4) is taken as sqrt(sqrt(.)) rather than ``** 0.25`` (same
    value to the last bit or two, ~5x cheaper than ``pow``); Newton then converges to the same
    root."""
    c_dt = heat_capacity_j_per_k / step_s
    rhs = max(heat_w, 0.0) + c_dt * start_temp_k
    t = np.sqrt(np.sqrt(rhs / radiating_w_per_k4))
    if c_dt > 1e-9:
        t = min(t, rhs / c_dt)
    t = max(t, 1e-3)
    k4 = 4.0 * radiating_w_per_k4
    for _ in range(4):
        t3 = t * t * t
        t = t - (c_dt * t + radiating_w_per_k4 * t3 * t - rhs) / (c_dt + k4 * t3)
    return t


@njit(**_JIT)
def run_loop(array_power_w, environment_heat_w, valid, reserve_wh, energy_wh, temp_k,
             step_s, capacity_wh, floor_wh, conversion_efficiency, charge_efficiency,
             discharge_efficiency, housekeeping_w, radiating_w_per_k4, heat_capacity_j_per_k,
             gpus, gpu_power_w, host_power_w_per_gpu, min_power_fraction, max_gpu_temp_k,
             thermal_resistance_k_per_w, radiating_at_limit_w, idle_fraction, dvfs_exponent,
             load_power_w, curtailed_power_w, conversion_loss_w, battery_power_w,
             battery_loss_w, battery_wh, radiator_temp_k, gpu_temp_c, gpu_power_w_out,
             host_power_w, gpus_on, gpu_power_fraction, throughput_gb300, throttled,
             thermal_limited, dark):
    """The time loop of :func:`twin.physics.run_physics` (its ``control`` and loop body), for
    every satellite of a chunk.

    Arrays are satellite-major (n_sat, n_time) and C-contiguous, so each satellite's series is
    read and written contiguously and its state stays in registers: ``array_power_w`` and
    ``environment_heat_w`` (zero where ``valid`` is False), ``valid`` (bool) and
    ``reserve_wh`` (the eclipse reserve of the "reserve" policy, or a (0, 0) array for
    "greedy").  ``energy_wh`` and ``temp_k`` (n_sat,) hold the state at the start and are
    updated in place to the state at the end.  Scalars are float64 (``gpus`` too), so that there
    is one compiled specialisation.  Outputs (n_sat, n_time) are filled in place: float64,
    except ``gpus_on`` (int32) and the last three (bool).

    Per step and satellite (see :mod:`twin.physics`): housekeeping first (dark if array plus
    battery down to the DoD floor cannot carry it, or if not valid), payload budget per policy
    -> :func:`throttle` -> :func:`thermal_cap` -> :func:`dispatch` and :func:`end_temp_k`.
    Where ``valid`` is False the radiator temperature holds (the state is frozen; the battery
    holds by construction since nothing flows).
    """
    n_sat, n_t = array_power_w.shape
    use_reserve = reserve_wh.shape[0] > 0
    rp = thermal_resistance_k_per_w * gpu_power_w
    hk_min_w = housekeeping_w * (1.0 - HK_TOLERANCE)
    full_w = gpus * (1.0 - 1e-12)
    for i in range(n_sat):
        energy = energy_wh[i]
        temp = temp_k[i]
        for k in range(n_t):
            p_a = array_power_w[i, k]
            q_env = environment_heat_w[i, k]
            ok = valid[i, k]
            # --- control (mirrors control() in twin.physics.run_physics) ---------------------
            bus_from_array = conversion_efficiency * p_a
            avail = available_power_w(energy, floor_wh, step_s, charge_efficiency,
                                      discharge_efficiency)
            hk_ok = ok and bus_from_array + max(avail, 0.0) >= hk_min_w
            if use_reserve:
                avail = available_power_w(energy, floor_wh + reserve_wh[i, k], step_s,
                                          charge_efficiency, discharge_efficiency)
            budget = max(bus_from_array + avail - housekeeping_w, 0.0) if hk_ok else 0.0
            hk = housekeeping_w if hk_ok else 0.0
            n_on, frac, limited = 0.0, 0.0, False
            if gpus != 0.0:
                n_on, frac = throttle(budget, gpus, gpu_power_w, host_power_w_per_gpu,
                                      min_power_fraction)
                n_on, frac, limited = thermal_cap(
                    n_on, frac, temp, q_env + hk, step_s, gpu_power_w, host_power_w_per_gpu,
                    min_power_fraction, max_gpu_temp_k, thermal_resistance_k_per_w,
                    radiating_w_per_k4, heat_capacity_j_per_k, radiating_at_limit_w)
            # --- bus, battery, radiator ------------------------------------------------------
            gpu_w = n_on * frac * gpu_power_w
            host_w = n_on * host_power_w_per_gpu
            load = hk + gpu_w + host_w
            energy, _used, curt, conv, p_bat, l_bat = dispatch(
                load, p_a, energy, capacity_wh, step_s, conversion_efficiency,
                charge_efficiency, discharge_efficiency)
            if ok:                                  # frozen where the orbit state is not valid
                temp = end_temp_k(temp, q_env + load, radiating_w_per_k4,
                                  heat_capacity_j_per_k, step_s)
            thr = n_on * throughput_fraction(frac, idle_fraction, dvfs_exponent)
            load_power_w[i, k] = load
            curtailed_power_w[i, k] = curt
            conversion_loss_w[i, k] = conv
            battery_power_w[i, k] = p_bat
            battery_loss_w[i, k] = l_bat
            battery_wh[i, k] = energy
            radiator_temp_k[i, k] = temp
            gpu_temp_c[i, k] = temp + rp * frac - ZERO_C_K
            gpu_power_w_out[i, k] = gpu_w
            host_power_w[i, k] = host_w
            gpus_on[i, k] = np.int32(n_on)
            gpu_power_fraction[i, k] = frac
            throughput_gb300[i, k] = thr
            throttled[i, k] = ok and thr < full_w
            thermal_limited[i, k] = limited
            dark[i, k] = not hk_ok
        energy_wh[i] = energy
        temp_k[i] = temp
