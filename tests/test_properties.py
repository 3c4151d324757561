"""No NaN or infinity ever reaches an output, and the physical bounds hold, for random small
constellations and random designs (hypothesis).

Constellations: 1-3 satellites from SGP4 mean elements, altitude 300-2,000 km, inclination
0-180 deg, eccentricity 0-0.1 with the perigee above 200 km, random RAAN, argument of perigee
and mean anomaly, each with its own random design.  Designs: array area, pointing mode and
normal, battery capacity (including 0, no battery), depth of discharge and efficiencies,
radiator area from 0.5 to 5,000 m^2, its orientation and sides, GPU count (including 0),
housekeeping, heat capacities (including 0).  Runs: 1-3 h at 60-300 s steps, anywhere in
2027, either battery policy.

Checked on every run (docs/models.md sec. 4 and 5):

* every float variable and coordinate of ``result.dataset`` is finite;
* ``sunlit_fraction`` in [0, 1];
* ``battery_wh`` between capacity x (1 - max_depth_of_discharge) and capacity;
* ``throughput_gb300`` between 0 and the GPU count, and 0 on dark steps;
* a GPU that is on is at or below ``max_gpu_temp_c``;
* energy closes per satellite over the run:
  sum(array) dt = sum(load + curtailed + conversion_loss + battery_loss) dt
  + (battery_wh[-1] - capacity), to 1e-6 relative;
* the per-orbit table and the summary are finite, and summary mode (``timeseries=False``)
  gives the same per-orbit table and summary.

Examples are few (the whole file runs in seconds) and derandomized, so CI is reproducible;
raise ``TWIN_HYPOTHESIS_EXAMPLES`` to search harder.
"""
from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import twin
from ephemeris.orbits import RE_WGS72_KM
from twin import Battery, Bus, ComputePayload, Radiator, SatelliteDesign, SolarArray
from twin.models.power import POINTING_MODES
from twin.models.thermal import RADIATOR_ORIENTATIONS

