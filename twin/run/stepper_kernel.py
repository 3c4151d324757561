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

from ephemeris.geometry_kernel import atan2v
from twin.models.battery import HK_TOLERANCE

#: Seconds per hour (:data:`twin.battery.S_PER_H`).
S_PER_H = 3600.0
#: 0 degC in kelvin (:data:`twin.thermal.ZERO_C_K`).
ZERO_C_K = 273.15
#: floor() tolerance in GPU-equivalents (:data:`twin.compute._COUNT_TOL`).
COUNT_TOL = 1e-9

#: The outputs :func:`run_loop` always writes (what the per-orbit summary reads).
SUMMARY_OUTPUTS = ("load_power_w", "curtailed_power_w", "battery_wh", "gpu_temp_c",
                   "throughput_gb300", "throttled", "dark")

_JIT = {"cache": True, "fastmath": False, "error_model": "numpy", "nogil": True}


@njit(**_JIT)
def eclipse_reserve_rows(array_power_w, valid, housekeeping_w, conversion_efficiency,
                         discharge_efficiency, step_s):  # pragma: no cover - compiled
    """Mirrors :func:`twin.battery.eclipse_reserve_wh` on the housekeeping deficit
    d = max(P_hk - eta_c P_array, 0) / eta_dis * dt/3600 (0 where not valid), as
    :func:`twin.physics.run_physics` forms it, for (n_sat, n_time) rows: one backward pass per
    satellite with T_k = sum of d_j from k to the end E(k) of the run containing k (or of the
    next run), T_k = d_k at a run end, else d_k + T_{k+1}; reserve_k = max(T_k - d_k, 0)."""
    n, n_t = array_power_w.shape
    out = np.empty((n, n_t))
    h = step_s / S_PER_H
    for i in range(n):
        total = 0.0
        d_next = 0.0
        for k in range(n_t - 1, -1, -1):
            d = max(housekeeping_w - conversion_efficiency * array_power_w[i, k], 0.0) \
                / discharge_efficiency * h if valid[i, k] else 0.0
            if d > 0.0 and not d_next > 0.0:          # k ends a run
                total = d
            else:
                total = d + total
            out[i, k] = max(total - d, 0.0)
            d_next = d
    return out


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
    if x >= 1.0 or x == 0.0:            # pow(1, y) = 1 and pow(0, y > 0) = 0 exactly: skip pow
        return min(x, 1.0)
    return x ** (1.0 / exponent)


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


