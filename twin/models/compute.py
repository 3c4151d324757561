"""Compute payload: GPU throughput under a power cap (DVFS curve), the throttling rule that
turns a payload power budget into GPUs on and a per-GPU power, and the thermal cap that turns
the radiator's heat budget into the same two numbers.

Throughput is counted in GB300-equivalents: one Blackwell Ultra GPU at its rated 1.4 kW
delivering its rated dense throughput (15 PFLOPS FP4, 5 FP8, 2.5 BF16) is 1.

All functions are pure and vectorised over satellites (and time where it applies), and are
compiled for scalars inside the time loop (:mod:`ephemeris.fastmath`).
"""
from __future__ import annotations

import numpy as np

from ephemeris.fastmath import any_true, asfloat, maximum, minimum, model, power, where

#: Small tolerance, in GPU-equivalents, for floor() of budgets that land on a whole number of
#: GPUs up to rounding (avoids flicker of one GPU; the overshoot is < 1e-6 W).
_COUNT_TOL = 1e-9


@model
def throughput_fraction(power_fraction, idle_fraction=0.12, exponent=3.0):
    r"""DVFS curve: throughput of one GPU relative to its rating, at a fraction of rated power.

    Board power = static (idle) part + dynamic part; dynamic power scales as C V^2 f and, along
    the DVFS table, V roughly with f, so dynamic power ~ f^3 while compute-bound throughput ~ f:

    .. math::

        \frac{P}{P_{rated}} = i + (1 - i)\,x^{\gamma}
        \quad\Longrightarrow\quad
        x = \left(\frac{\max(p - i,\,0)}{1 - i}\right)^{1/\gamma}

    with p the power fraction, i the idle fraction and gamma the DVFS exponent (3 by default).
    x(1) = 1, x(i) = 0; x is increasing and concave, steeper at low power ("falls faster below
    ~50 %").  With i = 0.12, gamma = 3: x(0.70) = 0.87, x(0.65) = 0.84, x(0.60) = 0.82,
    x(0.50) = 0.76, x(0.30) = 0.59.

    Parameters
    ----------
    power_fraction : array_like
        GPU board power / rated board power [1], in [0, 1].
    idle_fraction : float, default 0.12
        Idle power / rated power [1] (typical data-centre GPU idle draw 10-15 %).
    exponent : float, default 3.0
        DVFS exponent gamma [1] (dynamic power ~ f^gamma).

    Returns
    -------
    numpy.ndarray
        Throughput / rated throughput [1], in [0, 1].

    References
    ----------
    .. [1] J. McDonald, B. Li, N. Frey, D. Tiwari, V. Gadepally, S. Samsi, "Great Power, Great
       Responsibility: Recommendations for Reducing Energy for Training Language Models",
       Findings of NAACL 2022, arXiv:2205.09646 (V100 capped at 60 % of board power: ~15 % less
       energy for a modest increase in training time).
    .. [2] D. Zhao, S. Samsi, J. McDonald, et al., "Sustainable Supercomputing for AI: GPU
       Power Capping at HPC Scale", ACM SoCC 2023.
    .. [3] Project reference parameters: LLM training keeps ~80-90 % of throughput at 60-70 %
       of board power and falls faster below ~50 %.  The functional form (cubic dynamic power
       over a static floor) is an assumption calibrated to that range.
    """
    p = asfloat(power_fraction)
    x = maximum(p - idle_fraction, 0.0) / (1.0 - idle_fraction)
    return power(minimum(x, 1.0), 1.0 / exponent)


@model
def power_fraction_for_throughput(throughput, idle_fraction=0.12, exponent=3.0):
    """Inverse of :func:`throughput_fraction`: p = i + (1 - i) x^gamma [1].

    Parameters
    ----------
    throughput : array_like
        Throughput fraction x [1], in [0, 1].
    idle_fraction : float, default 0.12
        Idle power fraction i [1].
    exponent : float, default 3.0
        DVFS exponent gamma [1].

    Returns
    -------
    numpy.ndarray
        Power fraction [1].
    """
    x = minimum(maximum(asfloat(throughput), 0.0), 1.0)
    return idle_fraction + (1.0 - idle_fraction) * x ** exponent


