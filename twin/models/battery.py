"""Battery and power bus: one time step of the energy bookkeeping (array -> regulated bus ->
loads, surplus -> battery, deficit <- battery), the depth-of-discharge floor, and the
look-ahead eclipse reserve of the ``"reserve"`` policy.

Power flows (all [W], averaged over the step) and the losses they define:

* array DC at the maximum power point ``P_a``; the part drawn from the array ``P_used``; the
  rest is curtailed, ``P_curt = P_a - P_used`` (left on the array by the shunt regulator);
* array -> bus regulation: bus receives eta_c P_used, loss ``L_c = (1 - eta_c) P_used``;
* charging with ``P_ch`` from the bus: stored energy grows by eta_ch P_ch dt;
  discharging ``P_dis`` out of storage: the bus receives eta_dis P_dis;
  battery loss ``L_b = (1 - eta_ch) P_ch + (1 - eta_dis) P_dis``;
* battery terminal (bus-side) power ``P_bt = P_ch - eta_dis P_dis`` (+ charge, - discharge).

By construction, every step:

    P_a = P_load + P_curt + L_c + P_bt            (bus side)
    P_a = P_load + P_curt + L_c + L_b + dE/dt      (storage side, dE/dt = eta_ch P_ch - P_dis)

The charge/discharge efficiencies lump the cells and their charge/discharge regulators.
"""
from __future__ import annotations

import numpy as np

from ephemeris.fastmath import any_true, asfloat, kernel, maximum, minimum, model, where
from twin.models.constants import S_PER_H

#: Names of the flows :func:`bus_flows` returns, in order (the keys of :func:`dispatch`).
FLOWS = ("energy_wh", "used_w", "curtailed_w", "conversion_loss_w", "battery_power_w",
         "battery_loss_w")

#: Relative shortfall of housekeeping power still counted as served: the reserve policy plans
#: the battery down to the floor plus the eclipse reserve exactly, and round-off (~1e-12) must
#: not turn the last eclipse step dark.  1e-9 of a step's energy is far below any real margin.
HK_TOLERANCE = 1e-9


@model
def floor_wh(capacity_wh, max_depth_of_discharge):
    """Lowest allowed stored energy, E_floor = C (1 - DoD_max) [Wh].

    Parameters
    ----------
    capacity_wh : float
        Capacity [Wh].
    max_depth_of_discharge : float
        Largest allowed depth of discharge [1], in (0, 1].

    Returns
    -------
    float
        Floor [Wh].

    References
    ----------
    .. [1] LEO practice: 20-40 % DoD per cycle for multi-year life (~5,000 cycles a year);
       Patel, *Spacecraft Power Systems*, 2005, ch. 9.
    """
    return capacity_wh * (1.0 - max_depth_of_discharge)


@model
def available_power_w(energy_wh, floor_wh, step_s, charge_efficiency, discharge_efficiency):
    """Bus-side power the battery can deliver over one step without going below ``floor_wh``.

    P = eta_dis (E - E_floor) / dt when E >= E_floor; when E < E_floor (a raised floor, e.g. an
    eclipse reserve) it is negative: -(E_floor - E) / (eta_ch dt), the bus power needed to
    recharge to the floor within the step.

    Parameters
    ----------
    energy_wh : array_like
        Stored energy at the start of the step [Wh].
    floor_wh : array_like
        Floor [Wh].
    step_s : float
        Time step [s].
    charge_efficiency, discharge_efficiency : float
        Bus-to-storage and storage-to-bus efficiencies [1].

    Returns
    -------
    numpy.ndarray
        Power [W].
    """
    x = (asfloat(energy_wh) - floor_wh) * (S_PER_H / step_s)
    if any_true(x <= 0.0):              # below the floor: recharge (divide only where needed)
        return where(x > 0.0, discharge_efficiency * x, x / charge_efficiency)
    return discharge_efficiency * x


