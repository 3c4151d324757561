"""The compiled time loop (twin.physics_kernel, numba) against the numpy reference loop."""
import sys

import numpy as np
import pytest
from test_physics import closure, orbit_inputs

import twin
from twin.design import Battery, Bus, ComputePayload, Radiator, SatelliteDesign, SolarArray
from twin.models import battery, compute, thermal
from twin.run import stepper as physics
from twin.run.stepper import VARIABLE_ATTRS, run_physics

pytest.importorskip("numba")
from twin.run import stepper_kernel as pk

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
                       outputs=physics.SUMMARY_VARIABLES)
    assert list(part) == [k for k in VARIABLE_ATTRS if k in physics.SUMMARY_VARIABLES]
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


def test_engine_argument(monkeypatch):
    inp = orbit_inputs(n_sat=1, n_t=5)
    with pytest.raises(ValueError, match="engine"):
        run_physics(SatelliteDesign(), **inp, engine="fortran")
    auto = run_physics(SatelliteDesign(), **inp)
    assert_engines_agree(auto, run_physics(SatelliteDesign(), **inp, engine="numba"))
    # without numba: "numba" raises a clear ImportError, "auto" falls back to numpy
    monkeypatch.setattr(physics, "_KERNEL", None)
    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.delitem(sys.modules, "twin.physics_kernel")
    monkeypatch.delattr(twin, "physics_kernel")
    with pytest.raises(ImportError, match="numba"):
        run_physics(SatelliteDesign(), **inp, engine="numba")
    assert_engines_agree(run_physics(SatelliteDesign(), **inp), auto)


# --- the scalar transcriptions against the numpy model functions ---------------------------------
def test_scalar_functions_mirror_the_numpy_models():
    rng = np.random.default_rng(0)
    n = 300
    e = rng.uniform(0, 1e5, n)
    fl = rng.uniform(0, 1e5, n)
    np.testing.assert_allclose(
        [pk.available_power_w(x, f, 60.0, 0.95, 0.97) for x, f in zip(e, fl)],
        battery.available_power_w(e, fl, 60.0, 0.95, 0.97), rtol=1e-15)
    demand, p_a = rng.uniform(0, 2e5, n), rng.uniform(0, 2e5, n)
    ref = battery.dispatch(demand, p_a, e, 8e4, 60.0, 0.95, 0.96, 0.97)
    got = np.array([pk.dispatch(*x, 8e4, 60.0, 0.95, 0.96, 0.97) for x in zip(demand, p_a, e)])
    for j, key in enumerate(("energy_wh", "used_w", "curtailed_w", "conversion_loss_w",
                             "battery_power_w", "battery_loss_w")):
        np.testing.assert_allclose(got[:, j], ref[key], rtol=1e-15, atol=1e-9, err_msg=key)
    p = rng.uniform(0, 1, n)
    np.testing.assert_allclose([pk.throughput_fraction(x, 0.12, 3.0) for x in p],
                               compute.throughput_fraction(p, 0.12, 3.0), rtol=1e-15)
    budget = rng.uniform(-1e3, 1.5e5, n)
    got = np.array([pk.throttle(b, 64.0, 1400.0, 400.0, 0.5) for b in budget])
    ref = compute.throttle(budget, 64, 1400.0, 400.0, 0.5)
    np.testing.assert_array_equal(got[:, 0], ref[0])
    np.testing.assert_allclose(got[:, 1], ref[1], rtol=1e-15)
    # thermal cap: random proposals and radiator temperatures around the limit
    kw = {"gpu_power_w": 1400.0, "host_power_w_per_gpu": 400.0, "min_power_fraction": 0.5,
          "max_gpu_temp_k": 358.15, "thermal_resistance_k_per_w": 0.03,
          "radiating_w_per_k4": 1.5e-5, "heat_capacity_j_per_k": 1.7e6}
    n_in, p_in = ref
    t0 = rng.uniform(250, 330, n)
    base = rng.uniform(0, 5e4, n)
    ref = compute.thermal_cap(n_in, p_in, t0, base, 60.0, **kw)
    tl_min = kw["max_gpu_temp_k"] - 0.03 * 1400.0 * 0.5
    got = np.array([pk.thermal_cap(a, b, c, d, 60.0, *kw.values(), 1.5e-5 * tl_min ** 4)
                    for a, b, c, d in zip(n_in, p_in, t0, base)])
    assert ref[2].any() and not ref[2].all()
    np.testing.assert_array_equal(got[:, 0], ref[0])
    np.testing.assert_allclose(got[:, 1], ref[1], rtol=1e-12)
    np.testing.assert_array_equal(got[:, 2].astype(bool), ref[2])
    heat = rng.uniform(0, 3e5, n)
    for c in (0.0, 1.7e6):
        np.testing.assert_allclose(
            [pk.end_temp_k(a, b, 1.5e-5, c, 60.0) for a, b in zip(t0, heat)],
            thermal.end_temp_k(t0, heat, 1.5e-5, c, 60.0), rtol=1e-14)


def test_eclipse_reserve_kernel_mirrors_the_numpy_model():
    # the compiled reserve against twin.battery.eclipse_reserve_wh on the same deficit: runs
    # at the start and end of the series, single-step runs, invalid steps, no run at all
    rng = np.random.default_rng(11)
    p_array = rng.uniform(0.0, 2.0, (6, 300)) * 1e3
    p_array[:, ::7] = 0.0                          # single-step deficits
    p_array[1, :40] = 0.0                          # a run at the start
    p_array[2, -25:] = 0.0                         # a run cut by the end
    p_array[3] = 5e3                               # never a deficit
    valid = rng.uniform(size=p_array.shape) > 0.05
    hk, eta_c, eta_dis, step = 900.0, 0.95, 0.96, 60.0
    got = pk.eclipse_reserve_rows(p_array, valid, hk, eta_c, eta_dis, step)
    d = np.maximum(hk - eta_c * p_array, 0.0) / eta_dis * (step / 3600.0)
    ref = battery.eclipse_reserve_wh(np.where(valid, d, 0.0), axis=1)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-9)
    assert (got[3] == 0).all() and got[1, 0] > 0