@model
def payload_power_w(gpus_on, power_fraction, gpu_power_w, host_power_w_per_gpu):
    """Payload power: GPUs that are on at their power fraction plus their hosts [W].

    P = n (p P_gpu + P_host).

    Parameters
    ----------
    gpus_on : array_like
        GPUs on [1].
    power_fraction : array_like
        Per-GPU power / rated power [1].
    gpu_power_w : float
        Rated board power per GPU [W].
    host_power_w_per_gpu : float
        Host share per GPU (CPU, NICs, switches, storage) [W].

    Returns
    -------
    numpy.ndarray
        Payload power [W].
    """
    return gpus_on * (power_fraction * gpu_power_w + host_power_w_per_gpu)


@model
def throttle(payload_budget_w, gpus, gpu_power_w, host_power_w_per_gpu, min_power_fraction):
    """Throttling rule: the GPUs on and the per-GPU power fraction that fit a payload budget.

    1. Budget >= N (P_gpu + P_host): all N GPUs at full power (p = 1).
    2. Else, uniform power capping of all N GPUs down to ``min_power_fraction``:
       p = (B/N - P_host) / P_gpu.
    3. Below N (p_min P_gpu + P_host), whole GPUs switch off with their hosts:
       n = floor(B / (p_min P_gpu + P_host)), and the remaining budget is shared by the n GPUs
       that are on, p = min(1, (B/n - P_host) / P_gpu) >= p_min.

    Each GPU that is on draws at least p_min >= idle fraction of its rating; host power follows
    the GPUs that are on.  The power used, :func:`payload_power_w`, never exceeds the budget.

    Parameters
    ----------
    payload_budget_w : array_like
        Electrical power available to the payload [W].
    gpus : int
        GPUs installed N.
    gpu_power_w : float
        Rated board power per GPU [W].
    host_power_w_per_gpu : float
        Host power per GPU [W].
    min_power_fraction : float
        Lowest per-GPU power fraction before GPUs are switched off [1].

    Returns
    -------
    gpus_on : numpy.ndarray of float
        GPUs on, whole numbers in [0, N] [1].
    power_fraction : numpy.ndarray
        Per-GPU power fraction [1]: in [p_min, 1] where GPUs are on, 0 where none are.

    References
    ----------
    .. [1] Rule stated in the project's issue 3 (uniform capping, then whole GPUs off); an
       operating-policy assumption, not a measured controller.
    """
    b = maximum(payload_budget_w, 0.0)
    per_gpu_min = min_power_fraction * gpu_power_w + host_power_w_per_gpu
    n = minimum(np.floor(b / per_gpu_min + _COUNT_TOL), float(gpus))
    p = (b / maximum(n, 1.0) - host_power_w_per_gpu) / gpu_power_w
    p = where(n > 0.0, minimum(maximum(p, min_power_fraction), 1.0), 0.0)
    return n, p