@model
def reserve_power_w(energy_wh, floor_wh, step_s, horizon_s, charge_efficiency,
                    discharge_efficiency):
    """Bus-side power the battery may give the payload under the "reserve" policy [W].

    Above the raised floor (the DoD floor plus the eclipse reserve) it is the whole surplus
    within the step, eta_dis (E - E_floor) / dt; below it, it is negative: the bus power that
    recharges the shortfall by the start of the next eclipse, -(E_floor - E) / (eta_ch t_h),
    with t_h the time until that eclipse (:func:`recharge_horizon_s`, at least one step).
    Spreading the recharge over the sunlit arc keeps the GPUs running right after an eclipse
    instead of sending the whole array to the battery for a step or two.

    Parameters
    ----------
    energy_wh : array_like
        Stored energy at the start of the step [Wh].
    floor_wh : array_like
        Raised floor [Wh].
    step_s : float
        Time step [s].
    horizon_s : array_like
        Time to recharge a shortfall in [s], >= ``step_s``.
    charge_efficiency, discharge_efficiency : float
        Bus-to-storage and storage-to-bus efficiencies [1].

    Returns
    -------
    numpy.ndarray
        Power [W] (negative: power the battery must receive).
    """
    x = (asfloat(energy_wh) - floor_wh) * S_PER_H
    if any_true(x <= 0.0):
        return where(x > 0.0, discharge_efficiency * x / step_s,
                     x / (charge_efficiency * horizon_s))
    return discharge_efficiency * x / step_s


@model
def bus_flows(demand_w, array_power_w, energy_wh, capacity_wh, step_s, conversion_efficiency,
             charge_efficiency, discharge_efficiency):
    """One step of the power bus: serve ``demand_w`` from the array first, charge the battery
    with any surplus up to capacity (the rest is curtailed), cover any deficit from the battery.

    The caller must keep the demand within what the array and battery can supply (the
    controller in :mod:`twin.models.satellite` does); the battery is not clipped here, so that the
    energy balance closes exactly.

    Parameters
    ----------
    demand_w : array_like
        Bus load to serve, P_load [W].
    array_power_w : array_like
        Array DC power available, P_a [W].
    energy_wh : array_like
        Stored energy at the start of the step [Wh].
    capacity_wh : float
        Capacity [Wh].
    step_s : float
        Time step [s].
    conversion_efficiency : float
        Array-to-bus regulation efficiency eta_c [1].
    charge_efficiency, discharge_efficiency : float
        eta_ch and eta_dis [1].

    Returns
    -------
    tuple of numpy.ndarray (or floats)
        In the order of :data:`FLOWS`: ``energy_wh`` (end of step) [Wh], ``used_w`` (drawn
        from the array) [W], ``curtailed_w`` [W], ``conversion_loss_w`` [W],
        ``battery_power_w`` (terminal, bus side, + charge) [W], ``battery_loss_w`` [W].

    References
    ----------
    .. [1] Direct-energy-transfer bus with a shunt regulator and battery charge/discharge
       regulators: Patel 2005, ch. 3 and 9; Fortescue et al. 2011, ch. 10.
    """
    e = energy_wh
    net = conversion_efficiency * array_power_w - demand_w
    headroom_w = (capacity_wh - e) * (S_PER_H / step_s / charge_efficiency)
    charge = minimum(maximum(net, 0.0), maximum(headroom_w, 0.0))
    discharge = maximum(-net, 0.0) / discharge_efficiency
    used = array_power_w                # a deficit draws the whole array
    if any_true(net >= 0.0):
        used = where(net >= 0.0, (demand_w + charge) / conversion_efficiency, array_power_w)
    return (e + (charge_efficiency * charge - discharge) * (step_s / S_PER_H),
            used,
            array_power_w - used,
            (1.0 - conversion_efficiency) * used,
            charge - discharge_efficiency * discharge,
            (1.0 - charge_efficiency) * charge + (1.0 - discharge_efficiency) * discharge)


def dispatch(demand_w, array_power_w, energy_wh, capacity_wh, step_s, conversion_efficiency,
             charge_efficiency, discharge_efficiency):
    """:func:`bus_flows` as a dict keyed by :data:`FLOWS` (``energy_wh``, ``used_w``,
    ``curtailed_w``, ``conversion_loss_w``, ``battery_power_w``, ``battery_loss_w``)."""
    return dict(zip(FLOWS, bus_flows(demand_w, array_power_w, energy_wh, capacity_wh, step_s,
                                     conversion_efficiency, charge_efficiency,
                                     discharge_efficiency)))


