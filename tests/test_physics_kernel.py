"""The compiled loops (twin.run.stepper_kernel) against the same model source run as numpy.

Every model is written once (twin.models, ephemeris.fastmath): the numpy engine of run_physics
runs the model functions on arrays of satellites, the compiled engine runs them compiled for
one satellite and step.  The two must agree to rounding (1e-12)."""

import numpy as np
import pytest
from test_physics import closure, orbit_inputs

from ephemeris import fastmath
from twin.design import Battery, Bus, ComputePayload, Radiator, SatelliteDesign, SolarArray
from twin.models import battery, satellite
from twin.run import stepper
from twin.run.stepper import VARIABLE_ATTRS, run_physics

pytest.importorskip("numba")

DESIGNS = {
    "default": SatelliteDesign(),
    "single-axis": SatelliteDesign(solar=SolarArray(pointing="single-axis"),
                                   radiator=Radiator(orientation="zenith")),
    "body-fixed": SatelliteDesign(solar=SolarArray(pointing="body-fixed",
                                                   normal_rsw=(0.3, 0.2, 0.9)),
                                  radiator=Radiator(orientation="edge-on-vertical",
                                                    two_sided=False)),
    "no-battery": SatelliteDesign(battery=Battery(capacity_wh=0.0)),
    "no-gpus": SatelliteDesign(compute=ComputePayload(gpus=0), bus=Bus(housekeeping_w=30e3)),
    "tiny-radiator": SatelliteDesign(radiator=Radiator(area_m2=40.0),
                                     solar=SolarArray(area_m2=1000.0),
                                     battery=Battery(capacity_wh=5e5)),
    "steady-thermal": SatelliteDesign(radiator=Radiator(area_m2=60.0, areal_mass_kg_per_m2=0.0),
                                      bus=Bus(heat_capacity_j_per_k=0.0),
                                      compute=ComputePayload(gpus=7, host_power_w_per_gpu=0.0)),
}