@njit(cache=True, fastmath=False, error_model="numpy", nogil=True, inline="always")
def _step(p_a, q_env, ok, reserve, energy, temp, step_s, capacity_wh, floor_wh,
          conversion_efficiency, charge_efficiency, discharge_efficiency, housekeeping_w,
          radiating_w_per_k4, heat_capacity_j_per_k, gpus, gpu_power_w, host_power_w_per_gpu,
          min_power_fraction, max_gpu_temp_k, thermal_resistance_k_per_w, radiating_at_limit_w,
          idle_fraction, dvfs_exponent, hk_min_w):  # pragma: no cover - compiled
    """One step of one satellite (the body of :func:`run_loop`): the control decision
    (``control()`` of :func:`twin.physics.run_physics`), the bus dispatch and the radiator
    update, from the state (``energy``, ``temp``) at the start of the step.  ``reserve`` < 0
    means the "greedy" policy.  Returns the state at the end and the step's values: (energy,
    temp, load, curtailed, conversion loss, battery power, battery loss, gpu power, host
    power, gpus on, power fraction, throughput, thermally limited, housekeeping powered)."""
    bus_from_array = conversion_efficiency * p_a
    avail = available_power_w(energy, floor_wh, step_s, charge_efficiency, discharge_efficiency)
    hk_ok = ok and bus_from_array + max(avail, 0.0) >= hk_min_w
    if reserve >= 0.0:
        avail = available_power_w(energy, floor_wh + reserve, step_s, charge_efficiency,
                                  discharge_efficiency)
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
    gpu_w = n_on * frac * gpu_power_w
    host_w = n_on * host_power_w_per_gpu
    load = hk + gpu_w + host_w
    energy, _used, curt, conv, p_bat, l_bat = dispatch(
        load, p_a, energy, capacity_wh, step_s, conversion_efficiency, charge_efficiency,
        discharge_efficiency)
    if ok:                                          # frozen where the orbit state is not valid
        temp = end_temp_k(temp, q_env + load, radiating_w_per_k4, heat_capacity_j_per_k,
                          step_s)
    thr = n_on * throughput_fraction(frac, idle_fraction, dvfs_exponent)
    return (energy, temp, load, curt, conv, p_bat, l_bat, gpu_w, host_w, n_on, frac, thr,
            limited, hk_ok)


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
    read and written contiguously and its state stays in registers; two satellites go through
    time together (the two lanes below are the same code for satellites ``a`` and ``b``).
    Inputs: ``array_power_w`` and
    ``environment_heat_w`` (zero where ``valid`` is False), ``valid`` (bool) and
    ``reserve_wh`` (the eclipse reserve of the "reserve" policy, or a (0, 0) array for
    "greedy").  ``energy_wh`` and ``temp_k`` (n_sat,) hold the state at the start and are
    updated in place to the state at the end.  Scalars are float64 (``gpus`` too), so that there
    is one compiled specialisation.  Outputs (n_sat, n_time) are filled in place: float64,
    except ``gpus_on`` (int32) and the last three (bool).  When ``conversion_loss_w`` is a
    (0, 0) array, only :data:`SUMMARY_OUTPUTS` are written (the others may all be (0, 0)).

    Per step and satellite (see :mod:`twin.physics`): housekeeping first (dark if array plus
    battery down to the DoD floor cannot carry it, or if not valid), payload budget per policy
    -> :func:`throttle` -> :func:`thermal_cap` -> :func:`dispatch` and :func:`end_temp_k`.
    Where ``valid`` is False the radiator temperature holds (the state is frozen; the battery
    holds by construction since nothing flows).
    """
    n_sat, n_t = array_power_w.shape
    use_reserve = reserve_wh.shape[0] > 0
    every = conversion_loss_w.shape[0] > 0
    rp = thermal_resistance_k_per_w * gpu_power_w
    hk_min_w = housekeeping_w * (1.0 - HK_TOLERANCE)
    full_w = gpus * (1.0 - 1e-12)
    # Two satellites per pass over time (the second lane repeats the last satellite when their
    # number is odd, writing the same values twice): their recurrences are independent, so
    # the processor overlaps one's chain of dependent divisions with the other's.
    for a in range(0, n_sat, 2):
        b = min(a + 1, n_sat - 1)
        ea, ta = energy_wh[a], temp_k[a]
        eb, tb = energy_wh[b], temp_k[b]
        for k in range(n_t):
            ok = valid[a, k]
            (ea, ta, load, curt, conv, p_bat, l_bat, gpu_w, host_w, n_on, frac, thr, limited,
             hk_ok) = _step(
                array_power_w[a, k], environment_heat_w[a, k], ok,
                reserve_wh[a, k] if use_reserve else -1.0, ea, ta, step_s, capacity_wh,
                floor_wh, conversion_efficiency, charge_efficiency, discharge_efficiency,
                housekeeping_w, radiating_w_per_k4, heat_capacity_j_per_k, gpus,
                gpu_power_w, host_power_w_per_gpu, min_power_fraction, max_gpu_temp_k,
                thermal_resistance_k_per_w, radiating_at_limit_w, idle_fraction,
                dvfs_exponent, hk_min_w)
            load_power_w[a, k] = load
            curtailed_power_w[a, k] = curt
            battery_wh[a, k] = ea
            gpu_temp_c[a, k] = ta + rp * frac - ZERO_C_K
            throughput_gb300[a, k] = thr
            throttled[a, k] = ok and thr < full_w
            dark[a, k] = not hk_ok
            if every:
                conversion_loss_w[a, k] = conv
                battery_power_w[a, k] = p_bat
                battery_loss_w[a, k] = l_bat
                radiator_temp_k[a, k] = ta
                gpu_power_w_out[a, k] = gpu_w
                host_power_w[a, k] = host_w
                gpus_on[a, k] = np.int32(n_on)
                gpu_power_fraction[a, k] = frac
                thermal_limited[a, k] = limited
            ok = valid[b, k]
            (eb, tb, load, curt, conv, p_bat, l_bat, gpu_w, host_w, n_on, frac, thr, limited,
             hk_ok) = _step(
                array_power_w[b, k], environment_heat_w[b, k], ok,
                reserve_wh[b, k] if use_reserve else -1.0, eb, tb, step_s, capacity_wh,
                floor_wh, conversion_efficiency, charge_efficiency, discharge_efficiency,
                housekeeping_w, radiating_w_per_k4, heat_capacity_j_per_k, gpus,
                gpu_power_w, host_power_w_per_gpu, min_power_fraction, max_gpu_temp_k,
                thermal_resistance_k_per_w, radiating_at_limit_w, idle_fraction,
                dvfs_exponent, hk_min_w)
            load_power_w[b, k] = load
            curtailed_power_w[b, k] = curt
            battery_wh[b, k] = eb
            gpu_temp_c[b, k] = tb + rp * frac - ZERO_C_K
            throughput_gb300[b, k] = thr
            throttled[b, k] = ok and thr < full_w
            dark[b, k] = not hk_ok
            if every:
                conversion_loss_w[b, k] = conv
                battery_power_w[b, k] = p_bat
                battery_loss_w[b, k] = l_bat
                radiator_temp_k[b, k] = tb
                gpu_power_w_out[b, k] = gpu_w
                host_power_w[b, k] = host_w
                gpus_on[b, k] = np.int32(n_on)
                gpu_power_fraction[b, k] = frac
                thermal_limited[b, k] = limited
        energy_wh[a], temp_k[a] = ea, ta
        energy_wh[b], temp_k[b] = eb, tb


# ------------------------------------------------------------------------------------------
# The state-independent inputs (twin.physics._environment), compiled and vectorised
# ------------------------------------------------------------------------------------------
# Scratch rows of one block of BLOCK steps: inputs, then outputs.
BLOCK = 128
_R_F, _R_SR, _R_COS, _R_NR, _R_ALT, _R_IAM, _R_SOLAR = range(7)
_R_PA, _R_CELL, _R_QENV = 7, 8, 9
_ENV_ROWS = 10

#: Radiator-orientation codes of :func:`environment_rows`.
ORIENTATION_CODES = {"edge-on": 0, "edge-on-vertical": 1, "zenith": 2}

#: Layout of the design constants vector ``prm`` of :func:`environment_rows`.
ENV_PARAMS = ("area_m2", "packing_factor", "efficiency", "temp_coeff_per_k",
              "reference_temp_c", "degradation_factor", "absorptivity", "emissivity_front",
              "emissivity_back", "orientation", "two_sided", "rad_area_m2", "rad_absorptivity",
              "rad_emissivity", "albedo", "earth_ir_w_m2", "earth_radius_km", "stefan_boltzmann")


@njit(cache=True, inline="always", error_model="numpy")
def earth_view_factor_sum(alt_km, cos_nadir_angle, earth_radius_km):  # pragma: no cover
    """Mirrors :func:`twin.thermal.earth_view_factor_sum` (one value, branch-free; its
    arctangents are fdlibm's, :func:`ephemeris.geometry_kernel.atan2v`)."""
    big_h = 1.0 + alt_km / earth_radius_km
    inv_h2 = 1.0 / (big_h * big_h)
    root = np.sqrt((big_h - 1.0) * (big_h + 1.0))
    a = min(abs(cos_nadir_angle), 1.0)
    a2 = a * a
    q = np.sqrt(max(1.0 - a2 / inv_h2, 0.0))
    partial = 1.0 - (2.0 / np.pi) * (atan2v(root, q) - a * inv_h2 * atan2v(root * a, q)
                                     + root * q * inv_h2)
    return a * inv_h2 if a2 >= inv_h2 else partial


@njit(cache=True, error_model="numpy")
def _environment_block(w, prm):  # pragma: no cover - compiled
    """One block of :func:`environment_rows`: rows 0-6 of ``w`` in, rows 7-9 out.  The
    equations of :func:`twin.physics._environment` in its order of operations.  No libm
    call and no data-dependent branch LLVM cannot if-convert, so the loop is vectorised."""
    bl = BLOCK
    area, pf, eta, gam, t_ref, dfac = prm[0], prm[1], prm[2], prm[3], prm[4], prm[5]
    alpha, eps_f, eps_b = prm[6], prm[7], prm[8]
    edge_on, zenith, two_sided = prm[9] == 0.0, prm[9] == 2.0, prm[10] != 0.0
    r_area, r_alpha, r_eps = prm[11], prm[12], prm[13]
    albedo, e_ir, r_e, sigma = prm[14], prm[15], prm[16], prm[17]
    k_cell = (eps_f + eps_b) * sigma
    t_ref_k = t_ref + ZERO_C_K
    for k in range(bl):
        f = w[_R_F * bl + k]
        s_r = w[_R_SR * bl + k]
        cos_i = w[_R_COS * bl + k]
        normal_r = w[_R_NR * bl + k]
        alt = w[_R_ALT * bl + k]
        iam = w[_R_IAM * bl + k]
        solar = w[_R_SOLAR * bl + k]
        g = solar * f
        big_h = 1.0 + alt / r_e
        inv_h2 = 1.0 / (big_h * big_h)
        # Earth IR and albedo on the array (twin.power.array_earth_flux_w_m2)
        f_sum = earth_view_factor_sum(alt, normal_r, r_e)
        f_diff = normal_r / (big_h * big_h)
        s_up = max(s_r, 0.0)
        alb = alpha * solar * albedo * s_up
        q_earth = (0.5 * (eps_f + eps_b) * e_ir + alb) * f_sum \
            + 0.5 * (eps_b - eps_f) * e_ir * f_diff
        # cell temperature (twin.power.cell_temp_c, 3 Newton iterations)
        gp = g * cos_i * iam
        q_abs = alpha * gp + q_earth
        e1 = pf * gp * eta * gam * dfac
        e0 = pf * gp * eta * dfac - e1 * t_ref_k
        out_ref = pf * gp * eta * dfac
        t = np.sqrt(np.sqrt(max(q_abs - out_ref, 1e-12) / k_cell))
        for _ in range(3):
            t3 = t * t * t
            t = t - (k_cell * t3 * t + e0 + e1 * t - q_abs) / (4.0 * k_cell * t3 + e1)
        cell_c = t - ZERO_C_K
        # efficiency and power (twin.power.cell_efficiency, array_power_w)
        eff = max(eta * (1.0 + gam * (cell_c - t_ref)) * dfac, 0.0)
        w[_R_PA * bl + k] = area * pf * eff * g * cos_i * iam
        w[_R_CELL * bl + k] = cell_c
        # radiator (twin.thermal.radiator_view_factors, radiator_environment_heat_w): the
        # face's cos(nadir) is sqrt(1 - s_r^2) edge-on, 0 edge-on-vertical (zenith: unused)
        c = np.sqrt(max(1.0 - s_r * s_r, 0.0)) if edge_on else 0.0
        total = earth_view_factor_sum(alt, c, r_e)
        view = total if two_sided else 0.5 * (total + c * inv_h2)
        view = (inv_h2 if two_sided else 0.0) if zenith else view
        q = (r_alpha * albedo * solar * s_up + r_eps * e_ir) * view
        sun_cos = abs(s_r) if two_sided else s_up
        q = q + r_alpha * solar * f * sun_cos if zenith else q
        w[_R_QENV * bl + k] = r_area * q


@njit(cache=True, error_model="numpy")
def environment_rows(sunlit, sun_rsw, alt_km, solar_w_m2, cos_incidence, normal_r, iam,
                     prm, array_power_w,
                     cell_temp_c, environment_heat_w):  # pragma: no cover - compiled
    """:func:`twin.physics._environment` for a chunk, satellite-major (n_sat, n_time).

    ``sunlit``, ``alt_km`` (n_sat, n_time); ``sun_rsw`` (n_sat, n_time, 3); ``solar_w_m2``
    (n_time,) the unshadowed irradiance; ``cos_incidence`` and ``normal_r`` (n_sat, n_time)
    the array's cos(incidence) and cell-face normal's radial component, or (0, 0) arrays for
    a sun-tracking array (1 and s_r); ``iam`` (n_sat, n_time) the cover-glass modifier or a
    (0, 0) array for 1; ``prm`` the design constants in the order of :data:`ENV_PARAMS`.
    Writes the three outputs (n_sat, n_time) in place.  Per satellite, blocks of
    :data:`BLOCK` steps are copied into a scratch, computed by the vectorised
    :func:`_environment_block` and copied out.
    """
    n, nt = sunlit.shape
    bl = BLOCK
    w = np.empty(_ENV_ROWS * bl)
    use_iam = iam.shape[0] > 0
    fixed = cos_incidence.shape[0] > 0
    for i in range(n):
        for j0 in range(0, nt, bl):
            nb = min(bl, nt - j0)
            for k in range(bl):
                j = j0 + k if k < nb else nt - 1          # pad with the last step
                w[_R_F * bl + k] = sunlit[i, j]
                s_r = sun_rsw[i, j, 0]
                w[_R_SR * bl + k] = s_r
                w[_R_COS * bl + k] = cos_incidence[i, j] if fixed else 1.0
                w[_R_NR * bl + k] = normal_r[i, j] if fixed else s_r
                w[_R_ALT * bl + k] = alt_km[i, j]
                w[_R_IAM * bl + k] = iam[i, j] if use_iam else 1.0
                w[_R_SOLAR * bl + k] = solar_w_m2[j]
            _environment_block(w, prm)
            for k in range(nb):
                array_power_w[i, j0 + k] = w[_R_PA * bl + k]
                cell_temp_c[i, j0 + k] = w[_R_CELL * bl + k]
                environment_heat_w[i, j0 + k] = w[_R_QENV * bl + k]
