"""astropy as a first-class input (issue 16): ``astropy.time.Time`` starts, ``Quantity``
durations, steps, altitudes and design fields; the time scales and the GCRS/ITRS positions
cross-checked against astropy.  The agreement found is stated in docs/validation.md."""
from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import GCRS, ITRS, TEME, CartesianRepresentation
from astropy.time import Time, TimeDelta

import twin
from ephemeris.geometry import chunk_states, elements_from_dataset
from ephemeris.timegrid import jd_from_datetime, make_time_grid, parse_duration, parse_time
from ephemeris.validation import check_number


def test_time_and_quantities_give_the_same_run():
    plain = twin.Constellation.sun_synchronous(altitude_km=650, ltan="18:00", sats_per_plane=2)
    quant = twin.Constellation.sun_synchronous(altitude_km=650_000 * u.m, ltan="18:00",
                                               sats_per_plane=2)
    a = twin.geometry(plain, start="2027-06-21T00:00:00Z", duration="90 min", step="60 s")
    b = twin.geometry(quant, start=Time("2027-06-21T00:01:09.184", scale="tt"),
                      duration=1.5 * u.h, step=TimeDelta(60, format="sec"))
    np.testing.assert_array_equal(a["time"].values, b["time"].values)
    np.testing.assert_array_equal(a["position_km"].values, b["position_km"].values)


def test_quantities_in_builders_and_design():
    w = twin.Constellation.walker(550 * u.km, 0.925 * u.rad, 2, 2)
    assert w.elements["altitude_km"].iloc[0] == 550.0
    assert w.elements["inclination_deg"].iloc[0] == pytest.approx(np.degrees(0.925))
    e = twin.Constellation.from_elements(altitude_km=7e5 * u.m, inclination_deg=97.8 * u.deg,
                                         raan_deg=np.pi / 2 * u.rad)
    assert e.elements["raan_deg"].iloc[0] == pytest.approx(90.0)
    d = twin.SatelliteDesign(solar=twin.SolarArray(area_m2=0.04 * u.hm**2),
                             battery=twin.Battery(capacity_wh=50 * u.kW * u.h))
    assert d.solar.area_m2 == pytest.approx(400.0) and d.battery.capacity_wh == 50_000.0


@pytest.mark.parametrize("call, needle", [
    (lambda: twin.Constellation.walker(550 * u.s, 53, 1, 1), "altitude_km"),
    (lambda: parse_duration(3 * u.km, "step"), "step"),
    (lambda: make_time_grid("2027-01-01", "1 day", 2 * u.kg), "step"),
    (lambda: check_number("SolarArray.efficiency", 3 * u.m), "SolarArray.efficiency"),
    (lambda: twin.SolarArray(area_m2=4 * u.m), "area_m2"),
])
def test_wrong_unit_is_refused_naming_the_field(call, needle):
    with pytest.raises(ValueError, match=needle) as info:
        call()
    assert "does not convert" in str(info.value)


def test_array_time_and_leap_second_refused():
    with pytest.raises(TypeError, match="single instant"):
        parse_time(Time(["2027-01-01", "2027-01-02"]))
    with pytest.raises(ValueError, match="leap second"):
        parse_time(Time("2016-12-31T23:59:60.5", scale="utc"))
    with pytest.raises(TypeError, match="single duration"):
        parse_duration([1, 2] * u.s)


def test_time_scales_across_a_leap_second_match_astropy():
    """The grid's UTC labels through 2016-12-31 23:59:60: skyfield's TT agrees with astropy's
    UTC->TT (its leap-second table) to 1 microsecond.  SGP4's UTC Julian dates (86,400-s
    days, as Vallado's ``jday``) equal astropy's on ordinary days; on the day that holds the
    leap second astropy's UTC JD spreads it over the day (an 86,401-s day), so the two differ
    by the seconds elapsed that day / 86,401 (up to one second), which this checks too."""
    grid = make_time_grid(Time("2016-12-31T23:00:00", scale="utc"), "2 h", "7 min")
    ref = Time(grid.times, scale="utc")
    whole, frac = grid.jd_utc()
    diff_s = ((whole - ref.jd1) + (frac - ref.jd2)) * 86400
    leap_day = grid.times < np.datetime64("2017-01-01")
    elapsed_s = (grid.times - np.datetime64("2016-12-31")) / np.timedelta64(1, "s")
    np.testing.assert_allclose(diff_s[leap_day], elapsed_s[leap_day] / 86401.0, atol=1e-6)
    assert np.abs(diff_s[~leap_day]).max() < 1e-6
    tt = grid.skyfield_time()
    d_s = ((tt.whole - ref.tt.jd1) + (tt.tt_fraction - ref.tt.jd2)) * 86400
    assert np.abs(d_s).max() < 1e-6
    # TT - UTC is 68.184 s before the leap second and 69.184 s after it
    tt_utc = (ref.tt.datetime64 - grid.times) / np.timedelta64(1, "s")
    assert tt_utc[0] == pytest.approx(68.184, abs=1e-6)
    assert tt_utc[-1] == pytest.approx(69.184, abs=1e-6)


def test_positions_match_astropy_coordinates():
    """SGP4's TEME states, taken through astropy's TEME -> GCRS and TEME -> ITRS, against the
    twin's ``position_km`` (GCRS) and ``lat_deg``/``lon_deg``/``alt_km`` (ITRS, WGS84): within
    1 m in GCRS, 3e-4 deg and 1 m in geodetic coordinates (the twin omits polar motion, a
    few metres); dates inside astropy's bundled IERS-B table."""
    c = (twin.Constellation.walker(550, 53, 2, 2)
         + twin.Constellation.sun_synchronous(altitude_km=800, ltan="10:30"))
    ds = twin.geometry(c, start="2024-03-01T05:00:00Z", duration="30 min", step="2 min")
    ds = ds.isel(time=[0, 7, 14])
    times = ds["time"].values
    jd, fr = jd_from_datetime(times[0], (times - times[0]) / np.timedelta64(1, "s"))
    r, _, _ = chunk_states(elements_from_dataset(ds), jd, fr)
    t = Time(times, scale="utc")
    for i in range(ds.sizes["sat"]):
        teme = TEME(CartesianRepresentation(r[i].T * u.km), obstime=t)
        g = teme.transform_to(GCRS(obstime=t)).cartesian.xyz.to_value(u.km).T
        assert np.linalg.norm(g - ds["position_km"].values[i], axis=-1).max() < 1e-3
        geo = teme.transform_to(ITRS(obstime=t)).earth_location.geodetic
        assert np.abs(geo.lat.deg - ds["lat_deg"].values[i]).max() < 3e-4
        dlon = (geo.lon.deg - ds["lon_deg"].values[i] + 180.0) % 360.0 - 180.0
        assert np.abs(dlon).max() < 3e-4
        assert np.abs(geo.height.to_value(u.km) - ds["alt_km"].values[i]).max() < 1e-3