def random_inputs(seed, n_sat=4, n_t=150, step_s=120.0, invalid="middle"):
    """Orbit-like inputs with noise: random phases, beta angles, altitudes and penumbra."""
    rng = np.random.default_rng(seed)
    inp = orbit_inputs(n_sat=n_sat, n_t=n_t, step_s=step_s, alt_km=rng.uniform(350, 1200),
                       beta_deg=rng.uniform(-70, 70), phase_deg=rng.uniform(0, 360))
    inp["sunlit_fraction"] = np.clip(inp["sunlit_fraction"]
                                     + rng.uniform(-0.3, 0.3, (n_sat, n_t)), 0.0, 1.0)
    inp["alt_km"] = inp["alt_km"] + rng.uniform(-30, 30, (n_sat, n_t))
    inp["sun_distance_au"] = rng.uniform(0.983, 1.017, n_t)
    valid = inp["valid"]
    if invalid in ("middle", "both"):
        valid[0, n_t // 3:n_t // 2] = False
        valid[-1] &= rng.uniform(size=n_t) > 0.1
    if invalid in ("start", "both"):
        valid[1, :n_t // 4] = False
    if n_sat > 2 and invalid == "all":
        valid[2] = False
    for name in ("sunlit_fraction", "alt_km"):
        inp[name][~valid] = np.nan
    inp["sun_rsw"][~valid] = np.nan
    return inp


def assert_engines_agree(a, b):
    assert set(a) == set(b) == set(VARIABLE_ATTRS)
    for name in VARIABLE_ATTRS:
        assert a[name].shape == b[name].shape and a[name].dtype == b[name].dtype, name
        np.testing.assert_allclose(a[name], b[name], rtol=1e-9, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("policy", ["greedy", "reserve"])
@pytest.mark.parametrize("name", list(DESIGNS))
def test_numba_matches_numpy(name, policy):
    design = DESIGNS[name]
    for seed, invalid in ((1, "middle"), (2, "start"), (3, "both")):
        inp = random_inputs(seed + 10 * len(name), invalid=invalid)
        a = run_physics(design, **inp, policy=policy, engine="numba")
        b = run_physics(design, **inp, policy=policy, engine="numpy")
        assert_engines_agree(a, b)
        for out in (a, b):
            for key in ("radiator_temp_k", "gpu_temp_c", "cell_temp_c"):
                assert np.all(np.isfinite(out[key])), key
    if name == "tiny-radiator":                      # the thermal limit is exercised
        assert a["thermal_limited"].any() and (a["gpus_on"] > 0).any()
    if name == "no-battery":
        assert a["dark"][inp["valid"]].any()


@pytest.mark.parametrize("engine", ["numba", "numpy"])
@pytest.mark.parametrize("policy", ["greedy", "reserve"])
def test_summary_outputs_equal_the_full_run(engine, policy):
    # asking for the summary's variables only returns exactly those, with the same values
    inp = random_inputs(4, invalid="both")
    design = DESIGNS["tiny-radiator"]
    full = run_physics(design, **inp, policy=policy, engine=engine)
    part = run_physics(design, **inp, policy=policy, engine=engine,
                       outputs=stepper.SUMMARY_VARIABLES)
    assert list(part) == [k for k in VARIABLE_ATTRS if k in stepper.SUMMARY_VARIABLES]
    for k, a in part.items():
        np.testing.assert_array_equal(a, full[k], err_msg=k)
    one = run_physics(design, **inp, engine=engine, outputs="battery_wh")
    assert list(one) == ["battery_wh"]
    with pytest.raises(ValueError, match=r"outputs=\['battery_kwh'\].*allowed: array_power_w"):
        run_physics(design, **inp, engine=engine, outputs=["battery_kwh", "dark"])


def test_numba_matches_numpy_with_every_satellite_invalid_somewhere():
    inp = random_inputs(7, n_sat=5, n_t=80, invalid="all")
    a = run_physics(SatelliteDesign(), **inp, engine="numba")
    b = run_physics(SatelliteDesign(), **inp, engine="numpy")
    assert_engines_agree(a, b)
    assert np.all(a["dark"][2]) and np.all(a["radiator_temp_k"][2] == a["radiator_temp_k"][2, 0])


@pytest.mark.parametrize("step_s", [1.0, 600.0])
def test_energy_closes_on_the_numba_path(step_s):
    d = DESIGNS["tiny-radiator"]
    for policy in ("greedy", "reserve"):
        inp = random_inputs(5, n_t=120, step_s=step_s, invalid="both")
        out = run_physics(d, **inp, policy=policy, engine="numba")
        bus, window, gen = closure(out, step_s, d.battery.capacity_wh)
        scale = out["array_power_w"] + out["load_power_w"] + 1.0
        assert np.all(np.abs(bus) <= 1e-9 * scale)
        assert np.all(np.abs(window) <= 1e-6 * (gen + d.battery.capacity_wh + 1.0))
        assert np.all(out["battery_wh"] >= d.battery.floor_wh - 1e-6)
        on = out["gpus_on"] > 0
        assert np.all(out["gpu_temp_c"][on] <= d.compute.max_gpu_temp_c + 1.0)


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_continuation_across_time_chunks(engine):
    d = DESIGNS["tiny-radiator"]
    inp = random_inputs(11, n_sat=3, n_t=200, invalid="both")
    cut = 90

    def part(sl):
        return {k: (v[:, sl] if isinstance(v, np.ndarray) and v.ndim >= 2 else
                    v[sl] if k == "sun_distance_au" else v) for k, v in inp.items()}
    a = run_physics(d, **part(slice(None, cut)), engine=engine)
    b = run_physics(d, **part(slice(cut, None)), engine=engine,
                    initial_battery_wh=a["battery_wh"][:, -1],
                    initial_radiator_temp_k=a["radiator_temp_k"][:, -1])
    whole = run_physics(d, **inp, engine=engine)
    for name in ("battery_wh", "radiator_temp_k", "throughput_gb300", "gpu_temp_c"):
        np.testing.assert_allclose(np.concatenate([a[name], b[name]], axis=1), whole[name],
                                   rtol=1e-12, err_msg=name)
    # explicit initial states give the same answer on both engines
    other = "numpy" if engine == "numba" else "numba"
    c = run_physics(d, **part(slice(cut, None)), engine=other,
                    initial_battery_wh=a["battery_wh"][:, -1],
                    initial_radiator_temp_k=a["radiator_temp_k"][:, -1])
    assert_engines_agree(b, c)


def assert_same_source(a, b):
    """Compiled and uncompiled runs of the same source: equal to 1e-12 (relative) and 1e-9 W,
    Wh or K (absolute, for values that cancel to near zero)."""
    for name in VARIABLE_ATTRS:
        np.testing.assert_allclose(np.asarray(a[name], float), np.asarray(b[name], float),
                                   rtol=1e-12, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("name", list(DESIGNS))
def test_compiled_equals_uncompiled_to_1e12(name):
    for policy in ("greedy", "reserve"):
        inp = random_inputs(7, invalid="both")
        assert_same_source(run_physics(DESIGNS[name], **inp, policy=policy, engine="numba"),
                           run_physics(DESIGNS[name], **inp, policy=policy, engine="numpy"))


def test_engine_argument(monkeypatch):
    inp = orbit_inputs(n_sat=1, n_t=5)
    with pytest.raises(ValueError, match="engine"):
        run_physics(SatelliteDesign(), **inp, engine="fortran")
    auto = run_physics(SatelliteDesign(), **inp)
    assert_engines_agree(auto, run_physics(SatelliteDesign(), **inp, engine="numba"))
    # with the one switch off: "numba" raises a clear ImportError, "auto" runs numpy
    monkeypatch.setattr(fastmath, "USE_NUMBA", False)
    with pytest.raises(ImportError, match="numba"):
        run_physics(SatelliteDesign(), **inp, engine="numba")
    assert_engines_agree(run_physics(SatelliteDesign(), **inp), auto)


# --- each compiled model against its own uncompiled source ---------------------------------------
@fastmath.kernel(cache=False)
def _map_step(p_a, q_env, valid, reserve, horizon, energy, temp, prm, out):  # pragma: no cover
    for i in range(p_a.shape[0]):
        r = satellite.step(p_a[i], q_env[i], valid[i], reserve[i], horizon[i], energy[i],
                           temp[i], prm)
        out[i, 0], out[i, 1], out[i, 2], out[i, 3] = r[0], r[1], r[2], r[3]
        out[i, 4], out[i, 5], out[i, 6], out[i, 7] = r[4], r[5], r[6], r[7]
        out[i, 8], out[i, 9], out[i, 10], out[i, 11] = r[8], r[9], r[10], r[11]
        out[i, 12], out[i, 13], out[i, 14], out[i, 15] = r[12], r[13], r[14], r[15]
        out[i, 16], out[i, 17], out[i, 18], out[i, 19] = r[16], r[17], r[18], r[19]


@fastmath.kernel(cache=False)
def _map_environment(f, solar, s_r, cos_i, normal_r, iam, alt, prm, out):  # pragma: no cover
    for i in range(f.shape[0]):
        out[i, 0], out[i, 1], out[i, 2] = satellite.environment(
            f[i], solar[i], s_r[i], cos_i[i], normal_r[i], iam[i], alt[i], prm)


@pytest.mark.parametrize("policy", ["greedy", "reserve"])
@pytest.mark.parametrize("name", list(DESIGNS))
def test_compiled_step_equals_its_numpy_source(name, policy):
    """satellite.step (battery, compute, thermal models) compiled per element vs on arrays."""
    rng = np.random.default_rng(5)
    n = 400
    design = DESIGNS[name]
    prm = stepper.step_params(design, 60.0, policy)
    p_a = rng.uniform(0, 2.5e5, n)
    p_a[::9] = 0.0
    q_env = rng.uniform(0, 3e4, n)
    valid = rng.uniform(size=n) > 0.1
    reserve = np.where(rng.uniform(size=n) > 0.5, rng.uniform(0, 5e4, n), 0.0)
    energy = rng.uniform(0, 1.0, n) * prm.capacity_wh
    temp = rng.uniform(230, 345, n)
    got = np.empty((n, 20))
    horizon = rng.uniform(60.0, 4000.0, n)
    _map_step(p_a, q_env, valid, reserve, horizon, energy, temp, prm, got)
    ref = satellite.step(p_a, q_env, valid, reserve, horizon, energy, temp, prm)
    for j, value in enumerate(ref):
        np.testing.assert_allclose(got[:, j], np.asarray(value, float) + 0 * p_a, rtol=1e-12,
                                   atol=1e-9, err_msg=str(j))
    if prm.gpus:
        assert ref[14].any() and not ref[14].all()     # thermal cap both active and not


@pytest.mark.parametrize("name", list(DESIGNS))
def test_compiled_environment_equals_its_numpy_source(name):
    """satellite.environment (power and thermal models) compiled per element vs on arrays."""
    rng = np.random.default_rng(6)
    n = 400
    prm = stepper.environment_params(DESIGNS[name])
    f = np.clip(rng.uniform(-0.2, 1.2, n), 0, 1)
    solar = rng.uniform(1310, 1410, n)
    s = rng.normal(size=(n, 3))
    s /= np.linalg.norm(s, axis=1)[:, None]
    cos_i, normal_r = rng.uniform(0, 1, n), rng.uniform(-1, 1, n)
    iam, alt = rng.uniform(0.8, 1, n), rng.uniform(300, 2000, n)
    got = np.empty((n, 3))
    _map_environment(f, solar, s[:, 0], cos_i, normal_r, iam, alt, prm, got)
    ref = satellite.environment(f, solar, s[:, 0], cos_i, normal_r, iam, alt, prm)
    for j, value in enumerate(ref):
        np.testing.assert_allclose(got[:, j], value, rtol=1e-12, atol=1e-9, err_msg=str(j))


def test_eclipse_reserve_kernel_equals_its_source():
    """The reserve's backward pass compiled vs its uncompiled source, and against the
    definition (sum of the rest of the current, or all of the next, run)."""
    rng = np.random.default_rng(11)
    p_array = rng.uniform(0.0, 2.0, (6, 300)) * 1e3
    p_array[:, ::7] = 0.0                          # single-step deficits
    p_array[1, :40] = 0.0                          # a run at the start
    p_array[2, -25:] = 0.0                         # a run cut by the end
    p_array[3] = 5e3                               # never a deficit
    valid = rng.uniform(size=p_array.shape) > 0.05
    d = np.where(valid, battery.housekeeping_deficit_wh(900.0, p_array, 0.95, 0.96, 60.0), 0.0)
    got = battery.reserve_rows(d, np.empty_like(d))
    ref = battery.reserve_rows.py_func(d, np.empty_like(d))
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    for i in range(d.shape[0]):                    # the definition, by brute force
        for k in range(0, d.shape[1], 13):
            j = k + 1
            if not d[i, k] > 0:                    # outside a run: skip to the next run
                while j < d.shape[1] and not d[i, j] > 0:
                    j += 1
            end = j
            while end < d.shape[1] and d[i, end] > 0:
                end += 1
            assert got[i, k] == pytest.approx(d[i, j:end].sum(), rel=1e-12, abs=1e-12)
    assert (got[3] == 0).all() and got[1, 0] > 0
