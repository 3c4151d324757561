"""DVFS curve, throttling rule and thermal cap."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.design import ComputePayload
from twin.models import compute, thermal

CP = ComputePayload()


def test_dvfs_anchor_points():
    f = compute.throughput_fraction
    assert f(1.0) == 1.0
    assert 0.80 <= f(0.65) <= 0.90
    assert 0.80 <= f(0.60) and f(0.70) <= 0.90          # "80-90 % at 60-70 % power"
    assert f(CP.idle_fraction) == 0.0
    assert f(0.0) == 0.0


def test_dvfs_is_monotone_and_concave_and_falls_faster_at_low_power():
    p = np.linspace(0.0, 1.0, 2001)
    x = compute.throughput_fraction(p)
    assert np.all(np.diff(x) >= 0)
    on = p > CP.idle_fraction + 1e-3
    slope = np.diff(x[on]) / np.diff(p[on])
    assert np.all(np.diff(slope) <= 1e-9)                # concave
    assert (x[1000] - x[800]) / 0.1 > (x[2000] - x[1800]) / 0.1   # steeper at 40-50 % than 90-100 %


@settings(max_examples=50, deadline=None)
@given(p=st.floats(0.0, 1.0), idle=st.floats(0.0, 0.3), gamma=st.floats(1.0, 5.0))
def test_dvfs_inverse_round_trip(p, idle, gamma):
    x = compute.throughput_fraction(p, idle, gamma)
    assert compute.power_fraction_for_throughput(x, idle, gamma) == \
        pytest.approx(max(p, idle), abs=1e-12)


def _throttle(budget):
    return compute.throttle(np.atleast_1d(budget), CP.gpus, CP.gpu_power_w,
                            CP.host_power_w_per_gpu, CP.min_power_fraction)


def test_throttle_regimes():
    full = CP.full_power_w
    n, p = _throttle([2 * full, full, 0.8 * full, 10.0])
    assert list(n) == [64, 64, 64, 0] and p[0] == p[1] == 1.0 and p[3] == 0.0
    # 0.8 x full with all GPUs on: uniform cap
    assert p[2] == pytest.approx((0.8 * full / 64 - 400.0) / 1400.0)
    # below all-at-p_min, GPUs switch off; the rest share the remainder
    per_min = 0.5 * 1400 + 400
    n, p = _throttle(10.5 * per_min)
    assert n[0] == 10 and p[0] == pytest.approx((10.5 * per_min / 10 - 400) / 1400)


@settings(max_examples=100, deadline=None)
@given(budget=st.floats(0.0, 2e5))
def test_throttle_never_exceeds_the_budget_and_respects_the_floor(budget):
    n, p = _throttle(budget)
    used = compute.payload_power_w(n, p, CP.gpu_power_w, CP.host_power_w_per_gpu)
    assert used[0] <= budget * (1 + 1e-9) + 1e-6
    assert 0 <= n[0] <= CP.gpus and float(n[0]).is_integer()
    if n[0] > 0:
        assert CP.min_power_fraction <= p[0] <= 1.0
    # nothing left on the table that could switch on another GPU or raise the cap
    if n[0] < CP.gpus:
        assert budget - used[0] < CP.min_power_fraction * CP.gpu_power_w \
            + CP.host_power_w_per_gpu or p[0] == 1.0


def test_throughput_grows_with_budget_apart_from_gpu_switching_steps():
    b = np.linspace(0, CP.full_power_w * 1.1, 5001)
    n, p = _throttle(b)
    thr = n * compute.throughput_fraction(p)
    assert thr[-1] == CP.gpus
    # never drops by more than one GPU's worth when the budget grows
    assert np.all(np.diff(thr) > -1.0)


@settings(max_examples=80, deadline=None)
@given(t0=st.floats(250.0, 340.0), base=st.floats(0.0, 6e4), area=st.floats(20.0, 300.0),
       cap=st.floats(0.0, 5e6), dt=st.floats(1.0, 1200.0), frac=st.floats(0.0, 1.0))
def test_thermal_cap_keeps_the_gpu_at_or_below_its_limit(t0, base, area, cap, dt, frac):
    k = thermal.radiating_conductance_w_per_k4(area, 0.9, 2)
    n0, p0 = _throttle(frac * CP.full_power_w)
    kw = dict(gpu_power_w=CP.gpu_power_w, host_power_w_per_gpu=CP.host_power_w_per_gpu,
              min_power_fraction=CP.min_power_fraction, max_gpu_temp_k=CP.max_gpu_temp_k,
              thermal_resistance_k_per_w=CP.thermal_resistance_k_per_w, radiating_w_per_k4=k,
              heat_capacity_j_per_k=cap)
    n, p, limited = compute.thermal_cap(n0, p0, np.atleast_1d(t0), base, dt, **kw)
    assert n[0] <= n0[0] and (n[0] == 0 or p[0] <= p0[0] + 1e-15)
    q = base + compute.payload_power_w(n, p, CP.gpu_power_w, CP.host_power_w_per_gpu)
    t1 = thermal.end_temp_k(t0, q, k, cap, dt)
    if n[0] > 0:
        rise = CP.thermal_resistance_k_per_w * CP.gpu_power_w * p[0]
        assert t1[0] + rise <= CP.max_gpu_temp_k + 1e-3          # end of step
        assert t0 + rise <= CP.max_gpu_temp_k + 1e-3             # start of step
        if limited[0] and n[0] == n0[0] and p[0] > CP.min_power_fraction \
                and t0 + CP.thermal_resistance_k_per_w * CP.gpu_power_w * p0[0] \
                <= CP.max_gpu_temp_k:
            # thermally limited by the end-of-step condition: it sits on the limit
            assert t1[0] + rise == pytest.approx(CP.max_gpu_temp_k, abs=0.01)
    else:
        assert p[0] == 0.0
    assert limited[0] == bool(n[0] < n0[0] or p[0] < p0[0])