EXAMPLES = int(os.environ.get("TWIN_HYPOTHESIS_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 40,
                    database=None, suppress_health_check=[HealthCheck.too_slow])
REL = 1e-6


# ----- strategies ------------------------------------------------------------------------------
def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def designs(draw):
    pointing = draw(st.sampled_from(POINTING_MODES))
    normal = draw(st.tuples(floats(-1, 1), floats(-1, 1), floats(-1, 1)).filter(
        lambda n: sum(c * c for c in n) > 0.01))
    solar = SolarArray(area_m2=draw(floats(1.0, 2000.0)), pointing=pointing, normal_rsw=normal,
                       cover_glass_iam=draw(st.booleans()),
                       years_in_orbit=draw(floats(0.0, 15.0)))
    battery = Battery(capacity_wh=draw(st.one_of(st.just(0.0), floats(1.0, 200_000.0))),
                      max_depth_of_discharge=draw(floats(0.05, 1.0)),
                      charge_efficiency=draw(floats(0.8, 1.0)),
                      discharge_efficiency=draw(floats(0.8, 1.0)))
    radiator = Radiator(area_m2=draw(floats(0.5, 5000.0)),
                        orientation=draw(st.sampled_from(RADIATOR_ORIENTATIONS)),
                        two_sided=draw(st.booleans()),
                        areal_mass_kg_per_m2=draw(st.sampled_from([0.0, 5.0, 10.0])))
    compute = ComputePayload(gpus=draw(st.one_of(st.just(0), st.integers(1, 128))))
    bus = Bus(housekeeping_w=draw(floats(0.0, 10_000.0)),
              power_conversion_efficiency=draw(floats(0.8, 1.0)),
              heat_capacity_j_per_k=draw(st.sampled_from([0.0, 1e5, 1e6, 5e6])))
    return SatelliteDesign(solar=solar, battery=battery, radiator=radiator, compute=compute,
                           bus=bus)


@st.composite
def satellites(draw, i):
    alt = draw(floats(300.0, 2000.0))
    a = RE_WGS72_KM + alt
    e_max = min(0.1, 1.0 - (RE_WGS72_KM + 200.0) / a)      # perigee above 200 km
    ecc = draw(st.one_of(st.just(0.0), floats(0.0, e_max * 0.999)))
    return twin.Constellation.from_elements(
        altitude_km=alt, inclination_deg=draw(floats(0.0, 180.0)), eccentricity=ecc,
        raan_deg=draw(floats(0.0, 360.0)), arg_perigee_deg=draw(floats(0.0, 360.0)),
        mean_anomaly_deg=draw(floats(0.0, 360.0)), name=f"s{i}", design=draw(designs()))


@st.composite
def scenarios(draw):
    n = draw(st.integers(1, 3))
    c = None
    for i in range(n):
        s = draw(satellites(i))
        c = s if c is None else c + s
    start = pd.Timestamp("2027-01-01") + pd.Timedelta(minutes=draw(st.integers(0, 364 * 1440)))
    hours = draw(st.integers(1, 3))
    step = draw(st.integers(60, 300))
    policy = draw(st.sampled_from(["greedy", "reserve"]))
    return c, start.isoformat(), f"{hours} h", f"{step} s", policy


def run(c, start, duration, step, policy, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no warning at all for these legal inputs
        warnings.simplefilter("ignore", ResourceWarning)
        return twin.simulate(c, start, duration, step, policy=policy, **kw)


def per_sat_designs(result):
    return [result.designs[j] for j in result.constellation.shell_index()]


# ----- properties ------------------------------------------------------------------------------
@SETTINGS
@given(scenarios())
def test_outputs_are_finite_and_within_physical_bounds(sc):
    c, start, duration, step, policy = sc
    r = run(c, start, duration, step, policy)
    ds = r.dataset
    for name, var in ds.variables.items():
        if var.dtype.kind == "f":
            assert np.isfinite(var.values).all(), name
    t = lambda v: ds[v].transpose("sat", "time").values  # noqa: E731
    sf = t("sunlit_fraction")
    assert sf.min() >= 0.0 and sf.max() <= 1.0
    designs_ = per_sat_designs(r)
    bat, thr, dark = t("battery_wh"), t("throughput_gb300"), t("dark")
    gpu_t, on = t("gpu_temp_c"), t("gpus_on")
    for i, d in enumerate(designs_):
        cap, floor = d.battery.capacity_wh, d.battery.floor_wh
        assert bat[i].min() >= floor - REL * max(cap, 1.0), (i, bat[i].min(), floor)
        assert bat[i].max() <= cap * (1 + REL) + 1e-9, (i, bat[i].max(), cap)
        assert thr[i].min() >= 0.0
        assert thr[i].max() <= d.compute.gpus * (1 + 1e-12)
        assert (thr[i][dark[i]] == 0).all()
        assert (on[i] <= d.compute.gpus).all() and (on[i] >= 0).all()
        if (on[i] > 0).any():
            assert gpu_t[i][on[i] > 0].max() <= d.compute.max_gpu_temp_c + 1e-6


@SETTINGS
@given(scenarios())
def test_energy_closes_per_satellite_over_the_run(sc):
    c, start, duration, step, policy = sc
    r = run(c, start, duration, step, policy)
    ds = r.dataset
    h = float(ds.attrs["step_s"]) / 3600.0
    t = lambda v: ds[v].transpose("sat", "time").values  # noqa: E731
    array = t("array_power_w").sum(axis=1) * h
    sinks = (t("load_power_w") + t("curtailed_power_w") + t("conversion_loss_w")
             + t("battery_loss_w")).sum(axis=1) * h
    for i, d in enumerate(per_sat_designs(r)):
        stored = t("battery_wh")[i, -1] - d.battery.capacity_wh
        scale = max(array[i], sinks[i], abs(stored), d.battery.capacity_wh, 1.0)
        assert abs(array[i] - sinks[i] - stored) <= REL * scale, \
            (i, array[i], sinks[i], stored)
        # and step by step on the bus side: array = load + curtailed + conversion + battery
        bus = (t("array_power_w")[i] - t("load_power_w")[i] - t("curtailed_power_w")[i]
               - t("conversion_loss_w")[i] - t("battery_power_w")[i])
        assert np.abs(bus).max() <= REL * max(t("array_power_w")[i].max(),
                                              t("load_power_w")[i].max(), 1.0)


@settings(SETTINGS, max_examples=max(10, EXAMPLES // 3))
@given(scenarios())
def test_per_orbit_and_summary_are_finite_and_summary_mode_agrees(sc):
    c, start, duration, step, policy = sc
    r = run(c, start, duration, step, policy)
    po = r.per_orbit()
    assert len(po) >= len(c)
    for col in po.select_dtypes("number"):
        assert np.isfinite(po[col].to_numpy(float)).all(), col
    s = r.summary()
    for key, value in s.items():
        if isinstance(value, float):
            assert np.isfinite(value), key
    assert 0.0 <= s["mean_sunlit_fraction"] <= 1.0
    assert s["energy_generated_mwh"] >= 0 and s["energy_used_mwh"] >= 0
    # per-orbit rows tile the run for every satellite
    run_min = r.dataset.sizes["time"] * float(r.dataset.attrs["step_s"]) / 60.0
    np.testing.assert_allclose(po.groupby("sat")["duration_min"].sum(), run_min, rtol=1e-9)
    lite = run(c, start, duration, step, policy, timeseries=False)
    pd.testing.assert_frame_equal(lite.per_orbit(), po)
    ls = lite.summary()
    assert ls.keys() == s.keys()
    for key, value in s.items():
        if isinstance(value, float):
            assert ls[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
        else:
            assert ls[key] == value, key


# ----- the same scenario gives the same outputs, byte for byte -----------------------------------
DETERMINISM_TOML = """\
[simulation]
start = "2027-06-21T03:00:00Z"
duration = "3 h"
step = "90 s"
policy = "reserve"

[design.battery]
capacity_wh = 20000

[[shells]]
name = "walker"
type = "walker"
altitude_km = 550
inclination_deg = 53
planes = 2
sats_per_plane = 2
phasing = 1

[[shells]]
name = "dawn-dusk"
type = "sun-synchronous"
altitude_km = 650
ltan = "18:00"
sats_per_plane = 2
[shells.design.compute]
gpus = 16

[[shells]]
name = "eccentric"
type = "elements"
altitude_km = 1200
inclination_deg = 120
eccentricity = 0.05
raan_deg = 33.3
mean_anomaly_deg = 190
"""


def test_two_runs_give_identical_files(tmp_path, capsys):
    """``twin run`` twice into two directories: per_orbit.csv and summary.json are identical
    byte for byte, and the Parquet tables (data and metadata) are equal."""
    import pyarrow.parquet as pq

    from twin.io.cli import main

    scen = tmp_path / "s.toml"
    scen.write_text(DETERMINISM_TOML)
    for out in ("a", "b"):
        assert main(["run", str(scen), "--out", str(tmp_path / out), "--quiet",
                     "--format", "parquet", "csv"]) == 0
    capsys.readouterr()
    a, b = tmp_path / "a", tmp_path / "b"
    for name in ("per_orbit.csv", "summary.json", "timeseries.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    ta, tb = pq.read_table(a / "timeseries.parquet"), pq.read_table(b / "timeseries.parquet")
    assert ta.equals(tb)
    assert ta.schema.metadata == tb.schema.metadata
    assert ta.num_rows == 7 * 120
