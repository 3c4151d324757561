"""Battery and bus dispatch."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.models import battery


def test_floor():
    assert battery.floor_wh(1000.0, 0.3) == pytest.approx(700.0)
    assert battery.floor_wh(1000.0, 1.0) == 0.0


def test_available_power_above_and_below_the_floor():
    p = battery.available_power_w(np.array([800.0, 600.0]), 700.0, 3600.0, 0.9, 0.8)
    assert p[0] == pytest.approx(0.8 * 100.0)
    assert p[1] == pytest.approx(-100.0 / 0.9)


def test_surplus_charges_and_the_rest_is_curtailed():
    f = battery.dispatch(np.array([500.0]), np.array([2000.0]), np.array([990.0]), 1000.0, 3600.0,
                         0.95, 0.97, 0.97)
    assert f["energy_wh"][0] == pytest.approx(1000.0)
    assert f["battery_power_w"][0] == pytest.approx(10.0 / 0.97)
    assert f["used_w"][0] == pytest.approx((500 + 10 / 0.97) / 0.95)
    assert f["curtailed_w"][0] == pytest.approx(2000 - (500 + 10 / 0.97) / 0.95)


def test_deficit_is_drawn_from_the_battery():
    f = battery.dispatch(np.array([1000.0]), np.array([0.0]), np.array([5000.0]), 10000.0, 1800.0,
                         0.95, 0.97, 0.9)
    assert f["energy_wh"][0] == pytest.approx(5000 - 1000 / 0.9 * 0.5)
    assert f["battery_power_w"][0] == pytest.approx(-1000.0)
    assert f["battery_loss_w"][0] == pytest.approx(1000 / 0.9 * 0.1)
    assert f["curtailed_w"][0] == 0.0 and f["used_w"][0] == 0.0


@settings(max_examples=150, deadline=None)
@given(demand=st.floats(0.0, 2e5), array=st.floats(0.0, 2e5), cap=st.floats(0.0, 1e5),
       soc=st.floats(0.0, 1.0), dt=st.floats(1.0, 3600.0), eta_c=st.floats(0.5, 1.0),
       eta_ch=st.floats(0.5, 1.0), eta_dis=st.floats(0.5, 1.0))
def test_dispatch_closes_energy_and_respects_capacity(demand, array, cap, soc, dt, eta_c, eta_ch,
                                                      eta_dis):
    e0 = soc * cap
    # keep the demand within what array + battery can supply (the controller's job)
    demand = min(demand, eta_c * array + eta_dis * e0 * 3600 / dt)
    f = battery.dispatch(np.array([demand]), np.array([array]), np.array([e0]), cap, dt, eta_c,
                         eta_ch, eta_dis)
    scale = array + demand + 1.0
    bus_side = array - demand - f["curtailed_w"] - f["conversion_loss_w"] - f["battery_power_w"]
    assert abs(bus_side[0]) < 1e-9 * scale
    d_e_w = (f["energy_wh"] - e0) * 3600.0 / dt
    storage_side = array - demand - f["curtailed_w"] - f["conversion_loss_w"] \
        - f["battery_loss_w"] - d_e_w
    assert abs(storage_side[0]) < 1e-9 * scale + 1e-9 * cap * 3600 / dt
    assert -1e-9 * (cap + 1) <= f["energy_wh"][0] <= cap * (1 + 1e-12) + 1e-12
    assert f["curtailed_w"][0] >= -1e-9 * scale
    assert f["battery_loss_w"][0] >= 0 and f["conversion_loss_w"][0] >= 0


def _reserve_brute_force(d):
    out = np.zeros_like(d)
    n = len(d)
    for k in range(n):
        j = k + 1
        if d[k] > 0:                               # rest of the current run
            while j < n and d[j] > 0:
                out[k] += d[j]
                j += 1
        else:                                      # all of the next run
            while j < n and d[j] == 0:
                j += 1
            while j < n and d[j] > 0:
                out[k] += d[j]
                j += 1
    return out


def test_eclipse_reserve_known_pattern():
    d = np.array([0, 0, 1, 2, 3, 0, 0, 5, 5, 0], float)
    expected = np.array([6, 6, 5, 3, 0, 10, 10, 5, 0, 0], float)
    np.testing.assert_allclose(battery.eclipse_reserve_wh(d), expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.0, 1.0, 2.5]), min_size=1, max_size=40))
def test_eclipse_reserve_matches_brute_force_on_any_axis(values):
    d = np.array(values)
    np.testing.assert_allclose(battery.eclipse_reserve_wh(d), _reserve_brute_force(d))
    two = np.stack([d, d[::-1]])
    np.testing.assert_allclose(battery.eclipse_reserve_wh(two.T, axis=0),
                               np.stack([_reserve_brute_force(d),
                                         _reserve_brute_force(d[::-1])]).T)


def test_recharge_horizon_counts_the_steps_to_the_next_run():
    d = np.array([[0, 0, 1, 1, 0, 0, 0, 2, 0, 0.0]])
    got = battery.recharge_horizon_s(d, 60.0)
    # brute force: steps from k to the next index with d > 0 (1 step inside a run); past the
    # last run, to the end of the chunk and one more step
    want = []
    for k in range(d.shape[1]):
        if d[0, k] > 0:
            want.append(60.0)
            continue
        nxt = [j for j in range(k, d.shape[1]) if d[0, j] > 0]
        want.append(60.0 * (nxt[0] - k if nxt else d.shape[1] - k + 10))
    np.testing.assert_allclose(got[0, :8], want[:8])
    assert np.all(got[0, 8:] >= 60.0 * 10)
    np.testing.assert_allclose(battery.recharge_horizon_s(d.T, 60.0, axis=0), got.T)


def test_reserve_power_spreads_a_shortfall_over_the_horizon():
    # above the raised floor: the surplus within the step; below: the recharge over the horizon
    assert battery.reserve_power_w(110.0, 100.0, 60.0, 600.0, 0.9, 0.95) \
        == pytest.approx(0.95 * 10.0 * 3600 / 60.0)
    assert battery.reserve_power_w(90.0, 100.0, 60.0, 600.0, 0.9, 0.95) \
        == pytest.approx(-10.0 * 3600 / (0.9 * 600.0))
    # with a one-step horizon it is available_power_w
    assert battery.reserve_power_w(90.0, 100.0, 60.0, 60.0, 0.9, 0.95) \
        == pytest.approx(battery.available_power_w(90.0, 100.0, 60.0, 0.9, 0.95))
