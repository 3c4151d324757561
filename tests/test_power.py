"""Solar array models."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.design import SatelliteDesign, SolarArray
from twin.models import power
from twin.models.thermal import STEFAN_BOLTZMANN_W_M2_K4, ZERO_C_K
from twin.run.stepper import environment

R_JAN, R_JUL = 0.98329, 1.01671   # Earth-Sun distance near perihelion / aphelion [au]


def test_irradiance_is_s0_over_r_squared_times_sunlit():
    assert power.irradiance_w_m2(1.0, 1.0) == pytest.approx(1361.0)
    assert power.irradiance_w_m2(0.5, 2.0) == pytest.approx(1361.0 / 4 * 0.5)
    assert power.irradiance_w_m2(0.0, R_JAN) == 0.0
    # the reference table: ~1408 W/m^2 early January, ~1317 early July
    assert power.irradiance_w_m2(1.0, R_JAN) == pytest.approx(1408, abs=1)
    assert power.irradiance_w_m2(1.0, R_JUL) == pytest.approx(1317, abs=1)


@pytest.mark.parametrize("r_au", [1.0, R_JAN, R_JUL])
def test_sun_tracking_array_at_28c_in_full_sun(r_au):
    sa = SolarArray()
    g = power.irradiance_w_m2(1.0, r_au)
    cos_i = power.cos_incidence("sun-tracking", np.array([0.3, 0.5, np.sqrt(0.66)]))
    eff = power.cell_efficiency(sa.efficiency, sa.temp_coeff_per_k, 28.0, sa.reference_temp_c)
    iam = power.incidence_modifier(cos_i)
    p = power.array_power_w(g, cos_i, sa.area_m2, eff, sa.packing_factor, iam)
    expected = sa.area_m2 * sa.packing_factor * sa.efficiency * 1361.0 / r_au ** 2
    assert p == pytest.approx(expected, rel=1e-12)
    assert iam == pytest.approx(1.0, abs=1e-12)


def test_january_july_ratio_is_inverse_square_of_distance():
    d = SatelliteDesign()
    # same geometry (Sun on the horizon, dawn-dusk), only the distance differs; cells at 28 C
    sa = d.solar
    eff = power.cell_efficiency(sa.efficiency, sa.temp_coeff_per_k, 28.0)
    p_jan = power.array_power_w(power.irradiance_w_m2(1.0, R_JAN), 1.0, sa.area_m2, eff,
                                sa.packing_factor)
    p_jul = power.array_power_w(power.irradiance_w_m2(1.0, R_JUL), 1.0, sa.area_m2, eff,
                                sa.packing_factor)
    assert p_jan / p_jul == pytest.approx((R_JUL / R_JAN) ** 2, rel=1e-12)


def test_in_orbit_january_beats_july_by_a_bit_less_than_inverse_square():
    """In orbit the cells run hotter in January, so the gain is slightly below (r_jul/r_jan)^2."""
    d = SatelliteDesign()
    sun = np.array([[0.0, 0.0, 1.0]])
    jan = environment(d, np.ones(1), R_JAN, sun, np.full(1, 650.0))
    jul = environment(d, np.ones(1), R_JUL, sun, np.full(1, 650.0))
    ratio = float(jan["array_power_w"][0] / jul["array_power_w"][0])
    assert 1.0 < ratio < (R_JUL / R_JAN) ** 2
    assert jan["cell_temp_c"][0] > jul["cell_temp_c"][0]


def test_cos_incidence_by_pointing_mode():
    rng = np.random.default_rng(3)
    s = rng.normal(size=(50, 3))
    s /= np.linalg.norm(s, axis=-1, keepdims=True)
    assert np.all(power.cos_incidence("sun-tracking", s) == 1.0)
    np.testing.assert_allclose(power.cos_incidence("single-axis", s),
                               np.sqrt(1 - s[:, 2] ** 2), atol=1e-12)
    n = np.array([0.0, 0.6, 0.8])
    np.testing.assert_allclose(power.cos_incidence("body-fixed", s, n),
                               np.maximum(s @ n, 0.0), atol=1e-12)
    # single-axis normal lies in the R-S plane and is a unit vector
    normal = power.array_normal_rsw("single-axis", s)
    np.testing.assert_allclose(np.linalg.norm(normal, axis=-1), 1.0)
    assert np.all(normal[:, 2] == 0.0)
    with pytest.raises(ValueError, match="pointing"):
        power.cos_incidence("gimbal", s)


def test_incidence_modifier_is_one_at_normal_incidence_and_falls_to_zero():
    cos_i = np.cos(np.radians([0.0, 30.0, 60.0, 80.0, 90.0]))
    iam = power.incidence_modifier(cos_i)
    assert iam[0] == pytest.approx(1.0)
    assert np.all(np.diff(iam) < 0)
    assert iam[-1] == pytest.approx(0.0, abs=1e-9)


def test_cell_efficiency_temperature_and_degradation():
    assert power.cell_efficiency(0.3, -0.002, 28.0) == pytest.approx(0.3)
    assert power.cell_efficiency(0.3, -0.002, 78.0) == pytest.approx(0.3 * 0.9)
    assert power.cell_efficiency(0.3, -0.002, 28.0, 28.0, 0.01, 10) == \
        pytest.approx(0.3 * 0.99 ** 10)
    assert power.cell_efficiency(0.3, -0.002, 1000.0) == 0.0


@settings(max_examples=60, deadline=None)
@given(g=st.floats(0.0, 1500.0), cos_i=st.floats(0.0, 1.0), q_e=st.floats(20.0, 500.0),
       eff=st.floats(0.05, 0.4), gamma=st.floats(-0.005, 0.0))
def test_cell_temperature_satisfies_the_radiative_balance(g, cos_i, q_e, eff, gamma):
    p, alpha, ef, eb = 0.9, 0.88, 0.8, 0.85
    t_c = power.cell_temp_c(g, cos_i, eff, gamma, 28.0, 1.0, p, alpha, ef, eb, q_e)
    t_k = t_c + ZERO_C_K
    out = p * power.cell_efficiency(eff, gamma, t_c, 28.0) * g * cos_i
    residual = alpha * g * cos_i + q_e - (ef + eb) * STEFAN_BOLTZMANN_W_M2_K4 * t_k ** 4 - out
    assert abs(residual) < 1e-5 * (alpha * g * cos_i + q_e)


def test_cell_temperature_in_sunlight_and_eclipse_is_plausible():
    d = SatelliteDesign()
    s_r = np.array([1.0, 0.0, -1.0])
    sun = np.stack([s_r, np.sqrt(1 - s_r ** 2), 0 * s_r], -1)
    env = environment(d, np.array([1.0, 1.0, 0.0]), 1.0, sun, np.full(3, 550.0))
    t = env["cell_temp_c"]
    assert 30 < t[1] < t[0] < 100      # hotter with the Earth under the back face
    assert -120 < t[2] < -50           # eclipse: Earth IR only
    assert env["array_power_w"][2] == 0.0


def test_body_fixed_array_with_iam_delivers_less_than_without():
    sun = np.array([[0.5, 0.5, np.sqrt(0.5)]])
    kw = dict(pointing="body-fixed", normal_rsw=(0.0, 0.0, 1.0))
    with_iam = SatelliteDesign(solar=SolarArray(**kw))
    without = SatelliteDesign(solar=SolarArray(cover_glass_iam=False, **kw))
    a = environment(with_iam, np.ones(1), 1.0, sun, np.full(1, 550.0))["array_power_w"]
    b = environment(without, np.ones(1), 1.0, sun, np.full(1, 550.0))["array_power_w"]
    assert 0 < a[0] < b[0]
    # facing away from the Sun: nothing
    away = environment(with_iam, np.ones(1), 1.0, -sun, np.full(1, 550.0))["array_power_w"]
    assert away[0] == 0.0
