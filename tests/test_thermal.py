"""Thermal models: view factors, environmental loads, radiator balance and the implicit step."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.models import thermal
from twin.models.thermal import EARTH_RADIUS_KM as R
from twin.models.thermal import STEFAN_BOLTZMANN_W_M2_K4 as SIGMA


def numeric_view_factor(alt_km, lam_rad, n=600):
    """F = (1/pi) * integral over the Earth's disc of max(0, cos(angle to normal)) d(omega)."""
    big_h = (R + alt_km) / R
    phi = np.arcsin(1 / big_h)
    psi = (np.arange(n) + 0.5) / n * phi
    az = (np.arange(2 * n) + 0.5) / (2 * n) * 2 * np.pi
    p, a = np.meshgrid(psi, az, indexing="ij")
    d = np.stack([np.sin(p) * np.cos(a), np.sin(p) * np.sin(a), np.cos(p)], -1)  # z = nadir
    normal = np.array([np.sin(lam_rad), 0.0, np.cos(lam_rad)])
    c = np.clip(d @ normal, 0, None)
    return float((c * np.sin(p)).sum() * (phi / n) * (np.pi / n) / np.pi)


@pytest.mark.parametrize("alt_km", [400.0, 1200.0])
@pytest.mark.parametrize("lam_deg", [0, 20, 45, 70, 90, 110, 135, 160, 180])
def test_view_factor_matches_numerical_integration(alt_km, lam_deg):
    lam = np.radians(lam_deg)
    f = thermal.earth_view_factor(alt_km, np.cos(lam))
    assert f == pytest.approx(numeric_view_factor(alt_km, lam), abs=2e-5)


