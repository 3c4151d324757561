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

#: Seconds per hour: converts W x s to Wh.
S_PER_H = 3600.0

#: Relative shortfall of housekeeping power still counted as served: the reserve policy plans
#: the battery down to the floor plus the eclipse reserve exactly, and round-off (~1e-12) must
#: not turn the last eclipse step dark.  1e-9 of a step's energy is far below any real margin.
HK_TOLERANCE = 1e-9


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
    x = (np.asarray(energy_wh, dtype=float) - floor_wh) * (S_PER_H / step_s)
    return np.where(x > 0.0, discharge_efficiency * x, x / charge_efficiency)


def dispatch(demand_w, array_power_w, energy_wh, capacity_wh, step_s, conversion_efficiency,
             charge_efficiency, discharge_efficiency):
    """One step of the power bus: serve ``demand_w`` from the array first, charge the battery
    with any surplus up to capacity (the rest is curtailed), cover any deficit from the battery.

    The caller must keep the demand within what the array and battery can supply (the
    controller in :mod:`twin.physics` does); the battery is not clipped here, so that the
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
    dict of numpy.ndarray
        ``energy_wh`` (end of step) [Wh], ``used_w`` (drawn from the array) [W],
        ``curtailed_w`` [W], ``conversion_loss_w`` [W], ``battery_power_w`` (terminal, bus
        side, + charge) [W], ``battery_loss_w`` [W].

    References
    ----------
    .. [1] Direct-energy-transfer bus with a shunt regulator and battery charge/discharge
       regulators: Patel 2005, ch. 3 and 9; Fortescue et al. 2011, ch. 10.
    """
    e = energy_wh
    net = conversion_efficiency * array_power_w - demand_w
    headroom_w = (capacity_wh - e) * (S_PER_H / step_s / charge_efficiency)
    charge = np.minimum(np.maximum(net, 0.0), np.maximum(headroom_w, 0.0))
    discharge = np.maximum(-net, 0.0) / discharge_efficiency
    used = np.where(net >= 0.0, (demand_w + charge) / conversion_efficiency, array_power_w)
    return {
        "energy_wh": e + (charge_efficiency * charge - discharge) * (step_s / S_PER_H),
        "used_w": used,
        "curtailed_w": array_power_w - used,
        "conversion_loss_w": (1.0 - conversion_efficiency) * used,
        "battery_power_w": charge - discharge_efficiency * discharge,
        "battery_loss_w": (1.0 - charge_efficiency) * charge
                          + (1.0 - discharge_efficiency) * discharge,
    }


def eclipse_reserve_wh(deficit_wh, axis=-1):
    """Energy to hold back at each step for the rest of the current, or all of the next, run of
    deficit steps (look-ahead along ``axis``), excluding the step itself.

    With d_k >= 0 the storage energy needed at step k (e.g. housekeeping not covered by the
    array), a "run" is a maximal stretch of consecutive steps with d > 0 (an eclipse).  The
    reserve at step k is the sum of d_j over j > k up to the end of the run containing k, or,
    outside a run, over the whole next run.  Steps beyond the end of the array are not seen
    (a run cut by the end of the chunk counts only its part inside).  Fully vectorised:
    reverse cumulative sums and a reverse running minimum of run-end indices.

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
    d = np.moveaxis(np.asarray(deficit_wh, dtype=float), axis, 0)
    n_t = d.shape[0]
    pad = np.zeros((2,) + d.shape[1:])
    rc = np.concatenate([np.cumsum(d[::-1], axis=0)[::-1], pad])      # rc[k] = sum_{j>=k} d_j
    pos = d > 0.0
    nxt = np.concatenate([pos[1:], np.zeros((1,) + d.shape[1:], bool)])
    idx = np.arange(n_t).reshape((n_t,) + (1,) * (d.ndim - 1))
    end = np.where(pos & ~nxt, idx, n_t)                               # index of each run end
    next_end = np.minimum.accumulate(end[::-1], axis=0)[::-1]
    after = np.take_along_axis(rc, next_end + 1, axis=0)
    reserve = rc[:n_t] - after - d
    return np.moveaxis(np.maximum(reserve, 0.0), 0, axis)