@model
def thermal_cap(gpus_on, power_fraction, radiator_temp_k, base_heat_w, step_s, gpu_power_w,
                host_power_w_per_gpu, min_power_fraction, max_gpu_temp_k,
                thermal_resistance_k_per_w, radiating_w_per_k4, heat_capacity_j_per_k,
                iterations=4, payload_heat_factor=1.0):
    r"""Reduce (GPUs on, power fraction) so the GPUs stay at or below their temperature limit.

    Over one backward-Euler step of the radiator node (see :mod:`twin.thermal`), running n GPUs
    at power fraction p gives the end-of-step GPU temperature T_1 + R p P_gpu.  With
    T_lim(p) = T_max - R p P_gpu and h(T) = C/dt (T - T_0) + k T^4
    (:func:`twin.thermal.heat_for_end_temp_w`), the limit holds iff

    .. math::

        g(p, n) = h(T_{lim}(p)) - Q_{base} - f\,n (p P_{gpu} + P_{host}) \ge 0

    and, so that the GPUs are also within the limit at the start of the step,
    T_0 + R p P_gpu <= T_max.  The same order as :func:`throttle` applies: first the power
    fraction is lowered towards p_min, then whole GPUs are switched off:

    * n_th = floor(g(p_min, 0) / (p_min P_gpu + P_host)) GPUs fit at p_min; n = min(n_in, n_th)
      (0 if even p_min violates the start-of-step condition);
    * p is the largest value in [p_min, p_in] with g(p, n) >= 0.  g is convex and decreasing
      in p, so Newton's method from p_min (where g >= 0) climbs monotonically towards the root
      and every iterate is feasible: the limit is never exceeded, and after a few iterations
      the GPU sits within millikelvin of it.

    Parameters
    ----------
    gpus_on, power_fraction : array_like
        Proposal from the electrical budget (:func:`throttle`) [1].
    radiator_temp_k : array_like
        Radiator node temperature at the start of the step T_0 [K].
    base_heat_w : array_like
        Heat into the radiator node other than the payload: absorbed environment plus
        housekeeping [W].
    step_s : float
        Time step [s].
    gpu_power_w, host_power_w_per_gpu : float
        Rated GPU board power and host power per GPU [W].
    min_power_fraction : float
        Lowest per-GPU power fraction [1].
    max_gpu_temp_k : float
        GPU temperature limit [K].
    thermal_resistance_k_per_w : float
        GPU-to-coolant thermal resistance R [K/W].
    radiating_w_per_k4 : float
        k = eps sigma A_emit of the radiator [W/K^4].
    heat_capacity_j_per_k : float
        Lumped heat capacity C [J/K] (0 = steady state).
    iterations : int, default 4
        Newton iterations on p.
    payload_heat_factor : float, default 1.0
        Heat into the node per watt of payload power [1]: 1 / (DC-DC efficiency) when the
        payload's DC-DC stage sits on the cooling loop (its loss is heat there too).

    Returns
    -------
    gpus_on : numpy.ndarray
        GPUs on [1].
    power_fraction : numpy.ndarray
        Per-GPU power fraction [1].
    limited : numpy.ndarray of bool
        True where the thermal limit reduced the proposal.

    References
    ----------
    .. [1] Throttling order from the project's issue 3; radiator node and GPU temperature from
       :mod:`twin.thermal` (Gilmore 2002, ch. 6; cold-plate resistance an assumption).
    """
    n_in = gpus_on
    p_in = power_fraction
    t0 = radiator_temp_k
    k = radiating_w_per_k4
    rp = thermal_resistance_k_per_w * gpu_power_w
    c_dt = heat_capacity_j_per_k / step_s
    p_min = min_power_fraction
    per_gpu_min = (p_min * gpu_power_w + host_power_w_per_gpu) * payload_heat_factor
    # GPUs that fit at p_min: g(p_min, n) >= 0
    tl_min = max_gpu_temp_k - rp * p_min
    tl_min2 = tl_min * tl_min
    room_min = c_dt * (tl_min - t0) + k * tl_min2 * tl_min2 - base_heat_w
    n_th = np.floor(maximum(room_min, 0.0) / per_gpu_min + _COUNT_TOL)
    # start-of-step condition T0 + R p P <= T_max (1 mK tolerance against rounding)
    p_start = (max_gpu_temp_k - t0) / rp
    n = where(p_start >= p_min - 1e-3 / rp, minimum(n_in, n_th), 0.0)
    p_hi = maximum(minimum(p_in, p_start), p_min)
    tl = max_gpu_temp_k - rp * p_hi
    tl2 = tl * tl
    g_hi = c_dt * (tl - t0) + k * tl2 * tl2 - base_heat_w \
        - n * payload_heat_factor * (p_hi * gpu_power_w + host_power_w_per_gpu)
    short = (g_hi < 0.0) & (n > 0.0)            # p_hi overheats: solve g(p, n) = 0
    p = p_hi
    if any_true(short):
        # g convex and decreasing in p: Newton from p_min climbs to the root, all iterates
        # feasible (g >= 0).
        q = p_hi * 0.0 + p_min
        for _ in range(iterations):
            tl = max_gpu_temp_k - rp * q
            tl3 = tl * tl * tl
            g = c_dt * (tl - t0) + k * tl3 * tl - base_heat_w \
                - n * payload_heat_factor * (q * gpu_power_w + host_power_w_per_gpu)
            dg = -rp * (c_dt + 4.0 * k * tl3) - n * payload_heat_factor * gpu_power_w
            q = minimum(maximum(q - g / dg, p_min), p_hi)
        p = where(short, q, p_hi)
    p = where(n > 0.0, p, 0.0)
    limited = (n < n_in) | (p < p_in)
    return n, p, limited