@pytest.mark.parametrize("alt_km", [300.0, 550.0, 2000.0])
def test_view_factor_closed_forms_for_nadir_and_vertical_plates(alt_km):
    big_h = (R + alt_km) / R
    assert thermal.earth_view_factor(alt_km, 1.0) == pytest.approx((R / (R + alt_km)) ** 2)
    assert thermal.earth_view_factor(alt_km, -1.0) == 0.0
    root = np.sqrt(big_h ** 2 - 1)
    vertical = (np.arctan(1 / root) - root / big_h ** 2) / np.pi
    assert thermal.earth_view_factor(alt_km, 0.0) == pytest.approx(vertical, rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(alt=st.floats(150.0, 40000.0), c=st.floats(-1.0, 1.0))
def test_view_factor_pair_identity_and_bounds(alt, c):
    big_h = 1 + alt / R
    f_plus = thermal.earth_view_factor(alt, c)
    f_minus = thermal.earth_view_factor(alt, -c)
    assert 0.0 <= f_plus <= 1.0 / big_h ** 2 + 1e-12
    assert f_plus - f_minus == pytest.approx(c / big_h ** 2, abs=1e-10)
    assert thermal.earth_view_factor_sum(alt, c) == pytest.approx(f_plus + f_minus, abs=1e-12)


def test_view_factor_is_monotone_in_tilt():
    lam = np.linspace(0, np.pi, 721)
    f = thermal.earth_view_factor(550.0, np.cos(lam))
    assert np.all(np.diff(f) <= 1e-15)


@pytest.mark.parametrize("orientation", thermal.RADIATOR_ORIENTATIONS)
@pytest.mark.parametrize("two_sided", [True, False])
def test_fast_radiator_load_equals_sum_over_faces(orientation, two_sided):
    rng = np.random.default_rng(7)
    s_r = rng.uniform(-1, 1, 200)
    alt = rng.uniform(300, 2000, 200)
    sunlit = rng.uniform(0, 1, 200)
    solar = 1361.0
    fast = thermal.radiator_environment_heat_w(orientation, two_sided, 10.0, 0.2, 0.85, s_r, alt,
                                               sunlit, solar)
    slow = 0.0
    for cos_nadir, cos_sun in thermal.radiator_face_geometry(orientation, s_r, two_sided):
        slow = slow + thermal.face_environment_flux_w_m2(cos_nadir, cos_sun, alt, sunlit, solar,
                                                         s_r, 0.2, 0.85)
    np.testing.assert_allclose(fast, 10.0 * slow, rtol=1e-12, atol=1e-9)


def test_edge_on_radiator_sees_no_sun_and_edge_on_is_the_hot_case():
    s_r = np.linspace(-1, 1, 101)
    hot = thermal.radiator_environment_heat_w("edge-on", True, 1.0, 0.12, 0.9, s_r, 550.0, 1.0,
                                              1361.0)
    cold = thermal.radiator_environment_heat_w("edge-on-vertical", True, 1.0, 0.12, 0.9, s_r,
                                               550.0, 1.0, 1361.0)
    assert np.all(hot >= cold - 1e-9)
    # Sun behind the Earth's limb (night side): Earth IR only
    night = thermal.radiator_environment_heat_w("edge-on", True, 1.0, 0.12, 0.9, -1.0, 550.0,
                                                0.0, 1361.0)
    f = thermal.earth_view_factor_sum(550.0, 0.0)
    assert night == pytest.approx(0.9 * 237.0 * f)
    with pytest.raises(ValueError, match="orientation"):
        thermal.radiator_environment_heat_w("tilted", True, 1.0, 0.1, 0.9, 0.0, 550.0, 1.0, 1361.0)


def test_steady_state_temperature_closed_form():
    k = thermal.radiating_conductance_w_per_k4(100.0, 0.9, 2)
    assert k == pytest.approx(0.9 * SIGMA * 200.0)
    q = 120_000.0
    assert thermal.steady_state_temp_k(q, k) == pytest.approx((q / (0.9 * SIGMA * 200)) ** 0.25)
    # 413 W/m^2 per side at 300 K and eps 0.9 (reference table)
    assert thermal.steady_state_temp_k(2 * 413.3, thermal.radiating_conductance_w_per_k4(
        1.0, 0.9, 2)) == pytest.approx(300.0, abs=0.05)


def test_implicit_step_with_no_heat_capacity_is_the_steady_state():
    k = thermal.radiating_conductance_w_per_k4(50.0, 0.9, 2)
    q = np.array([1e3, 5e4, 2e5])
    np.testing.assert_allclose(thermal.end_temp_k(np.array([100.0, 300.0, 500.0]), q, k, 0.0,
                                                  60.0), thermal.steady_state_temp_k(q, k),
                               rtol=1e-12)


@settings(max_examples=100, deadline=None)
@given(t0=st.floats(3.0, 500.0), q=st.floats(0.0, 5e5), area=st.floats(0.1, 1e4),
       cap=st.floats(1e3, 1e8), dt=st.floats(1.0, 4000.0))
def test_implicit_step_solves_backward_euler_from_above(t0, q, area, cap, dt):
    k = thermal.radiating_conductance_w_per_k4(area, 0.9, 2)
    t1 = thermal.end_temp_k(t0, q, k, cap, dt)
    exact = thermal.end_temp_k(t0, q, k, cap, dt, iterations=60)
    assert exact - 1e-9 <= t1 <= exact + 1e-4
    # it lies between the start and the steady state
    ss = thermal.steady_state_temp_k(q, k)
    assert min(t0, ss) - 1e-9 <= exact <= max(t0, ss) + 1e-9
    assert thermal.heat_for_end_temp_w(exact, t0, k, cap, dt) == pytest.approx(q, abs=1e-6 * (
        q + cap / dt * t0 + 1.0))


def test_implicit_integration_converges_to_equilibrium_for_any_step():
    k = thermal.radiating_conductance_w_per_k4(150.0, 0.9, 2)
    q = 140_000.0
    for dt in (10.0, 600.0, 3600.0, 1e6):
        t = 200.0
        for _ in range(int(4e4 / dt) + 50):
            t = thermal.end_temp_k(t, q, k, 1.7e6, dt)
        assert t == pytest.approx(thermal.steady_state_temp_k(q, k), rel=1e-9)


def test_gpu_temperature_is_coolant_plus_resistance_rise():
    assert thermal.gpu_temp_k(316.15, 1400.0, 0.03) == pytest.approx(358.15)