@model
def housekeeping_deficit_wh(housekeeping_w, array_power_w, conversion_efficiency,
                            discharge_efficiency, step_s):
    """Energy the battery must supply in a step to carry housekeeping alone [Wh].

    d = max(P_hk - eta_c P_a, 0) / eta_dis * dt / 3600.

    Parameters
    ----------
    housekeeping_w : float
        Housekeeping (bus) load P_hk [W].
    array_power_w : array_like
        Array DC power P_a [W].
    conversion_efficiency, discharge_efficiency : float
        eta_c and eta_dis [1].
    step_s : float
        Time step [s].

    Returns
    -------
    numpy.ndarray
        Deficit d [Wh].
    """
    return maximum(housekeeping_w - conversion_efficiency * array_power_w, 0.0) \
        / discharge_efficiency * (step_s / S_PER_H)


@kernel
def reserve_rows(deficit_wh, out):  # pragma: no cover - compiled
    """:func:`eclipse_reserve_wh` of each row of ``deficit_wh`` (n, T), into ``out`` (n, T).

    One backward pass per row: T_k = d_k at the end of a run of d > 0 (a step whose next step
    has d = 0, or the last step), else d_k + T_{k+1} (outside a run T_{k+1} is the whole next
    run); the reserve is max(T_k - d_k, 0)."""
    n, n_t = deficit_wh.shape
    for i in range(n):
        total = 0.0
        d_next = 0.0
        for k in range(n_t - 1, -1, -1):
            d = deficit_wh[i, k]
            if d > 0.0 and not d_next > 0.0:          # k ends a run
                total = d
            else:
                total = d + total
            out[i, k] = max(total - d, 0.0)
            d_next = d
    return out


@kernel
def horizon_rows(deficit_wh, step_s, out):  # pragma: no cover - compiled
    """:func:`recharge_horizon_s` of each row of ``deficit_wh`` (n, T), into ``out`` (n, T)."""
    n, n_t = deficit_wh.shape
    for i in range(n):
        steps = float(n_t)                    # no run ahead: the rest of the chunk and more
        for k in range(n_t - 1, -1, -1):
            if deficit_wh[i, k] > 0.0:
                steps = 0.0                   # in a run: the reserve is due now
            else:
                steps = steps + 1.0
            out[i, k] = max(steps, 1.0) * step_s
    return out


def recharge_horizon_s(deficit_wh, step_s, axis=-1):
    """Time from the start of each step to the start of the next run of deficit steps (the
    next eclipse), at least one step [s]; one step inside a run.  Past the last run of the
    chunk it counts on to the chunk's end and beyond (no reserve is due there).

    Parameters
    ----------
    deficit_wh : array_like
        Energy needed from storage per step, d [Wh] (runs of d > 0 are eclipses).
    step_s : float
        Time step [s].
    axis : int, default -1
        Time axis.

    Returns
    -------
    numpy.ndarray
        Horizon [s], same shape as ``deficit_wh``.
    """
    return _by_rows(deficit_wh, axis, lambda rows, out: horizon_rows(rows, float(step_s), out))


def eclipse_reserve_wh(deficit_wh, axis=-1):
    """Energy to hold back at each step for the rest of the current, or all of the next, run of
    deficit steps (look-ahead along ``axis``), excluding the step itself.

    With d_k >= 0 the storage energy needed at step k (e.g. housekeeping not covered by the
    array, :func:`housekeeping_deficit_wh`), a "run" is a maximal stretch of consecutive steps
    with d > 0 (an eclipse).  The reserve at step k is the sum of d_j over j > k up to the end
    of the run containing k, or, outside a run, over the whole next run.  Steps beyond the end
    of the array are not seen (a run cut by the end of the chunk counts only its part
    inside).  Computed by one backward pass per series (:func:`reserve_rows`).

    Parameters
    ----------
    deficit_wh : array_like
        Energy needed from storage per step, d [Wh].
    axis : int, default -1
        Time axis.

    Returns
    -------
    numpy.ndarray
        Reserve [Wh], same shape as ``deficit_wh``.
    """
    return _by_rows(deficit_wh, axis, reserve_rows)


def _by_rows(deficit_wh, axis, row_kernel):
    """Apply a kernel ``row_kernel(rows, out)`` over (n, T) rows of ``deficit_wh`` taken along
    ``axis``; the result has the shape of ``deficit_wh``."""
    d = np.moveaxis(np.asarray(deficit_wh, dtype=float), axis, -1)
    rows = np.ascontiguousarray(d.reshape(-1, d.shape[-1]) if d.ndim else d.reshape(1, 1))
    out = row_kernel(rows, np.empty_like(rows))
    return np.moveaxis(out.reshape(d.shape), -1, axis)
