"""Odd but legal inputs work and give sensible, finite numbers: equatorial, polar and
retrograde orbits, eccentric orbits (perigee in the atmosphere is flagged), a satellite that
decays during the run, one that decayed before it, a run across a leap second, a run of one
step and a run whose step does not divide its duration.

Tests marked BUG in their docstring fail today; the docstring says what is wrong and how to
fix it (kept failing on purpose, not xfailed).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import twin
from ephemeris.orbits import RE_WGS72_KM, LowPerigeeWarning
from twin import Constellation as C
from twin.run.summary import longest_shadow_s

START = "2027-03-20"     # near the equinox: every inclination sees eclipses


def float_vars(ds):
    return {k: v for k, v in ds.data_vars.items() if v.dtype.kind == "f"}


def assert_all_finite(result):
    ds = result.dataset
    for name, var in float_vars(ds).items():
        assert np.isfinite(var.values).all(), name
    for name, var in ds.coords.items():
        if var.dtype.kind == "f":
            assert np.isfinite(var.values).all(), name
    po = result.per_orbit().select_dtypes("number")
    for col in po:
        assert np.isfinite(po[col].to_numpy(float)).all(), col
    for key, value in result.summary().items():
        if isinstance(value, float):
            assert np.isfinite(value), key


def period_min(ds, i=0):
    return 1440.0 / float(ds["mean_motion_rev_per_day"].values[i])


# ----- inclinations ----------------------------------------------------------------------------
@pytest.mark.parametrize("inclination", [0.0, 90.0, 120.0, 180.0])
def test_equatorial_polar_and_retrograde_orbits(inclination):
    r = twin.simulate(C.walker(550, inclination, 1, 2), START, "4 h", "60 s")
    ds = r.dataset
    assert_all_finite(r)
    assert bool(ds["valid"].all())
    # the ground track reaches the latitude the inclination allows, and no further
    # (geodetic is above geocentric latitude by < 0.2 deg; 60 s steps may miss the top by
    # up to (3.8 deg/min)^2 / (2 * 3.8 deg/min) ~ 2 deg near the pole)
    top = min(inclination, 180.0 - inclination)
    lat = np.abs(ds["lat_deg"].values)
    assert lat.max() <= top + 0.5
    assert lat.max() >= top - 4.0
    # a circular orbit stays at its altitude: J2 short-period terms move the osculating
    # radius by about +-10 km, and WGS84 height adds up to 21 km of Earth flattening
    assert 530 < ds["alt_km"].min() and ds["alt_km"].max() < 600
    # near the equinox the Sun lies near every one of these planes: ~35 min of shadow an orbit
    sf = ds["sunlit_fraction"].values
    assert 0.55 < sf.mean() < 0.72
    # orbits are cut at the node (or, at i = 0 and 180, at a fixed inertial meridian):
    # complete orbits last one period
    po = r.per_orbit()
    full = po[po["complete"]]
    assert len(full) >= 2
    np.testing.assert_allclose(full["duration_min"], period_min(ds), rtol=0.01)
    # the per-orbit rows tile the run
    np.testing.assert_allclose(po.groupby("sat")["duration_min"].sum(), 240.0, rtol=1e-9)
    ev = twin.eclipse_events(ds)
    assert (ev[ev["complete"]]["duration_s"] < 40 * 60).all()


def test_equatorial_retrograde_orbit_mirrors_the_prograde_one():
    """i = 0 and i = 180 from the same point: opposite orbit normals, so beta flips sign
    exactly, and each complete shadow passage lasts as long (to 1.5 s: the Sun drifts east by
    ~0.04 deg/h, which lengthens the prograde passage by ~0.35 s at each end)."""
    a = twin.geometry(C.from_elements(altitude_km=700, inclination_deg=0.0), "2027-06-21",
                      "6 h", "60 s")
    b = twin.geometry(C.from_elements(altitude_km=700, inclination_deg=180.0), "2027-06-21",
                      "6 h", "60 s")
    np.testing.assert_allclose(a["beta_deg"].values, -b["beta_deg"].values, atol=1e-9)
    assert 23.0 < a["beta_deg"].values.mean() < 23.9             # the solstice Sun
    ea, eb = twin.eclipse_events(a), twin.eclipse_events(b)
    for kind in ("penumbra", "umbra"):
        da = ea[(ea["kind"] == kind) & ea["complete"]]["duration_s"].to_numpy()
        db = eb[(eb["kind"] == kind) & eb["complete"]]["duration_s"].to_numpy()
        assert len(da) >= 2 and len(db) >= 2
        assert abs(da.mean() - db.mean()) < 1.5, (kind, da, db)


# ----- eccentric orbits ------------------------------------------------------------------------
@pytest.mark.parametrize("altitude, ecc", [(1500, 0.05), (4000, 0.3)])
def test_eccentric_orbits_above_the_atmosphere(altitude, ecc):
    a = RE_WGS72_KM + altitude
    with warnings.catch_warnings():
        warnings.simplefilter("error", LowPerigeeWarning)      # no false alarm
        c = C.from_elements(altitude_km=altitude, inclination_deg=63.4, eccentricity=ecc,
                            arg_perigee_deg=270.0, name="ecc")
    r = twin.simulate(c, START, "6 h", "60 s")
    ds = r.dataset
    assert_all_finite(r)
    assert bool(ds["valid"].all())
    perigee, apogee = a * (1 - ecc) - RE_WGS72_KM, a * (1 + ecc) - RE_WGS72_KM
    assert float(ds["perigee_km"].values[0]) == pytest.approx(perigee)
    # geodetic height spans perigee to apogee (SGP4 periodics ~ +-10 km, flattening < 21 km)
    alt = ds["alt_km"].values
    assert alt.min() > perigee - 30 and alt.max() < apogee + 30
    assert alt.max() - alt.min() > 0.8 * (apogee - perigee)


@pytest.mark.parametrize("altitude, ecc", [(450, 0.05), (2800, 0.3)])
def test_perigee_in_the_atmosphere_is_flagged_not_fatal(altitude, ecc):
    """Perigee below 150 km: a LowPerigeeWarning naming the satellite and its perigee at build
    time, the ``perigee_km`` coordinate in the dataset, and a run with finite outputs."""
    perigee = (RE_WGS72_KM + altitude) * (1 - ecc) - RE_WGS72_KM
    assert perigee < 150
    with pytest.warns(LowPerigeeWarning, match=rf"skimmer: perigee at {perigee:.0f} km.*"
                                               rf"eccentricity={ecc:g}.*below 150 km"):
        c = C.from_elements(altitude_km=altitude, inclination_deg=63.4, eccentricity=ecc,
                            arg_perigee_deg=270.0, name="skimmer")
    r = twin.simulate(c, START, "6 h", "60 s")
    ds = r.dataset
    assert_all_finite(r)
    assert float(ds["perigee_km"].values[0]) == pytest.approx(perigee)
    assert ds["perigee_km"].attrs.get("units") == "km"


def test_perigee_flag_survives_netcdf_export(tmp_path):
    """The flag is kept with the data: ``perigee_km`` is a coordinate of the NetCDF file.
    (The tidy Parquet/CSV tables hold data variables only, no per-satellite coordinates.)"""
    import xarray as xr

    with pytest.warns(LowPerigeeWarning):
        c = C.from_elements(altitude_km=450, inclination_deg=63.4, eccentricity=0.05,
                            name="skimmer")
    r = twin.simulate(c, START, "30 min", "60 s")
    with xr.open_dataset(r.to_netcdf(tmp_path / "x.nc"), engine="h5netcdf") as back:
        assert float(back["perigee_km"].values[0]) < 150
        assert back["perigee_km"].attrs["units"] == "km"


# ----- decay -----------------------------------------------------------------------------------
DECAYER = dict(altitude_km=160, inclination_deg=51.6, bstar=0.05, name="decayer")
RUN = (START, "3 h", "60 s")


@pytest.fixture(scope="module")
def decay_runs():
    normal = C.from_elements(altitude_km=550, inclination_deg=53, name="normal")
    with pytest.warns(twin.PropagationWarning, match=r"decayer: .*decayed.*valid=False") as rec:
        both = twin.simulate(normal + C.from_elements(**DECAYER), *RUN)
    alone = twin.simulate(normal, *RUN)
    return both, alone, rec


def test_decaying_satellite_goes_invalid_and_dark(decay_runs):
    both, _, rec = decay_runs
    assert "normal" not in str(rec[0].message)
    ds = both.dataset
    d = ds.sel(sat="decayer")
    valid = d["valid"].values
    assert valid[0] and not valid[-1]
    k = int(np.argmin(valid))
    assert valid[:k].all() and not valid[k:].any()        # once gone, gone for good
    dead = ~valid
    assert (d["throughput_gb300"].values[dead] == 0).all()
    assert d["dark"].values[dead].all()
    assert (d["gpus_on"].values[dead] == 0).all()
    for v in ("array_power_w", "load_power_w", "gpu_power_w", "host_power_w",
              "curtailed_power_w", "battery_power_w"):
        assert (d[v].values[dead] == 0).all(), v
    assert not d["throttled"].values[dead].any()
    # the battery holds its last value
    assert (d["battery_wh"].values[dead] == d["battery_wh"].values[k - 1]).all()
    assert_all_finite(both)


def test_decaying_satellite_does_not_change_the_others(decay_runs):
    both, alone, _ = decay_runs
    a, b = alone.dataset.sel(sat="normal"), both.dataset.sel(sat="normal")
    for name in alone.dataset.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)
    pa = alone.per_orbit()
    pb = both.per_orbit()
    pb = pb[pb["sat"] == "normal"].reset_index(drop=True)
    assert pa.equals(pb)


def test_decayed_time_is_not_counted_as_eclipse(decay_runs):
    """Steps after decay are 'no data', not shadow.  BUG ephemeris/geometry.py
    GeometryJob.__call__ sets ``sunlit_fraction = 0`` where SGP4 failed, and twin/summary.py
    (``longest_shadow_s``, per-orbit ``eclipse_min``/``sunlit_fraction``, the summary's
    ``mean_sunlit_fraction``) counts those steps as shadow: with one satellite decayed after
    48 min of a 3 h run the summary reports a 156 min "worst eclipse" (the true worst is
    36 min).  Fix: mask invalid steps out of the shadow statistics (pass ``valid`` to
    ``longest_shadow_s`` and ``per_orbit_rows``, average sunlit fraction over valid steps only,
    and report the invalid time separately, e.g. ``invalid_min``)."""
    both, alone, _ = decay_runs
    ds = both.dataset
    step = float(ds.attrs["step_s"])
    sf = ds["sunlit_fraction"].transpose("sat", "time").values
    valid = ds["valid"].transpose("sat", "time").values
    true_worst = longest_shadow_s(np.where(valid, sf, 1.0), step).max() / 60.0
    assert both.summary()["worst_eclipse_min"] == pytest.approx(true_worst)
    po = both.per_orbit()
    d = po[po["sat"] == "decayer"]
    shadow_valid_min = ((1 - sf[1]) * valid[1]).sum() * step / 60.0
    assert d["eclipse_min"].sum() <= shadow_valid_min + 1e-9


def test_a_satellite_below_the_atmosphere_is_not_valid(decay_runs):
    """No step is valid (power, compute) once a satellite is down in the atmosphere.
    BUG: SGP4 reports decay only when the radius drops below one Earth radius (code 6,
    ``mrt < 1``), so ``valid`` stays True while the satellite is at 90, 30 or 2 km: here
    28 steps below 100 km each deliver the full 64 GB300.  Fix (ephemeris/geometry.py
    GeometryJob.__call__ or ephemeris/propagate.py): also set ``valid`` False (and report it
    in the PropagationWarning as re-entry) from the first step whose geodetic altitude is
    below a re-entry altitude, e.g. 100 km."""
    both, _, _ = decay_runs
    d = both.dataset.sel(sat="decayer")
    valid, alt = d["valid"].values, d["alt_km"].values
    assert not (valid & (alt < 100.0)).any(), alt[valid].min()


def test_a_satellite_decayed_before_the_run_gives_finite_outputs():
    """Elements whose orbit has decayed before the run starts: every step invalid, a
    PropagationWarning naming it, and still no NaN anywhere.  BUG ephemeris/propagate.py
    ``_hold_last_good`` sets r = v = 0 for a satellite with no good step, and
    ephemeris/geometry.py geometry_from_states then divides by |r| = 0: ``beta_deg``,
    ``lat_deg``, ``alt_km`` and ``sun_rsw`` are NaN, and the summary's
    ``worst_eclipse_min`` becomes the whole run.  Fix: for such satellites fill the geometry
    with documented stand-ins (as twin/physics.py does: e.g. alt 0 or NaN-free zeros,
    sun_rsw (0, 0, 1), sunlit 0) without dividing, and leave them out of eclipse
    statistics."""
    dead = C.from_elements(epoch="2027-03-19", **DECAYER)   # decays ~48 min after its epoch
    normal = C.from_elements(altitude_km=550, inclination_deg=53, name="normal")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        r = twin.simulate(normal + dead, START, "2 h", "60 s")
    assert any(issubclass(w.category, twin.PropagationWarning) and "decayer" in str(w.message)
               for w in rec)
    assert not any(issubclass(w.category, RuntimeWarning) for w in rec), \
        [str(w.message) for w in rec]
    assert not bool(r.dataset["valid"].sel(sat="decayer").any())
    assert_all_finite(r)
    assert r.summary()["worst_eclipse_min"] < 40


# ----- time grids ------------------------------------------------------------------------------
def test_run_across_a_leap_second():
    """2016-12-31T23:00 to 2017-01-01T01:00 spans the leap second 23:59:60.  The labels are
    POSIX (no 23:59:60, uniform 60 s), and the geometry after midnight equals that of a run
    started at midnight (same elements, pinned epoch): a 1 s slip would move the longitude by
    0.004 deg and the position by ~7.6 km."""
    c = C.walker(550, 53, 1, 2, epoch="2016-12-31T23:00")
    r = twin.simulate(c, "2016-12-31T23:00", "2 h", "60 s")
    ds = r.dataset
    assert ds.sizes["time"] == 120
    dt = np.diff(ds["time"].values) / np.timedelta64(1, "s")
    assert (dt == 60).all()
    assert str(ds["time"].values[60])[:19] == "2017-01-01T00:00:00"
    assert_all_finite(r)
    late = twin.geometry(c, "2017-01-01T00:00", "1 h", "60 s")
    a = ds.isel(time=slice(60, None))
    np.testing.assert_array_equal(a["time"].values, late["time"].values)
    # measured: 0.3 mm (interpolation nodes of the frame rotations start at each run's
    # start), 3e-14 deg
    np.testing.assert_allclose(a["position_km"].values, late["position_km"].values, atol=1e-6)
    np.testing.assert_allclose(a["lon_deg"].values, late["lon_deg"].values, atol=1e-9)
    np.testing.assert_allclose(a["lat_deg"].values, late["lat_deg"].values, atol=1e-9)
    np.testing.assert_allclose(a["sunlit_fraction"].values, late["sunlit_fraction"].values,
                               atol=1e-6)
    np.testing.assert_allclose(a["beta_deg"].values, late["beta_deg"].values, atol=1e-7)
    po = r.per_orbit()
    np.testing.assert_allclose(po.groupby("sat")["duration_min"].sum(), 120.0, rtol=1e-9)
    full = po[po["complete"]]
    np.testing.assert_allclose(full["duration_min"], period_min(ds), rtol=0.01)


def energy_residual_wh(ds, design):
    """Run-long energy balance per satellite (docs/models.md sec. 4), in Wh."""
    h = float(ds.attrs["step_s"]) / 3600.0
    t = lambda v: ds[v].transpose("sat", "time").values  # noqa: E731
    gen = t("array_power_w").sum(axis=1) * h
    used = (t("load_power_w") + t("curtailed_power_w") + t("conversion_loss_w")
            + t("battery_loss_w")).sum(axis=1) * h
    stored = t("battery_wh")[:, -1] - design.battery.capacity_wh
    return gen - used - stored, gen


@pytest.mark.parametrize("duration, step", [("60 s", "60 s"), ("90 min", "90 min"),
                                            ("1 h", 3600.0)])
def test_a_run_of_a_single_step(duration, step):
    c = C.walker(550, 53, 1, 2)
    r = twin.simulate(c, START, duration, step)
    ds = r.dataset
    assert ds.sizes["time"] == 1
    assert_all_finite(r)
    step_s = float(ds.attrs["step_s"])
    po = r.per_orbit()
    assert len(po) == 2 and not po["complete"].any()
    np.testing.assert_allclose(po["duration_min"], step_s / 60.0)
    res, gen = energy_residual_wh(ds, twin.SatelliteDesign())
    assert np.abs(res).max() <= 1e-6 * max(1.0, gen.max())
    s = r.summary()
    assert s["satellites"] == 2 and s["complete_orbits"] == 0
    assert 0 <= s["sustained_gb300"] <= 2 * 64
    assert len(twin.eclipse_events(ds)) >= 0


@pytest.mark.parametrize("duration, step, n", [("1 h", "7 min", 8), ("100 s", "30 s", 3),
                                               ("1 h", 3599.5, 1), ("3 h", "1000 s", 10)])
def test_a_step_that_does_not_divide_the_duration(duration, step, n):
    """The grid is floor(duration / step) steps (docs/geometry.md): the run covers n * step,
    and everything downstream (per-orbit rows, summary energy) covers exactly that."""
    c = C.walker(550, 53, 1, 2)
    r = twin.simulate(c, START, duration, step)
    ds = r.dataset
    step_s = float(ds.attrs["step_s"])
    assert ds.sizes["time"] == n
    assert_all_finite(r)
    po = r.per_orbit()
    np.testing.assert_allclose(po.groupby("sat")["duration_min"].sum(), n * step_s / 60.0,
                               rtol=1e-9)
    gen_mwh = ds["array_power_w"].values.sum() * step_s / 3600.0 / 1e6
    assert r.summary()["energy_generated_mwh"] == pytest.approx(gen_mwh, rel=1e-9)
    res, gen = energy_residual_wh(ds, twin.SatelliteDesign())
    assert np.abs(res).max() <= 1e-6 * max(1.0, gen.max())


def test_a_step_longer_than_an_orbit_is_flagged():
    """Legal but unresolvable: with a 2 h step a 95 min orbit is aliased, and the run reports a
    240 min "worst eclipse" and refined eclipse events of 2.4 h in LEO, with no hint that the
    step is the cause.  BUG twin/simulate.py simulate / geometry: no check of the step against
    the orbital period.  Fix: warn (UserWarning naming the step, the shortest period and the
    satellite) when step_s exceeds, e.g., a quarter of the shortest period
    (1440 / max mean_motion_rev_per_day minutes), since shadow passages (~35 min) and the
    per-orbit table cannot be resolved."""
    c = C.walker(550, 53, 1, 1)
    with pytest.warns(UserWarning, match=r"step.*(period|orbit)"):
        twin.simulate(c, START, "1 day", "2 h")
